"""The free agents, in the order a queue hands them calls, in O(log n).

An agent is **free** when Ready and on no live call. Queues hand a call to the
free agent Ready longest (ties: the order DNs are configured in). Rather than
scanning every DN against every live call, T-Server keeps:

- for each DN, the live calls it has a party on (``T-Server.add_party``, and the
  call's end), so "is this DN on a call" looks at that DN's calls only;
- a heap of free agents keyed (Ready since, configuration order), with stale
  entries skipped when popped;
- the DNs touched since the last look (every event names its DN): only those
  can have become free or busy, so only those are looked at again.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from .. import tlib

if TYPE_CHECKING:
    from .server import TServer

Key = tuple[int, int]  # (ready since µs, configuration order)


class FreeAgents:
    def __init__(self, ts: TServer):
        self.ts = ts
        self.order = {number: i for i, number in enumerate(ts.dns)}
        self.heap: list[tuple[Key, str]] = []
        self.keys: dict[str, Key] = {}  # the free agents now, with their key
        self.touched: set[str] = set()

    def busy(self, number: str) -> bool:
        """Does ``number`` have a live party on a live call?"""
        live = self.ts.live
        for conn_id in self.ts.on_calls.get(number, ()):
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
        dn = self.ts.dns.get(number)
        agent = dn.agent if dn is not None else None
        if agent is None or agent.state != tlib.READY or self.busy(number):
            self.keys.pop(number, None)
            return
        key = (agent.ready_since, self.order[number])
        if self.keys.get(number) != key:
            self.keys[number] = key
            heapq.heappush(self.heap, (key, number))

    def pop(self) -> str | None:
        """The free agent Ready longest, taken out of the free ones; None if there is none."""
        self.refresh()
        while self.heap:
            key, number = heapq.heappop(self.heap)
            if self.keys.get(number) == key:
                del self.keys[number]
                return number
        return None
