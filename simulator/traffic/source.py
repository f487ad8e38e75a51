"""The generated calls, and the agents at their phones: they answer, talk, hold, hang
up (or the caller does), pick a disposition and mark the call Done."""

from __future__ import annotations

from typing import Any

from .. import timing, tlib
from ..links import later
from ..scenario.schema import Traffic
from ..tserver import calls
from ..world import World
from .arrivals import Arrivals
from .breaks import Breaks
from .draws import Pick, delay
from .transfers import Transfers

CALLER_PREFIX = "+1999"
AT_THE_PHONE = frozenset({"EventRinging", "EventEstablished", "EventReleased", "EventAbandoned", "EventAgentLogin",
                          "EventPartyChanged", "EventDialing"})
"""The events the agents act on (the others pass their phones by)."""


class TrafficSource:
    def __init__(self, world: World, spec: Traffic):
        self.world, self.spec = world, spec
        seed = world.seed
        self.arrivals = Arrivals(world.env, spec, seed, self._arrive)
        self.target = Pick(dict(spec.targets()), timing.stream(seed, "traffic:mix"))  # which DN a call arrives at
        self.choices = timing.stream(seed, "traffic:choices")
        self.answer_after = delay(seed, "traffic:answer", spec.answer_after)
        self.talk = delay(seed, "traffic:talk", spec.talk)
        self.patience = delay(seed, "traffic:patience", spec.patience) if spec.patience is not None else None
        habit = spec.dispositions
        self.before = delay(seed, "traffic:before", habit.before_release) \
            if habit and habit.before_release is not None else None
        self.after = delay(seed, "traffic:after", habit.after_release) \
            if habit and habit.after_release is not None else None
        self.code = Pick(habit.codes if habit is not None else {"Done": 1.0}, timing.stream(seed, "traffic:codes"))
        self.views = timing.stream(seed, "traffic:views")  # from which call (drawn only with consult_view)
        self.done_after = delay(seed, "traffic:done", spec.done_after) if spec.done_after is not None else None
        hold = spec.hold
        self.hold_after = delay(seed, "traffic:hold-after", hold.after) if hold is not None else None
        self.hold_for = delay(seed, "traffic:hold-for", hold.duration) if hold is not None else None
        self.holds = timing.stream(seed, "traffic:holds")
        self.hangups = timing.stream(seed, "traffic:hangups")  # who ends a call (drawn only if agents ever do)
        self.transfers = Transfers(self, spec.transfer) if spec.transfer is not None else None
        self.breaks = Breaks(world, spec.breaks, self.arrivals.last()) if spec.breaks is not None else None
        self.count = 0
        self.requests = 0
        world.tserver.phones.append(self.on_event)

    def start(self) -> None:
        self.arrivals.plan_next()
        if self.breaks is not None:
            self.breaks.start()

    def _arrive(self) -> None:
        ts = self.world.tserver
        self.count += 1
        caller = f"{CALLER_PREFIX}{self.count:07d}"
        made: list[Any] = []
        to = self.target()
        ts.phone(lambda: made.append(calls.inbound_call(ts, caller, to)))
        if made:
            call = made[0]
            if self.patience is not None:
                later(self.world.env, self.patience(), lambda: self._give_up(call, caller))
        self.arrivals.plan_next()

    def _give_up(self, call: Any, caller: str) -> None:
        party = call.parties.get(caller)
        if not call.released and party is not None and party.state == tlib.DIALING:
            self.world.tserver.phone(lambda: calls.release(self.world.tserver, caller, call))

    # -- the agents, at their phones -----------------------------------------------------
    def on_event(self, name: str, dn: str, attrs: dict[str, Any]) -> None:
        if name not in AT_THE_PHONE:
            return
        if name == "EventAgentLogin":
            if self.breaks is not None:
                self.breaks.plan(dn)  # a shift starts: its breaks are planned from now
            return
        conn_id = attrs.get("ConnID")
        ani = attrs.get("ANI")
        if not isinstance(conn_id, str) or not isinstance(ani, str):
            return
        transfers = self.transfers
        consult_of = None
        if not ani.startswith(CALLER_PREFIX):
            consult_of = transfers.of_consult(attrs) if transfers is not None else None
            if consult_of is None:
                return  # neither a generated call nor the consult call of one
        place = self.world.tserver.dns.get(dn)
        if place is None or place.agent is None:
            return
        env, ts = self.world.env, self.world.tserver
        if name == "EventReleased" or name == "EventAbandoned":
            if self.breaks is not None:
                self.breaks.call_ended(dn)
            return
        if consult_of is not None and dn == consult_of.dn:
            if name == "EventDialing" and transfers is not None:  # the transferring agent's own side of it
                transfers.consult_dialing(consult_of, conn_id, attrs.get("CallUuid"))
            return
        if name == "EventRinging":
            def answer() -> None:
                ts.phone(lambda: calls.answer(ts, dn, ts.live_call(conn_id)))

            later(env, self.answer_after(), answer)
        elif name == "EventEstablished":
            if consult_of is not None and transfers is not None:
                transfers.consult_answered(consult_of)
            else:
                taken_over = transfers.taken_over(conn_id) if transfers is not None else None  # a single step's
                self._talk(dn, conn_id, ani, may_transfer=taken_over is None)
        elif name == "EventPartyChanged" and transfers is not None:
            moved = transfers.moved(conn_id, attrs)  # the consulted agent, onto the caller's call
            if moved is not None:
                self._talk(dn, conn_id, ani, may_transfer=False, consult_id=moved.consult_id)

    def _talk(self, dn: str, conn_id: str, ani: str, may_transfer: bool, consult_id: str | None = None) -> None:
        """The agent on ``dn`` starts talking with the caller: the talk's end (the caller's
        or the agent's hang-up), or a transfer within it; a hold; the disposition."""
        env, ts = self.world.env, self.world.tserver
        call = ts.calls[conn_id]
        talk = self.talk()
        user = self.world.gws.by_dn.get(dn)
        transfers = self.transfers
        if may_transfer and transfers is not None and user is not None and transfers.wanted():
            transfers.start(dn, user.name, call.call_uuid, conn_id, ani, talk)
            return
        if user is not None and self.spec.agent_hangs_up and self.hangups.random() < self.spec.agent_hangs_up:
            call_id = call.call_uuid
            later(env, talk, lambda: self.send(user.name, call_id, "Hangup", {}))
        else:
            def hang_up() -> None:
                ts.phone(lambda: calls.release(ts, ani, ts.live_call(conn_id)))

            later(env, talk, hang_up)
        self._maybe_hold(dn, conn_id, talk)
        shown = call.call_uuid
        if consult_id is not None and self.spec.dispositions is not None and self.spec.dispositions.consult_view \
                and self.views.random() < self.spec.dispositions.consult_view:
            shown = consult_id  # the desktop still has the consult call's id on screen
        self.after_call(dn, shown, talk)

    def _maybe_hold(self, dn: str, conn_id: str, talk: int) -> None:
        """The agent holds the call a while, during the talk; a hold or retrieve that
        comes after the caller hung up has no effect, as at a real phone."""
        hold = self.spec.hold
        if hold is None or self.hold_after is None or self.hold_for is None or self.holds.random() >= hold.share:
            return
        at, held_for = self.hold_after(), self.hold_for()
        if at >= talk:
            return
        env, ts = self.world.env, self.world.tserver

        def press(action: Any) -> None:
            ts.phone(lambda: action(ts, dn, ts.live_call(conn_id)))

        later(env, at, lambda: press(calls.hold))
        later(env, at + held_for, lambda: press(calls.retrieve))

    def after_call(self, dn: str, call_id: str, leaves_in: int) -> None:
        """The agent's disposition (if they pick one) and Done, planned ``leaves_in`` before
        the agent leaves the call (the talk's end, or a transfer)."""
        user = self.world.gws.by_dn.get(dn)
        if user is None:
            return
        talk = last = leaves_in  # the release
        habit = self.spec.dispositions
        if habit is not None and self.choices.random() < habit.share:
            before = self.before is not None and (self.after is None or self.choices.random() < habit.before_share)
            at = max(0, talk - self.before()) if before and self.before else talk + (self.after() if self.after else 0)
            body = {"callUuid": call_id, "disposition": self.code()}
            later(self.world.env, at, lambda: self.send(user.name, call_id, "SetCallDisposition", body))
            last = max(last, at)
        if self.done_after is not None:
            later(self.world.env, last + self.done_after(), lambda: self.send(user.name, call_id, "Complete", {}))

    def send(self, user: str, call_id: str, operation: str, extra: dict[str, Any]) -> None:
        """The agent clicks ``operation`` on the call ``call_id`` at their desktop."""
        self.requests += 1
        name = f"t{self.requests}"
        gws, sent_at = self.world.gws, self.world.env.now
        body = {"operationName": operation, **extra}
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
