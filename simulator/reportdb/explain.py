"""Each disposition's rows in the reporting tables, for the run's page: the ICON rows
that carry its value (by its call, key, value and agent DN), and what each agent leg
of its call keeps in Info Mart."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from typing import Any

ICON_ROWS = """
select callid, keyname, value, endpointdn, 'G_USERDATA_HISTORY', id, added_ts from g_userdata_history
 where keyname in ({keys})
union all
select callid, keyname, value, endpointdn, 'G_CUSTOM_DATA_S', id, added_ts from g_custom_data_s
 where keyname in ({keys})
order by 7, 5, 6"""
LEG_ROWS = """
select f.media_server_ixn_guid, irf.interaction_resource_ordinal, irf.resource_name, irf.endpointdn, u.custom_data_1
  from interaction_fact f join interaction_resource_fact irf using (interaction_id)
  join irf_user_data_cust_1 u using (interaction_resource_id)
 order by 2"""


def _wanted(record: dict[str, Any]) -> bool:
    return record.get("callUuid") is not None and record.get("key") is not None


def disposition_rows(connection: sqlite3.Connection, records: Collection[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """request → {"icon": [(table, row id)], "legs": [(agent, DN, value kept, the record's own)]}.

    ICON's rows that carry a disposition are those of its call, key, value and agent DN,
    in the order they were added; its legs are its call's. The tables are read once, not
    once per record (the tables have no index on these columns: a query per record made
    a run of 10,000 dispositions scan them 20,000 times)."""
    keys = sorted({record["key"] for record in records if _wanted(record)})
    if not keys:
        return {}
    icon: dict[tuple[Any, ...], list[tuple[str, int]]] = {}
    for call, key, value, dn, table, row_id, _ in connection.execute(
            ICON_ROWS.format(keys=", ".join("?" * len(keys))), keys * 2):
        icon.setdefault((call, key, value, dn), []).append((table, row_id))
    legs: dict[str, list[tuple[Any, ...]]] = {}
    for guid, _, agent, leg_dn, kept in connection.execute(LEG_ROWS):
        legs.setdefault(guid, []).append((agent, leg_dn, kept))
    found: dict[str, dict[str, Any]] = {}
    for record in records:  # (read twice, never held: a long run's records are parsed as they are read)
        if not _wanted(record):
            continue
        call, key, value, dn = record["callUuid"], record["key"], record.get("disposition"), record.get("dn")
        text = value if isinstance(value, str) else str(value)
        found[record["request"]] = {
            "icon": list(icon.get((call, key, text, dn), ())) if dn is not None else [],  # SQL: NULL matches nothing
            "legs": [(agent, leg_dn, kept, leg_dn == dn) for agent, leg_dn, kept in legs.get(call, ())]}
    return found
