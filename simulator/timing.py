"""Delays and the order of same-instant events.

**Delays.** Each link's one-way delay is a constant or a seeded distribution,
sampled per message in whole microseconds:

============  ==========================  =====================================
dist          parameters                  sample
============  ==========================  =====================================
fixed         value                       value
uniform       low, high                   uniform in [low, high]
exponential   mean                        exponential with that mean
normal        mean, sd                    normal, truncated at 0 (never < 0)
============  ==========================  =====================================

Every link draws from its own ``random.Random`` seeded with the run's seed and
the link's name, so changing one link's delay does not shift any other link's
draws — a sweep varies one thing at a time.

**Tie-break policy** for events due at the same microsecond:

- ``fifo`` (default, as simpy does): deliveries due at an instant come before
  scripted steps at it; among equals, the one scheduled first runs first
  (steps: file order).
- ``random`` (as Ciw offers): events due at the same instant run in a seeded
  random order, steps and deliveries alike, so a race can be replayed the other
  way. A link still never reorders its own messages.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from heapq import heappush
from typing import TYPE_CHECKING, Any

import simpy
from simpy.events import NORMAL, EventPriority

from .timeunits import format_duration

FIFO = "fifo"
RANDOM = "random"
TIE_BREAKS = (FIFO, RANDOM)

Sampler = Callable[[], int]
RANDOM_KEYS = 2**53  # a random() draw times this is a whole number, in the same order


def stream(seed: int, name: str) -> random.Random:
    """A random stream of its own for ``name`` within a run seeded ``seed``."""
    return random.Random(f"tsim:{seed}:{name}")


def sampler(spec: Any, rng: random.Random) -> Sampler:
    """A function drawing one delay (µs) from ``spec`` (µs int or a distribution)."""
    if isinstance(spec, int):
        return lambda: spec
    dist = spec.dist
    if dist == "fixed":
        value = spec.value
        return lambda: value
    if dist == "uniform":
        low, high = spec.low, spec.high
        return lambda: rng.randint(low, high)
    if dist == "exponential":
        rate = 1 / spec.mean if spec.mean else 0.0
        return (lambda: round(rng.expovariate(rate))) if rate else (lambda: 0)
    if dist == "normal":
        mean, sd = spec.mean, spec.sd
        return lambda: max(0, round(rng.gauss(mean, sd)))
    raise ValueError(f"unknown delay distribution {dist!r}")


def constant(spec: Any) -> int | None:
    """The delay if it never varies, else None."""
    if isinstance(spec, int):
        return spec
    return spec.value if spec.dist == "fixed" else None


def describe(spec: Any) -> str:
    """A delay as a person reads it: ``5ms``, ``uniform 1ms–3ms``."""
    f = format_duration
    if isinstance(spec, int):
        return f(spec)
    if spec.dist == "fixed":
        return f(spec.value)
    if spec.dist == "uniform":
        return f"uniform {f(spec.low)}–{f(spec.high)}"
    if spec.dist == "exponential":
        return f"exponential, mean {f(spec.mean)}"
    return f"normal {f(spec.mean)} ± {f(spec.sd)}, ≥ 0"


class Environment(simpy.Environment):
    """A simpy environment that names its tie-break policy: ``fifo``, simpy's own order.

    Its clock counts whole microseconds: every delay tsim schedules is an
    ``int``, so ``now`` is one too (simpy types it ``int | float``).
    """

    tie_break: str = FIFO

    def __init__(self) -> None:
        super().__init__(initial_time=0)

    def place(self, delay: int) -> tuple[int, int]:
        """The place an event scheduled now, ``delay`` µs ahead, takes in the clock's
        order: (when it is due, its number in simpy's own event counter). Taking the
        number uses it up, exactly as scheduling the event would (``lane``)."""
        return self.now + delay, next(self._eid)

    def take_place(self, due: int, place: int, event: Any) -> None:
        """Put ``event`` in the clock's queue at a place ``place()`` reserved earlier."""
        heappush(self._queue, (due, NORMAL, place, event))

    if TYPE_CHECKING:
        @property
        def now(self) -> int: ...


class RandomTieBreakEnvironment(Environment):
    """Same-instant events in a seeded random order (the ``random`` policy)."""

    tie_break = RANDOM

    def __init__(self, rng: random.Random):
        super().__init__()
        self._tie_rng = rng

    def schedule(self, event: Any, priority: Any = NORMAL, delay: Any = 0) -> None:
        """simpy orders events by (time, priority, its own counter): here every
        event's priority is a random draw, so the counter only breaks ties between
        equal draws. (Every event tsim schedules has the same priority.)"""
        super().schedule(event, EventPriority(int(self._tie_rng.random() * RANDOM_KEYS)), delay)


def environment(tie_break: str = FIFO, rng: random.Random | None = None) -> Environment:
    """The clock for a run under ``tie_break``."""
    if tie_break == FIFO:
        return Environment()
    if tie_break == RANDOM:
        return RandomTieBreakEnvironment(rng or random.Random(0))
    raise ValueError(f"tie-break must be one of {', '.join(TIE_BREAKS)}")
