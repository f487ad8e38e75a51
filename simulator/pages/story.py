"""Each disposition's story, in plain words and in the order things happened.

A learner reads the page from the top: before any table or diagram, each
disposition is told as a short list of moments — when the agent clicked, when
T-Server released the agent's party and when Web Services heard of it, which
path Web Services chose and why, what T-Server answered, what the desktop was
told, and what reporting (ICON, then Info Mart) ended with. Each moment names
its time and, where the journal has it, the message it links to in the diagram
(``#m<seq>``). The decisive gap — Web Services' view lagging T-Server's — is
stated when there is one.

Built from the record and the journal (as ``journal.jsonl`` has them, times in
seconds), so the page says nothing the reports do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..timeunits import format_seconds as _t

RELEASING = ("EventReleased", "EventAbandoned")


@dataclass(frozen=True)
class Moment:
    at: float  # seconds
    text: str
    seq: int | None = None  # the journal entry it links to
    decisive: bool = False


@dataclass(frozen=True)
class Story:
    request: str
    title: str
    moments: tuple[Moment, ...]
    verdict: str  # the fate, in words
    why: str  # why that fate: the record's reason, or why it was reported


class JournalIndex:
    """What a story looks up in the journal: when T-Server released each DN's party on
    each call (and when Web Services heard), each event's journal entry by its
    EventSequenceNumber, and each HTTP request's entry by its name.

    Given the ``records`` the stories are told of, it keeps only what they look up: a
    long run's index then grows with its dispositions, not with every event it had."""

    def __init__(self, journal: Iterable[dict[str, Any]], records: Iterable[dict[str, Any]] | None = None):
        self.released: dict[tuple[Any, Any], tuple[float, int, float | None]] = {}  # (ConnID, DN) → …
        self.events: dict[Any, int] = {}  # EventSequenceNumber → journal seq
        self.requests: dict[Any, int] = {}  # HTTP request name → journal seq
        wanted = _looked_up(records) if records is not None else None
        for entry in journal:
            kind = entry.get("kind")
            if kind == "http.request":
                request = entry.get("request")
                if wanted is None or request in wanted.requests:
                    self.requests.setdefault(request, entry["seq"])
            if kind != "tlib.event":
                continue
            attrs = entry.get("attrs") or {}
            number = attrs.get("EventSequenceNumber")
            if wanted is None or number in wanted.events:
                self.events.setdefault(number, entry["seq"])
            key = (attrs.get("ConnID"), attrs.get("ThisDN"))
            if entry.get("name") not in RELEASING or key in self.released or \
                    (wanted is not None and key not in wanted.released):
                continue
            arrived = ((entry.get("meta") or {}).get("arrived") or {}).get("gws")
            self.released[key] = (entry["t"], entry["seq"], arrived[0] if arrived else None)

    def release_of(self, conn_id: str | None, dn: str | None) -> tuple[float, int, float | None] | None:
        return self.released.get((conn_id, dn))


@dataclass(frozen=True)
class _Wanted:
    requests: frozenset[Any]
    events: frozenset[Any]
    released: frozenset[tuple[Any, Any]]


def _looked_up(records: Iterable[dict[str, Any]]) -> _Wanted:
    """What the stories of ``records`` look up in the index (``story``)."""
    requests, events, released = set(), set(), set()
    for record in records:
        requests.add(record["request"])
        released.add((record.get("connId"), record.get("dn")))
        for answer in (record.get("tserver"), (record.get("fallback") or {}).get("tserver")):
            if answer:
                events.add(answer.get("eventSequenceNumber"))
    return _Wanted(frozenset(requests), frozenset(events), frozenset(released))


def story(record: dict[str, Any], index: JournalIndex) -> Story:
    moments: list[Moment] = []
    user, dn, at = record["user"], record.get("dn"), record["requestedAt"]
    value = f"{record.get('key') or 'disposition'}={record['disposition']}"
    view, state = record.get("gwsView"), record.get("tserverState")
    moments.append(Moment(at, f"{user} picks {value} on the desktop; Web Services sees the call "
                              f"{view or 'not at all'}" + (f", while at T-Server the party is {state}"
                                                           if state and state != view else ""),
                          index.requests.get(record["request"])))
    released = index.release_of(record.get("connId"), dn)
    if released is not None:
        released_at, seq, heard = released
        moments.append(Moment(released_at, f"T-Server releases {dn}'s party on the call", seq))
        if heard is not None:
            lag = heard - released_at
            late = heard > at and released_at <= at
            moments.append(Moment(heard, f"Web Services hears of the release ({_t(lag)} after T-Server)"
                                         + (": until now it showed the call as still "
                                            f"{view}" if late else ""), seq, decisive=late))
    moments += _path_and_answer(record, index)
    moments.sort(key=lambda m: m.at)
    reporting = record["reporting"]
    fate = reporting["outcome"]
    why = reporting.get("reason") or reported_why(record)
    moments.append(Moment(moments[-1].at, f"Reporting: {fate}. {why}"))
    title = f"{record['request']}: {user} picks {value} at {_t(at)}"
    return Story(record["request"], title, tuple(moments), fate, why)


def _path_and_answer(record: dict[str, Any], index: JournalIndex) -> list[Moment]:
    moments = []
    path, times = record["path"], record.get("times") or {}
    reached = times.get("reachedGws") or record["requestedAt"]
    if path == "rejected":
        http = record["http"]
        moments.append(Moment(reached, f"Web Services refuses it: HTTP {http['status']}, statusCode "
                                       f"{http['statusCode']} ({http.get('statusMessage') or 'no message'}); "
                                       "nothing reaches T-Server"))
        return moments
    because = "the call is active in its view: it writes the call's user data" if path == "userData" else \
        "the call is over in its view: it sends the disposition as a user event for reporting"
    moments.append(Moment(reached, f"Web Services chooses the {path} path — {because}"))
    moments += _answer(record.get("tserver"), "the request", index)
    fallback = record.get("fallback")
    if fallback:
        moments.append(Moment(fallback["at"], "Web Services falls back to a user event (the fallback is on)"))
        moments += _answer(fallback.get("tserver"), "the fallback user event", index)
    cometd = record.get("cometd") or []
    at_desktop = times.get("cometdAtDesktop")
    if cometd and at_desktop is not None:
        moments.append(Moment(at_desktop, f"The desktop is told over CometD: {', '.join(cometd)}"))
    elif path == "userEvent" and not fallback:
        last = max(m.at for m in moments)
        moments.append(Moment(last, "No CometD message: a user event changes nothing a desktop shows"))
    return moments


def _answer(tserver: dict[str, Any] | None, what: str, index: JournalIndex) -> list[Moment]:
    if not tserver or tserver.get("reachedAt") is None:
        return []
    out = [Moment(tserver["reachedAt"], f"{tserver['request']} ({what}) reaches T-Server")]
    if tserver.get("event") is None:
        out.append(Moment(tserver["reachedAt"], "T-Server had not answered when the run ended"))
    elif tserver["event"] == "EventError":
        out.append(Moment(tserver["at"], f"T-Server answers EventError {tserver['errorCode']} "
                                         f"{tserver['errorName']}: {tserver.get('errorMessage') or ''}".rstrip(": "),
                          index.events.get(tserver.get("eventSequenceNumber")), decisive=True))
    else:
        out.append(Moment(tserver["at"], f"T-Server answers {tserver['event']}",
                          index.events.get(tserver.get("eventSequenceNumber"))))
    return out


def reported_why(record: dict[str, Any]) -> str:
    """Why a reported disposition reached reporting: which table holds it and which leg keeps it."""
    reporting = record["reporting"]
    final_path = (record.get("fallback") or {}).get("path") or record["path"]
    table = "G_USERDATA_HISTORY (the call's attached data)" if final_path == "userData" else \
        "G_CUSTOM_DATA_S (a user event)"
    place = reporting.get("infoMart")
    leg = {"own leg": f"on {record.get('dn')}'s own leg",
           "own and another leg": f"on {record.get('dn')}'s own leg and on another agent's",
           "another leg": "only on another agent's leg", "no leg": "on no leg"}.get(place or "", "")
    stored = f"ICON stored it in {table}" if reporting.get("icon") else "It reached reporting"
    return f"{stored}; Info Mart keeps it {leg} (IRF_USER_DATA_CUST_1)." if leg else f"{stored}."
