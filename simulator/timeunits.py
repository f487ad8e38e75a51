"""Exact simulated time.

The simpy clock counts whole **microseconds** (``int``), so "the same instant"
is exact: ``266s`` and ``266000ms`` are the same number, and no float rounding
can reorder a race. Scenario files write durations as ``4s``, ``150ms``,
``250us``, ``2m``, ``1h`` or a bare number of seconds (``1.25``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

US_PER_SECOND = 1_000_000

_UNITS_US = {
    "us": 1,
    "ms": 1_000,
    "s": US_PER_SECOND,
    "m": 60 * US_PER_SECOND,
    "min": 60 * US_PER_SECOND,
    "h": 3600 * US_PER_SECOND,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|m|h)?\s*$")

DURATION_HELP = "a duration: '4s', '150ms', '250us', '2m', '1h' or a number of seconds such as 1.25"


def parse_duration(value: object) -> int:
    """Turn a scenario-file duration into integer microseconds.

    Raises ``ValueError`` with a readable message for anything else, including
    negative values and durations finer than one microsecond.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a duration cannot be negative: {value}")
        return value * US_PER_SECOND
    if isinstance(value, float):
        # A float is the binary neighbour of the decimal the author wrote:
        # round it to the clock, but refuse a real sub-microsecond part.
        us = value * US_PER_SECOND
        if value != value or value < 0 or abs(us - round(us)) > 0.01:
            raise ValueError(f"{value!r} is negative or finer than one microsecond, the clock's resolution")
        return round(us)
    if isinstance(value, str):
        text = value
    else:
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    text = value
    if text.strip().startswith("-"):
        raise ValueError(f"a duration cannot be negative: {value!r}")
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    number, unit = match.group(1), match.group(2) or "s"
    try:
        exact = Decimal(number) * _UNITS_US[unit]
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}") from exc
    if exact != exact.to_integral_value():
        raise ValueError(f"{value!r} is finer than one microsecond, the clock's resolution")
    return int(exact)


def seconds(us: int) -> float:
    """Microseconds as float seconds, for JSON output (exact for any realistic run)."""
    return us / US_PER_SECOND


def format_time(us: int) -> str:
    """Microseconds as a short readable string: ``266s``, ``266.01s``, ``0.000250s``."""
    whole, frac = divmod(us, US_PER_SECOND)
    if frac == 0:
        return f"{whole}s"
    return f"{whole}.{frac:06d}".rstrip("0") + "s"


def format_duration(us: int) -> str:
    """An interval in its largest whole unit: ``20ms``, ``250us``, ``2h``, ``1.5s``, ``0s``."""
    if us == 0:
        return "0s"
    for unit, size in (("h", 3600 * US_PER_SECOND), ("s", US_PER_SECOND), ("ms", 1000)):
        if us >= size and us % size == 0:
            return f"{us // size}{unit}"
    if us >= US_PER_SECOND:
        return format_time(us)
    if us % 1000 == 0:
        return f"{us // 1000}ms"
    return f"{us}us"


def format_delta(us: int) -> str:
    """A signed interval: ``+10ms``, ``-250us``, ``+2h``."""
    return ("-" if us < 0 else "+") + format_duration(abs(us))


def format_seconds(value: float) -> str:
    """Float seconds (as in JSON records) in the same short form as ``format_time``."""
    return format_time(round(value * US_PER_SECOND))
