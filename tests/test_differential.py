"""The lean path gives what the full path gives.

A run with ``--journal records`` keeps no journal: records and statistics are built
as the entries are made and written as they go. It must reach the very same
outcome as a run that keeps every entry: every bundled scenario, and generated
traffic days with the features that move calls around (transfers, breaks, a jittery
link, completion after a retention), run both ways, give

- the same disposition records, byte for byte line by line (the streamed file lists
  them in the order their fates were settled, the full one in the order the
  requests came: the lines are compared as sorted lists);
- the same ``stats.csv`` and ``stats.md``, byte for byte;
- the same reporting tables, row for row;
- the same verdicts on the expectations.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from simulator import run_scenario
from simulator.output.files import write_reports
from simulator.output.streamed import StreamedReports
from simulator.reportdb.schema import TABLES
from simulator.reportdb.sqlite import file_rows
from simulator.scenario.loader import LoadedScenario, load_scenario, validate_data

from .helpers import SCENARIOS

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


def traffic_day(seed: int, **features: Any) -> dict[str, Any]:
    """Twenty minutes of traffic into a queue of six agents, with ``features`` added to
    the traffic section (and the Web Services settings ``web_services``)."""
    web_services = features.pop("web_services", {})
    return {
        "version": 1, "name": f"generated-{seed}", "description": "a generated traffic day", "seed": seed,
        "switch": {"dns": {"16000": {"type": "ACDQueue"}, "17000": {"type": "ACDQueue"},
                           **{str(15000 + i): {"agent": f"agent{i}", "wrap_up": "5s"} for i in range(6)}},
                   "latency": {"tserver_to_gws": {"dist": "normal", "mean": "20ms", "sd": "15ms"}}},
        "web_services": web_services,
        "traffic": {"rate": 0.2, "duration": "20min", "to": "16000",
                    "answer_after": {"dist": "uniform", "low": "1s", "high": "4s"},
                    "talk": {"dist": "exponential", "mean": "60s"},
                    "patience": {"dist": "exponential", "mean": "40s"},
                    "dispositions": {"share": 0.9, "before_share": 0.5,
                                     "before_release": {"dist": "exponential", "mean": "20ms"},
                                     "after_release": {"dist": "uniform", "low": "0s", "high": "30s"}},
                    **features},
        "steps": [],
    }


DAYS = {
    "plain": traffic_day(3),
    "transfers": traffic_day(5, transfer={"share": 0.3, "to": "17000", "after": "20s", "how": "two_step",
                                                     "consult": "10s"}),
    "breaks-and-retention": traffic_day(8, breaks={"every": "5min", "duration": "1min"},
                                        web_services={"call_completion": "after_retention", "retention": "2min"}),
}


def _both_ways(loaded_full: LoadedScenario, loaded_lean: LoadedScenario, folder: Path) -> None:
    full = run_scenario(loaded_full)
    full_folder = write_reports(full, folder / "full")
    writer = StreamedReports(folder / "records", "records")
    lean = run_scenario(loaded_lean, journal="records", sinks=writer.sinks)
    lean_folder = writer.finish(lean)

    with gzip.open(lean_folder / "dispositions.jsonl.gz", "rt", encoding="utf-8") as lines:
        lean_records = lines.read().splitlines()
    full_records = (full_folder / "dispositions.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(lean_records) == sorted(full_records)
    assert lean.disposition_count == len(full.dispositions)
    for name in ("stats.csv", "stats.md"):
        assert (lean_folder / name).read_bytes() == (full_folder / name).read_bytes(), name
    if full.tables is not None:
        rows_of = file_rows(lean_folder / "reporting.sqlite")
        assert {table.name: list(rows_of(table.name)) for table in TABLES} == full.tables.rows
    assert [(e.passed, e.problems) for e in lean.expectations] == [(e.passed, e.problems)
                                                                   for e in full.expectations]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_a_bundled_scenario_gives_the_same_outcome_with_and_without_its_journal(path: Path, tmp_path: Path) -> None:
    _both_ways(load_scenario(path), load_scenario(path), tmp_path)


@pytest.mark.parametrize("name", sorted(DAYS))
def test_a_generated_traffic_day_gives_the_same_outcome_with_and_without_its_journal(name: str,
                                                                                   tmp_path: Path) -> None:
    def loaded() -> LoadedScenario:
        return validate_data(DAYS[name], {}, f"<{name}>")

    _both_ways(loaded(), loaded(), tmp_path)
    assert run_scenario(loaded(), journal="records").disposition_count > 50  # a day with something in it
