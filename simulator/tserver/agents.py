"""Agents on DNs: login, Ready, NotReady, after-call work and logout.

An agent is logged in on one DN (facts §2.7: one AgentID per device). Ready
and NotReady are re-announced when requested again (no error); NotReady with
work mode ``AfterCallWork`` is how T-Library expresses after-call work.
Becoming Ready may deliver a call waiting in a queue.

After-call work (ACW) with a **wrap-up time** ends by itself: when the time is
up, the agent becomes Ready (EventAgentReady), unless the agent's state was
changed in the meantime. ACW starts either when asked (RequestAgentNotReady
with work mode AfterCallWork and a ``WrapUpTime`` extension, which GWS's
``AfterCallWork`` operation sends) or, for an agent configured with a
``wrap_up`` time, automatically when their party on a call is released.

**End of a shift** (``shift_over``): an agent on no call, and not in after-call
work, logs out at once (EventAgentLogout). Otherwise the agent finishes: they
log out as their last call ends, or when their after-call work or break would
make them Ready again, never taking another call meanwhile.
"""

from __future__ import annotations

from typing import Any

from .. import tlib
from ..links import later
from ..timeunits import US_PER_SECOND
from .model import Agent, TError
from .routing import distribute
from .switch import Switch

WORK_MODES = {tlib.AFTER_CALL_WORK: "AgentAfterCallWork", tlib.NOT_READY: "AgentManualIn",
              tlib.AUX_WORK: "AgentAuxWork"}
"""NotReady states and the TAgentWorkMode each is announced with (facts §2.3)."""
BY_WORK_MODE = {mode: state for state, mode in WORK_MODES.items()}


def _agent(ts: Switch, dn: str) -> Agent:
    agent = ts.dn(dn).agent
    if agent is None:
        raise TError(tlib.TERR_INVALID_ATTR, f"No agent is logged in on DN {dn}")
    return agent


def _agent_event(ts: Switch, name: str, agent: Agent, reference_id: int | None, **extra: Any) -> None:
    attrs: dict[str, Any] = {"ThisDN": agent.dn, "AgentID": agent.agent_id}
    if reference_id is not None:
        attrs["ReferenceID"] = reference_id
    attrs.update(extra)
    ts.emit(name, agent.dn, attrs)


def login(ts: Switch, dn: str, agent_id: str, reference_id: int | None = None) -> None:
    place = ts.dn(dn)
    if place.agent is not None:
        raise TError(tlib.TERR_IN_SAME_STATE, f"Agent {place.agent.agent_id} is already logged in on {dn}")
    place.agent = Agent(agent_id, dn, tlib.NOT_READY, ts.env.now)
    _agent_event(ts, "EventAgentLogin", place.agent, reference_id)


def logout(ts: Switch, dn: str, reference_id: int | None = None) -> None:
    """The agent logs out of ``dn``: no more calls are routed to it."""
    agent = _agent(ts, dn)
    agent.change += 1  # a wrap-up timer still running is stale now
    ts.dns[dn].agent = None
    _agent_event(ts, "EventAgentLogout", agent, reference_id)


def shift_over(ts: Switch, dn: str) -> None:
    """The agent's shift ends: log out now if free, else once the work at hand is done."""
    agent = ts.dns[dn].agent
    if agent is not None:
        agent.logout_due = True
        logout_if_due(ts, dn)


def logout_if_due(ts: Switch, dn: str) -> None:
    """Log out an agent whose shift is over, if on no call and not in after-call work."""
    place = ts.dns.get(dn)  # (a caller's number is no DN)
    agent = place.agent if place is not None else None
    if agent is not None and agent.logout_due and agent.state != tlib.AFTER_CALL_WORK \
            and not ts.free_agents.busy(dn):
        logout(ts, dn)


def set_state(ts: Switch, dn: str, state: str, reference_id: int | None = None,
              wrap_up: int | None = None) -> None:
    """Ready, NotReady or AfterCallWork (for ``wrap_up`` µs, then Ready). An agent whose
    shift is over logs out instead of becoming Ready by itself (a wrap-up's or a
    break's end: no request); a client's RequestAgentReady keeps them working."""
    agent = _agent(ts, dn)
    if state != tlib.READY and state not in WORK_MODES:
        raise TError(tlib.TERR_INVALID_ATTR, f"Unknown agent state {state!r}")
    if state == tlib.READY and agent.logout_due and reference_id is None:
        logout(ts, dn)
        return
    agent.change += 1
    if state == tlib.AFTER_CALL_WORK and wrap_up:
        change = agent.change

        def wrap_up_over() -> None:
            if agent.change == change and ts.dn(dn).agent is agent:
                ts.phone(lambda: set_state(ts, dn, tlib.READY))

        later(ts.env, wrap_up, wrap_up_over)
    if state == tlib.READY:
        if agent.state != tlib.READY:
            agent.ready_since = ts.env.now
        agent.state = tlib.READY
        _agent_event(ts, "EventAgentReady", agent, reference_id)
        distribute(ts)
    else:
        agent.state = state
        extra = {"Extensions": {"WrapUpTime": wrap_up // US_PER_SECOND}} if wrap_up else {}
        _agent_event(ts, "EventAgentNotReady", agent, reference_id, AgentWorkMode=WORK_MODES[state], **extra)


def after_call(ts: Switch, dn: str) -> None:
    """A party of ``dn`` was released: start its agent's automatic after-call work."""
    place = ts.dns.get(dn)
    agent = place.agent if place is not None else None
    if agent is not None and agent.wrap_up is not None and agent.state == tlib.READY:
        wrap_up = agent.wrap_up if isinstance(agent.wrap_up, int) else agent.wrap_up()
        if wrap_up > 0:  # none at all: the agent stays Ready
            set_state(ts, dn, tlib.AFTER_CALL_WORK, wrap_up=wrap_up)
