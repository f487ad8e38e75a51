"""The seeded draws traffic makes: a delay (fixed, or drawn from a stream of its own)
and a pick among choices by share."""

from __future__ import annotations

import bisect
import itertools
import random
from typing import Any

from .. import timing


def delay(seed: int, name: str, spec: Any) -> timing.Sampler:
    """A sampler of µs for ``spec``: a constant needs no draw; a distribution draws
    from the stream ``name`` alone."""
    fixed = timing.constant(spec)
    return (lambda: fixed) if fixed is not None else timing.sampler(spec, timing.stream(seed, name))


class Pick:
    """One of ``shares``' keys, each as often as its share (they add up to 1); with a
    single choice nothing is drawn, so adding the option shifts no other draw."""

    __slots__ = ("choices", "bounds", "stream")

    def __init__(self, shares: dict[str, float], stream: random.Random):
        self.choices = list(shares)
        self.bounds = list(itertools.accumulate(shares.values()))  # cumulative shares
        self.stream = stream

    def __call__(self) -> str:
        choices = self.choices
        if len(choices) == 1:
            return choices[0]
        return choices[min(bisect.bisect_right(self.bounds, self.stream.random()), len(choices) - 1)]
