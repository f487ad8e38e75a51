"""Each disposition's rows in the reporting tables, for the run's page: the ICON rows
that carry its value (by its call, key, value and agent DN), and what each agent leg
of its call keeps in Info Mart."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

ICON_ROWS = """
select 'G_USERDATA_HISTORY', id, added_ts from g_userdata_history
 where callid = ? and keyname = ? and value = ? and endpointdn = ?
union all
select 'G_CUSTOM_DATA_S', id, added_ts from g_custom_data_s
 where callid = ? and keyname = ? and value = ? and endpointdn = ?
order by 3, 1, 2"""
LEG_ROWS = """
select irf.interaction_resource_ordinal, irf.resource_name, irf.endpointdn, u.custom_data_1
  from interaction_fact f join interaction_resource_fact irf using (interaction_id)
  join irf_user_data_cust_1 u using (interaction_resource_id)
 where f.media_server_ixn_guid = ? order by 1"""


def disposition_rows(connection: sqlite3.Connection, records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """request → {"icon": [(table, row id)], "legs": [(agent, DN, value kept, the record's own)]}."""
    found: dict[str, dict[str, Any]] = {}
    for record in records:
        call, key, value, dn = record.get("callUuid"), record.get("key"), record.get("disposition"), record.get("dn")
        if call is None or key is None:
            continue
        text = value if isinstance(value, str) else str(value)
        icon = [(table, row_id) for table, row_id, _ in
                connection.execute(ICON_ROWS, (call, key, text, dn, call, key, text, dn))]
        legs = [(agent, leg_dn, kept, leg_dn == dn) for _, agent, leg_dn, kept in connection.execute(LEG_ROWS, (call,))]
        found[record["request"]] = {"icon": icon, "legs": legs}
    return found
