"""Step times: absolute (``266s``) or relative to another step (``hangup + 2s``).

``at: hangup + 10ms`` means 10 ms after the step whose ``id`` (or gws request
``name``) is ``hangup``; ``at: hangup - 50ms`` 50 ms before it; ``at: hangup``
the same instant. A relative time follows its anchor: the loader resolves it
to microseconds, and a sweep that moves the anchor moves it too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from ..timeunits import DURATION_HELP, MAX_DURATION, format_delta, parse_duration


class TimedStep(Protocol):
    """What step times need of a scenario step (``schema.Step``)."""

    id: str | None
    gws: Any  # its request, if any: a relative time may name the request's ``name``
    at: Any  # microseconds once resolved, or a RelativeAt
    relative: tuple[str, int] | None

_RELATIVE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9._-]*)\s*(?:([+-])\s*(\S.*?))?\s*$")
AT_HELP = f"{DURATION_HELP}; or another step's id with an offset: 'hangup + 2s', 'hangup - 50ms'"


class RelativeAt(int):
    """A step time not yet resolved: an ``int`` (0) that remembers its anchor and offset."""

    anchor: str
    offset: int

    def __new__(cls, anchor: str, offset: int) -> RelativeAt:
        made = super().__new__(cls, 0)
        made.anchor, made.offset = anchor, offset
        return made

    def __repr__(self) -> str:
        delta = format_delta(self.offset)
        return f"'{self.anchor} {delta[0]} {delta[1:]}'"


def parse_at(value: Any) -> int:
    """A step's ``at``: microseconds, or a ``RelativeAt`` for the loader to resolve."""
    if isinstance(value, str) and (m := _RELATIVE.match(value)) is not None:
        offset = 0
        if m.group(2):
            offset = parse_duration(m.group(3))
            offset = -offset if m.group(2) == "-" else offset
        return RelativeAt(m.group(1), offset)
    return parse_duration(value)


class TimeError(ValueError):
    """A relative time that cannot be resolved; ``index`` is the step it is on."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index


def anchors(steps: Sequence[TimedStep]) -> dict[str, int]:
    """Step ids and gws request names → step index."""
    out: dict[str, int] = {}
    for index, step in enumerate(steps):
        if step.id is not None:
            out.setdefault(step.id, index)
        if step.gws is not None and step.gws.name is not None:
            out.setdefault(step.gws.name, index)
    return out


def resolve_times(steps: Sequence[TimedStep]) -> None:
    """Turn every relative ``at`` into microseconds (in place), following anchors.

    A step's relative time is kept (``Step.relative``) so that it can be
    resolved again when its anchor moves. Raises ``TimeError``.
    """
    names = anchors(steps)
    for step in steps:
        if isinstance(step.at, RelativeAt):
            step.relative = (step.at.anchor, step.at.offset)
    done: dict[int, int] = {}
    for start in range(len(steps)):
        chain: list[int] = []  # steps whose time waits on the next one's, innermost last
        index = start
        while index not in done and steps[index].relative is not None:
            if index in chain:
                circle = " → ".join(f"steps[{i}]" for i in (*chain[chain.index(index):], index))
                raise TimeError(start, f"step times refer to each other in a circle: {circle}")
            chain.append(index)
            anchor = steps[index].relative[0]  # type: ignore[index]
            if anchor not in names:
                known = ", ".join(names) or "none"
                raise TimeError(index, f"expected {AT_HELP}; no step has the id or request name {anchor!r} "
                                       f"(known: {known})")
            index = names[anchor]
        at = done.get(index, steps[index].at)
        done[index] = at
        for waiting in reversed(chain):
            anchor, offset = steps[waiting].relative  # type: ignore[misc]
            at += offset
            if not 0 <= at <= MAX_DURATION:
                raise TimeError(waiting, f"{anchor} {format_delta(offset)} falls at {at / 1_000_000:g}s, outside "
                                         "the run (0 to 365 days)")
            done[waiting] = at
    for index, step in enumerate(steps):
        step.at = done[index]
