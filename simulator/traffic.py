"""Traffic: calls generated instead of scripted, seeded like everything else.

From the scenario's ``traffic:`` section: calls arrive from the network at ``to``
(or at one of several DNs, by share) as a Poisson process (``rate`` a second) until
``duration`` — or at a rate per interval (``rates``), or at the times of a CSV trace
(``arrivals``); each rings an agent (through the queue or routing point), who
answers after ``answer_after``; the caller talks for ``talk`` (a share of calls is
put on hold for a while within it: ``hold``) and hangs up — or gives up after
``patience`` if nobody answered. A share of calls (``agent_hangs_up``) is ended by
the agent instead, with Hangup from the desktop: a request through Web Services,
whose view of the call then lags T-Server's by the links' delays. With
``dispositions``, the agent picks one (a share of calls) from their desktop, through
Web Services like any other request: some time ``before_release`` (the userData path
while Web Services still sees the call) or ``after_release`` (the userEvent path).
When Web Services leaves completion to the agent (``call_completion: agent``, its
default) and ``done_after`` is given, the agent marks the call Done (the v3
``Complete`` operation) that long after their last action on it — the release, or a
disposition clicked after it. With ``transfer``, agents hand a share of their calls
to another DN from the desktop, in one step or through a consult call; the agent
who takes the call over talks, disposes and hangs up (or not) like any other, and
the one who left it disposes relative to leaving it. Scripted steps run beside it.

The agents act at their phones (they see their DN's events at once, as a phone
rings); every draw comes from a stream of its own, so changing one distribution
does not shift the others.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from typing import Any

from . import timing, tlib
from .links import later
from .scenario.schema import Traffic
from .tserver import agents as agent_ops
from .tserver import calls
from .world import World

CALLER_PREFIX = "+1999"
AT_THE_PHONE = frozenset({"EventRinging", "EventEstablished", "EventReleased", "EventAbandoned", "EventAgentLogin",
                          "EventPartyChanged", "EventDialing"})
"""The events the agents act on (the others pass their phones by)."""
RETRIEVE_AFTER = 1_000_000
"""An agent giving up a consult call clicks Retrieve this long (µs) after Hangup."""


@dataclass(slots=True)
class _Transfer:
    """A transfer under way: who started it from which desktop, on which call, and
    (two-step) the consult call, and whether someone answered it."""

    dn: str
    user: str
    call_id: str  # the original call's CallUuid, the id the transferring desktop uses
    consult_conn_id: str | None = None
    consult_id: str | None = None  # the consult call's CallUuid: the id the consulted desktop first sees
    answered: bool = False


class TrafficSource:
    def __init__(self, world: World, spec: Traffic):
        self.world, self.spec = world, spec
        seed = world.seed

        def draw(name: str, delay: Any) -> timing.Sampler:
            fixed = timing.constant(delay)
            return (lambda: fixed) if fixed is not None else timing.sampler(delay, timing.stream(seed, name))

        self.arrivals = timing.stream(seed, "traffic:arrivals")
        targets = spec.targets()
        self.targets = [dn for dn, _ in targets]
        self.bounds = list(itertools.accumulate(share for _, share in targets))  # cumulative shares
        self.mix = timing.stream(seed, "traffic:mix")  # which DN a call arrives at (drawn only with several)
        self.choices = timing.stream(seed, "traffic:choices")
        self.answer_after = draw("traffic:answer", spec.answer_after)
        self.talk = draw("traffic:talk", spec.talk)
        self.patience = draw("traffic:patience", spec.patience) if spec.patience is not None else None
        habit = spec.dispositions
        self.before = draw("traffic:before", habit.before_release) if habit and habit.before_release is not None \
            else None
        self.after = draw("traffic:after", habit.after_release) if habit and habit.after_release is not None else None
        codes = habit.codes if habit is not None else {"Done": 1.0}
        self.codes = list(codes)
        self.code_bounds = list(itertools.accumulate(codes.values()))
        self.code_draws = timing.stream(seed, "traffic:codes")  # which code (drawn only with several)
        self.done_after = draw("traffic:done", spec.done_after) if spec.done_after is not None else None
        hold = spec.hold
        self.hold_after = draw("traffic:hold-after", hold.after) if hold is not None else None
        self.hold_for = draw("traffic:hold-for", hold.duration) if hold is not None else None
        self.holds = timing.stream(seed, "traffic:holds")
        transfer = spec.transfer
        self.transfer_after = draw("traffic:transfer-after", transfer.after) if transfer is not None else None
        self.consult_for = draw("traffic:consult", transfer.consult) if transfer is not None else None
        self.consult_patience = draw("traffic:consult-patience", transfer.consult_patience) \
            if transfer is not None else None
        self.transfer_draws = timing.stream(seed, "traffic:transfers")  # which calls (drawn only with transfer)
        self.views = timing.stream(seed, "traffic:views")  # from which call (drawn only with consult_view)
        self.transfers: dict[str, _Transfer] = {}  # the original call's ConnID → its transfer, until taken over
        self.hangups = timing.stream(seed, "traffic:hangups")  # who ends a call (drawn only if agents ever do)
        pause = spec.breaks
        self.break_every = draw("traffic:break-every", pause.every) if pause is not None else None
        self.break_for = draw("traffic:break-for", pause.duration) if pause is not None else None
        self.break_due: set[str] = set()  # agents whose break waits for their call to end
        self.count = 0
        self.requests = 0
        world.tserver.phones.append(self.on_event)

    def start(self) -> None:
        self._period = 0  # with rates: the interval arrivals are drawn in
        self._traced = 0  # with an arrivals trace: the next line
        self._next_arrival()
        if self.break_every is not None:
            for number, place in self.world.tserver.dns.items():
                if place.agent is not None:
                    self._plan_break(number)

    # -- breaks ------------------------------------------------------------------------
    def _plan_break(self, dn: str) -> None:
        """The agent's next break, if it falls before the last arrival (then the day is over)."""
        assert self.break_every is not None
        gap = self.break_every()
        if self.world.env.now + gap <= self.last_arrival():
            later(self.world.env, gap, lambda: self._break_due(dn))

    def last_arrival(self) -> int:
        """When the traffic stops bringing calls (µs)."""
        spec = self.spec
        if spec.duration is not None:
            return spec.duration
        if spec.rates is not None:
            return spec.rates[-1].until
        return spec._times[-1]  # noqa: SLF001 - read by the loader

    def _break_due(self, dn: str) -> None:
        ts = self.world.tserver
        agent = ts.dns[dn].agent
        if agent is None or agent.logout_due:
            return  # logged out, or about to be: the shift is over, and its breaks
        if ts.free_agents.busy(dn):
            self.break_due.add(dn)  # taken as the call ends
        else:
            self._take_break(dn)

    def _take_break(self, dn: str) -> None:
        """The agent goes NotReady for a while, then Ready, and plans the next break."""
        assert self.break_for is not None
        ts = self.world.tserver
        place = ts.dns[dn]
        if place.agent is None or place.agent.logout_due:
            return
        ts.phone(lambda: agent_ops.set_state(ts, dn, tlib.NOT_READY))
        agent, change = place.agent, place.agent.change

        def back() -> None:
            if ts.dns[dn].agent is agent and agent.change == change:  # nobody changed it meanwhile
                ts.phone(lambda: agent_ops.set_state(ts, dn, tlib.READY))
            self._plan_break(dn)

        later(self.world.env, self.break_for(), back)

    def _next_arrival(self) -> None:
        spec, now = self.spec, self.world.env.now
        if spec.rate is not None and spec.duration is not None:
            gap = round(self.arrivals.expovariate(spec.rate) * 1_000_000)
            if now + gap <= spec.duration:
                later(self.world.env, gap, self._arrive)
        elif spec.rates is not None:
            self._next_in_rates(now)
        else:
            times = spec._times  # noqa: SLF001 - read by the loader
            if self._traced < len(times):
                self._traced += 1
                later(self.world.env, times[self._traced - 1] - now, self._arrive)

    def _next_in_rates(self, now: int) -> None:
        """Poisson arrivals at a rate that changes per interval: the gap is drawn at the
        current interval's rate; one that crosses the interval's end starts again from
        that end at the next rate (exact, as arrivals have no memory)."""
        rates = self.spec.rates or []
        at = now
        while self._period < len(rates):
            period = rates[self._period]
            if period.rate > 0:
                gap = round(self.arrivals.expovariate(period.rate) * 1_000_000)
                if at + gap <= period.until:
                    later(self.world.env, at + gap - now, self._arrive)
                    return
            at = max(at, period.until)
            self._period += 1

    def _arrive(self) -> None:
        ts = self.world.tserver
        self.count += 1
        caller = f"{CALLER_PREFIX}{self.count:07d}"
        made: list[Any] = []
        to = self.targets[0] if len(self.targets) == 1 else \
            self.targets[min(bisect.bisect_right(self.bounds, self.mix.random()), len(self.targets) - 1)]
        ts.phone(lambda: made.append(calls.inbound_call(ts, caller, to)))
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
        if name not in AT_THE_PHONE:
            return
        if name == "EventAgentLogin":
            if self.break_every is not None:
                self._plan_break(dn)  # a shift starts: its breaks are planned from now
            return
        conn_id = attrs.get("ConnID")
        ani = attrs.get("ANI")
        if not isinstance(conn_id, str) or not isinstance(ani, str):
            return
        consult_of = None
        if not ani.startswith(CALLER_PREFIX):
            consult_of = self.transfers.get(attrs.get("TransferConnID", ""))
            if consult_of is None:
                return  # neither a generated call nor the consult call of one
        place = self.world.tserver.dns.get(dn)
        if place is None or place.agent is None:
            return
        env, ts = self.world.env, self.world.tserver
        if name == "EventReleased" or name == "EventAbandoned":
            if dn in self.break_due:  # after this event is out: not inside T-Server's handling of it
                self.break_due.discard(dn)
                later(env, 0, lambda: self._take_break(dn))
            return
        if consult_of is not None and dn == consult_of.dn:
            if name == "EventDialing":  # the transferring agent's own side of the consult call
                consult_of.consult_conn_id, consult_of.consult_id = conn_id, attrs.get("CallUuid")
            return
        if name == "EventRinging":
            def answer() -> None:
                ts.phone(lambda: calls.answer(ts, dn, ts.live_call(conn_id)))

            later(env, self.answer_after(), answer)
        elif name == "EventEstablished":
            if consult_of is not None:
                self._consult_answered(consult_of)
            else:
                taken_over = self.transfers.pop(conn_id, None)  # a single-step transfer arriving
                self._talk(dn, conn_id, ani, may_transfer=taken_over is None)
        elif name == "EventPartyChanged":
            transfer = self.transfers.get(conn_id)
            if transfer is not None and transfer.answered and attrs.get("PreviousConnID") == transfer.consult_conn_id:
                del self.transfers[conn_id]  # the consulted agent is on the caller's call now
                self._talk(dn, conn_id, ani, may_transfer=False, consult_id=transfer.consult_id)

    def _talk(self, dn: str, conn_id: str, ani: str, may_transfer: bool, consult_id: str | None = None) -> None:
        """The agent on ``dn`` starts talking with the caller: the talk's end (the caller's
        or the agent's hang-up), or a transfer within it; a hold; the disposition."""
        env, ts = self.world.env, self.world.tserver
        call = ts.calls[conn_id]
        talk = self.talk()
        user = self.world.gws.by_dn.get(dn)
        transfer = self.spec.transfer
        if may_transfer and transfer is not None and user is not None and \
                self.transfer_draws.random() < transfer.share:
            self._transfer(dn, user.name, call.call_uuid, conn_id, ani, talk)
            return
        if user is not None and self.spec.agent_hangs_up and self.hangups.random() < self.spec.agent_hangs_up:
            call_id = call.call_uuid
            later(env, talk, lambda: self._send(user.name, call_id, "Hangup", {}))
        else:
            def hang_up() -> None:
                ts.phone(lambda: calls.release(ts, ani, ts.live_call(conn_id)))

            later(env, talk, hang_up)
        self._maybe_hold(dn, conn_id, talk)
        shown = call.call_uuid
        if consult_id is not None and self.spec.dispositions is not None and self.spec.dispositions.consult_view \
                and self.views.random() < self.spec.dispositions.consult_view:
            shown = consult_id  # the desktop still has the consult call's id on screen
        self._after_call(dn, shown, talk)

    def _transfer(self, dn: str, user: str, call_id: str, conn_id: str, ani: str, talk: int) -> None:
        """The agent transfers the call ``after`` into the talk. If the transfer does not
        happen (Web Services or T-Server refuses it), the call goes on with the agent and
        the caller hangs up ``talk`` after the attempt."""
        spec = self.spec.transfer
        assert spec is not None and self.transfer_after is not None
        env, ts = self.world.env, self.world.tserver
        after = self.transfer_after()
        plan = self.transfers[conn_id] = _Transfer(dn, user, call_id)
        operation = "SingleStepTransfer" if spec.how == "single_step" else "InitiateTransfer"
        later(env, after, lambda: self._send(user, call_id, operation, {"destination": {"phoneNumber": spec.to}}))
        if spec.how == "single_step":
            self._after_call(dn, call_id, after)  # the agent leaves the call as the transfer is made
        else:
            assert self.consult_patience is not None
            later(env, after + self.consult_patience(), lambda: self._give_up_consult(plan, conn_id, ani, talk))

        def unless_transferred() -> None:
            call = ts.calls.get(conn_id)
            if call is None or call.released or self.transfers.get(conn_id) is not plan:
                return  # over, or taken over by another agent (who may be this one again, from the queue)
            party = call.parties.get(dn)
            if party is not None and party.state == tlib.ESTABLISHED:  # still talking: no transfer was made
                del self.transfers[conn_id]
                ts.phone(lambda: calls.release(ts, ani, call))

        later(env, after + talk, unless_transferred)

    def _consult_answered(self, transfer: _Transfer) -> None:
        """Two-step: the consulted agent answered; the transferring one talks with them
        for ``consult``, completes the transfer and leaves the call."""
        assert self.consult_for is not None
        transfer.answered = True
        consult = self.consult_for()
        later(self.world.env, consult, lambda: self._send(transfer.user, transfer.call_id, "CompleteTransfer", {}))
        self._after_call(transfer.dn, transfer.call_id, consult)

    def _give_up_consult(self, plan: _Transfer, conn_id: str, ani: str, talk: int) -> None:
        """Nobody answered the consult call in time: the agent hangs it up and, once the
        desktop shows it gone, retrieves the caller (Web Services refuses Retrieve while
        the consult call is up); the caller hangs up ``talk`` later. (Without this,
        agents all holding callers while their consult calls wait in a queue none of
        them can take would wait for ever.)"""
        if self.transfers.get(conn_id) is not plan or plan.answered or plan.consult_id is None:
            return  # answered, over, or no consult call was made (the request failed)
        del self.transfers[conn_id]
        self._send(plan.user, plan.consult_id, "Hangup", {})
        later(self.world.env, RETRIEVE_AFTER, lambda: self._send(plan.user, plan.call_id, "Retrieve", {}))
        ts = self.world.tserver

        def hang_up() -> None:
            call = ts.calls.get(conn_id)
            if call is not None and not call.released:
                ts.phone(lambda: calls.release(ts, ani, call))

        later(self.world.env, talk, hang_up)
        self._after_call(plan.dn, plan.call_id, talk)

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

    def _after_call(self, dn: str, call_id: str, leaves_in: int) -> None:
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
            body = {"callUuid": call_id, "disposition": self._code()}
            later(self.world.env, at, lambda: self._send(user.name, call_id, "SetCallDisposition", body))
            last = max(last, at)
        if self.done_after is not None:
            later(self.world.env, last + self.done_after(), lambda: self._send(user.name, call_id, "Complete", {}))

    def _code(self) -> str:
        codes = self.codes
        if len(codes) == 1:
            return codes[0]
        return codes[min(bisect.bisect_right(self.code_bounds, self.code_draws.random()), len(codes) - 1)]

    def _send(self, user: str, call_id: str, operation: str, extra: dict[str, Any]) -> None:
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
