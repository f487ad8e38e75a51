"""ICON's and Info Mart's tables, built from runs: they agree with the reporting sink,
follow the propagation rules, and are the same bytes for the same run."""

from __future__ import annotations

import sqlite3

import pytest

from simulator import parse_scenario, run_scenario
from simulator.output.files import reporting_database
from simulator.reportdb.gim import Candidate, Mapping, decide
from simulator.reportdb.sqlite import tables

from ..helpers import SCENARIOS

BUNDLED = sorted(path.name for path in SCENARIOS.glob("*.yaml"))


def rows_of(result, rule="CALL"):
    entries = [entry.to_dict() for entry in result.journal]
    key = result.scenario.web_services.disposition_key
    rep = result.scenario.reporting
    return entries, tables(result.journal, Mapping(key, rule), rep.user_event_data_timeout, rep.attached_data,
                           rep.userdata_history)


@pytest.mark.parametrize("name", BUNDLED)
def test_under_call_every_leg_keeps_what_the_reporting_sink_holds_for_its_call(name):
    result = run_scenario(SCENARIOS / name)
    entries, t = rows_of(result)
    key = result.scenario.web_services.disposition_key
    final = {e["callUuid"]: e["userData"].get(key) for e in entries if e["kind"] == "reporting.final"}
    calls = {row[0]: row[1] for row in t["interaction_fact"]}
    for leg, kept in zip(t["interaction_resource_fact"], t["irf_user_data_cust_1"], strict=True):
        assert kept[1] == final[calls[leg[1]]], (name, leg)


def test_the_idb_history_of_two_dispositions_on_a_conference():
    _, t = rows_of(run_scenario(SCENARIOS / "conference-both-agents-dispose.yaml"))
    history = [(row[3], row[4], row[5], row[6]) for row in t["g_userdata_history"]]
    assert history == [("15000", "DispositionCode", "Sale", 1), ("15002", "DispositionCode", "FollowUp", 3)]
    consult = next(row for row in t["g_call"] if row[4] == "Consult")
    assert consult[3] == t["g_call"][0][1]  # its parentcallid is the customer's call
    legs = [(row[4], row[2]) for row in t["interaction_resource_fact"] if row[1] == 1]
    assert legs == [("agent1", 1), ("agent2", 2)]


def test_a_user_event_icon_does_not_store_leaves_no_row():
    _, t = rows_of(run_scenario(SCENARIOS / "icon-not-storing-user-event-data.yaml"))
    assert t["g_custom_data_s"] == []
    _, t = rows_of(run_scenario(SCENARIOS / "disposition-after-release.yaml"))
    (row,) = t["g_custom_data_s"]
    assert (row[3], row[4], row[5]) == ("15000", "DispositionCode", "Referred") and row[1] is not None


def test_a_user_event_after_the_info_mart_timeout_is_stored_by_icon_and_dropped_by_info_mart():
    _, t = rows_of(run_scenario(SCENARIOS / "disposition-after-info-mart-timeout.yaml"))
    assert len(t["g_custom_data_s"]) == 1
    reasons = {row[10] for row in t["tsim_ud_decision"] if row[4] == "G_CUSTOM_DATA_S"}
    assert reasons == {"ue_after_timeout"}


def c(value, dn, at, table="g_userdata_history"):
    return Candidate(value, table, at, dn, at, at)


@pytest.mark.parametrize("rule, kept, reasons", [
    ("CALL", "B", ["superseded", "superseded", "kept_latest"]),
    ("PARTY", "A", ["kept_party", "other_party", "other_party"]),
    ("IRF", "A2", None),
    ("IRF_FIRST_UPDATE", "A", ["kept_first", "superseded", "outside_irf"]),
])
def test_propagation_rules_pick_as_documented(rule, kept, reasons):
    """Agent 15000's leg lasts 0–20; it sets A at 10, 15002 sets A2 at 15, then B at 30."""
    candidates = [c("A", "15000", 10), c("A2", "15002", 15), c("B", "15002", 30)]
    chosen, decisions = decide(candidates, rule, "15000", 0, 20, 40, 3600)
    assert chosen is not None and chosen.value == kept
    if reasons is not None:
        assert [reason for _, _, reason in decisions] == reasons
    assert [took for _, took, _ in decisions].count(True) == 1


def test_a_deletion_that_comes_last_keeps_nothing_and_says_so():
    chosen, decisions = decide([c("A", "15000", 1), c(None, "15000", 2)], "CALL", "15000", 0, None, None, 10)
    assert chosen is None and [reason for _, _, reason in decisions] == ["superseded", "deleted"]


def test_the_same_run_gives_the_same_database_bytes():
    first = reporting_database(run_scenario(SCENARIOS / "view-lag.yaml"))
    assert first == reporting_database(run_scenario(SCENARIOS / "view-lag.yaml")) and first[:15] == b"SQLite format 3"


def test_the_rule_comes_from_the_scenario_and_is_stated(tmp_path):
    text = (SCENARIOS / "conference-both-agents-dispose.yaml").read_text()
    text = text.replace("seed: 33\n", "seed: 33\nreporting: {propagation_rule: PARTY}\n")
    result = run_scenario(parse_scenario(text, "party.yaml"))
    path = tmp_path / "reporting.sqlite"
    path.write_bytes(reporting_database(result))
    with sqlite3.connect(path) as db:
        assert db.execute("select propagation_rule from ctl_ud_to_ude_mapping").fetchall() == [("PARTY",)]
        kept = db.execute("select resource_name, custom_data_1 from interaction_resource_fact "
                          "join irf_user_data_cust_1 using (interaction_resource_id) where interaction_id = 1 "
                          "order by interaction_resource_ordinal").fetchall()
    assert kept == [("agent1", "Sale"), ("agent2", "FollowUp")]  # each leg keeps its own agent's code


@pytest.mark.parametrize("rule", ["CALL", "PARTY", "IRF", "IRF_FIRST_UPDATE"])
def test_the_sink_and_the_tables_keep_the_same_value_on_every_agent_leg(rule):
    """The records read each agent's leg value from reporting.final; the tables compute it
    from ICON's rows: for every bundled scenario and every rule, the two agree."""
    for name in BUNDLED:
        text = (SCENARIOS / name).read_text()
        result = run_scenario(parse_scenario(text.replace("\nseed:", f"\nreporting: {{propagation_rule: {rule}}}"
                                                          "\nseed:", 1) if "\nreporting:" not in text else text,
                                             name))
        entries, t = rows_of(result, result.scenario.reporting.propagation_rule)
        from_sink = {(e["callUuid"], dn): value for e in entries if e["kind"] == "reporting.final"
                     for dn, value in (e.get("legs") or {}).get("kept", {}).items()}
        calls = {row[0]: row[1] for row in t["interaction_fact"]}
        from_tables = {}
        for leg, kept in zip(t["interaction_resource_fact"], t["irf_user_data_cust_1"], strict=True):
            from_tables[(calls[leg[1]], leg[6])] = kept[1]  # the DN's last leg on the call
        assert from_sink == from_tables, (name, rule)
