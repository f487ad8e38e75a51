"""A lane: things due in the order they were planned, holding one place in the clock's queue.

Most of what a run schedules is not a decision: a message travelling a link, a
call's retention timer. Scheduled one simpy event each, they filled the clock's
queue (a day of traffic: ~10,000 pending events, 7,000 of them retention timers)
and every event paid for a ``Timeout`` object and a heap that deep. But each of
those streams is already in order: a link never reorders (``links``), and a
timer with one fixed delay fires in the order it was set.

So a lane keeps its own items in a queue and puts **only its first item** in the
clock's queue. The order of what happens does not change at all, not even among
things due at the same microsecond: each item takes, when it is planned, exactly
the place simpy would have given its own event — the time it is due, the
normal priority and the next number of simpy's own event counter, which breaks
ties in the order events were scheduled. When the first item runs, the next one
takes its reserved place in the queue (a heap orders by place, not by when
something was pushed). Everything else scheduled meanwhile is numbered exactly
as before, so a run with lanes is event-for-event the run without them (the
golden journals and the differential test hold it to that).

Rule: a lane's items must be due in non-decreasing order (a FIFO link's due
times, or ``now + d`` for one fixed ``d``). Under the ``random`` tie-break
policy, where each event's place at an instant is a random draw, items are not
in place order, so there ``lane()`` gives one event per item, as before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from .timing import FIFO, Environment


class Lane:
    """Items due in order (``add``), each run at its own place in the clock's order."""

    __slots__ = ("env", "_items", "_armed", "callbacks", "_ok", "_value", "_fire_once")

    def __init__(self, env: Environment):
        self.env = env
        self._items: deque[tuple[int, int, Callable[[Any], None], Any]] = deque()
        self._armed = False  # the first item holds its place in the clock's queue
        # What simpy's ``step`` reads of an event it pops: its callbacks, and that it succeeded.
        self.callbacks: tuple[Callable[[Any], None], ...] | None = None
        self._ok = True
        self._value = None
        self._fire_once = (self._fire,)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, delay: int, action: Callable[[Any], None], arg: Any = None) -> None:
        """Run ``action(arg)`` ``delay`` µs from now, where an event scheduled now would run."""
        due, place = self.env.place(delay)
        items = self._items
        items.append((due, place, action, arg))
        if not self._armed:
            self._arm(due, place)

    def _arm(self, due: int, place: int) -> None:
        self._armed = True
        self.callbacks = self._fire_once
        self.env.take_place(due, place, self)

    def _fire(self, _event: Any) -> None:
        items = self._items
        _, _, action, arg = items.popleft()
        self._armed = False
        try:
            action(arg)
        finally:
            if items and not self._armed:
                due, place, _, _ = items[0]
                self._arm(due, place)


class ScatteredLane:
    """The ``random`` tie-break policy's lane: each item its own event, placed by a draw."""

    __slots__ = ("env", "_count")

    def __init__(self, env: Environment):
        self.env = env
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, delay: int, action: Callable[[Any], None], arg: Any = None) -> None:
        self._count += 1

        def run(_event: Any) -> None:
            self._count -= 1
            action(arg)

        self.env.timeout(delay).callbacks.append(run)


def lane(env: Environment) -> Lane | ScatteredLane:
    """A lane for ``env``'s tie-break policy."""
    return Lane(env) if env.tie_break == FIFO else ScatteredLane(env)
