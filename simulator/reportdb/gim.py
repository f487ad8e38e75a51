"""Info Mart's rows, built from ICON's as Info Mart's transformation would.

- **interaction_fact**: one row per call.
- **interaction_resource_fact**: one row per agent leg — an agent's party on a
  call (``g_party`` of a DN an agent was logged in on), from its creation until
  it left the call. (inference) After-call work is not part of the leg here.
- **ctl_ud_to_ude_mapping**: one row, the disposition key mapped to
  IRF_USER_DATA_CUST_1.CUSTOM_DATA_1 by a propagation rule.
- **irf_user_data_cust_1**: for each leg, the value kept for the key.
- **tsim_ud_decision**: for each leg, every value the key had on the call and
  whether it was kept, and why.

The candidates are the key's rows in g_userdata_history and g_custom_data_s of
the leg's call; a user event stored later than ``user-event-data-timeout``
after the call ended is dropped (``ue_after_timeout``). The rules (research §4.4,
§7.2):

================  ====================================================  ==========
rule              candidates                                            kept
================  ====================================================  ==========
CALL              every change on the call                              the latest
PARTY             the changes made by the leg's own DN                  the latest
IRF               the changes made while the leg lasted                 the latest
IRF_FIRST_UPDATE  the changes made while the leg lasted                 the first
================  ====================================================  ==========

(inference) Under CALL every leg of a call gets the call's last value, whenever
it was set: tsim's documented default deployment, where "the last change wins"
for the call. A deletion that comes last leaves nothing to keep.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .idb import Idb

RULES = ("CALL", "PARTY", "IRF", "IRF_FIRST_UPDATE")
UDE_TABLE, UDE_COLUMN = "IRF_USER_DATA_CUST_1", "CUSTOM_DATA_1"


@dataclass(frozen=True)
class Mapping:
    key: str = "DispositionCode"
    rule: str = "CALL"
    default_value: str | None = None


@dataclass(frozen=True)
class Candidate:
    value: str | None  # None: the key was deleted
    table: str
    row_id: int
    dn: str | None
    at: int  # µs since 1970
    order: int  # journal order, for changes at the same instant


def build_gim(idb: Idb, mapping: Mapping, timeout_us: int) -> dict[str, list[tuple[Any, ...]]]:
    """Info Mart's tables from ICON's, for ``mapping`` and the user-event timeout."""
    rows: dict[str, list[tuple[Any, ...]]] = {"interaction_fact": [], "interaction_resource_fact": [],
                                              "ctl_ud_to_ude_mapping": [(1, mapping.key, UDE_TABLE, UDE_COLUMN,
                                                                         mapping.rule, mapping.default_value)],
                                              "irf_user_data_cust_1": [], "tsim_ud_decision": []}
    interactions: dict[str, tuple[int, int | None]] = {}  # callid → (interaction id, ended at, µs)
    for call in idb.rows["g_call"]:
        number = len(rows["interaction_fact"]) + 1
        rows["interaction_fact"].append((number, call[1], call[5], call[6], call[8], call[10]))
        interactions[call[1]] = (number, idb.ended_us.get(call[1]))
    candidates = _candidates(idb, mapping.key)
    ordinals: dict[str, int] = {}
    for party in idb.rows["g_party"]:
        agent = idb.agents.get(party[1])
        if agent is None:
            continue
        call_id = party[2]
        interaction, ended = interactions[call_id]
        ordinals[call_id] = ordinals.get(call_id, 0) + 1
        leg = len(rows["interaction_resource_fact"]) + 1
        start, end = idb.party_us[party[1]]
        rows["interaction_resource_fact"].append((leg, interaction, ordinals[call_id], party[1], agent, "Agent",
                                                  party[3], start, end))
        kept, decisions = decide(candidates.get(call_id, []), mapping.rule, party[3], start, end, ended,
                                 timeout_us)
        rows["irf_user_data_cust_1"].append((leg, kept.value if kept is not None else mapping.default_value))
        for candidate, took, reason in decisions:
            rows["tsim_ud_decision"].append((len(rows["tsim_ud_decision"]) + 1, leg, mapping.key, candidate.value,
                                             candidate.table.upper(), candidate.row_id, candidate.dn, candidate.at,
                                             mapping.rule, int(took), reason))
    return rows


def decide(candidates: list[Candidate], rule: str, dn: str, start: int, end: int | None, ended: int | None,
           timeout_us: int) -> tuple[Candidate | None, list[tuple[Candidate, bool, str]]]:
    """The candidate kept for a leg under ``rule``, and each candidate's fate."""
    fates: dict[int, str] = {}
    allowed = []
    for i, c in enumerate(candidates):
        if c.table == "g_custom_data_s" and ended is not None and c.at > ended + timeout_us:
            fates[i] = "ue_after_timeout"
        elif rule == "PARTY" and c.dn != dn:
            fates[i] = "other_party"
        elif rule in ("IRF", "IRF_FIRST_UPDATE") and not start <= c.at <= (math.inf if end is None else end):
            fates[i] = "outside_irf"
        else:
            allowed.append(i)
    chosen = None
    if allowed:
        chosen = allowed[0] if rule == "IRF_FIRST_UPDATE" else allowed[-1]
        for i in allowed:
            fates[i] = "superseded"
        fates[chosen] = {"IRF_FIRST_UPDATE": "kept_first", "PARTY": "kept_party"}.get(rule, "kept_latest")
        if candidates[chosen].value is None:
            fates[chosen] = "deleted"
    kept = candidates[chosen] if chosen is not None and candidates[chosen].value is not None else None
    return kept, [(c, i == chosen and kept is not None, fates[i]) for i, c in enumerate(candidates)]


def _candidates(idb: Idb, key: str) -> dict[str, list[Candidate]]:
    """The key's changes on each call, in the order they happened."""
    found: dict[str, list[Candidate]] = {}
    for row in idb.rows["g_userdata_history"]:
        if row[4] == key:
            found.setdefault(row[1], []).append(Candidate(row[5], "g_userdata_history", row[0], row[3], row[8],
                                                          idb.orders[("g_userdata_history", row[0])]))
    for row in idb.rows["g_custom_data_s"]:
        if row[4] == key and row[1] is not None:
            found.setdefault(row[1], []).append(Candidate(row[5], "g_custom_data_s", row[0], row[3], row[7],
                                                          idb.orders[("g_custom_data_s", row[0])]))
    for changes in found.values():
        changes.sort(key=lambda c: (c.at, c.order))
    return found
