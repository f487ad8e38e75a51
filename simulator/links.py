"""One-way links between components, and the run's ordering rule.

Ordering at one instant (exact, because time is integer µs), under the
default ``fifo`` tie-break policy (``timing``):

1. Messages in flight that are due at instant *t* (link deliveries) arrive
   **before** scripted steps at *t* run. A step at exactly ``hangup + delay``
   therefore already sees what the hangup caused.
2. Deliveries due at the same instant arrive in the order they were sent;
   scripted steps at the same instant run in file order (simpy's FIFO).
3. A link whose delay is **zero** delivers synchronously, inside the action
   that sent it (unless an earlier message is still in flight on it): with all
   delays at 0, each step plays out completely before the next one at the same
   instant starts.

A link never reorders its messages, as a TCP connection would not: with a
varying delay, a message is delivered no earlier than the one sent before it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from .lane import Lane
from .timing import FIFO, Environment, Sampler


def _run_action(event: Any) -> None:
    event.value()  # a timeout whose value is the action to run


def later(env: Environment, delay: int, action: Callable[[], None]) -> None:
    """Run ``action`` ``delay`` µs from now, among the messages due then.

    simpy's public API: a ``Timeout`` whose value is the action, and one shared
    callback that runs it (no closure made per call).
    """
    env.timeout(delay, action).callbacks.append(_run_action)


def after_deliveries(env: Environment, action: Callable[[], None]) -> None:
    """Run ``action`` now, but only once nothing else is due at this instant.

    A scripted step waits this way for the messages due at its instant (rule 1):
    while simpy still has events at ``now``, it steps back behind them.
    """
    if env.peek() == env.now:
        later(env, 0, lambda: after_deliveries(env, action))
    else:
        action()


class Link:
    """A one-way FIFO link; ``delay`` is µs or a sampler drawing µs per message.

    Build one with ``link()``, which picks the cheapest kind that keeps the
    rules: a constant zero delay delivers at once, a constant delay needs no
    draws, a varying one keeps messages in order.
    """

    __slots__ = ("env", "delay", "deliver", "name", "_in_flight", "_last_due")

    def __init__(self, env: Environment, delay: int | Sampler, deliver: Callable[[Any], None],
                 name: str = ""):
        if isinstance(delay, int) and delay < 0:
            raise ValueError(f"link {name}: negative delay {delay}")
        self.env = env
        self.delay = delay
        self.deliver = deliver
        self.name = name
        self._in_flight: deque[tuple[Any, bool]] = deque()
        self._last_due = 0

    def send(self, message: Any) -> None:
        self._send(message, False)

    def send_all(self, messages: list[Any]) -> None:
        """Send several messages at once: they arrive together, in order."""
        self._send(messages, True)

    def _due(self, now: int) -> int:
        delay = self.delay
        return max(now + (delay if isinstance(delay, int) else delay()), self._last_due)

    def _send(self, payload: Any, batch: bool) -> None:
        env = self.env
        now = env.now
        due = self._due(now)
        if due == now and not self._in_flight:
            self._arrive(payload, batch)
            return
        self._last_due = due
        self._in_flight.append((payload, batch))
        later(env, due - now, self._next)

    def _next(self) -> None:
        # Whichever of the events due now fires first delivers the oldest message.
        payload, batch = self._in_flight.popleft()
        self._arrive(payload, batch)

    def _arrive(self, payload: Any, batch: bool) -> None:
        if batch:
            for message in payload:
                self.deliver(message)
        else:
            self.deliver(payload)


class ConstantLink(Link):
    """A link whose delay never varies: due times never go backwards, no draw needed."""

    __slots__ = ()

    def _due(self, now: int) -> int:
        return now + self.delay  # type: ignore[operator]  # link() gives this class an int


class LaneLink(Link):
    """A link under the ``fifo`` policy: its messages wait in the link's own lane
    (``lane``), which holds one place in the clock's queue for the oldest of them;
    each message still arrives exactly where its own event would have."""

    __slots__ = ("_lane",)

    def __init__(self, env: Environment, delay: int | Sampler, deliver: Callable[[Any], None],
                 name: str = ""):
        super().__init__(env, delay, deliver, name)
        self._lane = Lane(env)

    def _send(self, payload: Any, batch: bool) -> None:
        now = self.env.now
        due = self._due(now)
        lane = self._lane
        if due == now and not lane:
            self._arrive(payload, batch)
            return
        self._last_due = due
        lane.add(due - now, self._arrive_all if batch else self.deliver, payload)

    def _arrive_all(self, messages: list[Any]) -> None:
        deliver = self.deliver
        for message in messages:
            deliver(message)


class ConstantLaneLink(LaneLink):
    """A lane link whose delay never varies: no draw, due times never go backwards."""

    __slots__ = ()

    def _due(self, now: int) -> int:
        return now + self.delay  # type: ignore[operator]  # link() gives this class an int


class DirectLink(Link):
    """A link with no delay at all: every message is delivered inside the send."""

    __slots__ = ()

    def send(self, message: Any) -> None:
        self.deliver(message)

    def send_all(self, messages: list[Any]) -> None:
        deliver = self.deliver
        for message in messages:
            deliver(message)


def link(env: Environment, delay: int | Sampler, deliver: Callable[[Any], None], name: str = "") -> Link:
    """The cheapest link that keeps the rules for ``delay``."""
    if isinstance(delay, int):
        if delay == 0:
            return DirectLink(env, delay, deliver, name)
        fifo = env.tie_break == FIFO
        return (ConstantLaneLink if fifo else ConstantLink)(env, delay, deliver, name)
    return ordered_link(env, delay, deliver, name)


def ordered_link(env: Environment, delay: int | Sampler, deliver: Callable[[Any], None], name: str = "") -> Link:
    """A link that keeps its messages in order whatever ``delay`` draws (and may be
    told to start behind another's messages: ``_last_due``)."""
    return (LaneLink if env.tie_break == FIFO else Link)(env, delay, deliver, name)
