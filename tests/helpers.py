"""Small worlds for tests: build from inline YAML, drive, and read the journal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator import journal as J
from simulator import parse_scenario
from simulator.world import World, build_world

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SAMPLES = Path(__file__).resolve().parent / "samples"

SWITCH = """\
version: 1
name: test-world
description: a small switch for tests
switch:
  dns:
    "15000": {agent: agent1}
    "15001": {}
    "15002": {agent: agent2, state: NotReady}
    "16000": {type: ACDQueue}
    "17000": {type: RoutingPoint, target: "16000"}
  latency: {gws_to_tserver: %(up)s, tserver_to_gws: %(down)s, tserver_to_reporting: 5ms}
web_services: {fallback_to_user_event: %(fallback)s}
"""


def make_world(up: str = "5ms", down: str = "5ms", fallback: bool = False, seed: int = 1) -> World:
    text = SWITCH % {"up": up, "down": down, "fallback": str(fallback).lower()}
    world = build_world(parse_scenario(text).scenario, seed)
    world.env.run()  # let the agents' login events arrive
    return world


def advance(world: World, seconds: float) -> None:
    world.env.run(until=world.env.now + round(seconds * 1_000_000))


def events(world: World, name: str | None = None, since: int = 0) -> list:
    return [e.payload for e in world.journal.of_kind(J.TLIB_EVENT)
            if e.seq > since and (name is None or e.payload.name == name)]


def cometd(world: World, since: int = 0) -> list[dict[str, Any]]:
    return [e.payload.message() for e in world.journal.of_kind(J.COMETD) if e.seq > since]


def mark(world: World) -> int:
    """The journal position now, to look only at what comes after."""
    return len(world.journal)


def fingerprint(ts) -> tuple:
    """Everything T-Server knows, as comparable values (to show a refusal changed nothing)."""
    calls = tuple(
        (conn, call.released_at, call.queue, tuple(sorted(call.links.items())), tuple(sorted(call.user_data.items())),
         tuple((p.dn, p.state, p.had_answered) for p in call.parties.values()))
        for conn, call in ts.calls.items())
    dns = tuple(
        (number, dn.agent and (dn.agent.agent_id, dn.agent.state, dn.agent.ready_since, dn.agent.change),
         tuple(c.conn_id for c in dn.waiting))
        for number, dn in ts.dns.items())
    return calls, tuple(ts.live), dns, ts.ids._connid_next, ts.ids._uuid_next


def tsim(*args: str) -> int:
    """``tsim`` in this process: its exit code."""
    from simulator.cli import main

    try:
        main(list(args))
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else 1
    return 0
