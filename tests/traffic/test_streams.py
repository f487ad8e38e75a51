"""Each random habit of generated traffic draws from a stream of its own that follows the
run's seed: another seed, other draws; the same seed, the same ones. A mutation run found
that no test would notice a stream cut loose from the seed (the breaks', the holds', the
Done click's, the consult's patience): every run would then draw the same breaks."""

from __future__ import annotations

import pytest

from simulator import parse_scenario, timing
from simulator.traffic.source import TrafficSource
from simulator.world import build_world

HABITS = """\
version: 1
name: habits
description: every random habit of generated traffic
switch:
  dns:
    "15000": {agent: agent1}
    "15001": {agent: agent2}
    "19000": {type: ACDQueue}
traffic:
  rate: 0.1
  duration: 600s
  to: "19000"
  talk: {dist: exponential, mean: 60s}
  hold: {share: 0.5, after: {dist: uniform, low: 1s, high: 20s}, duration: {dist: exponential, mean: 10s}}
  transfer: {share: 0.5, to: "15001", after: 5s, how: two_step,
             consult_patience: {dist: uniform, low: 5s, high: 30s}}
  breaks: {every: {dist: exponential, mean: 600s}, duration: {dist: uniform, low: 60s, high: 300s}}
  done_after: {dist: uniform, low: 1s, high: 10s}
"""


def _samplers(seed: int) -> dict[str, object]:
    world = build_world(parse_scenario(HABITS).scenario, seed)
    source = TrafficSource(world, world.scenario.traffic)
    assert source.breaks is not None and source.transfers is not None
    return {"hold after": source.hold_after, "hold for": source.hold_for, "done after": source.done_after,
            "break every": source.breaks.every, "break for": source.breaks.lasting,
            "consult patience": source.transfers.patience}


def _draws(seed: int) -> dict[str, list[int]]:
    return {name: [draw() for _ in range(5)] for name, draw in _samplers(seed).items()}  # type: ignore[operator]


@pytest.mark.parametrize("habit", ["hold after", "hold for", "done after", "break every", "break for",
                                   "consult patience"])
def test_each_habit_draws_from_the_runs_seed(habit):
    assert _draws(1)[habit] == _draws(1)[habit]  # the same seed: the same draws
    assert _draws(1)[habit] != _draws(2)[habit]  # another seed: others


def test_every_stream_of_the_traffic_is_the_runs_and_its_own(monkeypatch):
    """Each stream is asked for with the run's seed and a name no other stream has: two
    habits drawn from one stream would move together."""
    asked: list[tuple[int, str]] = []
    real = timing.stream
    monkeypatch.setattr(timing, "stream", lambda seed, name: asked.append((seed, name)) or real(seed, name))
    _samplers(3)
    names = [name for _, name in asked]
    assert {seed for seed, _ in asked} == {3}
    assert len(names) == len(set(names)) >= 6
