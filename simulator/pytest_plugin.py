"""pytest plugin: scenario files are test items.

Registered through the package's ``pytest11`` entry point, so once tsim is
installed, ``pytest scenarios/`` (or a folder of your own scenarios) runs every
scenario file under the collected folders, one test each. Which files are
scenarios is ``scenario.discovery``'s rule (a mapping with ``version`` or
``steps`` at the top); one that fails to load is a **collection error** with
the loader's message, never a silent skip.

A test passes when every expectation holds and, where a ``golden/`` folder sits
beside the scenario, the run's journal matches ``golden/<scenario-name>.jsonl``.
In a folder with ``golden/``, a scenario without its golden journal fails
(``--tsim-update-golden`` writes it), as ``tsim run --golden`` does.

A failing test shows each failed expectation — what was expected, what
happened — and the part of the run's timeline around it.

Options: ``--tsim-seed N`` runs every scenario with seed N (golden journals are
then not compared, and the run says so); ``--tsim-reports DIR`` writes each
scenario's reports into DIR/<name>/; ``--tsim-update-golden`` writes the golden
journals instead of comparing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .scenario.loader import LoadedScenario

EXCERPT_BEFORE, EXCERPT_AFTER = 6, 10
GOLDEN_FOLDER = "golden"
GOLDEN_SKIPPED = pytest.StashKey[int]()  # scenarios whose golden check --tsim-seed turned off


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tsim", "tsim scenario files")
    group.addoption("--tsim-seed", type=int, default=None,
                    help="run every scenario with this seed (golden journals are then not compared)")
    group.addoption("--tsim-reports", default=None, metavar="DIR", help="write each scenario's reports here")
    group.addoption("--tsim-update-golden", action="store_true", default=False,
                    help="write each scenario's golden journal (in a golden/ folder beside it) instead of comparing")


def pytest_report_header(config: pytest.Config) -> str | None:
    seed = config.getoption("tsim_seed")
    if seed is not None:
        return (f"tsim: --tsim-seed {seed}: scenarios run with seed {seed}; golden journals are NOT compared "
                "(they were recorded with each scenario's own seed)")
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:  # noqa: ARG001
    skipped = config.stash.get(GOLDEN_SKIPPED, 0)
    if skipped:
        terminalreporter.write_line(f"tsim: golden journals not compared for {skipped} scenario(s) because of "
                                    "--tsim-seed", yellow=True)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    from .scenario.discovery import looks_like_scenario

    if looks_like_scenario(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        from .scenario.loader import ScenarioError, load_scenario

        try:
            loaded = load_scenario(self.path)
        except ScenarioError as exc:
            raise self.CollectError(f"bad scenario file: {exc}") from None
        item = ScenarioItem.from_parent(self, name=self.path.stem)
        item.loaded = loaded
        yield item


class ScenarioFailure(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class ScenarioItem(pytest.Item):
    loaded: LoadedScenario | None = None  # set when collected

    def runtest(self) -> None:
        from .output import golden
        from .output.folders import ReportsError
        from .run import run_scenario

        seed = self.config.getoption("tsim_seed")
        assert self.loaded is not None, "collected with its scenario"
        result = run_scenario(self.loaded, seed=seed)
        problems = []
        reports = self.config.getoption("tsim_reports")
        if reports:
            from .output.files import write_reports

            try:
                write_reports(result, Path(reports) / result.scenario.name)
            except ReportsError as exc:
                problems.append(f"the reports cannot be written: {exc}")
        failed = [e for e in result.expectations if not e.passed]
        timeline = _timeline(result) if failed else []
        problems += [_explain(timeline, e) for e in failed]
        golden_dir = self.path.parent / GOLDEN_FOLDER
        if golden_dir.is_dir():
            if seed is not None:
                self.config.stash[GOLDEN_SKIPPED] = self.config.stash.get(GOLDEN_SKIPPED, 0) + 1
                self.add_report_section("call", "tsim", f"golden journal not compared: --tsim-seed {seed}")
            elif self.config.getoption("tsim_update_golden"):
                golden.update(result, golden_dir)
            else:
                difference: object
                try:
                    difference = golden.compare(result, golden_dir)
                except ReportsError as exc:
                    difference = exc
                if difference is not None:
                    problems.append(str(difference))
        if problems:
            head = f"{len(problems)} problem(s) in {self.path.name} (seed {result.seed}):"
            raise ScenarioFailure("\n\n".join([head, *problems]))

    def repr_failure(self, excinfo, style=None):  # noqa: ARG002 - pytest's signature
        if isinstance(excinfo.value, ScenarioFailure):
            return excinfo.value.text
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"tsim scenario {self.name}"


def _timeline(result) -> list[tuple[int, str]]:
    """(time, readable line) for every journal entry a person would read."""
    from .output.describe import call_names, entry_line
    from .timeunits import format_time

    names = call_names(result.calls)
    lines = []
    for entry in result.journal:
        text = entry_line(entry, names)
        if text is not None:
            lines.append((entry.t, f"#{entry.seq:<5} {format_time(entry.t):>12}  {text}"))
    return lines


def _explain(timeline: list[tuple[int, str]], expectation) -> str:
    """Expected against actual, then the timeline around the moment it is about."""
    from .timeunits import format_time

    lines = [f"line {expectation.line}: {expectation.text}"]
    lines += [f"  ✗ {problem}" for problem in expectation.problems]
    if expectation.focus is not None and timeline:
        at = next((i for i, (t, _) in enumerate(timeline) if t >= expectation.focus), len(timeline) - 1)
        lines.append(f"  timeline around {format_time(expectation.focus)}:")
        for i in range(max(0, at - EXCERPT_BEFORE), min(len(timeline), at + EXCERPT_AFTER)):
            lines.append(f"  {'→' if i == at else ' '} {timeline[i][1]}")
    return "\n".join(lines)
