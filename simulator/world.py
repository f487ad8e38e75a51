"""Build the simulated world a scenario describes: clock, journal, T-Server,
Web Services, reporting, and the links between them.

::

    desktop ──HTTP──> Web Services ──gws_to_tserver──> T-Server ──tserver_to_reporting──> reporting
       ^                 │   ^                            │
       └────CometD───────┘   └───────tserver_to_gws───────┘

Everything is driven by one simpy clock counting microseconds and one
``random.Random(seed)``; nothing here reads files, sockets or the wall clock.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import journal as J
from . import timing
from .gws import CLIENT as GWS_CLIENT
from .gws import GwsSettings, User, WebServices
from .ids import IdAllocator
from .links import Link, later, ordered_link
from .links import link as make_link
from .reporting import CLIENT as REPORTING_CLIENT
from .reporting import ReportingSettings, ReportingSink
from .scenario.schema import DNConfig, Latency, Scenario
from .timing import Environment
from .tserver import DN, TServer
from .tserver import agents as agent_ops
from .tserver.model import Call


def _log_in(tserver: TServer, number: str, agent_id: str, state: str, wrap_up: Any, seed: int,
            queues: list[str] | None = None) -> None:
    """An agent configured on a DN logs in and takes the configured state, at the phone.
    A wrap-up given as a distribution is drawn per call, from the agent's own stream.
    (At a shift's start, an agent already logged in there keeps the DN.)"""
    if tserver.phone(lambda: agent_ops.login(tserver, number, agent_id)) is not None:
        return
    agent = tserver.dns[number].agent
    assert agent is not None, "the login above succeeded"
    agent.queues = frozenset(queues) if queues is not None else None
    fixed = timing.constant(wrap_up) if wrap_up is not None else None
    agent.wrap_up = fixed if fixed is not None or wrap_up is None else \
        timing.sampler(wrap_up, timing.stream(seed, f"wrap-up:{number}"))
    tserver.phone(lambda: agent_ops.set_state(tserver, number, state))


class NamedCalls(dict[str, Call]):
    """Scenario call names → T-Server calls, and the CallUuids named so far (a set:
    a run of 100,000 named calls asks "is this call named?" for every call)."""

    def __init__(self) -> None:
        super().__init__()
        self.uuids: set[str] = set()

    def __setitem__(self, name: str, call: Call) -> None:
        super().__setitem__(name, call)
        self.uuids.add(call.call_uuid)


@dataclass
class World:
    scenario: Scenario
    seed: int
    env: Environment
    journal: J.Journal
    tserver: TServer
    gws: WebServices
    reporting: ReportingSink
    desktops: dict[str, Link] = field(default_factory=dict)  # user → the desktop's HTTP link to GWS
    calls: NamedCalls = field(default_factory=NamedCalls)  # scenario call names → T-Server calls
    dial_references: dict[str, int] = field(default_factory=dict)  # names waiting on a gws Dial
    dialed: dict[int, Call] = field(default_factory=dict)  # a gws Dial's ReferenceID → the call it made


def change_delay(world: World, name: str, spec: Any) -> None:
    """From now on, link ``name`` (a ``Latency`` field) takes ``spec``. Messages already
    in flight keep their delay, and none sent later arrives before them: a link never
    reorders, even across a change."""
    env, seed, gws, tserver = world.env, world.seed, world.gws, world.tserver
    draws = timing.stream(seed, f"{name}:changed@{env.now}")

    def replace(old: Link | None, deliver: Callable[[Any], None]) -> Link:
        fixed = timing.constant(spec)
        new = ordered_link(env, fixed if fixed is not None else timing.sampler(spec, draws), deliver, name)
        new._last_due = _in_flight_until(env, old)  # noqa: SLF001 - the new link starts behind the old one
        return new

    if name == "gws_to_tserver":
        gws.to_tserver = replace(gws.to_tserver, tserver.receive)
    elif name == "tserver_processing":
        tserver.processing = replace(tserver.processing, tserver.handle)
    elif name == "tserver_to_gws":
        tserver.connect(GWS_CLIENT, replace(tserver.link_of(GWS_CLIENT), gws.on_event), [])
    elif name == "tserver_to_reporting":
        tserver.connect(REPORTING_CLIENT, replace(tserver.link_of(REPORTING_CLIENT), world.reporting.on_event), [])
    elif name == "gws_to_desktop":
        for user in gws.users:
            gws.to_desktop[user] = replace(gws.to_desktop.get(user), gws.on_desktop)
    elif name == "desktop_to_gws":
        for user in list(world.desktops):
            world.desktops[user] = replace(world.desktops[user], lambda request: request())
    else:
        raise ValueError(f"no delay {name!r}")


def _in_flight_until(env: Environment, old: Link | None) -> int:
    """The latest time a message already sent on ``old`` can arrive."""
    if old is None:
        return env.now
    if isinstance(old.delay, int):
        return env.now + old.delay
    return max(env.now, old._last_due)  # noqa: SLF001 - an ordered link tracks it


def _link(env: Environment, seed: int, latency: Latency, name: str, deliver, who: str = "") -> Link:
    """A link with the delay the scenario gives ``name``, drawing from its own stream."""
    spec = getattr(latency, name)
    fixed = timing.constant(spec)
    stream_name = f"{name}:{who}" if who else name
    delay = fixed if fixed is not None else timing.sampler(spec, timing.stream(seed, stream_name))
    return make_link(env, delay, deliver, stream_name)


def build_world(scenario: Scenario, seed: int, tie_break: str | None = None, keep_journal: bool = True,
                before_login: Callable[[World], None] | None = None) -> World:
    """The world of ``scenario``; ``before_login`` sees it before its first journal entry."""
    env = timing.environment(tie_break or scenario.tie_break, timing.stream(seed, "tie-break"))
    journal = J.Journal(env, keep=keep_journal)
    rng = random.Random(seed)
    ids = IdAllocator(rng)
    dns = {number: DN(number, cfg.type, route_target=cfg.target) for number, cfg in scenario.switch.all_dns.items()}
    tserver = TServer(env, journal, ids, dns, scenario.epoch, scenario.switch.consult_user_data)

    latency = scenario.switch.latency
    ws = scenario.web_services
    users = [User(name, device, ids.device_id()) for name, device in scenario.users().items()]
    gws = WebServices(env, journal, GwsSettings(ws.disposition_key, ws.base_uri.rstrip("/"),
                                                ws.fallback_to_user_event, ws.call_completion, ws.retention,
                                                ws.completion_notice, ws.offer_mute),
                      users)
    if timing.constant(latency.tserver_processing) != 0:  # else T-Server handles a request as it arrives
        tserver.processing = _link(env, seed, latency, "tserver_processing", tserver.handle)
    gws.to_tserver = _link(env, seed, latency, "gws_to_tserver", tserver.receive)
    tserver.connect(GWS_CLIENT, _link(env, seed, latency, "tserver_to_gws", gws.on_event), [u.dn for u in users])
    desktops = {}
    for user in users:
        if timing.constant(latency.gws_to_desktop) != 0:  # else CometD reaches the desktop at once
            gws.to_desktop[user.name] = _link(env, seed, latency, "gws_to_desktop", gws.on_desktop, user.name)
        desktops[user.name] = _link(env, seed, latency, "desktop_to_gws", lambda request: request(), user.name)

    rep = scenario.reporting
    reporting = ReportingSink(env, journal, ReportingSettings(rep.user_event_data_timeout, rep.store_event_data,
                                                              tuple(rep.event_data or ()), ws.disposition_key,
                                                              rep.propagation_rule, dict(rep.attached_data),
                                                              rep.userdata_history))
    tserver.connect(REPORTING_CLIENT, _link(env, seed, latency, "tserver_to_reporting", reporting.on_event), dns)

    world = World(scenario, seed, env, journal, tserver, gws, reporting, desktops)
    if before_login is not None:
        before_login(world)
    # Agents configured on DNs log in at t=0 (or as their shift starts), in the order the DNs are written.
    for number, cfg in scenario.switch.all_dns.items():
        if cfg.agent is not None:
            _plan_shift(tserver, number, cfg, seed)
    return world


def _plan_shift(tserver: TServer, number: str, cfg: DNConfig, seed: int) -> None:
    """Log the DN's agent in now, or plan the shift: a login at its start, the end at its end."""
    shift, agent_id = cfg.shift, cfg.agent
    assert agent_id is not None, "only agent DNs have shifts"

    def log_in() -> None:
        _log_in(tserver, number, agent_id, cfg.state, cfg.wrap_up, seed, cfg.queues)

    if shift is None or shift.start == 0:
        log_in()
    else:
        later(tserver.env, shift.start, log_in)
    if shift is not None and shift.end is not None:
        def over() -> None:
            agent = tserver.dns[number].agent
            if agent is not None and agent.agent_id == agent_id:
                tserver.phone(lambda: agent_ops.shift_over(tserver, number))

        later(tserver.env, shift.end, over)
