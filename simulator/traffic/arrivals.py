"""When generated calls arrive: Poisson at a rate until a duration, at a rate per
interval, or at the times of a trace; each arrival plans the next."""

from __future__ import annotations

from collections.abc import Callable

from .. import timing
from ..links import later
from ..scenario.schema import Traffic
from ..timing import Environment


class Arrivals:
    def __init__(self, env: Environment, spec: Traffic, seed: int, arrive: Callable[[], None]):
        self.env, self.spec, self.arrive = env, spec, arrive
        self.draws = timing.stream(seed, "traffic:arrivals")
        self._period = 0  # with rates: the interval arrivals are drawn in
        self._traced = 0  # with an arrivals trace: the next line

    def last(self) -> int:
        """When the traffic stops bringing calls (µs)."""
        spec = self.spec
        if spec.duration is not None:
            return spec.duration
        if spec.rates is not None:
            return spec.rates[-1].until
        return spec._times[-1]  # noqa: SLF001 - read by the loader

    def plan_next(self) -> None:
        """Plan the next arrival, if there is one."""
        spec, now = self.spec, self.env.now
        if spec.rate is not None and spec.duration is not None:
            gap = round(self.draws.expovariate(spec.rate) * 1_000_000)
            if now + gap <= spec.duration:
                later(self.env, gap, self.arrive)
        elif spec.rates is not None:
            self._next_in_rates(now)
        else:
            times = spec._times  # noqa: SLF001 - read by the loader
            if self._traced < len(times):
                self._traced += 1
                later(self.env, times[self._traced - 1] - now, self.arrive)

    def _next_in_rates(self, now: int) -> None:
        """Poisson arrivals at a rate that changes per interval: the gap is drawn at the
        current interval's rate; one that crosses the interval's end starts again from
        that end at the next rate (exact, as arrivals have no memory)."""
        rates = self.spec.rates or []
        at = now
        while self._period < len(rates):
            period = rates[self._period]
            if period.rate > 0:
                gap = round(self.draws.expovariate(period.rate) * 1_000_000)
                if at + gap <= period.until:
                    later(self.env, at + gap - now, self.arrive)
                    return
            at = max(at, period.until)
            self._period += 1
