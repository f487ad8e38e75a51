"""Agents, queues and routing points."""

from simulator import tlib
from simulator.tserver import agents, calls

from ..helpers import events, make_world, mark
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
    assert world.tserver.dns["16000"].waiting == []


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
