"""The free agents, in the order a queue hands them calls, in O(log n).

An agent is **free** when Ready and on no live call. A queue hands a call to the
free agent Ready longest among those who take its calls (an agent's ``queues``,
their skills; none given: every queue), ties broken by the order DNs are
configured in. Rather than scanning every DN against every live call, T-Server
keeps:

- for each DN, the live calls it has a party on (``T-Server.add_party``, and the
  call's end), so "is this DN on a call" looks at that DN's calls only;
- per queue, a heap of the free agents who take its calls, keyed (Ready since,
  configuration order); an agent is free under one key at a time (``keys``), so
  an entry whose key is no longer the agent's is stale and skipped when popped
  (an agent handed a call by one queue is stale in the others' heaps at once);
- the DNs touched since the last look (every event names its DN): only those
  can have become free or busy, so only those are looked at again.

A heap that grows past a few times the free agents is rebuilt from ``keys``, so a
queue that seldom hands out calls does not gather stale entries all day.
"""

from __future__ import annotations

import heapq

from .. import tlib
from .model import ACD_QUEUE, DN, Call

Key = tuple[int, int]  # (ready since µs, configuration order)
REBUILD_FACTOR = 4  # a heap is rebuilt when it holds this many times the free agents (plus a margin)


class FreeAgents:
    def __init__(self, dns: dict[str, DN], live: dict[str, Call], on_calls: dict[str, set[str]]):
        """``live``: the switch's live calls by ConnID; ``on_calls``: each DN's live ConnIDs (both the
        switch's own tables, read as they change)."""
        self.dns, self.live, self.on_calls = dns, live, on_calls
        self.order = {number: i for i, number in enumerate(dns)}
        self.heaps: dict[str, list[tuple[Key, str]]] = {dn.number: [] for dn in dns.values() if dn.type == ACD_QUEUE}
        self.keys: dict[str, Key] = {}  # the free agents now, with their key
        self.touched: set[str] = set()

    def busy(self, number: str) -> bool:
        """Does ``number`` have a live party on a live call?"""
        live = self.live
        for conn_id in self.on_calls.get(number, ()):
            call = live.get(conn_id)
            party = call.parties.get(number) if call is not None else None
            if party is not None and party.state != tlib.RELEASED:
                return True
        return False

    def refresh(self) -> None:
        """Look again at the DNs touched since the last look."""
        touched, self.touched = self.touched, set()
        for number in sorted(touched, key=lambda n: self.order.get(n, -1)):
            self._reconsider(number)

    def _reconsider(self, number: str) -> None:
        dn = self.dns.get(number)
        agent = dn.agent if dn is not None else None
        if agent is None or agent.state != tlib.READY or self.busy(number):
            self.keys.pop(number, None)
            return
        key = (agent.ready_since, self.order[number])
        if self.keys.get(number) != key:
            self.keys[number] = key
            for queue in (self.heaps if agent.queues is None else agent.queues):
                heap = self.heaps.get(queue)
                if heap is not None:
                    heapq.heappush(heap, (key, number))
                    if len(heap) > REBUILD_FACTOR * len(self.keys) + 64:
                        self._rebuild(queue)

    def _rebuild(self, queue: str) -> None:
        """The queue's heap again, from the free agents who take its calls (stale entries dropped)."""
        dns = self.dns
        heap = [(key, number) for number, key in self.keys.items()
                if (served := dns[number].agent) is not None and (served.queues is None or queue in served.queues)]
        heapq.heapify(heap)
        self.heaps[queue] = heap

    def pop(self, queue: str) -> str | None:
        """The free agent Ready longest who takes ``queue``'s calls, taken out of the free
        ones; None if there is none."""
        self.refresh()
        heap = self.heaps[queue]
        keys = self.keys
        while heap:
            key, number = heapq.heappop(heap)
            if keys.get(number) == key:
                del keys[number]
                return number
        return None
