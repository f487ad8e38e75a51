"""The reporting tables, defined once: names, columns, types and meanings.

Each column is (name, type, meaning); ``INTEGER`` and ``TEXT`` map to SQLite as
they are and to PostgreSQL as ``bigint`` and ``text``. ``ddl(dialect)`` writes the
``CREATE TABLE`` statements of either; ``tsim schema --reporting`` prints them.
Genesys' names are kept (lower case) so an analyst's IDB and Info Mart SQL ports
over (research §7, design choice 1).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # INTEGER | TEXT
    meaning: str
    key: bool = False  # the table's primary key


@dataclass(frozen=True)
class Table:
    name: str
    origin: str  # the Genesys table it models, or "tsim"
    meaning: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type_: str, meaning: str, key: bool = False) -> Column:
    return Column(name, type_, meaning, key)


INT, TXT = "INTEGER", "TEXT"

TABLES: tuple[Table, ...] = (
    Table("g_call", "ICON G_CALL", "one row per call (CallUUID), as ICON keeps the call's latest state", (
        _c("id", INT, "row id", key=True),
        _c("callid", TXT, "CallID: the CallUUID (GWS's callUuid)"),
        _c("connid", TXT, "ConnID, as T-Server prints it"),
        _c("parentcallid", TXT, "ParentCallID: for a consult call, the call it was made from"),
        _c("calltype", TXT, "the T-Library CallType (Internal, Inbound, Outbound, Consult)"),
        _c("callani", TXT, "ANI"),
        _c("calldnis", TXT, "DNIS"),
        _c("created", TXT, "when the call was created (ISO 8601, UTC)"),
        _c("created_ts", INT, "the same, in seconds since 1970"),
        _c("terminated", TXT, "when the call ended (ISO 8601, UTC); NULL while it is up"),
        _c("terminated_ts", INT, "the same, in seconds since 1970"),
    )),
    Table("g_party", "ICON G_PARTY", "one row per DN's participation in a call", (
        _c("id", INT, "row id", key=True),
        _c("partyguid", TXT, "the party instance (stable): joins interaction_resource_fact.partyguid"),
        _c("callid", TXT, "the call (g_call.callid)"),
        _c("endpointdn", TXT, "the DN"),
        _c("agentid", TXT, "the agent logged in on the DN when the party was created (tsim: the login id)"),
        _c("created", TXT, "when the party appeared on the call"),
        _c("created_ts", INT, "the same, in seconds"),
        _c("terminated", TXT, "when it left the call (released, or moved to another call)"),
        _c("terminated_ts", INT, "the same, in seconds"),
    )),
    Table("g_userdata_history", "ICON G_USERDATA_HISTORY",
          "the attached-data log: one row per key a change set, changed or deleted (the live-call disposition)", (
              _c("id", INT, "row id", key=True),
              _c("callid", TXT, "the call"),
              _c("partyid", TXT, "the party (partyguid) of the DN that made the change (ThirdPartyDN); NULL if none"),
              _c("endpointdn", TXT, "the DN that made the change"),
              _c("keyname", TXT, "KEYNAME"),
              _c("value", TXT, "VALUE, as text (NULL when the key was deleted)"),
              _c("changetype", INT, "1 added, 3 updated (documented), 2 deleted"),
              _c("added", TXT, "the event's time (ISO 8601, UTC, milliseconds)"),
              _c("added_ts", INT, "the event's time, in microseconds since 1970"),
              _c("tsim_event", TXT, "the T-Library event it came from"),
          )),
    Table("g_custom_data_s", "ICON G_CUSTOM_DATA_S",
          "EventUserEvent data ICON stored (the post-release disposition), one row per key", (
              _c("id", INT, "row id", key=True),
              _c("callid", TXT, "the call the event's ConnID names; NULL when reporting knows no such call"),
              _c("partyid", TXT, "the party (partyguid) of the event's DN on that call; NULL if none"),
              _c("endpointdn", TXT, "the DN of the EventUserEvent (ThisDN)"),
              _c("keyname", TXT, "the key"),
              _c("value", TXT, "the value, as text"),
              _c("added", TXT, "the event's time (ISO 8601, UTC, milliseconds)"),
              _c("added_ts", INT, "the event's time, in microseconds since 1970"),
          )),
    Table("interaction_fact", "Info Mart INTERACTION_FACT", "one row per call (voice interaction)", (
        _c("interaction_id", INT, "row id", key=True),
        _c("media_server_ixn_guid", TXT, "the call's CallUUID"),
        _c("source_address", TXT, "ANI"),
        _c("target_address", TXT, "DNIS"),
        _c("start_ts", INT, "when the call was created, in seconds since 1970"),
        _c("end_ts", INT, "when it ended, in seconds since 1970"),
    )),
    Table("interaction_resource_fact", "Info Mart INTERACTION_RESOURCE_FACT",
          "one row per agent leg: an agent's DN on a call, from its first event there until it left", (
              _c("interaction_resource_id", INT, "row id", key=True),
              _c("interaction_id", INT, "the call (interaction_fact)"),
              _c("interaction_resource_ordinal", INT, "the leg's place among the call's legs, from 1"),
              _c("partyguid", TXT, "the party (g_party.partyguid)"),
              _c("resource_name", TXT, "the agent's login id"),
              _c("resource_type", TXT, "Agent"),
              _c("endpointdn", TXT, "the agent's DN"),
              _c("start_ts", INT, "when the leg began, in microseconds since 1970"),
              _c("end_ts", INT, "when the agent left the call, in microseconds since 1970; NULL if never"),
          )),
    Table("ctl_ud_to_ude_mapping", "Info Mart CTL_UD_TO_UDE_MAPPING",
          "which key goes to which user-data column, by which propagation rule", (
              _c("id", INT, "row id", key=True),
              _c("ud_key_name", TXT, "the key, e.g. DispositionCode"),
              _c("ude_table_name", TXT, "the user-data fact table, e.g. IRF_USER_DATA_CUST_1"),
              _c("ude_column_name", TXT, "its column, e.g. CUSTOM_DATA_1"),
              _c("propagation_rule", TXT, "CALL, PARTY, IRF or IRF_FIRST_UPDATE"),
              _c("default_value", TXT, "written when no value is kept"),
          )),
    Table("irf_user_data_cust_1", "Info Mart IRF_USER_DATA_CUST_1", "the user data kept for each leg", (
        _c("interaction_resource_id", INT, "the leg (interaction_resource_fact)", key=True),
        _c("custom_data_1", TXT, "the value kept for the key mapped to CUSTOM_DATA_1"),
    )),
    Table("tsim_ud_decision", "tsim", "why each candidate value was kept or dropped for each leg (tsim's own)", (
        _c("id", INT, "row id", key=True),
        _c("interaction_resource_id", INT, "the leg"),
        _c("ud_key_name", TXT, "the key"),
        _c("candidate_value", TXT, "a value the key had on the call"),
        _c("source_table", TXT, "G_USERDATA_HISTORY or G_CUSTOM_DATA_S"),
        _c("source_id", INT, "its row there"),
        _c("set_by_dn", TXT, "the DN that set it"),
        _c("set_ts", INT, "when, in microseconds since 1970"),
        _c("propagation_rule", TXT, "the rule in force"),
        _c("kept", INT, "1 kept, 0 dropped"),
        _c("reason", TXT, "kept_latest, kept_first, kept_party, superseded, other_party, outside_irf, "
                        "ue_after_timeout, deleted"),
    )),
)

BY_NAME = {table.name: table for table in TABLES}
TYPES = {"sqlite": {INT: "INTEGER", TXT: "TEXT"}, "postgresql": {INT: "bigint", TXT: "text"}}


def ddl(dialect: str = "sqlite") -> str:
    """The CREATE TABLE statements of every table, with each column's meaning as a comment."""
    types = TYPES[dialect]
    out = []
    for table in TABLES:
        out.append(f"-- {table.name}: {table.meaning} ({table.origin})")
        lines = [f"  {c.name} {types[c.type]}{' PRIMARY KEY' if c.key else ''}" for c in table.columns]
        width = max(len(line) for line in lines) + 1
        body = [f"{line + ',' if i < len(lines) - 1 else line:<{width}} -- {c.meaning}"
                for i, (line, c) in enumerate(zip(lines, table.columns, strict=True))]
        out.append(f"CREATE TABLE {table.name} (\n" + "\n".join(body) + "\n);\n")
    return "\n".join(out)
