"""The agents' transfers, from the desktop through Web Services.

In one step (SingleStepTransfer) the call rings at ``to`` — waiting in the queue if
nobody is free — and the agent leaves it. In two (InitiateTransfer) the caller goes
on hold and a consult call rings at ``to``; once someone answers it, the agent
talks with them for ``consult`` and completes the transfer (CompleteTransfer); if
nobody answers within ``consult_patience``, the agent hangs the consult call up
and, a second later, retrieves the caller (Web Services refuses Retrieve while the
consult call is up). The agent who takes the call over is the source's to play.
A transfer that does not happen (Web Services or T-Server refuses it) leaves the
call with the agent: the caller hangs up a talk's length after the attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .. import timing, tlib
from ..links import later
from ..scenario.schema import TransferHabit
from ..tserver import calls
from ..world import World
from .draws import delay


class Desks(Protocol):
    """What a transfer needs of the traffic that plays the agents (``source.TrafficSource``)."""

    world: World

    def send(self, user: str, call_id: str, operation: str, extra: dict[str, Any]) -> None:
        """The agent clicks ``operation`` on the call ``call_id`` at their desktop."""

    def after_call(self, dn: str, call_id: str, leaves_in: int) -> None:
        """The agent's disposition and Done, planned ``leaves_in`` before the agent leaves the call."""

RETRIEVE_AFTER = 1_000_000
"""An agent giving up a consult call clicks Retrieve this long (µs) after Hangup."""


@dataclass(slots=True)
class Transfer:
    """A transfer under way: who started it from which desktop, on which call, and
    (two-step) the consult call, and whether someone answered it."""

    dn: str
    user: str
    call_id: str  # the original call's CallUuid, the id the transferring desktop uses
    consult_conn_id: str | None = None
    consult_id: str | None = None  # the consult call's CallUuid: the id the consulted desktop first sees
    answered: bool = False


class Transfers:
    def __init__(self, source: Desks, habit: TransferHabit):
        seed = source.world.seed
        self.source, self.habit = source, habit
        self.after = delay(seed, "traffic:transfer-after", habit.after)
        self.consult_for = delay(seed, "traffic:consult", habit.consult)
        self.patience = delay(seed, "traffic:consult-patience", habit.consult_patience)
        self.draws = timing.stream(seed, "traffic:transfers")  # which calls
        self.under_way: dict[str, Transfer] = {}  # the original call's ConnID → its transfer, until taken over

    def wanted(self) -> bool:
        """Whether the agent transfers the call they just answered (a share of calls)."""
        return self.draws.random() < self.habit.share

    def of_consult(self, attrs: dict[str, Any]) -> Transfer | None:
        """The transfer whose consult call an event is about, if any."""
        return self.under_way.get(attrs.get("TransferConnID", ""))

    def start(self, dn: str, user: str, call_id: str, conn_id: str, ani: str, talk: int) -> None:
        """The agent transfers the call ``after`` into the talk."""
        source, habit = self.source, self.habit
        env, ts = source.world.env, source.world.tserver
        after = self.after()
        plan = self.under_way[conn_id] = Transfer(dn, user, call_id)
        operation = "SingleStepTransfer" if habit.how == "single_step" else "InitiateTransfer"
        later(env, after, lambda: source.send(user, call_id, operation, {"destination": {"phoneNumber": habit.to}}))
        if habit.how == "single_step":
            source.after_call(dn, call_id, after)  # the agent leaves the call as the transfer is made
        else:
            later(env, after + self.patience(), lambda: self._give_up(plan, conn_id, ani, talk))

        def unless_transferred() -> None:
            call = ts.calls.get(conn_id)
            if call is None or call.released or self.under_way.get(conn_id) is not plan:
                return  # over, or taken over by another agent (who may be this one again, from the queue)
            party = call.parties.get(dn)
            if party is not None and party.state == tlib.ESTABLISHED:  # still talking: no transfer was made
                del self.under_way[conn_id]
                ts.phone(lambda: calls.release(ts, ani, call))

        later(env, after + talk, unless_transferred)

    def taken_over(self, conn_id: str) -> Transfer | None:
        """Another agent has the call now: the transfer is done."""
        return self.under_way.pop(conn_id, None)

    def consult_dialing(self, plan: Transfer, conn_id: str, call_id: Any) -> None:
        """The transferring agent's side of the consult call: its ids."""
        plan.consult_conn_id, plan.consult_id = conn_id, call_id if isinstance(call_id, str) else None

    def consult_answered(self, plan: Transfer) -> None:
        """Two-step: the consulted agent answered; the transferring one talks with them
        for ``consult``, completes the transfer and leaves the call."""
        plan.answered = True
        consult = self.consult_for()
        source = self.source
        later(source.world.env, consult, lambda: source.send(plan.user, plan.call_id, "CompleteTransfer", {}))
        source.after_call(plan.dn, plan.call_id, consult)

    def moved(self, conn_id: str, attrs: dict[str, Any]) -> Transfer | None:
        """The consulted agent moved onto the caller's call (EventPartyChanged naming the
        consult call): the transfer is complete."""
        plan = self.under_way.get(conn_id)
        if plan is not None and plan.answered and attrs.get("PreviousConnID") == plan.consult_conn_id:
            del self.under_way[conn_id]
            return plan
        return None

    def _give_up(self, plan: Transfer, conn_id: str, ani: str, talk: int) -> None:
        """Nobody answered the consult call in time: the agent hangs it up and, once the
        desktop shows it gone, retrieves the caller; the caller hangs up ``talk`` later.
        (Without this, agents all holding callers while their consult calls wait in a
        queue none of them can take would wait for ever.)"""
        if self.under_way.get(conn_id) is not plan or plan.answered or plan.consult_id is None:
            return  # answered, over, or no consult call was made (the request failed)
        del self.under_way[conn_id]
        source = self.source
        env, ts = source.world.env, source.world.tserver
        source.send(plan.user, plan.consult_id, "Hangup", {})
        later(env, RETRIEVE_AFTER, lambda: source.send(plan.user, plan.call_id, "Retrieve", {}))

        def hang_up() -> None:
            call = ts.calls.get(conn_id)
            if call is not None and not call.released:
                ts.phone(lambda: calls.release(ts, ani, call))

        later(env, talk, hang_up)
        source.after_call(plan.dn, plan.call_id, talk)
