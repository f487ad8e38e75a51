"""ICON's attached-data history and the factory-defaults preset."""

from simulator.reportdb.icon import history_of, kept_changes
from simulator.scenario.schema import ReportingConfig


def test_history_keeps_nothing_the_first_the_last_or_every_change():
    changes = ["A", None, "B", "C"]  # None: the key deleted
    deleted = lambda change: change is None  # noqa: E731
    assert kept_changes("none", changes, deleted) == []
    assert kept_changes("first", [None, *changes], deleted) == ["A"]
    assert kept_changes("last", changes, deleted) == ["C"]
    assert kept_changes("all", changes, deleted) == changes


def test_the_spec_wins_over_adata_userdata_history():
    assert history_of("DispositionCode", {"DispositionCode": "last"}, "none") == "last"
    assert history_of("Other", {"DispositionCode": "last"}, "none") == "none"


def test_factory_defaults_are_genesys_shipped_values_and_given_options_win():
    shipped = ReportingConfig.model_validate({"preset": "factory-defaults"})
    assert (shipped.store_event_data, shipped.userdata_history, shipped.attached_data) == ("none", "none", {})
    assert (shipped.propagation_rule, shipped.user_event_data_timeout) == ("CALL", 3600 * 1_000_000)
    tuned = ReportingConfig.model_validate({"preset": "factory-defaults", "store_event_data": "all"})
    assert (tuned.store_event_data, tuned.userdata_history) == ("all", "none")
    ours = ReportingConfig.model_validate({})
    assert (ours.store_event_data, ours.userdata_history) == ("all", "all")
