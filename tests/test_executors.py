"""Sweeps and replications give the same results on every executor: the local
process pool and a Dask cluster (a LocalCluster whose workers are processes)."""

import pytest
from click.testing import CliRunner

from simulator.cli import cli
from simulator.errors import InvalidArgument
from simulator.executors import ExecutorError, check, run_all
from simulator.replications import replicate
from simulator.scenario.loader import load_scenario
from simulator.sweep import sweep

from .helpers import SCENARIOS

distributed = pytest.importorskip("distributed", reason="Dask's distributed is part of the test extra; "
                                                        "install it: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_a_sweep_on_dask_is_the_sweep_on_the_process_pool(scheduler):
    loaded = load_scenario(SCENARIOS / "view-lag.yaml")
    vary = "latency.tserver_to_gws=0ms:60ms:5ms"
    here = sweep(loaded, vary, jobs=2)
    there = sweep(loaded, vary, executor="dask", scheduler=scheduler)
    assert there.rows == here.rows
    assert len({row.outcome for row in here.rows}) > 1  # the sweep does cross a boundary


def test_replications_on_dask_are_the_replications_on_the_process_pool(scheduler):
    loaded = load_scenario(SCENARIOS / "an-hour-of-traffic.yaml")
    here = replicate(loaded, 8, jobs=2)
    there = replicate(loaded, 8, executor="dask", scheduler=scheduler)
    assert there == here


def test_the_cli_writes_the_same_files_on_dask(scheduler, tmp_path):
    runner = CliRunner()
    files = {}
    for name, extra in (("pool", []), ("dask", ["--executor", "dask", "--scheduler", scheduler])):
        out = tmp_path / name
        done = runner.invoke(cli, ["run", str(SCENARIOS / "an-hour-of-traffic.yaml"), "--replications", "8",
                                   "--out", str(out), "-q", *extra])
        assert done.exit_code == 0, done.output
        folder = out / "an-hour-of-traffic" / "replications"
        files[name] = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert files["dask"] == files["pool"]


def test_executor_arguments_are_checked_before_anything_runs():
    with pytest.raises(InvalidArgument, match="needs a scheduler"):
        check("dask", None)
    with pytest.raises(InvalidArgument, match="for --executor dask"):
        check("process", "tcp://127.0.0.1:1")
    with pytest.raises(InvalidArgument, match="one of process, dask"):
        run_all(str, [1], executor="cloud")
    done = CliRunner().invoke(cli, ["sweep", str(SCENARIOS / "view-lag.yaml"), "--vary", "seed=1:3:1",
                                    "--executor", "dask"])
    assert done.exit_code == 2 and "needs a scheduler address" in done.output


def test_no_scheduler_at_the_address_is_a_clear_error():
    with pytest.raises(ExecutorError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        run_all(str, [1], executor="dask", scheduler="tcp://127.0.0.1:9")
