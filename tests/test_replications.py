"""Replications over seeds: means and 95% intervals, the same every time."""

import pytest
from click.testing import CliRunner

from simulator.cli import cli
from simulator.errors import InvalidArgument
from simulator.replications import replicate, table
from simulator.scenario.loader import load_scenario

from .helpers import SCENARIOS


def test_replications_give_means_and_intervals_and_repeat_exactly():
    loaded = load_scenario(SCENARIOS / "jittery-links.yaml")
    first = replicate(loaded, 12, jobs=1)
    assert first.seeds == tuple(range(loaded.scenario.seed, loaded.scenario.seed + 12))
    assert first == replicate(loaded, 12, jobs=2)  # the pool changes nothing
    summaries = {s.name: s for s in first.summaries()}
    lost = summaries["share lost"]
    assert lost.low <= lost.mean <= lost.high and 0 < lost.mean < 1  # the jitter decides, run by run
    assert summaries["dispositions"].sd == 0
    assert "95% interval of the mean" in table(first)


def test_a_replication_count_out_of_range_is_refused():
    with pytest.raises(InvalidArgument, match="replications"):
        replicate(load_scenario(SCENARIOS / "view-lag.yaml"), 1)


def test_tsim_run_replications_writes_its_table(tmp_path):
    result = CliRunner().invoke(cli, ["run", str(SCENARIOS / "view-lag.yaml"), "--replications", "3",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "view-lag: 3 replications" in result.output
    assert (tmp_path / "view-lag" / "replications" / "replications.csv").read_text().startswith("seed,")
