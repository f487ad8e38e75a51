"""Agents on DNs: login, Ready, NotReady and after-call work.

An agent is logged in on one DN (facts §2.7: one AgentID per device). Ready
and NotReady are re-announced when requested again (no error); NotReady with
work mode ``AfterCallWork`` is how T-Library expresses after-call work.
Becoming Ready may deliver a call waiting in a queue.
"""

from __future__ import annotations

from .. import tlib
from .model import Agent, TError
from .routing import distribute
from .server import TServer

WORK_MODES = {tlib.AFTER_CALL_WORK: "AgentAfterCallWork", tlib.NOT_READY: "AgentManualIn"}


def _agent(ts: TServer, dn: str) -> Agent:
    agent = ts.dn(dn).agent
    if agent is None:
        raise TError(tlib.TERR_INVALID_ATTR, f"No agent is logged in on DN {dn}")
    return agent


def _agent_event(ts: TServer, name: str, agent: Agent, reference_id: int | None, **extra) -> None:
    attrs = {"ThisDN": agent.dn, "AgentID": agent.agent_id}
    if reference_id is not None:
        attrs["ReferenceID"] = reference_id
    attrs.update(extra)
    ts.emit(name, agent.dn, attrs)


def login(ts: TServer, dn: str, agent_id: str, reference_id: int | None = None) -> None:
    place = ts.dn(dn)
    if place.agent is not None:
        raise TError(tlib.TERR_IN_SAME_STATE, f"Agent {place.agent.agent_id} is already logged in on {dn}")
    place.agent = Agent(agent_id, dn, tlib.NOT_READY, ts.env.now)
    _agent_event(ts, "EventAgentLogin", place.agent, reference_id)


def set_state(ts: TServer, dn: str, state: str, reference_id: int | None = None) -> None:
    """Ready, NotReady or AfterCallWork."""
    agent = _agent(ts, dn)
    if state == tlib.READY:
        if agent.state != tlib.READY:
            agent.ready_since = ts.env.now
        agent.state = tlib.READY
        _agent_event(ts, "EventAgentReady", agent, reference_id)
        distribute(ts)
    elif state in WORK_MODES:
        agent.state = state
        _agent_event(ts, "EventAgentNotReady", agent, reference_id, AgentWorkMode=WORK_MODES[state])
    else:
        raise TError(tlib.TERR_INVALID_ATTR, f"Unknown agent state {state!r}")
