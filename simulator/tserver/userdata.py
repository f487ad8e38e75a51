"""Attached user data and user events.

- Attach/Update/Delete/DeletePair work on a **live** call: an unknown or
  released ConnID answers EventError 56 ``TERR_INV_CONNID``, and the requesting
  DN must be a live party on the call (else 470 ``TERR_PARTY_NOT_ON_CALL``).
  Every live party then gets **EventAttachedDataChanged** with the full user
  data and ``ThirdPartyDN`` = the DN that made the change (facts §2.5), the
  requester first; the requester's copy carries the ReferenceID.
- A consult call made under ``consult-user-data`` = ``joint`` shares its user
  data with the call it came from (``Call.joint``): a change on either is a
  change on both, and the live parties of the other call hear
  EventAttachedDataChanged too, after those of the call the request named.
- The user data is kept as a mapping: (simplification) AttachUserData of a key
  that exists replaces its value where a real KV list could hold the key twice.
- RequestDistributeUserEvent stores nothing on any call: T-Server copies the
  content into an **EventUserEvent** for every client registered on the DN, so
  it works whether or not the call still exists.
"""

from __future__ import annotations

from typing import Any

from .. import tlib
from .model import Call, TError
from .switch import Switch


def _changed(ts: Switch, call: Call, requester: str, reference_id: int | None) -> None:
    """EventAttachedDataChanged to the requester first, then to the other live parties;
    then to the live parties of the calls that share the data (joint)."""
    for party in sorted(call.live_parties(), key=lambda p: p.dn != requester):
        extra: dict[str, Any] = {"ThirdPartyDN": requester}
        if party.dn == requester and reference_id is not None:
            extra["ReferenceID"] = reference_id
        ts.call_event("EventAttachedDataChanged", call, party.dn, **extra)
    for conn_id in call.joint:
        partner = ts.calls.get(conn_id)
        if partner is not None and not partner.released:
            for party in partner.live_parties():
                ts.call_event("EventAttachedDataChanged", partner, party.dn, ThirdPartyDN=requester)


def attach(ts: Switch, dn: str, call: Call, data: dict[str, Any], reference_id: int | None = None) -> None:
    ts.party_on(call, dn)
    _require_pairs(data)
    call.user_data.update(data)
    call.data_changed()
    _changed(ts, call, dn, reference_id)


def update(ts: Switch, dn: str, call: Call, data: dict[str, Any], reference_id: int | None = None) -> None:
    """RequestUpdateUserData: with a mapping, adding and overwriting are the same change."""
    attach(ts, dn, call, data, reference_id)


def delete_all(ts: Switch, dn: str, call: Call, reference_id: int | None = None) -> None:
    ts.party_on(call, dn)
    call.user_data.clear()
    call.data_changed()
    _changed(ts, call, dn, reference_id)


def delete_pair(ts: Switch, dn: str, call: Call, key: Any, reference_id: int | None = None) -> None:
    ts.party_on(call, dn)
    if not isinstance(key, str) or key not in call.user_data:
        # (inference) no source gives the code for deleting an absent key.
        raise TError(tlib.TERR_INVALID_ATTR, f"No key {key!r} in the call's user data")
    del call.user_data[key]
    call.data_changed()
    _changed(ts, call, dn, reference_id)


def distribute_user_event(ts: Switch, dn: str, content: Any, reference_id: int | None = None) -> None:
    ts.dn(dn)
    if not isinstance(content, dict):
        raise TError(tlib.TERR_INVALID_ATTR, "UserEvent must be a list of attributes")
    attrs: dict[str, Any] = {"ThisDN": dn}
    attrs.update(content)
    if reference_id is not None:
        attrs["ReferenceID"] = reference_id
    ts.emit("EventUserEvent", dn, attrs)


def _require_pairs(data: Any) -> None:
    if not isinstance(data, dict) or not data:
        raise TError(tlib.TERR_INVALID_ATTR, "UserData must hold at least one key-value pair")
