"""Paths that are not files: a device, a FIFO, a symlink to a device, a NUL in the name,
a file too big. Each is refused at once (exit 2, with the path and the reason), nothing
reads forever or hangs, and nothing that is not a regular file is replaced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import inputfiles

from .helpers import SCENARIOS

TRAFFIC = """version: 1
name: from-a-file
description: arrivals from a file
switch:
  dns:
    "16000": {type: ACDQueue}
    "15000": {agent: agent1}
traffic:
  arrivals: ARRIVALS
  to: "16000"
  talk: 10s
"""


def tsim(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """tsim in its own process, with a deadline: a hang fails the test instead of the suite."""
    return subprocess.run([sys.executable, "-m", "simulator", *map(str, args)], capture_output=True, text=True,
                          timeout=60, cwd=cwd)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", ["run", "validate"])
def test_a_scenario_that_is_a_device_or_a_fifo_is_refused_at_once(tmp_path, fifo, command):
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    for path in (Path("/dev/zero"), fifo, link):
        done = tsim(command, path, "--out", tmp_path / "out") if command == "run" else tsim(command, path)
        assert done.returncode == 2, (path, done.stderr)
        assert "is not a regular file" in done.stderr and str(path) in done.stderr


@pytest.mark.parametrize("arrivals", ["/dev/zero", "pipe.csv", "zero.csv", "a\\u0000b.csv"])
def test_an_arrivals_file_that_is_not_a_file_is_refused(tmp_path, arrivals):
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    scenario = tmp_path / "traffic.yaml"
    scenario.write_text(TRAFFIC.replace("ARRIVALS", f'"{arrivals}"'))
    done = tsim("validate", scenario)
    assert done.returncode == 2, done.stderr
    assert "arrivals" in done.stderr
    assert ("NUL character" if "u0000" in arrivals else "is not a regular file") in done.stderr
    assert "Traceback" not in done.stderr


def test_a_golden_file_or_a_reports_journal_that_is_a_fifo_is_refused(tmp_path):
    golden = tmp_path / "golden"
    golden.mkdir()
    os.mkfifo(golden / "view-lag.jsonl")
    done = tsim("run", SCENARIOS / "view-lag.yaml", "--out", tmp_path / "out", "--golden", golden, "--quiet")
    assert done.returncode == 2 and "is not a regular file" in done.stderr, done.stderr
    run = tmp_path / "out" / "view-lag"
    (run / "journal.jsonl").unlink()
    os.mkfifo(run / "journal.jsonl")
    done = tsim("report", run)
    assert done.returncode == 2 and "is not a regular file" in done.stderr, done.stderr


def test_junit_replaces_only_a_regular_file(tmp_path):
    fifo = tmp_path / "results.xml"
    os.mkfifo(fifo)
    target = tmp_path / "kept.xml"
    target.write_text("someone else's")
    link = tmp_path / "link.xml"
    link.symlink_to(target)
    for path in (fifo, link):
        done = tsim("run", SCENARIOS / "view-lag.yaml", "--out", tmp_path / "out", "--junit", path, "--quiet")
        assert done.returncode == 2 and "tsim replaces regular files only" in done.stderr, done.stderr
    assert fifo.is_fifo() and link.is_symlink() and target.read_text() == "someone else's"
    regular = tmp_path / "junit.xml"
    regular.write_text("old")
    assert tsim("run", SCENARIOS / "view-lag.yaml", "--out", tmp_path / "out", "--junit", regular,
                "--quiet").returncode == 0
    assert regular.read_text().startswith("<?xml")


def test_too_big_a_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(2_000)
    with pytest.raises(inputfiles.InputFileError, match="is 2,000 bytes; tsim reads files of at most 1,000"):
        inputfiles.read_text(big, limit=1_000)


def test_report_does_not_follow_a_symlinked_run_folder(tmp_path):
    done = tsim("run", SCENARIOS / "view-lag.yaml", "--out", tmp_path / "elsewhere", "--quiet")
    assert done.returncode == 0, done.stderr
    root = tmp_path / "reports"
    root.mkdir()
    assert tsim("run", SCENARIOS / "two-dispositions.yaml", "--out", root, "--quiet").returncode == 0
    (root / "view-lag").symlink_to(tmp_path / "elsewhere" / "view-lag")
    before = (tmp_path / "elsewhere" / "view-lag" / "index.html").read_bytes()
    done = tsim("report", root)
    assert done.returncode == 0, done.stderr
    assert "wrote 1 run page(s)" in done.stdout
    assert (tmp_path / "elsewhere" / "view-lag" / "index.html").read_bytes() == before
    assert "view-lag" not in (root / "index.html").read_text()
