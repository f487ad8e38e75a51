"""The disposition record: what became of one SetCallDisposition, as a typed, frozen model.

One record per request, built from the journal alone (``records``). Times are
integer microseconds inside (``Micros``) and seconds only where a writer turns
the record into JSON (``to_json``), so no reader re-parses floats.
``tsim schema --record`` prints the JSON Schema of a ``dispositions.jsonl``
line, for consumers that validate it.

- what was asked: request, user, DN, call id, ConnID, CallUuid, disposition,
  key, ``requestedAt`` (when it left the desktop);
- what Web Services believed (``gwsView``) and what T-Server knew at that
  instant (``tserverState``) — the gap between the two is the view lag;
- the ``path`` (``userData``, ``userEvent``, ``rejected``) and the HTTP answer;
- the T-Server outcome, the CometD messages, the times along the way, the
  fallback user event if one was sent;
- what reporting ends with (``reported``, ``superseded``, ``lost``) and why.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from .parsedlines import ParsedLines
from .timeunits import US_PER_SECOND

Micros = Annotated[int, PlainSerializer(lambda us: us / US_PER_SECOND, return_type=float, when_used="json"),
                   Field(description="a simulated time, in seconds in JSON (integer microseconds in Python)")]
"""A simulated time: integer µs in Python, float seconds in JSON."""


class DispositionPath(str, Enum):
    """How Web Services carried the disposition (reference/SetCallDisposition.txt)."""

    USER_DATA = "userData"  # the call was active in its view: RequestUpdateUserData
    USER_EVENT = "userEvent"  # the call was released in its view: RequestDistributeUserEvent
    REJECTED = "rejected"  # refused at once (statusCode 1, 6, 10...): nothing sent


class Fate(str, Enum):
    """What reporting ends with, for this disposition."""

    REPORTED = "reported"  # reporting holds this value under the key
    SUPERSEDED = "superseded"  # it arrived; a later change replaced or removed it
    LOST = "lost"  # it never arrived, or reporting ignored it


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HttpAnswer(_Frozen):
    status: int = Field(description="the HTTP status")
    statusCode: int = Field(description="the GWS statusCode")
    statusMessage: str | None = None


class TServerOutcome(_Frozen):
    """The T-Library request Web Services sent and the event that answered it."""

    request: str | None = Field(description="the T-Library request, e.g. RequestUpdateUserData")
    reachedAt: Micros | None = Field(description="when it reached T-Server")
    event: str | None = Field(description="the answering event (EventAttachedDataChanged, EventUserEvent, "
                                          "EventError), or null if none came")
    at: Micros | None = Field(description="when T-Server sent that event")
    eventSequenceNumber: int | None = None
    errorCode: int | None = None
    errorName: str | None = None
    errorMessage: str | None = None


class Times(_Frozen):
    """The request's way through the stack."""

    leftDesktop: Micros
    reachedGws: Micros
    reachedTServer: Micros | None
    answered: Micros | None
    answerAtGws: Micros | None
    cometdAtDesktop: Micros | None


class Fallback(_Frozen):
    """The user event Web Services sent after the userData path met EventError (a setting)."""

    path: DispositionPath
    at: Micros
    tserver: TServerOutcome | None


class InfoMartPlace(str, Enum):
    OWN_LEG = "own leg"
    OWN_AND_ANOTHER_LEG = "own and another leg"
    ANOTHER_LEG = "another leg"
    NO_LEG = "no leg"


class ReportingFate(_Frozen):
    holds: Any = Field(description="the value reporting ends with under the record's key (null: none)")
    outcome: Fate
    reason: str | None = Field(description="why lost or superseded, in words")
    callEnded: bool | None = Field(description="the call had ended for reporting when the run ended "
                                               "(null: reporting never saw the call)")
    icon: bool = Field(False, description="ICON stored it: a G_USERDATA_HISTORY row (the userData path) or a "
                                          "G_CUSTOM_DATA_S row (a user event) carries it")
    infoMart: InfoMartPlace | None = Field(None, description="where Info Mart keeps it (IRF_USER_DATA_CUST_1): on "
                                                             "the agent's own leg, on it and another agent's, "
                                                             "only on another's, or on none (null: the call had "
                                                             "no agent leg)")


class DispositionRecord(_Frozen):
    """One SetCallDisposition request and everything that became of it."""

    request: str = Field(description="the request's name in the scenario, or r<N>")
    user: str
    dn: str | None = Field(description="the user's device DN")
    callId: str = Field(description="the call id in the request's path")
    connId: str | None
    callUuid: str | None
    disposition: Any = Field(description="the disposition asked for (as sent)")
    key: str | None = Field(description="the user-data key it was written under")
    requestedAt: Micros = Field(description="when the request left the desktop")
    gwsView: str | None = Field(description="the call's state in Web Services' view when the request arrived")
    tserverState: str | None = Field(description="the party's state at T-Server at that instant")
    path: DispositionPath
    http: HttpAnswer
    tserver: TServerOutcome | None
    cometd: tuple[str, ...] = Field(description="the CometD messages it caused, by notification or message type")
    times: Times
    fallback: Fallback | None
    reporting: ReportingFate

    def to_json(self) -> dict[str, Any]:
        """The record as a ``dispositions.jsonl`` line holds it (times in seconds)."""
        return self.model_dump(mode="json")

    def to_json_line(self) -> str:
        """The ``dispositions.jsonl`` line itself, without its newline: compact JSON,
        written by pydantic's serializer (a third of the time of ``to_json`` then
        ``json.dumps``, which counts in a day of a million records)."""
        return self.model_dump_json()

    @classmethod
    def from_json_line(cls, line: str) -> DispositionRecord:
        """The record a ``to_json_line`` line holds, equal to the one that wrote it: its
        times, seconds in JSON, back in whole microseconds."""
        data = json.loads(line)
        data["requestedAt"] = _micros(data["requestedAt"])
        data["times"] = {name: _micros(at) for name, at in data["times"].items()}
        for outcome in (data.get("tserver"), (data.get("fallback") or {}).get("tserver")):
            if outcome is not None:
                outcome["reachedAt"], outcome["at"] = _micros(outcome["reachedAt"]), _micros(outcome["at"])
        if data.get("fallback") is not None:
            data["fallback"]["at"] = _micros(data["fallback"]["at"])
        return cls.model_validate(data)


def _micros(seconds: float | None) -> int | None:
    """A JSON time (seconds) in microseconds: exact below 2**50 µs, 35 years of simulated time
    (the seconds' rounding error, times a million, stays under half a microsecond)."""
    return None if seconds is None else round(seconds * US_PER_SECOND)


class DispositionRecords(ParsedLines[DispositionRecord]):
    """A run's records, held as their ``dispositions.jsonl`` lines (a fifth of the memory of the
    models: a hundred thousand records are 450 MB as models) and made again when one is
    read. The writers take the lines as they are (``lines``)."""

    def __init__(self, lines: list[str] | None = None):
        super().__init__(lines if lines is not None else [], DispositionRecord.from_json_line)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DispositionRecords):
            return self.lines == other.lines
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # (a mutable sequence, as a list)

    def __repr__(self) -> str:
        return f"DispositionRecords({len(self.lines)} records)"


def record_schema() -> dict[str, Any]:
    """The JSON Schema of one line of ``dispositions.jsonl``."""
    document = DispositionRecord.model_json_schema(mode="serialization")
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "tsim disposition record"
    return json.loads(json.dumps(document))
