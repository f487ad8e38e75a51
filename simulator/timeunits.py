"""Exact simulated time.

The simpy clock counts whole **microseconds** (``int``), so "the same instant"
is exact: ``266s`` and ``266000ms`` are the same number, and no float rounding
can reorder a race. Scenario files write durations as ``4s``, ``150ms``,
``250us``, ``2m``, ``1h`` or a bare number of seconds (``1.25``).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

US_PER_SECOND = 1_000_000
MAX_DAYS = 365
MAX_DURATION = MAX_DAYS * 24 * 3600 * US_PER_SECOND
"""The longest duration (and time) a scenario may name: a year. Times stay far
below 2**53 µs, so the float seconds written to JSON are exact."""

_UNITS_US = {
    "us": 1,
    "ms": 1_000,
    "s": US_PER_SECOND,
    "m": 60 * US_PER_SECOND,
    "min": 60 * US_PER_SECOND,
    "h": 3600 * US_PER_SECOND,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|m|h)?\s*$")

DURATION_HELP = ("a duration: '4s', '150ms', '250us', '2m', '1h' or a number of seconds such as 1.25, "
                 f"at most {MAX_DAYS} days")


def parse_duration(value: object) -> int:
    """Turn a scenario-file duration into integer microseconds.

    Raises ``ValueError`` with a readable message for anything else, including
    negative values, durations finer than one microsecond and durations over
    ``MAX_DURATION``.
    """
    return _bounded(_parse(value), value)


def _bounded(us: int, value: object) -> int:
    if us > MAX_DURATION:
        raise ValueError(f"{_shown(value)} is longer than {MAX_DAYS} days, the longest duration a scenario may name")
    return us


def _shown(value: object) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int too long for Python to print
        return "a number of thousands of digits"
    return text if len(text) <= 40 else text[:37] + "..."


def _parse(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a duration cannot be negative: {_shown(value)}")
        if value > MAX_DURATION // US_PER_SECOND:
            return MAX_DURATION + 1
        return value * US_PER_SECOND
    if isinstance(value, float):
        # A float is the binary neighbour of the decimal the author wrote:
        # round it to the clock, but refuse a real sub-microsecond part.
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
        if value > MAX_DURATION / US_PER_SECOND:
            return MAX_DURATION + 1
        us = value * US_PER_SECOND
        if abs(us - round(us)) > 0.01:
            raise ValueError(f"{value!r} is finer than one microsecond, the clock's resolution")
        return round(us)
    if not isinstance(value, str):
        raise ValueError(f"expected {DURATION_HELP}, got {_shown(value)}")
    text = value
    if text.strip().startswith("-"):
        raise ValueError(f"a duration cannot be negative: {_shown(value)}")
    match = _DURATION.match(text) if len(text) <= 64 else None
    if not match:
        raise ValueError(f"expected {DURATION_HELP}, got {_shown(value)}")
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
    """An interval in its largest whole unit: ``20ms``, ``250us``, ``2h``, ``50min``, ``1.5s``, ``0s``."""
    if us == 0:
        return "0s"
    for unit, size in (("h", 3600 * US_PER_SECOND), ("min", 60 * US_PER_SECOND), ("s", US_PER_SECOND), ("ms", 1000)):
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
