"""Pages from report folders: the records a long run's page reads as text, parsed when read."""

from __future__ import annotations

import json

import pytest

from simulator.output.folders import ReportsError
from simulator.pages.folders import RecordLines, _record_lines


def test_record_lines_parse_each_line_when_it_is_read():
    rows = [{"request": f"r{n}", "n": n} for n in range(5)]
    lines = RecordLines([json.dumps(row) for row in rows])
    assert len(lines) == 5 and list(lines) == rows and list(lines) == rows  # read again, the same
    assert lines[2] == rows[2] and lines[-1] == rows[-1] and lines[1:3] == rows[1:3]
    assert lines[0] is not lines[0]  # parsed at each read: nothing is held but the text
    with pytest.raises(IndexError):
        lines[5]


def test_a_records_file_with_a_line_that_is_not_json_is_named_with_its_line(tmp_path):
    path = tmp_path / "dispositions.jsonl"
    path.write_text('{"request": "r1"}\n{"request": \n', encoding="utf-8")
    with pytest.raises(ReportsError, match=r"dispositions.jsonl.*line 2 is not JSON"):
        _record_lines(path)
    path.write_text('{"request": "r1"}\n{"request": "r2"}\n', encoding="utf-8")
    assert [r["request"] for r in _record_lines(path)] == ["r1", "r2"]
