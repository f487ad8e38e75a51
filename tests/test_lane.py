"""A lane runs each item exactly where its own simpy event would have run."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.lane import Lane, ScatteredLane, lane
from simulator.links import ConstantLaneLink, LaneLink, later, link, ordered_link
from simulator.timing import Environment, environment

# A plan: (when it is planned, delay, "lane" or "event") — what a run schedules, in order.
plans = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4), st.sampled_from(["lane", "event"])),
                 min_size=1, max_size=40)


def _play(plan: list[tuple[int, int, str]], use_lane: bool) -> list[tuple[int, int]]:
    """Run ``plan``; lane items have one fixed delay each planning instant keeps in order."""
    env = Environment()
    ran: list[tuple[int, int]] = []
    the_lane = Lane(env)
    last_due = 0

    def planner(at: int, items: list[tuple[int, int, int, str]]) -> None:
        nonlocal last_due
        for number, _, delay, kind in items:
            if kind == "lane":
                delay = max(delay, last_due - env.now)  # a lane's items are due in order
                last_due = env.now + delay
                if use_lane:
                    the_lane.add(delay, lambda n: ran.append((n, env.now)), number)
                    continue
            later(env, delay, lambda n=number: ran.append((n, env.now)))

    by_instant: dict[int, list[tuple[int, int, int, str]]] = {}
    for number, (at, delay, kind) in enumerate(plan):
        by_instant.setdefault(at, []).append((number, at, delay, kind))
    for at in sorted(by_instant):
        later(env, at, lambda at=at: planner(at, by_instant[at]))
    env.run()
    return ran


@settings(max_examples=300, deadline=None)
@given(plans)
def test_lane_items_run_exactly_where_their_own_events_would(plan):
    assert _play(plan, use_lane=True) == _play(plan, use_lane=False)


def test_same_instant_items_and_events_keep_the_order_they_were_planned_in():
    env = Environment()
    ran: list[str] = []
    the_lane = Lane(env)
    later(env, 5, lambda: ran.append("event a"))
    the_lane.add(5, ran.append, "lane 1")
    later(env, 5, lambda: ran.append("event b"))
    the_lane.add(5, ran.append, "lane 2")
    later(env, 5, lambda: ran.append("event c"))
    env.run()
    assert ran == ["event a", "lane 1", "event b", "lane 2", "event c"]


def test_a_lane_holds_one_place_in_the_clock_queue_however_many_items_wait():
    env = Environment()
    the_lane = Lane(env)
    for i in range(1000):
        the_lane.add(10 + i, lambda _: None)
    assert len(the_lane) == 1000
    assert len(env._queue) == 1  # noqa: SLF001 - what the lane saves is exactly this
    env.run()
    assert len(the_lane) == 0 and env.now == 1009


def test_an_item_added_while_the_first_one_runs_takes_its_own_place():
    env = Environment()
    the_lane = Lane(env)
    ran: list[tuple[str, int]] = []

    def first(_):
        ran.append(("first", env.now))
        the_lane.add(0, lambda name: ran.append((name, env.now)), "added meanwhile")
        later(env, 0, lambda: ran.append(("event after it", env.now)))

    the_lane.add(3, first)
    the_lane.add(3, lambda name: ran.append((name, env.now)), "second")
    env.run()
    assert ran == [("first", 3), ("second", 3), ("added meanwhile", 3), ("event after it", 3)]


def test_a_failing_item_leaves_the_rest_of_the_lane_in_place():
    env = Environment()
    the_lane = Lane(env)
    ran: list[str] = []

    def boom(_):
        raise RuntimeError("boom")

    the_lane.add(1, boom)
    the_lane.add(2, ran.append, "next")
    with pytest.raises(RuntimeError, match="boom"):
        env.run()
    env.run()
    assert ran == ["next"] and env.now == 2


def test_under_random_tie_break_each_item_is_its_own_event():
    env = environment("random", random.Random(1))
    assert isinstance(lane(env), ScatteredLane) and isinstance(lane(Environment()), Lane)
    scattered = lane(env)
    ran: list[int] = []
    for i in range(3):
        scattered.add(5, ran.append, i)
    assert len(scattered) == 3 and len(env._queue) == 3  # noqa: SLF001
    env.run()
    assert sorted(ran) == [0, 1, 2] and len(scattered) == 0


def test_fifo_links_ride_a_lane_and_random_ones_do_not():
    env = Environment()
    assert isinstance(link(env, 10, print), ConstantLaneLink)
    assert type(link(env, lambda: 3, print)) is LaneLink
    random_env = environment("random", random.Random(1))
    assert not isinstance(link(random_env, 10, print), LaneLink)
    assert not isinstance(link(random_env, lambda: 3, print), LaneLink)


def test_a_lane_link_delivers_a_batch_together_in_order():
    env = Environment()
    got: list[tuple[str, int]] = []
    the_link = link(env, 7, lambda m: got.append((m, env.now)))
    the_link.send("a")
    the_link.send_all(["b", "c"])
    env.run()
    assert got == [("a", 7), ("b", 7), ("c", 7)]


@pytest.mark.parametrize("delay", [1, 2, 1_000])
def test_a_link_of_a_few_microseconds_is_not_instant(delay):
    env = Environment()
    got: list[tuple[str, int]] = []
    the_link = link(env, delay, lambda m: got.append((m, env.now)))
    the_link.send("m")
    assert got == []
    env.run()
    assert got == [("m", delay)]


@pytest.mark.parametrize("make", [link, ordered_link])
@pytest.mark.parametrize("policy", ["fifo", "random"])
def test_a_negative_delay_is_refused_naming_the_link(make, policy):
    env = environment(policy, random.Random(1))
    with pytest.raises(ValueError, match="link tserver_to_gws: negative delay -5"):
        make(env, -5, print, "tserver_to_gws")
