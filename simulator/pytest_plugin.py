"""pytest plugin: scenario files with expectations are test items.

Registered through the package's ``pytest11`` entry point, so once tsim is
installed, ``pytest scenarios/`` (or a folder of your own scenarios) runs every
YAML file that is a tsim scenario with an ``expect:`` list, one test each.

A failing test shows each failed expectation — what was expected, what
happened — and the part of the run's timeline around it. If a ``golden/``
folder beside the scenario holds ``<scenario-name>.jsonl``, the run's journal
must match it too (see ``tsim run --golden``).

Options: ``--tsim-seed N`` runs every scenario with seed N;
``--tsim-reports DIR`` writes each scenario's reports into DIR/<name>/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SCENARIO_MARKERS = (re.compile(r"^version:", re.M), re.compile(r"^switch:", re.M), re.compile(r"^expect:", re.M))
EXCERPT_BEFORE, EXCERPT_AFTER = 6, 10


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tsim", "tsim scenario files")
    group.addoption("--tsim-seed", type=int, default=None, help="run every scenario with this seed")
    group.addoption("--tsim-reports", default=None, metavar="DIR", help="write each scenario's reports here")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and _is_scenario(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _is_scenario(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return all(marker.search(text) for marker in SCENARIO_MARKERS)


class ScenarioFile(pytest.File):
    def collect(self):
        yield ScenarioItem.from_parent(self, name=self.path.stem)


class ScenarioFailure(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        from .output import golden
        from .run import run_scenario
        from .scenario.loader import ScenarioError, load_scenario

        try:
            loaded = load_scenario(self.path)
        except ScenarioError as exc:
            raise ScenarioFailure(f"bad scenario file: {exc}") from None
        result = run_scenario(loaded, seed=self.config.getoption("tsim_seed"))
        reports = self.config.getoption("tsim_reports")
        if reports:
            from .output.files import write_reports

            write_reports(result, Path(reports) / result.scenario.name)
        failed = [e for e in result.expectations if not e.passed]
        timeline = _timeline(result) if failed else []
        problems = [_explain(timeline, e) for e in failed]
        golden_dir = self.path.parent / "golden"
        if (golden_dir / f"{result.scenario.name}.jsonl").exists() and self.config.getoption("tsim_seed") is None:
            difference = golden.compare(result, golden_dir)
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
