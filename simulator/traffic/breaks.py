"""The agents' breaks: each agent, ``every`` after logging in or coming back, goes
NotReady for ``duration`` — at once if free, else as their call ends — until the
last arrival; a shift that is over cancels the breaks still to come."""

from __future__ import annotations

from .. import tlib
from ..links import later
from ..scenario.schema import BreakHabit
from ..tserver import agents as agent_ops
from ..world import World
from .draws import delay


class Breaks:
    def __init__(self, world: World, habit: BreakHabit, last_arrival: int):
        self.world, self.last_arrival = world, last_arrival
        self.every = delay(world.seed, "traffic:break-every", habit.every)
        self.lasting = delay(world.seed, "traffic:break-for", habit.duration)
        self.due: set[str] = set()  # agents whose break waits for their call to end

    def start(self) -> None:
        """Plan the first break of every agent logged in now."""
        for number, place in self.world.tserver.dns.items():
            if place.agent is not None:
                self.plan(number)

    def plan(self, dn: str) -> None:
        """The agent's next break, if it falls before the last arrival (then the day is over)."""
        gap = self.every()
        if self.world.env.now + gap <= self.last_arrival:
            later(self.world.env, gap, lambda: self._due(dn))

    def call_ended(self, dn: str) -> None:
        """A call at ``dn`` ended: a break that waited for it starts (after this event is
        out: not inside T-Server's handling of it)."""
        if dn in self.due:
            self.due.discard(dn)
            later(self.world.env, 0, lambda: self._take(dn))

    def _due(self, dn: str) -> None:
        ts = self.world.tserver
        agent = ts.dns[dn].agent
        if agent is None or agent.logout_due:
            return  # logged out, or about to be: the shift is over, and its breaks
        if ts.free_agents.busy(dn):
            self.due.add(dn)  # taken as the call ends
        else:
            self._take(dn)

    def _take(self, dn: str) -> None:
        """The agent goes NotReady for a while, then Ready, and plans the next break."""
        ts = self.world.tserver
        place = ts.dns[dn]
        if place.agent is None or place.agent.logout_due:
            return
        ts.phone(lambda: agent_ops.set_state(ts, dn, tlib.NOT_READY))
        agent, change = place.agent, place.agent.change

        def back() -> None:
            if ts.dns[dn].agent is agent and agent.change == change:  # nobody changed it meanwhile
                ts.phone(lambda: agent_ops.set_state(ts, dn, tlib.READY))
            self.plan(dn)

        later(self.world.env, self.lasting(), back)
