"""The sequence diagram's geometry: no label sits on a lifeline or runs off the drawing."""

from __future__ import annotations

import json

import pytest

from simulator import run_scenario
from simulator.output.files import report_files
from simulator.pages import sequence
from simulator.pages.sequence import CHAR_WIDTH

from ..helpers import SCENARIOS


def _diagram(name: str) -> sequence.Diagram:
    files = report_files(run_scenario(SCENARIOS / f"{name}.yaml"))
    journal = [json.loads(line) for line in str(files["journal.jsonl"]).splitlines()]
    records = [json.loads(line) for line in str(files["dispositions.jsonl"]).splitlines()]
    return sequence.build(journal, records)


def _labels(diagram: sequence.Diagram) -> list[tuple[str, float, float]]:
    """Every label drawn beside the lanes: (text, left, right) in px."""
    out = []
    for arrow in diagram.arrows:
        width = len(arrow.text) * CHAR_WIDTH
        out.append((arrow.text, arrow.label_x - width / 2, arrow.label_x + width / 2))
    for mark in diagram.marks:
        out.append((mark.text, mark.x + 9, mark.x + 9 + len(mark.text) * CHAR_WIDTH))
    for band in diagram.bands:
        out.append((band.label, band.x - 14 - len(band.label) * CHAR_WIDTH, band.x - 14))
        released = f"T-Server: {band.tserver_label}"
        out.append((released, band.tserver_x + 14, band.tserver_x + 14 + len(released) * CHAR_WIDTH))
    return out


@pytest.mark.parametrize("name", ["conference-both-agents-dispose", "view-lag", "view-lag-fallback",
                                  "disposition-lands-on-the-next-agents-leg", "two-dispositions",
                                  "transfers-to-support"])
def test_no_label_sits_on_a_lifeline_or_runs_off_the_drawing(name):
    diagram = _diagram(name)
    lifelines = [lane.x for lane in diagram.lanes]
    labels = _labels(diagram)
    assert labels
    for text, left, right in labels:
        assert 0 <= left and right <= diagram.width, (text, left, right, diagram.width)
        crossed = [x for x in lifelines if left - 2 < x < right + 2]
        assert crossed == [], (text, left, right, crossed)


def test_an_arrow_label_sits_beside_its_sender_and_on_its_line():
    diagram = _diagram("view-lag")
    lanes = {lane.key: lane.x for lane in diagram.lanes}
    to_reporting = next(a for a in diagram.arrows if a.kind == "reporting" and a.x1 == lanes["dn:15000"])
    gap = sorted(x for x in lanes.values() if x > to_reporting.x1)[0]
    assert to_reporting.x1 < to_reporting.label_x < gap  # between 15000 and the next lane, not over 15001
    share = (to_reporting.label_x - to_reporting.x1) / (to_reporting.x2 - to_reporting.x1)
    on_line = to_reporting.y1 + share * (to_reporting.y2 - to_reporting.y1)
    assert to_reporting.label_y == pytest.approx(on_line - 4)


def test_an_arrow_to_a_desktop_is_labelled_beside_that_desktop():
    diagram = _diagram("transfers-to-support")  # many desktops: some far from Web Services
    lanes = sorted(lane.x for lane in diagram.lanes)
    for arrow in diagram.arrows:
        if arrow.kind in ("cometd", "http") and arrow.x2 < arrow.x1:  # Web Services → a desktop
            beside = lanes[lanes.index(arrow.x2) + 1]
            assert arrow.x2 < arrow.label_x < beside, arrow.label
