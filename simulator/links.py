"""One-way links between components, and the run's ordering rule.

Ordering at one instant (the tie-break rule, exact because time is integer µs):

1. Messages in flight that are due at instant *t* (link deliveries) arrive
   **before** scripted steps at *t* run. A step at exactly ``hangup + delay``
   therefore already sees what the hangup caused.
2. Deliveries due at the same instant arrive in the order they were sent;
   scripted steps at the same instant run in file order (simpy's FIFO).
3. A link with **zero** delay delivers synchronously, inside the action that
   sent it: with all delays at 0, each step plays out completely before the
   next one at the same instant starts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT, Event


class _Scheduled(Event):
    """An event that fires ``action`` after ``delay`` at a given priority."""

    __slots__ = ()

    def __init__(self, env: simpy.Environment, delay: int, priority: int, action: Callable[[Any], None]):
        # Inlined Event.__init__ + trigger, as simpy's Timeout does.
        self.env = env
        self.callbacks = [action]
        self._value = None
        self._ok = True
        env.schedule(self, priority, delay)


def at_step_priority(env: simpy.Environment, delay: int, action: Callable[[], None]) -> None:
    """Run a scripted step ``delay`` µs from now (after deliveries due then)."""
    _Scheduled(env, delay, NORMAL, lambda _event: action())


class Link:
    """A one-way link with a constant delay in µs (see the module rule)."""

    __slots__ = ("env", "delay", "deliver", "name")

    def __init__(self, env: simpy.Environment, delay: int, deliver: Callable[[Any], None], name: str = ""):
        if delay < 0:
            raise ValueError(f"link {name}: negative delay {delay}")
        self.env = env
        self.delay = delay
        self.deliver = deliver
        self.name = name

    def send(self, message: Any) -> None:
        if self.delay == 0:
            self.deliver(message)
        else:
            deliver = self.deliver
            _Scheduled(self.env, self.delay, URGENT, lambda _event: deliver(message))

    def send_all(self, messages: list[Any]) -> None:
        """Send several messages at once: they arrive together, in order."""
        deliver = self.deliver
        if self.delay == 0:
            for message in messages:
                deliver(message)
        else:
            def arrive(_event: Any) -> None:
                for message in messages:
                    deliver(message)
            _Scheduled(self.env, self.delay, URGENT, arrive)
