"""Pages from report folders: a long run's records are read as text, each parsed when read."""

from __future__ import annotations

import json

import pytest

from simulator.output.folders import ReportsError
from simulator.pages.folders import _record_lines, record_lines


def test_a_pages_records_are_its_lines_parsed_as_json():
    rows = [{"request": "r1", "reporting": {"outcome": "lost"}}, {"request": "r2"}]
    assert list(record_lines([json.dumps(row) for row in rows])) == rows


def test_a_records_file_with_a_line_that_is_not_json_is_named_with_its_line(tmp_path):
    path = tmp_path / "dispositions.jsonl"
    path.write_text('{"request": "r1"}\n{"request": \n', encoding="utf-8")
    with pytest.raises(ReportsError, match=r"dispositions.jsonl.*line 2 is not JSON"):
        _record_lines(path)
    path.write_text('{"request": "r1"}\n{"request": "r2"}\n', encoding="utf-8")
    assert [r["request"] for r in _record_lines(path)] == ["r1", "r2"]
