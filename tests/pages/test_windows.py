"""A long run's drawing in windows: every message is drawn on exactly one page, and
every link to a message goes to the page that draws it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator import run_scenario
from simulator.cli import cli
from simulator.output.files import write_reports
from simulator.pages import windows

from ..helpers import SCENARIOS

SIZE = 200  # entries per window in these tests (4,000 in use)


@pytest.fixture(scope="module")
def long_run(tmp_path_factory):
    """transfers-to-support (3,369 journal entries) cut into windows of 200."""
    patch = pytest.MonkeyPatch()
    patch.setattr(windows, "WINDOW", SIZE)
    try:
        folder = write_reports(run_scenario(SCENARIOS / "transfers-to-support.yaml"),
                               tmp_path_factory.mktemp("windows") / "transfers-to-support")
    finally:
        patch.undo()
    return folder


def _pages(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(folder.glob("*.html"))}


def _drawn(page: str) -> set[int]:
    return {int(seq) for seq in re.findall(r'class="msg [^"]*" data-seq="(\d+)"', page)}


def test_each_message_is_drawn_on_exactly_one_page(long_run):
    lines = (long_run / "journal.jsonl").read_text().splitlines()
    pages = _pages(long_run)
    expected = -(-len(lines) // SIZE)
    assert set(pages) == {"index.html", *(f"window-{n}.html" for n in range(2, expected + 1))}
    seen: dict[int, str] = {}
    for name, page in pages.items():
        for seq in _drawn(page):
            assert seq not in seen, (seq, name, seen.get(seq))
            seen[seq] = name
    number = {name: 1 if name == "index.html" else int(name[7:-5]) for name in pages}
    for seq, name in seen.items():  # each page draws its own stretch of the journal
        assert (seq - 1) // SIZE + 1 == number[name], (seq, name)
    assert "window 2 of" in pages["window-2.html"] and "the run's page" in pages["window-2.html"]


def test_every_link_to_a_message_reaches_the_page_that_draws_it(long_run):
    pages = _pages(long_run)
    anchors = {name: {int(seq) for seq in re.findall(r'data-seq="(\d+)"', page)} for name, page in pages.items()}
    checked = 0
    for name, page in pages.items():
        for target, seq in re.findall(r'href="([\w.-]*)#m(\d+)"', page):
            assert int(seq) in anchors[target or name], (name, target, seq)
            checked += 1
    assert checked > 1000
    for name, page in pages.items():  # and every other link within a page has its target there
        ids = set(re.findall(r' id="([^"]+)"', page))
        targets = set(re.findall(r'href="#([^"m][^"]*)"', page))
        assert targets <= ids, (name, targets - ids)
        assert 'href="index.html#expectations"' in page or name == "index.html"
    # the main page's table: a disposition clicked late in the run links to its window
    records = [json.loads(line) for line in (long_run / "dispositions.jsonl").read_text().splitlines()]
    last = records[-1]["request"]
    link = re.search(rf'<a href="(window-\d+\.html)#m(\d+)"[^>]*>{re.escape(last)}</a>', pages["index.html"])
    assert link, last
    assert last in pages[link.group(1)]  # and that window tells its story and quizzes it
    assert f'"request": "{last}"' in pages[link.group(1)]


def test_the_main_page_keeps_every_disposition_and_the_window_pages_their_own(long_run):
    pages = _pages(long_run)
    records = (long_run / "dispositions.jsonl").read_text().splitlines()
    assert pages["index.html"].count('<tr class="record"') == len(records)
    told = sum(page.count('<tr class="record"') for name, page in pages.items() if name != "index.html")
    first = len(re.findall(r'href="#m\d+"[^>]*title="its click', pages["index.html"]))
    assert told + first == len(records)  # every disposition is quizzed on exactly one page
    for name, page in pages.items():
        if name != "index.html":
            assert 'id="expectations"' not in page and 'id="rules"' not in page


def test_a_run_with_more_dispositions_than_its_page_holds_lists_each_on_its_window(long_run, monkeypatch):
    """Past ``MAIN_PAGE_RECORDS`` the run's page lists only those clicked in its own window;
    every disposition is then listed on exactly one page, and the list of windows counts them."""
    records = [json.loads(line) for line in (long_run / "dispositions.jsonl").read_text().splitlines()]
    monkeypatch.setattr(windows, "WINDOW", SIZE)
    monkeypatch.setattr(windows, "MAIN_PAGE_RECORDS", len(records) - 1)
    assert CliRunner().invoke(cli, ["report", str(long_run)]).exit_code == 0
    pages = _pages(long_run)
    listed = {name: re.findall(r'<tr class="record" data-request="([^"]+)"', page) for name, page in pages.items()}
    assert sorted(request for names in listed.values() for request in names) == sorted(r["request"] for r in records)
    assert 0 < len(listed["index.html"]) < len(records)
    main = pages["index.html"]
    assert f"The {len(listed['index.html'])} of the run's {len(records)} dispositions clicked in this window" in main
    assert 'href="#windows"' in main and 'id="windows"' in main
    lost = sum(r["reporting"]["outcome"] == "lost" for r in records)
    assert f"{len(records)} dispositions; lost to reporting: <strong>{lost} " in main  # the headline counts them all
    fates = {r["request"]: r["reporting"]["outcome"] for r in records}
    for name in pages:  # every page's list of windows says how many each lists, and how many lost
        number = 1 if name == "index.html" else int(name[7:-5])
        lost_here = sum(fates[request] == "lost" for request in listed[name])
        for page in pages.values():
            counted = re.search(rf"<(?:strong|a)[^>]*>{number} · [^<]*?(?: · (\d+) dispositions?(?:, (\d+) lost)?)?</",
                                page)
            assert counted, number
            assert int(counted.group(1) or 0) == len(listed[name]), (name, counted.group(0))
            assert int(counted.group(2) or 0) == lost_here, name
    monkeypatch.setattr(windows, "MAIN_PAGE_RECORDS", len(records))  # and at the limit, every one again
    assert CliRunner().invoke(cli, ["report", str(long_run)]).exit_code == 0
    assert _pages(long_run)["index.html"].count('<tr class="record"') == len(records)


def test_tsim_report_rebuilds_the_same_window_pages(long_run, monkeypatch):
    before = _pages(long_run)
    for name in before:
        (long_run / name).unlink()
    monkeypatch.setattr(windows, "WINDOW", SIZE)
    result = CliRunner().invoke(cli, ["report", str(long_run)])
    assert result.exit_code == 0, result.output
    assert f"and {len(before) - 1} window page(s)" in result.output
    assert _pages(long_run) == before


def test_a_short_run_has_one_page_and_no_window_list(tmp_path):
    folder = write_reports(run_scenario(SCENARIOS / "view-lag.yaml"), tmp_path / "v")
    assert [p.name for p in folder.glob("*.html")] == ["index.html"]
    assert 'class="windows"' not in (folder / "index.html").read_text()


def test_where_a_message_is_drawn():
    cutter = windows.Cutter(size=3)
    entries = [{"seq": seq, "t": seq / 10} for seq in range(1, 8)]
    assert list(cutter.through(entries)) == entries
    cut = cutter.windows()
    assert [(s.first_seq, s.entries, s.page) for s in cut.stretches] == [
        (1, 3, "index.html"), (4, 3, "window-2.html"), (7, 1, "window-3.html")]
    assert cut.of(5).number == 2 and cut.of(0) is None and cut.of(None) is None
    assert cut.href(5, cut.stretches[0]) == "window-2.html#m5"
    assert cut.href(5, cut.stretches[1]) == "#m5"
    assert (cut.stretches[2].start, cut.stretches[2].end) == (0.7, 0.7)


def test_a_link_to_another_window_opens_that_page_at_the_message(page, long_run):
    page.goto((long_run / "index.html").as_uri())
    link = page.locator('#dispositions a[href^="window-"]').last
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**/{target}")
    seq = target.split("#m")[1]
    assert page.locator("#detail").is_visible()
    assert json.loads(page.locator("#detail-json").inner_text())["seq"] == int(seq)
    shown = page.locator(f'#diagram .msg[data-seq="{seq}"]').first.bounding_box()
    assert shown is not None and 0 <= shown["y"] <= 1000  # scrolled to it
    assert page.locator("nav.windows strong[aria-current=page]").inner_text().startswith(
        target.split("-")[1].split(".")[0] + " ·")
