"""Property: any document generated from ``tsim schema`` (valid or mutated)
ends ``tsim run`` with exit 0, 1 or 2 and one-line messages — never exit 3,
never a traceback."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings

from simulator.cli import EXIT_INTERNAL

from .helpers import tsim
from .schema_documents import documents

COUNTER = itertools.count()


@settings(max_examples=150, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(text=documents())
def test_generated_documents_never_reach_an_internal_error(text, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("doc")
    path = folder / f"s{next(COUNTER)}.yaml"
    path.write_text(text, encoding="utf-8")
    code = tsim("run", str(path), "--out", str(folder / "out"), "--quiet")
    output = capsys.readouterr()
    assert code in (0, 1, 2), output.err
    assert code != EXIT_INTERNAL and "Traceback" not in output.err and "tsim: internal error" not in output.err
    if code == 2:
        assert output.err.startswith(f"error: {path}"), output.err


@pytest.mark.parametrize("text", ["", "\x00", "version: 1\n", "- a\n", "steps: 3\n"])
def test_degenerate_files_are_bad_input(text, tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    assert tsim("run", str(path), "--out", str(tmp_path / "out")) == 2
    assert capsys.readouterr().err.startswith(f"error: {path}")
