"""Delay distributions, FIFO links and the tie-break policy."""

import random
import statistics

import pytest
import simpy

from simulator import parse_scenario, run_scenario
from simulator.links import Link, after_deliveries, later, link
from simulator.scenario.schema import DelaySpec
from simulator.timing import constant, describe, environment, sampler, stream

from .helpers import SCENARIOS


def spec(**fields):
    return DelaySpec.model_validate(fields)


def draws(delay, n=4000, seed=1):
    draw = sampler(delay, random.Random(seed))
    return [draw() for _ in range(n)]


def test_distributions_draw_whole_microseconds_in_range():
    assert set(draws(spec(dist="fixed", value="5ms"), 10)) == {5000}
    uniform = draws(spec(dist="uniform", low="1ms", high="3ms"))
    assert min(uniform) >= 1000 and max(uniform) <= 3000 and abs(statistics.mean(uniform) - 2000) < 60
    exponential = draws(spec(dist="exponential", mean="10ms"))
    assert min(exponential) >= 0 and abs(statistics.mean(exponential) - 10_000) < 800
    normal = draws(spec(dist="normal", mean="1ms", sd="2ms"))
    assert min(normal) == 0  # truncated at 0, never negative
    assert all(isinstance(x, int) for x in uniform + exponential + normal)


def test_streams_are_seeded_and_independent():
    a, b = stream(1, "gws_to_tserver"), stream(1, "gws_to_tserver")
    assert [a.random() for _ in range(3)] == [b.random() for _ in range(3)]
    assert stream(1, "x").random() != stream(1, "y").random() != stream(2, "x").random()


def test_delay_specs_are_checked_and_described():
    with pytest.raises(ValueError, match="takes low and high"):
        spec(dist="uniform", low="1ms")
    with pytest.raises(ValueError, match="low is above high"):
        spec(dist="uniform", low="3ms", high="1ms")
    assert describe(spec(dist="normal", mean="5ms", sd="1ms")) == "normal 5ms ± 1ms, ≥ 0"
    assert constant(spec(dist="fixed", value="2ms")) == 2000 and constant(spec(dist="exponential", mean=1)) is None


def test_a_link_with_varying_delay_never_reorders():
    env = simpy.Environment()
    got = []
    link = Link(env, sampler(spec(dist="uniform", low=0, high="10ms"), random.Random(3)), got.append)
    for n in range(200):
        later(env, n * 100, lambda n=n: link.send(n))
    env.run()
    assert got == list(range(200))


def test_zero_delay_link_does_not_overtake_a_message_in_flight():
    env = simpy.Environment()
    got = []
    delays = iter([1000, 0])
    link = Link(env, lambda: next(delays), got.append)
    link.send("first")
    link.send("second")  # drawn 0, but "first" is still in flight
    assert got == []
    env.run()
    assert got == ["first", "second"]


RACE = """\
version: 1
name: race
description: a disposition and a hangup at the same instant, with instantaneous links
seed: %(seed)s
tie_break: %(policy)s
switch:
  dns: {"15000": {agent: agent1}, "15001": {}}
  latency: {gws_to_tserver: 0s, tserver_to_gws: 0s, tserver_to_reporting: 0s}
steps:
  - {at: 0s, dial: {from: "15001", to: "15000"}, call: c1}
  - {at: 1s, answer: {dn: "15000", call: c1}}
  - at: 5s
    gws: {user: agent1, post: "/api/v2/me/calls/{c1}",
          body: {operationName: SetCallDisposition, callUuid: "{c1}", disposition: X}}
  - {at: 5s, hangup: {dn: "15001", call: c1}}
"""


def race_path(seed, policy):
    result = run_scenario(parse_scenario(RACE % {"seed": seed, "policy": policy}))
    return result.dispositions[0].path, result.tie_break


def test_fifo_plays_same_instant_steps_in_file_order():
    assert {race_path(seed, "fifo") for seed in range(10)} == {("userData", "fifo")}


def test_random_tie_break_replays_the_race_both_ways_and_is_seeded():
    outcomes = {seed: race_path(seed, "random")[0] for seed in range(16)}
    assert set(outcomes.values()) == {"userData", "userEvent"}
    assert all(race_path(seed, "random")[0] == path for seed, path in outcomes.items())


def test_random_tie_break_keeps_a_fixed_scenario_passing():
    # one event per instant: the policy cannot change anything
    result = run_scenario(SCENARIOS / "disposition-after-release.yaml", tie_break="random")
    assert result.passed and result.tie_break == "random"


def test_environment_refuses_unknown_policy():
    with pytest.raises(ValueError):
        environment("lifo")


def test_desktop_and_processing_delays_show_in_the_record_times():
    text = (SCENARIOS / "disposition-while-established.yaml").read_text().replace(
        '    "15001": {type: Extension}\n',
        '    "15001": {type: Extension}\n  latency: {desktop_to_gws: 30ms, tserver_processing: 2ms, '
        'gws_to_desktop: 40ms}\n', 1)
    result = run_scenario(parse_scenario(text))
    record = result.dispositions[0]
    assert record.times.model_dump() == {"leftDesktop": 266_000_000, "reachedGws": 266_030_000,
                                         "reachedTServer": 266_035_000, "answered": 266_037_000,
                                         "answerAtGws": 266_042_000, "cometdAtDesktop": 266_082_000}
    assert record.to_json()["times"] == {"leftDesktop": 266.0, "reachedGws": 266.03, "reachedTServer": 266.035,
                                         "answered": 266.037, "answerAtGws": 266.042, "cometdAtDesktop": 266.082}


def test_a_latency_step_changes_the_race_from_its_instant_on():
    text = (SCENARIOS / "view-lag.yaml").read_text()
    change = "  - {at: 100s, latency: {gws_to_tserver: 0ms, tserver_to_gws: 1ms}}\n"
    quick = text.replace("  - {at: 266s, id: hangup", change + "  - {at: 266s, id: hangup", 1)
    before = run_scenario(parse_scenario(text)).disposition("dispose")
    after = run_scenario(parse_scenario(quick)).disposition("dispose")
    assert (before.path, before.reporting.outcome) == ("userData", "lost")
    assert (after.path, after.reporting.outcome) == ("userEvent", "reported")


def test_a_link_never_reorders_across_a_delay_change():
    from simulator.world import change_delay

    from .helpers import make_world

    world = make_world(down="50ms")
    seen = []
    original = world.gws.on_event
    world.gws.on_event = lambda event: (seen.append((world.env.now, event.name)), original(event))
    change_delay(world, "tserver_to_gws", 50_000)  # the handler above is what the new link delivers to
    from simulator.tserver import agents

    world.tserver.phone(lambda: agents.set_state(world.tserver, "15000", "NotReady"))  # sent at t, due t+50ms
    change_delay(world, "tserver_to_gws", 1_000)  # now 1 ms
    world.tserver.phone(lambda: agents.set_state(world.tserver, "15000", "Ready"))  # must not overtake
    world.env.run()
    names = [name for _, name in seen]
    assert names.index("EventAgentNotReady") < names.index("EventAgentReady")
    times = dict((name, t) for t, name in seen)
    assert times["EventAgentReady"] >= times["EventAgentNotReady"]


def test_every_delay_is_described_as_a_person_reads_it():
    assert describe(5000) == "5ms"
    assert describe(spec(dist="fixed", value="2ms")) == "2ms"
    assert describe(spec(dist="uniform", low="1ms", high="3ms")) == "uniform 1ms–3ms"
    assert describe(spec(dist="exponential", mean="10ms")) == "exponential, mean 10ms"


def test_an_exponential_delay_of_mean_zero_is_always_zero():
    assert set(draws(spec(dist="exponential", mean=0), 50)) == {0}


def test_the_unknown_policy_is_named_with_the_known_ones():
    with pytest.raises(ValueError, match=r"^tie-break must be one of fifo, random$"):
        environment("lifo")


def test_under_the_random_policy_an_event_triggered_now_happens_now():
    env = environment("random", random.Random(4))
    seen = []
    later(env, 7, lambda: env.event().succeed().callbacks.append(lambda _: seen.append(env.now)))
    env.run()
    assert seen == [7]


def test_the_random_policy_without_a_stream_of_its_own_is_still_seeded():
    def order() -> list[int]:
        env = environment("random")
        got: list[int] = []
        for n in range(20):
            later(env, 5, lambda n=n: got.append(n))
        env.run()
        return got

    first = order()
    assert first == order() and first != list(range(20))


def test_a_step_due_with_messages_runs_at_its_instant_after_them():
    """(links.after_deliveries) A step waits behind what is due at its instant, but
    not a microsecond longer."""
    env = environment()
    got: list[tuple[str, int]] = []
    link = Link(env, 10, lambda m: got.append((m, env.now)))
    link.send("message")
    later(env, 10, lambda: after_deliveries(env, lambda: got.append(("step", env.now))))
    later(env, 10, lambda: link.send("second"))  # (a send at the step's instant is not waited for)
    env.run()
    assert got[:2] == [("message", 10), ("step", 10)]


@pytest.mark.parametrize("kind", [Link, link], ids=["Link", "link() (a lane link under fifo)"])
def test_a_varying_link_that_draws_zero_delivers_inside_the_send(kind):
    env = environment()
    got: list[str] = []
    link = kind(env, lambda: 0, got.append)

    def act() -> None:
        link.send("now")
        got.append("after the send")

    later(env, 3, act)
    env.run()
    assert got == ["now", "after the send"]
    env0 = environment()  # a fresh link at time 0 delivers at 0, too
    at_start = kind(env0, lambda: 0, lambda m: got.append(f"{m}@{env0.now}"))
    at_start.send("first")
    assert got[-1] == "first@0"


def test_a_constant_link_keeps_its_order_under_the_random_policy():
    """Events due at one instant run in a random order; a link's own messages must not."""
    for seed in range(5):
        env = environment("random", random.Random(seed))
        got: list[int] = []
        one_link = link(env, 5_000, got.append, "tserver→gws")
        later(env, 1, lambda one_link=one_link: [one_link.send(n) for n in range(30)])
        env.run()
        assert got == list(range(30))


def test_a_negative_delay_is_refused_naming_the_link():
    with pytest.raises(ValueError, match=r"^link tserver→gws: negative delay -1$"):
        Link(environment(), -1, print, "tserver→gws")
