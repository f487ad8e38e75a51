"""Property: on random call flows and on generated traffic, under every propagation
rule and ICON history, what the records read (the sink's leg values) and what the tables
hold never disagree, and every run's tables agree with the sink's call-level summary
under CALL with every change kept."""

from __future__ import annotations

import random

import pytest

from simulator import run_scenario
from simulator.reportdb.gim import RULES
from simulator.reportdb.icon import HISTORIES
from simulator.reportdb.sqlite import scenario_tables
from simulator.scenario.loader import validate_data

from ..flows import random_flow
from ..helpers import SCENARIOS

FLOWS = 60


def legs_from_sink(entries):
    return {(e["callUuid"], dn): value for e in entries if e["kind"] == "reporting.final"
            for dn, value in (e.get("legs") or {}).get("kept", {}).items()}


def legs_from_tables(rows):
    calls = {row[0]: row[1] for row in rows["interaction_fact"]}
    return {(calls[leg[1]], leg[6]): kept[1]
            for leg, kept in zip(rows["interaction_resource_fact"], rows["irf_user_data_cust_1"], strict=True)}


def check(result):
    entries = [entry.to_dict() for entry in result.journal]
    assert legs_from_sink(entries) == legs_from_tables(scenario_tables(result.journal, result.scenario))


@pytest.mark.parametrize("seed", range(FLOWS))
def test_a_random_flow_under_a_random_rule_and_history(seed):
    flow = random_flow(seed)
    rng = random.Random(seed)
    flow["reporting"] = {"propagation_rule": rng.choice(RULES), "userdata_history": rng.choice(HISTORIES),
                         "store_event_data": rng.choice(["all", "none"])}
    check(run_scenario(validate_data(flow, {}, f"flow {seed}")))


@pytest.mark.parametrize("rule", RULES)
def test_generated_traffic_with_transfers_under_every_rule(rule):
    text = (SCENARIOS / "transfers-to-support.yaml").read_text()
    check(run_scenario(validate_data(__import__("yaml").safe_load(text) | {"reporting": {"propagation_rule": rule}},
                                     {}, "transfers")))
