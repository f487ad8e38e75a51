"""The disposition record: a run keeps its records as their JSON lines and makes each
again when it is read, equal to the one that was built."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import run_scenario
from simulator.record import DispositionRecord, DispositionRecords

from .helpers import SCENARIOS

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="module")
def records():
    return run_scenario(SCENARIOS / "transfers-to-support.yaml").dispositions


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_record_is_made_again_from_its_line_as_it_was(path):
    for line in run_scenario(path).dispositions.lines:
        record = DispositionRecord.from_json_line(line)
        assert record.to_json_line() == line
        assert DispositionRecord.model_validate(record.model_dump()) == record  # times in whole µs


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**50), st.integers(0, 2**50), st.one_of(st.none(), st.integers(0, 2**50)))
def test_a_time_below_35_years_is_the_same_microsecond_after_its_line(records, requested, reached, answered):
    record = records[0]
    times = record.times.model_copy(update={"leftDesktop": requested, "reachedTServer": reached,
                                            "answered": answered})
    changed = record.model_copy(update={"requestedAt": requested, "times": times})
    assert DispositionRecord.from_json_line(changed.to_json_line()) == changed


def test_the_records_read_as_a_list_of_records(records):
    made = [DispositionRecord.from_json_line(line) for line in records.lines]
    assert len(records) == len(made) > 10
    assert list(records) == made and records == made and made == list(records)
    assert records[3] == made[3] and records[-1] == made[-1] and records[2:5] == made[2:5]
    assert records == DispositionRecords(list(records.lines)) and records != DispositionRecords(records.lines[1:])
    assert records != made[1:] and records != "not records"
    assert records[0] is not records[0]  # made at each read: only the lines are held
    assert repr(records) == f"DispositionRecords({len(made)} records)"
    with pytest.raises(IndexError):
        records[len(made)]
    with pytest.raises(TypeError):
        hash(records)
