"""Traffic: calls generated instead of scripted, seeded like everything else.

From the scenario's ``traffic:`` section: calls arrive from the network at
``to`` as a Poisson process (``rate`` a second) until ``duration``; each rings an
agent (through the queue or routing point), who answers after ``answer_after``;
the caller talks for ``talk`` and hangs up — or gives up after ``patience`` if
nobody answered. With ``dispositions``, the agent picks one (a share of calls)
from their desktop, through Web Services like any other request: some time
``before_release`` (the userData path while Web Services still sees the call)
or ``after_release`` (the userEvent path). Scripted steps run beside it.

The agents act at their phones (they see their DN's events at once, as a phone
rings); every draw comes from a stream of its own, so changing one distribution
does not shift the others.
"""

from __future__ import annotations

from typing import Any

from . import timing, tlib
from .links import later
from .scenario.schema import Traffic
from .tserver import calls
from .world import World

CALLER_PREFIX = "+1999"


class TrafficSource:
    def __init__(self, world: World, spec: Traffic):
        self.world, self.spec = world, spec
        seed = world.seed

        def draw(name: str, delay: Any) -> timing.Sampler:
            fixed = timing.constant(delay)
            return (lambda: fixed) if fixed is not None else timing.sampler(delay, timing.stream(seed, name))

        self.arrivals = timing.stream(seed, "traffic:arrivals")
        self.choices = timing.stream(seed, "traffic:choices")
        self.answer_after = draw("traffic:answer", spec.answer_after)
        self.talk = draw("traffic:talk", spec.talk)
        self.patience = draw("traffic:patience", spec.patience) if spec.patience is not None else None
        habit = spec.dispositions
        self.before = draw("traffic:before", habit.before_release) if habit and habit.before_release is not None \
            else None
        self.after = draw("traffic:after", habit.after_release) if habit and habit.after_release is not None else None
        self.calls: dict[str, str] = {}  # ConnID → the caller's number
        self.count = 0
        self.requests = 0
        world.tserver.phones.append(self.on_event)

    def start(self) -> None:
        self._next_arrival()

    def _next_arrival(self) -> None:
        gap = round(self.arrivals.expovariate(self.spec.rate) * 1_000_000)
        if self.world.env.now + gap <= self.spec.duration:
            later(self.world.env, gap, self._arrive)

    def _arrive(self) -> None:
        ts = self.world.tserver
        self.count += 1
        caller = f"{CALLER_PREFIX}{self.count:07d}"
        made: list[Any] = []
        ts.phone(lambda: made.append(calls.inbound_call(ts, caller, self.spec.to)))
        if made:
            call = made[0]
            if self.patience is not None:
                later(self.world.env, self.patience(), lambda: self._give_up(call, caller))
        self._next_arrival()

    def _give_up(self, call: Any, caller: str) -> None:
        party = call.parties.get(caller)
        if not call.released and party is not None and party.state == tlib.DIALING:
            self.world.tserver.phone(lambda: calls.release(self.world.tserver, caller, call))

    # -- the agents, at their phones -----------------------------------------------------
    def on_event(self, name: str, dn: str, attrs: dict[str, Any]) -> None:
        conn_id = attrs.get("ConnID")
        ani = attrs.get("ANI")
        if not isinstance(conn_id, str) or not isinstance(ani, str) or not ani.startswith(CALLER_PREFIX):
            return  # not a generated call (its first events come before inbound_call returns)
        self.calls.setdefault(conn_id, ani)
        place = self.world.tserver.dns.get(dn)
        if place is None or place.agent is None:
            return
        env, ts = self.world.env, self.world.tserver
        call = ts.calls[conn_id]
        if name == "EventRinging":
            def answer() -> None:
                ts.phone(lambda: calls.answer(ts, dn, ts.live_call(conn_id)))

            later(env, self.answer_after(), answer)
        elif name == "EventEstablished":
            talk = self.talk()
            caller = self.calls[conn_id]

            def hang_up() -> None:
                ts.phone(lambda: calls.release(ts, caller, ts.live_call(conn_id)))

            later(env, talk, hang_up)
            self._plan_disposition(dn, call, talk)

    def _plan_disposition(self, dn: str, call: Any, talk: int) -> None:
        habit = self.spec.dispositions
        if habit is None or self.choices.random() >= habit.share:
            return
        user = self.world.gws.by_dn.get(dn)
        if user is None:
            return
        before = self.before is not None and (self.after is None or self.choices.random() < habit.before_share)
        at = max(0, talk - self.before()) if before and self.before else talk + (self.after() if self.after else 0)
        later(self.world.env, at, lambda: self._dispose(user.name, call.call_uuid))

    def _dispose(self, user: str, call_id: str) -> None:
        self.requests += 1
        name = f"t{self.requests}"
        gws, sent_at = self.world.gws, self.world.env.now
        body = {"operationName": "SetCallDisposition", "callUuid": call_id, "disposition": "Done"}
        self.world.desktops[user].send(
            lambda: gws.http(user, "POST", f"/api/v2/me/calls/{call_id}", body, name, sent_at))


def start_traffic(world: World) -> TrafficSource | None:
    """Start the scenario's traffic, if it has any."""
    spec = world.scenario.traffic
    if spec is None:
        return None
    source = TrafficSource(world, spec)
    source.start()
    return source
