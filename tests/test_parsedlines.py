"""Lines of text held as they are and parsed each time one is read."""

from __future__ import annotations

import json

import pytest

from simulator.parsedlines import ParsedLines


def test_each_line_is_parsed_when_it_is_read():
    rows = [{"request": f"r{n}", "n": n} for n in range(5)]
    parsed = []

    def parse(line: str) -> dict:
        parsed.append(line)
        return json.loads(line)

    lines = ParsedLines([json.dumps(row) for row in rows], parse)
    assert parsed == [] and len(lines) == 5  # nothing is parsed until read
    assert list(lines) == rows and list(lines) == rows  # read again, the same
    assert len(parsed) == 10
    assert lines[2] == rows[2] and lines[-1] == rows[-1] and lines[1:3] == rows[1:3]
    assert lines[0] is not lines[0]  # a new object at each read: only the text is held
    assert lines.index(rows[3]) == 3 and rows[4] in lines  # the rest of a Sequence
    with pytest.raises(IndexError):
        lines[5]
