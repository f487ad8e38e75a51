"""Arrival traces: a CSV file of the times calls arrive, for a ``traffic:`` section
that replays a real day instead of drawing one (``traffic.arrivals``).

The first column of each line is a time from the start of the run: seconds
(``28800.5``) or a duration as scenario files write them (``8h``, ``30600s``). A first
line that is not a time is a header; blank lines are skipped; other columns are
ignored (a trace exported with caller numbers or queues reads as it is). Times go
forward: a line earlier than the one before it is an error naming its line.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .. import inputfiles
from ..timeunits import parse_duration
from .schema import MAX_TRAFFIC_CALLS


class ArrivalsError(ValueError):
    """A trace that cannot be read: ``line`` (1-based) or None for the whole file."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


def _time(text: str) -> int:
    """Seconds (``28800.5``) or a duration (``8h``), as µs; ``ValueError`` names what is wrong."""
    text = text.strip()
    return parse_duration(float(text) if text.replace(".", "", 1).isdigit() else text)


def read_arrivals(path: Path) -> tuple[int, ...]:
    """The arrival times (µs) in the CSV file ``path``, in order."""
    try:
        handle = inputfiles.open_text(path, newline="")
    except OSError as exc:
        raise ArrivalsError(None, f"cannot be read: {exc.strerror or exc}") from None
    times: list[int] = []
    header: tuple[str, str] | None = None
    with handle:
        try:
            for number, row in enumerate(csv.reader(handle), start=1):
                if not row or not row[0].strip():
                    continue
                try:
                    at = _time(row[0])
                except ValueError as exc:
                    if number == 1:
                        header = (row[0].strip()[:40], str(exc))
                        continue  # a header
                    raise ArrivalsError(number, f"{row[0].strip()[:40]!r}: {exc}") from None
                if times and at < times[-1]:
                    raise ArrivalsError(number, "earlier than the line before it: arrivals go forward in time")
                times.append(at)
                if len(times) > MAX_TRAFFIC_CALLS:
                    raise ArrivalsError(number, f"more than {MAX_TRAFFIC_CALLS:,} arrivals in one run")
        except UnicodeDecodeError:
            raise ArrivalsError(None, "is not UTF-8 text") from None
        except csv.Error as exc:
            raise ArrivalsError(None, f"is not CSV: {exc}") from None
    if not times:
        if header is not None:  # a lone first line that is not a time: say why, rather than "a header"
            raise ArrivalsError(None, f"holds no arrival times: its first line, {header[0]!r}, is taken as a "
                                      f"header ({header[1]})")
        raise ArrivalsError(None, "holds no arrival times")
    return tuple(times)
