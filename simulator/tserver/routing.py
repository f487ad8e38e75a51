"""Where a new call goes: an extension rings, a queue waits for a Ready agent,
a routing point routes to its target, anything else is an external number.

Queue rule (deliberately minimal): a call to an ACDQueue is delivered to the
Ready agent that has been Ready longest, is on no live call and takes that
queue's calls (skills: an agent's ``queues``; none given, all of them); ties:
the order DNs are configured in. With no such agent the call waits in the queue
and is delivered when an agent becomes Ready or frees up; a freed agent takes
the call that has waited longest in the queues they serve.
"""

from __future__ import annotations

from .. import tlib
from .model import (
    ACD_QUEUE,
    EXTENSION,
    ROLE_DESTINATION,
    ROUTING_POINT,
    Call,
    Party,
    TError,
)
from .switch import Switch

MAX_ROUTE_HOPS = 8


def check_route(ts: Switch, destination: str) -> None:
    """Refuse, before anything changes, a destination whose routing points never
    reach a destination (a loop, or a chain of more than MAX_ROUTE_HOPS)."""
    hops = 0
    dn = ts.dns.get(destination)
    while dn is not None and dn.type == ROUTING_POINT:
        if hops >= MAX_ROUTE_HOPS:
            raise TError(tlib.TERR_INV_CALD_DN, f"Routing loop through {destination}")
        hops += 1
        dn = ts.dns.get(dn.route_target or "")


def deliver(ts: Switch, call: Call, destination: str, hops: int = 0) -> None:
    """Put ``call`` on its way to ``destination`` (``check_route`` has passed)."""
    dn = ts.dns.get(destination)
    if dn is None:
        # An external number: its party exists but gets no events.
        ts.add_party(call, Party(destination, tlib.RINGING, ROLE_DESTINATION))
        return
    if dn.type == EXTENSION:
        ring(ts, call, destination)
    elif dn.type == ACD_QUEUE:
        call.queue, call.queued_at, call.waiting = destination, ts.env.now, True
        ts.call_event("EventQueued", call, destination, other_dn=call.ani)
        dn.waiting.append(call)
        distribute(ts)
    elif dn.type == ROUTING_POINT:
        if hops >= MAX_ROUTE_HOPS:
            raise TError(tlib.TERR_INV_CALD_DN, f"Routing loop through {destination}")
        ts.call_event("EventRouteRequest", call, destination, other_dn=call.ani)
        target = dn.route_target or ""
        ts.call_event("EventRouteUsed", call, destination, other_dn=target)
        ts.call_event("EventDiverted", call, destination, other_dn=target)
        deliver(ts, call, target, hops + 1)


def ring(ts: Switch, call: Call, destination: str) -> None:
    ts.add_party(call, Party(destination, tlib.RINGING, ROLE_DESTINATION, had_ringing=True))
    ts.call_event("EventRinging", call, destination, other_dn=call.ani)


def distribute(ts: Switch) -> None:
    """Deliver waiting queue calls to free Ready agents who take them, the call that
    has waited longest first, across the queues (ties: the queue configured first);
    ``pool``: each hand-over costs O(log n) in the agents, not a scan of every DN
    and call."""
    waiting = [queue for queue in ts.queues if queue.waiting]
    while waiting:
        queue = waiting[0] if len(waiting) == 1 else min(waiting, key=lambda q: q.waiting[0].queued_at)
        agent_dn = ts.free_agents.pop(queue.number)
        if agent_dn is None:  # nobody free takes this queue's calls: the others may still have someone
            waiting.remove(queue)
            continue
        call = queue.waiting.popleft()
        call.waiting = False
        if not queue.waiting:
            waiting.remove(queue)
        ts.call_event("EventDiverted", call, queue.number, other_dn=agent_dn)
        ring(ts, call, agent_dn)
