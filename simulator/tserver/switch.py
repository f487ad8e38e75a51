"""The switch: its state and the events it sends.

Rules of the model:

- A **client** (Web Services, reporting) connects with a one-way link and
  registers DNs. An event about a DN is distributed to every client registered
  on that DN, in registration order; EventError goes only to the client whose
  request failed.
- Every event gets the next **EventSequenceNumber** and the emission time
  (``TimeinSecs``/``TimeinuSecs`` from the scenario's epoch) when it leaves
  T-Server, and is journaled once, with its recipients.
- Actions at the phone (scripted answer, hangup, dial from an external caller)
  run the same rules without a client; when one cannot be carried out the step
  is journaled as having had no effect, since a phone cannot get EventError.

The operations (``agents``, ``calls``, ``routing``, ``transfers``, ``userdata``)
build on this; ``server.TServer`` dispatches requests to them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from .. import journal as J
from .. import tlib
from ..ids import IdAllocator
from ..links import Link
from ..timeunits import US_PER_SECOND
from ..timing import Environment
from .model import ACD_QUEUE, DN, SEPARATE, Call, Party, TError
from .pool import FreeAgents

PHONE = "phone"
CONSULT_ORIGIN_EVENTS = frozenset({"EventDialing", "EventRinging"})
"""A consult call's events that name the call it came from (PreviousConnID, facts §5)."""


class Switch:
    """The switch's state (DNs, live calls and their parties, the clients on their links) and the
    primitives every operation builds on: lookups that answer the right T-Library error, parties
    put on and taken off calls, and events queued, numbered, journaled and sent."""

    def __init__(self, env: Environment, journal: J.Journal, ids: IdAllocator,
                 dns: dict[str, DN], epoch_seconds: int, consult_user_data: str = SEPARATE):
        self.env = env
        self.consult_user_data = consult_user_data  # the consult-user-data option (model.CONSULT_USER_DATA)
        self.journal = journal
        self.ids = ids
        self.dns = dns
        self.queues = [dn for dn in dns.values() if dn.type == ACD_QUEUE]
        self.calls: dict[str, Call] = {}  # by ConnID: the calls not yet released (any other ConnID answers 56)
        self.live = self.calls  # (the same table; the name reads better where liveness is the point)
        self.epoch_us = epoch_seconds * US_PER_SECOND
        self._seq = 0
        self._links: dict[str, Link] = {}
        self.processing: Link | None = None  # request arrival → handling (T-Server's processing time)
        self._registered: dict[str, tuple[str, ...]] = {dn: () for dn in dns}
        self._outbox: deque[tuple[str, dict[str, Any], tuple[str, ...]]] = deque()
        self.on_calls: dict[str, set[str]] = {}  # DN or number → ConnIDs of the live calls it has a party on
        self.phones: list[Callable[[str, str, dict[str, Any]], None]] = []  # who sees events at the phone (traffic)
        self.free_agents = FreeAgents(dns, self.calls, self.on_calls)

    # -- clients -----------------------------------------------------------
    def connect(self, client: str, link: Link, dns: Iterable[str]) -> None:
        """Connect a client and register it on ``dns`` (RequestRegisterAddress).

        Each event records when it reached the client (``TEvent.arrivals``), so a
        picture of the run can draw the link's delay — when the journal is kept:
        a streamed run writes no journal to draw from."""
        deliver, env, journal = link.deliver, self.env, self.journal

        def stamped(event: tlib.TEvent) -> None:
            # who, when, and after which journal entry (flush gives each event arrivals when the journal is kept)
            event.arrivals.extend((client, env.now, len(journal)))  # type: ignore[union-attr]
            deliver(event)

        if journal.keep:
            link.deliver = stamped
        self._links[client] = link
        for dn in dns:
            if client not in self._registered[dn]:
                self._registered[dn] = self._registered[dn] + (client,)

    def link_of(self, client: str) -> Link | None:
        return self._links.get(client)

    def phone(self, action: Callable[[], None]) -> str | None:
        """Run an action at the phone; returns why it had no effect, or None."""
        try:
            action()
        except TError as err:
            self._outbox.clear()
            return f"{err.message} ({tlib.ERROR_NAMES.get(err.code, err.code)})"
        finally:
            self.flush()
        return None

    # -- lookups used by handlers ---------------------------------------------
    def live_call(self, conn_id: Any) -> Call:
        call = self.calls.get(conn_id) if isinstance(conn_id, str) else None
        if call is None or call.released:
            raise TError(tlib.TERR_INV_CONNID)
        return call

    def dn(self, number: Any) -> DN:
        dn = self.dns.get(number) if isinstance(number, str) else None
        if dn is None:
            raise TError(tlib.TERR_NOT_CONFIGURED, f"DN {number!r} is not configured")
        return dn

    @staticmethod
    def party_on(call: Call, dn: str) -> Party:
        """The live party of ``dn`` on ``call``, or TERR_PARTY_NOT_ON_CALL (470).

        (inference) 470 is a switch-specific code (tliberr.h); the facts file
        names no generic one for a DN that is not on the call.
        """
        party = call.parties.get(dn)
        if party is None or party.state == tlib.RELEASED:
            raise TError(tlib.TERR_PARTY_NOT_ON_CALL, f"DN {dn} is not a party on call {call.conn_id}")
        return party

    def add_party(self, call: Call, party: Party) -> None:
        """Put ``party`` on ``call`` (and index it, for ``free_agents``)."""
        call.parties[party.dn] = party
        self.on_calls.setdefault(party.dn, set()).add(call.conn_id)
        self.free_agents.touched.add(party.dn)

    def remove_party(self, call: Call, dn: str) -> Party:
        """Take ``dn``'s party off ``call`` (it moves to another call)."""
        party = call.parties.pop(dn)
        self._off_call(dn, call.conn_id)
        self.free_agents.touched.add(dn)
        return party

    def call_ended(self, call: Call) -> None:
        """``call`` is no longer live: its DNs may be free."""
        del self.calls[call.conn_id]  # forgotten: memory follows the calls in progress, not the calls so far
        for dn in call.parties:
            self._off_call(dn, call.conn_id)
            self.free_agents.touched.add(dn)

    def _off_call(self, dn: str, conn_id: str) -> None:
        calls = self.on_calls.get(dn)
        if calls is not None:
            calls.discard(conn_id)
            if not calls:
                del self.on_calls[dn]  # a caller's number is seen once in a day of traffic

    def new_call(self, call_type: str, ani: str, dnis: str) -> Call:
        call = Call(self.ids.conn_id(), self.ids.call_uuid(), call_type, ani, dnis, self.env.now)
        self.calls[call.conn_id] = call
        return call

    # -- events ---------------------------------------------------------------
    def call_event(self, name: str, call: Call, dn: str, other_dn: str | None = None,
                   reference_id: int | None = None, **extra: Any) -> None:
        """Queue an event about ``call`` for the clients registered on ``dn``.

        Every call event carries the attributes Genesys documents as mandatory
        (facts §4, §5): ``CallID`` (0: the simulated switch has no call id of its
        own), ``CallState`` (``CALL_STATE_OK`` unless ``extra`` says otherwise)
        and ``Server``; a consult call's EventDialing and EventRinging carry
        ``PreviousConnID``, the call it was started from. External numbers are
        not T-Server's DNs: they get no events.
        """
        if dn not in self.dns:
            return
        party = call.parties.get(dn)
        attrs: dict[str, Any] = {
            "EventSequenceNumber": 0, "TimeinSecs": 0, "TimeinuSecs": 0, "ThisDN": dn,
            "ThisDNRole": party.role if party is not None else None,
            "OtherDN": call.other_dn(dn) if other_dn is None else other_dn,
            "ConnID": call.conn_id, "CallID": 0, "CallUuid": call.call_uuid, "CallType": call.call_type,
            "CallState": tlib.CALL_STATE_OK, "ANI": call.ani, "DNIS": call.dnis, "Server": tlib.SERVER,
        }
        if party is None:
            del attrs["ThisDNRole"]
        if call.queue is not None:
            attrs["ThisQueue"] = call.queue
        if call.links:
            attrs.update(call.links)
            if name in CONSULT_ORIGIN_EVENTS:
                attrs["PreviousConnID"] = call.consulted_from
        attrs["UserData"] = call.data_for_events()
        if reference_id is not None:
            attrs["ReferenceID"] = reference_id
        attrs.update(extra)
        self.emit(name, dn, attrs)

    def emit(self, name: str, dn: str, attrs: dict[str, Any]) -> None:
        """Queue an event for the clients registered on ``dn``."""
        self._outbox.append((name, attrs, self._registered.get(dn, ())))
        self.free_agents.touched.add(dn)  # its party or agent changed: it may have become free or busy
        for phone in self.phones:
            phone(name, dn, attrs)

    def error(self, request: tlib.TRequest, err: TError) -> None:
        attrs: dict[str, Any] = {
            "ErrorCode": err.code,
            "ErrorMessage": err.message,
            "ReferenceID": request.reference_id,
            "Server": tlib.SERVER,
            "ThisDN": request.attrs.get("ThisDN"),
        }
        if "ConnID" in request.attrs:
            attrs["ConnID"] = request.attrs["ConnID"]
        self._outbox.append(("EventError", attrs, (request.client,)))

    def flush(self) -> None:
        """Number, journal and send the queued events, in order.

        Events for one client leave as one batch on its link: they arrive
        together, in emission order, exactly as if sent one by one.
        """
        outbox = self._outbox
        if not outbox:
            return
        batches: dict[str, list[tlib.TEvent]] = {}
        append, keep = self.journal.append, self.journal.keep
        secs, usecs = divmod(self.epoch_us + self.env.now, US_PER_SECOND)  # the clock stands still meanwhile
        seq = self._seq
        while outbox:
            name, attrs, recipients = outbox.popleft()
            seq += 1
            if "EventSequenceNumber" not in attrs:  # keep the stamp first, as T-Library prints it
                attrs = {"EventSequenceNumber": 0, "TimeinSecs": 0, "TimeinuSecs": 0, **attrs}
            attrs["EventSequenceNumber"] = self._seq = seq
            attrs["TimeinSecs"], attrs["TimeinuSecs"] = secs, usecs
            # (its entry's meta, {"arrived": arrivals}, is made when the entry is written: ``Entry.to_dict``)
            event = tlib.TEvent((name, attrs, recipients, [] if keep else None))
            append(J.TLIB_EVENT, event)  # (a kept journal holds it packed: ``journal.KeptEntries``)
            for client in recipients:
                batch = batches.get(client)
                if batch is None:
                    batches[client] = [event]
                else:
                    batch.append(event)
        for client, events in batches.items():
            self._links[client].send_all(events)

