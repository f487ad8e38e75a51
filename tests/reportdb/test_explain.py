"""Each disposition's rows in the reporting tables: on its record (ICON stored it, the leg
Info Mart keeps it on), counted in the statistics, and listed on the run's page."""

from __future__ import annotations

import html
import re

from simulator import run_scenario
from simulator.output.files import write_reports
from simulator.pages.folders import run_page_from_folder

from ..helpers import SCENARIOS

NEXT_LEG = SCENARIOS / "disposition-lands-on-the-next-agents-leg.yaml"


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", page)).split())


def test_a_code_set_during_the_next_agents_leg_is_kept_there_and_the_record_says_so():
    result = run_scenario(NEXT_LEG)
    (record,) = result.dispositions
    assert (record.reporting.icon, record.reporting.infoMart.value) == (True, "another leg")
    assert record.reporting.reason.endswith("Info Mart keeps it on 15002's leg instead")
    assert result.figures["stores"] == {("stored it", "another leg"): 1}


def test_the_page_lists_each_dispositions_rows_and_is_rebuilt_the_same_from_the_folder(tmp_path):
    folder = write_reports(run_scenario(NEXT_LEG), tmp_path / "run")
    page = (folder / "index.html").read_text(encoding="utf-8")
    text = _text(page)
    assert ("In the tables (reporting.sqlite): ICON g_custom_data_s row 1 · Info Mart agent1's leg (15000) keeps "
            "nothing; agent2's leg (15002) keeps Transferred") in text
    assert run_page_from_folder(folder) == page
    stats = (folder / "stats.md").read_text(encoding="utf-8")
    assert "| stored it | 0 | 0 | 1 | 0 |" in stats


def test_a_disposition_icon_never_stored_has_no_row_on_the_page(tmp_path):
    folder = write_reports(run_scenario(SCENARIOS / "factory-defaults-lose-both-paths.yaml"), tmp_path / "run")
    text = _text((folder / "index.html").read_text(encoding="utf-8"))
    assert text.count("ICON stored no row with it") == 2
    assert "| did not store it | 0 | 0 | 0 | 2 |" in (folder / "stats.md").read_text(encoding="utf-8")
