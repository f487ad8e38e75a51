"""Rules every run's journal keeps, whatever the scenario.

``violations(result)`` lists the broken ones (empty: all hold). They are the
model's contract with everything that reads the journal — reports, pictures,
a live server — and the random call flows in the tests check them on every
run:

1. **Order**: sequence numbers run 1, 2, 3, … and time never goes back.
2. **Every HTTP request is answered**, once, at the instant it arrived.
3. **Every T-Library request Web Services sends is answered**, once: an event
   carrying its ReferenceID comes back to Web Services before the run ends.
4. **One record per disposition**, with exactly one path (userData,
   userEvent, rejected) and one reporting outcome (reported, superseded, lost).
5. **Nothing reaches a desktop about a call after it is gone**: once a
   user's desktop got the call's ``Completed`` status, no later CometD
   message for that user names the call — unless the call comes back to them
   (a StatusChange showing it Ringing, Dialing or Established again: a
   transfer to a queue they serve can hand them the same call).
6. **Every T-Library event carries its mandatory attributes** (``tlib.mandatory``:
   CallID, CallState and Server on call events, PreviousConnID on a consult
   call's EventDialing/EventRinging, the roles on party events, …), and no
   EventPartyAdded/EventPartyDeleted names its receiver in ``OtherDN``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from . import journal as J
from . import tlib
from .record import DispositionRecord, Fate

PATHS = ("userData", "userEvent", "rejected")
BACK = frozenset({"Ringing", "Dialing", "Established"})
"""The states in which a completed call can reach the same desktop again."""
OUTCOMES = ("reported", "superseded", "lost")


def violations(result: Any) -> list[str]:
    """Every broken rule of ``result`` (a ``RunResult``), one line each."""
    journal = result.journal
    problems: list[str] = []
    problems += _order(journal)
    problems += _http_answered(journal)
    problems += _tlib_answered(journal)
    problems += _records(result.dispositions)
    problems += _nothing_after_completion(journal)
    problems += _mandatory_attributes(journal)
    return problems


def _mandatory_attributes(journal: J.Journal) -> list[str]:
    problems = []
    for entry in journal.of_kind(J.TLIB_EVENT):
        event = entry.payload
        attrs = event.attrs
        missing = [key for key in tlib.mandatory(event.name, attrs) if attrs.get(key) is None]
        if missing:
            problems.append(f"journal #{entry.seq}: {event.name} lacks {', '.join(missing)}")
        elif event.name in ("EventPartyAdded", "EventPartyDeleted") and attrs["OtherDN"] == attrs.get("ThisDN"):
            problems.append(f"journal #{entry.seq}: {event.name} to {attrs['ThisDN']} names it in OtherDN")
        if len(problems) >= 10:
            break
    return problems


def _order(journal: J.Journal) -> list[str]:
    last_t = 0
    for expected, entry in enumerate(journal, start=1):
        if entry.seq != expected:
            return [f"journal #{entry.seq}: expected sequence number {expected}"]
        if entry.t < last_t:
            return [f"journal #{entry.seq}: time goes back from {last_t} to {entry.t} µs"]
        last_t = entry.t
    return []


def _http_answered(journal: J.Journal) -> list[str]:
    asked: dict[str, int] = {}
    answered: Counter[str] = Counter()
    for entry in journal:
        if entry.kind == J.HTTP_REQUEST:
            asked[entry.payload["request"]] = entry.t
        elif entry.kind == J.HTTP_RESPONSE:
            request = entry.payload["request"]
            answered[request] += 1
            if asked.get(request) != entry.t:
                return [f"journal #{entry.seq}: HTTP answer to {request} not at the instant it was asked"]
    problems = [f"HTTP request {r} answered {answered[r]} times" for r in asked if answered[r] != 1]
    return problems[:5]


def _tlib_answered(journal: J.Journal) -> list[str]:
    sent: list[int] = []
    outcomes: Counter[int] = Counter()
    for entry in journal:
        if entry.kind == J.TLIB_REQUEST and entry.payload.client == "gws":
            sent.append(entry.payload.reference_id)
        elif entry.kind == J.GWS_OUTCOME:
            outcomes[entry.payload["referenceId"]] += 1
    problems = [f"T-Library request ReferenceID {ref} answered {outcomes[ref]} times" for ref in sent
                if outcomes[ref] != 1]
    return problems[:5]


def _records(records: list[DispositionRecord]) -> list[str]:
    problems = []
    for record in records:
        if record.path.value not in PATHS:
            problems.append(f"disposition {record.request}: path {record.path!r}")
        if record.reporting.outcome.value not in OUTCOMES:
            problems.append(f"disposition {record.request}: reporting outcome {record.reporting.outcome!r}")
        if record.reporting.outcome is Fate.LOST and not record.reporting.reason:
            problems.append(f"disposition {record.request}: lost without a reason")
    names = Counter(record.request for record in records)
    problems += [f"disposition {name}: {count} records" for name, count in names.items() if count > 1]
    return problems


def _nothing_after_completion(journal: J.Journal) -> list[str]:
    gone: dict[tuple[str, str], int] = {}
    for entry in journal.of_kind(J.COMETD, J.GWS_COMPLETED):
        if entry.kind == J.GWS_COMPLETED:
            gone[(entry.payload["user"], entry.payload["callId"])] = entry.seq
            continue
        message = entry.payload
        call_id = message.call_id
        key = (message.user, call_id) if call_id is not None else None
        sent_after = (entry.meta or {}).get("sentAfter", entry.seq)  # a delayed message left earlier
        if key in gone and sent_after > gone[key] and message.notification_type == "StatusChange" \
                and getattr(message, "state", None) in BACK:
            del gone[key]  # the same call, on this desktop again: a new view of it
            continue
        if key in gone and sent_after > gone[key] and getattr(message, "state", None) != "Completed":
            return [f"journal #{entry.seq}: CometD {message.notification_type or message.message_type} to "
                    f"{message.user} about call {call_id}, completed at journal #{gone[key]}"]
    return []
