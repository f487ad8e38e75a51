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

The interaction and its legs are written when the call ends (``ended``); what
each leg keeps, when reporting closes the call (``closed``), once no user event
can change it.

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
from typing import Any, NamedTuple

RULES = ("CALL", "PARTY", "IRF", "IRF_FIRST_UPDATE")
UDE_TABLE, UDE_COLUMN = "IRF_USER_DATA_CUST_1", "CUSTOM_DATA_1"


@dataclass(frozen=True)
class Mapping:
    key: str = "DispositionCode"
    rule: str = "CALL"
    default_value: str | None = None


class Candidate(NamedTuple):
    """One value the key took on a call (many are kept for an hour: a tuple, small)."""

    value: str | None  # None: the key was deleted
    table: str
    row_id: int
    dn: str | None
    at: int  # µs since 1970
    order: int  # journal order, for changes at the same instant


class InfoMart:
    """Info Mart's rows for each call reporting has closed (its ETL's view of ICON's rows),
    written to ``writer``."""

    def __init__(self, writer: Any, mapping: Mapping, timeout_us: int):
        self.writer, self.mapping, self.timeout_us = writer, mapping, timeout_us
        self._decisions = 0
        writer.add("ctl_ud_to_ude_mapping", (1, mapping.key, UDE_TABLE, UDE_COLUMN, mapping.rule,
                                             mapping.default_value))

    def ended(self, interaction: int, call_row: Any, legs: Any) -> None:
        """A call ended: its interaction and its agent legs (``idb``'s g_call row and
        (leg id, g_party row + [began, left], agent id) of each leg)."""
        add = self.writer.add
        add("interaction_fact", (interaction, call_row[1], call_row[5], call_row[6], call_row[8], call_row[10]))
        for ordinal, (leg, party, agent) in enumerate(legs, 1):
            add("interaction_resource_fact", (leg, interaction, ordinal, party[1], agent, "Agent", party[3],
                                              party[9], party[10]))

    def closed(self, legs: Any, candidates: list[Candidate], ended_us: int | None) -> None:
        """Reporting closed the call: what each leg (leg id, DN, began, left, …) keeps, and why."""
        mapping = self.mapping
        ordered = sorted(candidates, key=lambda c: (c.at, c.order))
        for leg, dn, start, end, *_ in legs:
            kept, decisions = decide(ordered, mapping.rule, dn, start, end, ended_us, self.timeout_us)
            self.writer.add("irf_user_data_cust_1", (leg, kept.value if kept is not None else mapping.default_value))
            for candidate, took, reason in decisions:
                self._decision(leg, candidate, took, reason)

    def after_close(self, interaction: int, candidate: Candidate) -> None:
        """A user event ICON stored for a call already closed: reporting closed it once the
        user-event timeout had passed after it ended, so every leg drops the value."""
        legs = self.writer.lookup("SELECT interaction_resource_id FROM interaction_resource_fact "
                                  "WHERE interaction_id = ? ORDER BY interaction_resource_id", (interaction,))
        for (leg,) in legs:
            self._decision(leg, candidate, False, "ue_after_timeout")

    def _decision(self, leg: int, candidate: Candidate, took: bool, reason: str) -> None:
        self._decisions += 1
        self.writer.add("tsim_ud_decision", (self._decisions, leg, self.mapping.key, candidate.value,
                                             candidate.table.upper(), candidate.row_id, candidate.dn, candidate.at,
                                             self.mapping.rule, int(took), reason))


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
