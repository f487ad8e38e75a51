"""Which messages of a run rest on an inference rather than on Genesys' documentation.

The run page marks them (≈ after the label, the reason in the arrow's tooltip and in
the detail panel), so a trainee can tell documented behaviour from tsim's guess. The
reasons point into ``docs/inferences.md``, which lists every "(inference)" of the code.
Each rule reads one journal entry as the page has it (a dict); an entry the model
made because of an inference carries the reason in its meta.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import tlib

Entry = dict[str, Any]


def _error_code(entry: Entry) -> str | None:
    code = entry.get("attrs", {}).get("ErrorCode")
    if code == tlib.TERR_INV_CONNID:
        return ("no source shows the code a T-Server gives for a released ConnID: 56 (TERR_INV_CONNID) is the "
                "documented generic meaning")
    if code == tlib.TERR_PARTY_NOT_ON_CALL:
        return "470 is a switch-specific code: the facts name no generic one for a DN that is not on the call"
    if code == tlib.TERR_UNSUP_OPER:
        return "T-Library has no generic 'wrong call state' code: tsim answers 51 (TERR_UNSUP_OPER)"
    return None


def _tlib_event(entry: Entry) -> str | None:
    name, attrs = entry.get("name"), entry.get("attrs", {})
    if name == "EventError":
        return _error_code(entry)
    if name == "EventPartyDeleted" and attrs.get("OtherDN") == attrs.get("ThirdPartyDN"):
        return "a party hung up: tsim names that party itself as the one who deleted it (ThirdPartyDN)"
    if name == "EventUserEvent":
        return ("what a released-call user event carries beyond the key and value is not documented: tsim sends "
                "ConnID, CallUuid and UserData")
    if "TransferConnID" in attrs or "ConferenceConnID" in attrs:
        return "which events of a consult call carry TransferConnID / ConferenceConnID is not documented"
    return None


def _cometd(entry: Entry) -> str | None:
    data = entry.get("message", {}).get("data", {})
    if data.get("messageType") == "ErrorMessage":
        return ("GWS documents the voice ErrorMessage but not its fields: tsim sends the T-Library error code and "
                "text, the operation and the call")
    call = data.get("call") or {}
    if call.get("state") == "Completed":
        return "GWS v2 documents no Completed state: tsim's last StatusChange is shaped like the Workspace API's"
    for device in data.get("devices") or ():
        user_state = device.get("userState", {})
        if user_state.get("workMode") or user_state.get("state") == "LoggedOut":
            return ("the samples show Ready and Not Ready only: this state's GUID and display name are tsim's "
                    "own")
    return None


def _http_response(entry: Entry) -> str | None:
    body = entry.get("body") or {}
    if "calls" in body or "call" in body or "devices" in body or "user" in body:
        return "the envelope of a GET answer is not in the facts: tsim answers with the fields its messages use"
    return None


RULES: dict[str, Callable[[Entry], str | None]] = {
    "tlib.event": _tlib_event,
    "cometd": _cometd,
    "http.response": _http_response,
}


def inferred(entry: Entry) -> str | None:
    """Why ``entry`` rests on an inference, or None when it is documented. A message the
    model sends only because of an inference says so in its journal meta (``inference``)."""
    noted = (entry.get("meta") or {}).get("inference")
    if isinstance(noted, str):
        return noted
    rule = RULES.get(entry.get("kind", ""))
    return rule(entry) if rule is not None else None
