"""Agents, queues and routing points."""

from simulator import tlib
from simulator.tserver import agents, calls
from simulator.world import build_world

from ..helpers import advance, events, fingerprint, make_world, mark
from .test_calls import dial


def test_configured_agents_log_in_at_start():
    world = make_world()
    names = [(e.name, e.attrs["ThisDN"]) for e in events(world)]
    assert names == [("EventAgentLogin", "15000"), ("EventAgentReady", "15000"),
                     ("EventAgentLogin", "15002"), ("EventAgentNotReady", "15002")]


def test_after_call_work_is_not_ready_with_its_work_mode():
    world = make_world()
    start = mark(world)
    assert world.tserver.phone(lambda: agents.set_state(world.tserver, "15000", tlib.AFTER_CALL_WORK)) is None
    (event,) = events(world, since=start)
    assert event.name == "EventAgentNotReady" and event.attrs["AgentWorkMode"] == "AgentAfterCallWork"
    assert "No agent" in world.tserver.phone(lambda: agents.set_state(world.tserver, "15001", tlib.READY))


def test_queue_call_goes_to_the_ready_agent_and_waits_when_none_is_free():
    world = make_world()
    start = mark(world)
    first = dial(world, "15001", "16000")
    assert first.parties["15000"].state == tlib.RINGING and first.queue == "16000"
    ringing = events(world, "EventRinging", since=start)[0]
    assert ringing.attrs["ThisQueue"] == "16000"
    made = []
    world.tserver.phone(lambda: made.append(calls.inbound_call(world.tserver, "+15550001", "16000")))
    second = made[0]
    assert "15002" not in second.parties and second in world.tserver.dns["16000"].waiting
    world.tserver.phone(lambda: agents.set_state(world.tserver, "15002", tlib.READY))
    assert second.parties["15002"].state == tlib.RINGING
    assert [e.name for e in events(world, since=start) if e.attrs["ThisDN"] == "16000"] == [
        "EventQueued", "EventDiverted", "EventQueued", "EventDiverted"]


def test_caller_abandoning_in_queue():
    world = make_world()
    world.tserver.phone(lambda: agents.set_state(world.tserver, "15000", tlib.NOT_READY))
    start = mark(world)
    made = []
    world.tserver.phone(lambda: made.append(calls.inbound_call(world.tserver, "+15550001", "16000")))
    world.tserver.phone(lambda: calls.release(world.tserver, "+15550001", made[0]))
    assert [e.name for e in events(world, since=start)] == ["EventQueued", "EventAbandoned"]
    assert list(world.tserver.dns["16000"].waiting) == []


def test_routing_point_routes_to_its_target():
    world = make_world()
    start = mark(world)
    call = dial(world, "15001", "17000")
    assert [(e.name, e.attrs["ThisDN"]) for e in events(world, since=start)][:4] == [
        ("EventDialing", "15001"), ("EventRouteRequest", "17000"), ("EventRouteUsed", "17000"),
        ("EventDiverted", "17000")]
    assert call.parties["15000"].state == tlib.RINGING


def test_wrap_up_puts_the_agent_in_after_call_work_then_ready():
    world = make_world()
    world.tserver.dns["15000"].agent.wrap_up = 10_000_000
    call = dial(world)
    world.tserver.phone(lambda: calls.answer(world.tserver, "15000", call))
    start = mark(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    world.env.run(until=world.env.now + 20_000_000)
    agent_events = [(e.name, e.attrs.get("AgentWorkMode")) for e in events(world, since=start)
                    if e.name.startswith("EventAgent")]
    assert agent_events == [("EventAgentNotReady", "AgentAfterCallWork"), ("EventAgentReady", None)]
    not_ready = events(world, "EventAgentNotReady", since=start)[0]
    assert not_ready.attrs["Extensions"] == {"WrapUpTime": 10}


def test_unanswered_calls_bring_no_after_call_work_and_a_manual_change_cancels_the_timer():
    world = make_world()
    world.tserver.dns["15000"].agent.wrap_up = 10_000_000
    call = dial(world)
    start = mark(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))  # never answered
    assert not [e for e in events(world, since=start) if e.name.startswith("EventAgent")]
    call = dial(world)
    world.tserver.phone(lambda: calls.answer(world.tserver, "15000", call))
    world.tserver.phone(lambda: calls.release(world.tserver, "15000", call))
    world.tserver.phone(lambda: agents.set_state(world.tserver, "15000", tlib.NOT_READY))
    start = mark(world)
    world.env.run(until=world.env.now + 20_000_000)
    assert events(world, "EventAgentReady", since=start) == []  # the stale wrap-up timer did nothing


def test_the_queue_hands_a_call_to_the_agent_ready_longest():
    world = make_world()
    ts = world.tserver
    world.tserver.phone(lambda: agents.set_state(ts, "15000", tlib.NOT_READY))
    advance(world, 1)
    world.tserver.phone(lambda: agents.set_state(ts, "15002", tlib.READY))  # 15002 Ready first
    advance(world, 1)
    world.tserver.phone(lambda: agents.set_state(ts, "15000", tlib.READY))
    made = []
    world.tserver.phone(lambda: made.append(calls.inbound_call(ts, "+15550001", "16000")))
    assert "15002" in made[0].parties and "15000" not in made[0].parties
    world.tserver.phone(lambda: made.append(calls.inbound_call(ts, "+15550002", "16000")))
    assert "15000" in made[1].parties  # the other one is busy now


def test_a_queue_redistributes_when_an_agent_frees_up():
    world = make_world()
    ts = world.tserver
    first = dial(world, "15001", "16000")  # to 15000, the only Ready agent
    made = []
    world.tserver.phone(lambda: made.append(calls.inbound_call(ts, "+15550001", "16000")))
    waiting = made[0]
    assert waiting in ts.dns["16000"].waiting
    world.tserver.phone(lambda: calls.answer(ts, "15000", first))
    assert waiting in ts.dns["16000"].waiting  # busy on the first call
    world.tserver.phone(lambda: calls.release(ts, "15001", first))
    assert waiting.parties["15000"].state == tlib.RINGING and not ts.dns["16000"].waiting


def test_a_refused_request_changes_nothing():
    """Refusals found at any point of a request leave T-Server as it was:
    the ConnID counter, parties, agents and queues included."""
    from simulator.scenario.schema import Scenario

    chain = {f"1700{i}": {"type": "RoutingPoint", "target": f"1700{i + 1}"} for i in range(9)}
    chain["17009"] = {"type": "RoutingPoint", "target": "15000"}
    model = Scenario.model_validate({"version": 1, "name": "x", "description": "x", "switch": {"dns": {
        "15000": {"agent": "agent1"}, "15001": {}, **chain}}})
    world = build_world(model, 1)
    world.env.run()
    ts = world.tserver
    requests = [
        tlib.TRequest("RequestMakeCall", "gws", 1, {"ThisDN": "15001", "OtherDN": "17000"}),  # too many hops
        tlib.TRequest("RequestMakeCall", "gws", 2, {"ThisDN": "15001", "OtherDN": "15001"}),
        tlib.TRequest("RequestAgentReady", "gws", 3, {"ThisDN": "15001"}),
        tlib.TRequest("RequestAgentNotReady", "gws", 4, {"ThisDN": "15000", "Extensions": {"WrapUpTime": -1}}),
        tlib.TRequest("RequestAnswerCall", "gws", 5, {"ThisDN": "15000", "ConnID": "0000000000000001"}),
    ]
    for request in requests:
        before = fingerprint(ts)
        start = mark(world)
        ts.handle(request)
        assert [e.name for e in events(world, since=start)] == ["EventError"], request.name
        assert fingerprint(ts) == before, request.name
    made = []
    ts.phone(lambda: made.append(calls.make_call(ts, "15001", "15000")))
    call = made[0]
    before = fingerprint(ts)
    ts.handle(tlib.TRequest("RequestInitiateTransfer", "gws", 6,
                            {"ThisDN": "15001", "ConnID": call.conn_id, "OtherDN": "17000"}))
    assert fingerprint(ts) == before  # the party was not left on hold
    assert agents.set_state is not None and "Unknown agent state" in ts.phone(
        lambda: agents.set_state(ts, "15000", "Lunch"))
    assert fingerprint(ts) == before


def test_the_free_agent_heap_agrees_with_a_scan_of_every_agent_and_call():
    """Random agent changes, calls and hang-ups; after each, the pool's pick is the
    scan's: the Ready agent on no live call who has been Ready longest."""
    import random

    from simulator.scenario.schema import Scenario

    rng = random.Random(5)
    agents_dns = [str(15000 + i) for i in range(12)]
    dns = {dn: {"agent": f"a{dn}", "state": rng.choice(["Ready", "NotReady"])} for dn in agents_dns}
    dns["19000"] = {"type": "ACDQueue"}
    world = build_world(Scenario.model_validate({"version": 1, "name": "p", "description": "p",
                                                 "switch": {"dns": dns}}), 1)
    world.env.run()
    ts = world.tserver
    live_calls = []
    checked = 0

    def scan():
        free = [(ts.dns[dn].agent.ready_since, i, dn) for i, dn in enumerate(ts.dns)
                if ts.dns[dn].agent is not None and ts.dns[dn].agent.state == tlib.READY
                and not any(c.parties.get(dn) and c.parties[dn].state != tlib.RELEASED for c in ts.live.values())]
        return min(free)[2] if free else None

    for step in range(1500):
        advance(world, 0.001 * rng.randint(1, 5))
        roll = rng.random()
        if roll < 0.3:
            dn = rng.choice(agents_dns)
            ts.phone(lambda dn=dn: agents.set_state(ts, dn, rng.choice([tlib.READY, tlib.NOT_READY])))
        elif roll < 0.55:
            queue_empty = not ts.dns["19000"].waiting
            expected = scan()
            made = []
            ts.phone(lambda made=made, step=step: made.append(calls.inbound_call(ts, f"+1555{step:04d}", "19000")))
            live_calls.append(made[0])
            rang = [dn for dn in made[0].parties if dn in agents_dns]
            if queue_empty:  # the new call is the oldest waiting: it goes to the scan's pick, or waits
                assert rang == ([expected] if expected else []), step
                checked += 1
        elif live_calls:
            call = live_calls.pop(0 if rng.random() < 0.5 else rng.randrange(len(live_calls)))
            if not call.released:
                ts.phone(lambda call=call: calls.release(ts, next(iter(call.parties)), call))
    assert checked > 60  # the pool was asked often


def test_logout_takes_the_agent_out_of_routing_and_a_second_logout_is_an_error():
    world = make_world()
    ts = world.tserver
    start = mark(world)
    ts.handle(tlib.TRequest("RequestAgentLogout", "gws", 7, {"ThisDN": "15000"}))
    (event,) = events(world, since=start)
    assert event.name == "EventAgentLogout" and event.attrs["AgentID"] == "agent1" and event.attrs["ReferenceID"] == 7
    made = []
    ts.phone(lambda: made.append(calls.inbound_call(ts, "+15550001", "16000")))
    assert made[0] in ts.dns["16000"].waiting  # nobody is logged in and Ready to take it
    start = mark(world)
    ts.handle(tlib.TRequest("RequestAgentLogout", "gws", 8, {"ThisDN": "15000"}))
    (error,) = events(world, since=start)
    assert error.name == "EventError" and error.attrs["ReferenceID"] == 8 and "No agent" in error.attrs["ErrorMessage"]


def test_a_shift_ending_during_a_call_logs_the_agent_out_as_the_call_ends():
    world = make_world()
    ts = world.tserver
    made = []
    ts.phone(lambda: made.append(calls.inbound_call(ts, "+15550001", "16000")))
    call = made[0]
    ts.phone(lambda: calls.answer(ts, "15000", call))
    start = mark(world)
    ts.phone(lambda: agents.shift_over(ts, "15000"))
    assert events(world, since=start) == [] and ts.dns["15000"].agent is not None  # still on the call
    ts.phone(lambda: calls.release(ts, "+15550001", call))
    assert [e.name for e in events(world, since=start) if e.attrs["ThisDN"] == "15000"] == [
        "EventReleased", "EventAgentLogout"]
    assert ts.dns["15000"].agent is None


def test_a_freed_agent_takes_the_call_that_waited_longest_in_the_queues_it_serves():
    from simulator.scenario.schema import Scenario

    model = Scenario.model_validate({"version": 1, "name": "x", "description": "x", "switch": {"dns": {
        "16000": {"type": "ACDQueue"}, "16001": {"type": "ACDQueue"},
        "15000": {"agent": "both", "state": "NotReady"},
        "15001": {"agent": "second-only", "state": "NotReady", "queues": ["16001"]}}}})
    world = build_world(model, 1)
    world.env.run()
    ts = world.tserver
    made = []
    ts.phone(lambda: made.append(calls.inbound_call(ts, "+15550001", "16001")))  # waits first
    advance(world, 1)
    ts.phone(lambda: made.append(calls.inbound_call(ts, "+15550002", "16000")))
    older, newer = made
    ts.phone(lambda: agents.set_state(ts, "15000", tlib.READY))
    assert "15000" in older.parties and newer in ts.dns["16000"].waiting  # not the first queue's call
    ts.phone(lambda: agents.set_state(ts, "15001", tlib.READY))
    assert "15001" not in newer.parties  # 16000's calls are not this agent's


def test_a_queue_heap_that_gathered_stale_entries_is_rebuilt_with_only_its_free_agents():
    """A queue that hands out no calls gathers an entry each time one of its agents turns
    Ready; past ``REBUILD_FACTOR`` times the free agents it is rebuilt from them alone —
    those who take its calls, not the others — and still hands its next call to the agent
    Ready longest."""
    from simulator.scenario.schema import Scenario
    from simulator.tserver.pool import REBUILD_FACTOR

    world = build_world(Scenario.model_validate({"version": 1, "name": "p", "description": "p", "switch": {"dns": {
        "15000": {"agent": "both", "queues": ["19000", "19001"]}, "15001": {"agent": "first", "queues": ["19000"]},
        "15002": {"agent": "any"}, "19000": {"type": "ACDQueue"}, "19001": {"type": "ACDQueue"}}}}), 1)
    world.env.run()
    ts = world.tserver
    pool = ts.free_agents
    assert all(ts.dns[dn].agent.state == tlib.READY for dn in ("15000", "15001", "15002"))
    rebuilt, previous = 0, 0
    for _turn in range(3 * (REBUILD_FACTOR * 3 + 64)):  # 15000 turns Ready again and again; 15001 stays free
        advance(world, 0.001)
        state = tlib.NOT_READY if ts.dns["15000"].agent.state == tlib.READY else tlib.READY
        ts.phone(lambda state=state: agents.set_state(ts, "15000", state))
        pool.refresh()
        assert "15001" in pool.keys
        before = len(pool.heaps["19001"])
        if before < previous:
            rebuilt += 1
            free = {number: key for number, key in pool.keys.items() if number != "15001"}  # 19001's agents
            assert sorted(pool.heaps["19001"]) == sorted((key, number) for number, key in free.items())
        previous = before
    assert rebuilt >= 1
    if ts.dns["15000"].agent.state != tlib.READY:
        ts.phone(lambda: agents.set_state(ts, "15000", tlib.READY))
    longest = min((ts.dns[n].agent.ready_since, i, n) for i, n in enumerate(["15000", "15001", "15002"])
                  if n != "15001")[2]
    made = []
    ts.phone(lambda: made.append(calls.inbound_call(ts, "+15550001", "19001")))
    assert [dn for dn in made[0].parties if dn.startswith("150")] == [longest]
