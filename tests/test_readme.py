"""The README tells the truth: its console examples are what tsim prints."""

import re

from simulator import run_scenario
from simulator.output.summary import console
from simulator.output.sweep_report import console_table
from simulator.scenario.loader import load_scenario
from simulator.sweep import sweep

from .helpers import ROOT, SCENARIOS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def block_after(marker: str) -> str:
    start = README.index(marker)
    match = re.compile(r"```[a-z]*\n(.*?)```", re.S).search(README, start)
    assert match is not None
    return match.group(1)


def test_the_run_example_is_what_tsim_prints(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from simulator.cli import cli

    monkeypatch.chdir(tmp_path)
    output = CliRunner().invoke(cli, ["run", str(SCENARIOS / "view-lag.yaml")]).output
    shown = block_after("`tsim run scenarios/view-lag.yaml` prints")
    assert shown == output
    result = run_scenario(SCENARIOS / "view-lag.yaml")
    assert shown.startswith(console(result, "reports/view-lag"))


def test_the_scenario_example_is_the_bundled_file_but_for_its_description():
    shown = block_after("This is\n`scenarios/view-lag.yaml` as it is").split("\n")
    actual = (SCENARIOS / "view-lag.yaml").read_text().split("\n")
    assert shown[:3] == actual[:3]
    cut = actual.index("seed: 10")
    assert shown[shown.index("seed: 10"):] == actual[cut:]


def test_the_sweep_example_is_what_tsim_prints():
    loaded = load_scenario(SCENARIOS / "view-lag.yaml")
    table = console_table(sweep(loaded, "dispose.at=265.9s:266.1s:1ms", anchor="hangup", jobs=2)).splitlines()
    shown = block_after("### Sweeps: where does the outcome change?").splitlines()[1:]
    assert shown[:9] == table[:9]


def test_the_traffic_sweep_example_is_what_tsim_prints():
    loaded = load_scenario(SCENARIOS / "an-hour-of-traffic.yaml")
    table = console_table(sweep(loaded, "latency.gws_to_tserver=0ms:60ms:5ms", jobs=2)).splitlines()
    shown = block_after("the 20 ms before the hangup?").splitlines()[1:]
    assert shown == table[:len(shown)]


def test_the_stats_examples_are_lines_tsim_writes():
    from simulator.output import statistics

    for scenario, marker in (("an-hour-of-traffic", "VIP call inside it. Its `stats.md` begins:"),
                             ("a-shift-change-with-two-queues", "and the agents' time:"),
                             ("transfers-to-support", "stayed:")):
        result = run_scenario(SCENARIOS / f"{scenario}.yaml")
        written = iter(statistics.markdown(scenario, result.figures).splitlines())
        shown = [line for line in block_after(marker).splitlines() if line]
        assert all(line in written for line in shown), scenario  # each line, in the file's order (an excerpt)


def test_the_packages_own_example_runs_as_written(monkeypatch):
    """The example in ``simulator``'s docstring (``help(simulator)``), run as a doctest."""
    import doctest

    import simulator

    monkeypatch.chdir(ROOT)
    outcome = doctest.testmod(simulator, raise_on_error=False, report=True)
    assert outcome.attempted == 3 and outcome.failed == 0
