import pytest

from simulator.timeunits import (
    format_delta,
    format_duration,
    format_time,
    parse_duration,
)


@pytest.mark.parametrize("text,us", [
    ("4s", 4_000_000), ("150ms", 150_000), ("250us", 250), ("1.25", 1_250_000), (1.25, 1_250_000),
    (3, 3_000_000), ("2m", 120_000_000), ("1h", 3_600_000_000), ("266.010", 266_010_000),
    ("0.000001", 1), (" 5 ms ", 5_000),
])
def test_durations_are_exact_microseconds(text, us):
    assert parse_duration(text) == us


@pytest.mark.parametrize("bad", ["-1s", -1, "4 days", "", "1e3", "0.0000001", True, None, [1]])
def test_bad_durations_are_refused_with_a_message(bad):
    with pytest.raises(ValueError) as info:
        parse_duration(bad)
    assert str(info.value)


def test_same_instant_is_exact():
    assert parse_duration("266.01") == parse_duration("266010ms") == parse_duration(266.01)


def test_formatting():
    assert format_time(266_010_000) == "266.01s" and format_time(0) == "0s"
    assert format_duration(20_000) == "20ms" and format_duration(7_200_000_000) == "2h"
    assert format_duration(3_000_000_000) == "50min" and format_duration(90_000_000) == "90s"
    assert format_delta(-250) == "-250us" and format_delta(10_000) == "+10ms"
