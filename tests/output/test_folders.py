"""Report folders: whole or not at all, and never what tsim did not write."""

import json
import os
import stat
import subprocess
import sys

import pytest

from simulator import run_scenario
from simulator.output import folders
from simulator.output.files import report_files, write_reports
from simulator.output.folders import ReportsError, StagedFolder, write_file, write_folder

from ..helpers import SCENARIOS


@pytest.fixture(scope="module")
def result():
    return run_scenario(SCENARIOS / "view-lag.yaml")


def test_a_folder_tsim_did_not_write_is_refused_and_left_alone(tmp_path, result):
    mine = tmp_path / "view-lag"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    with pytest.raises(ReportsError, match="not written by tsim"):
        write_reports(result, mine)
    assert (mine / "notes.txt").read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view-lag"]  # no staging left behind


def test_a_file_in_the_way_is_refused(tmp_path, result):
    (tmp_path / "view-lag").write_text("a file")
    with pytest.raises(ReportsError, match="not a folder"):
        write_reports(result, tmp_path / "view-lag")
    assert (tmp_path / "view-lag").read_text() == "a file"


def test_rewriting_keeps_what_tsim_did_not_write_this_time(tmp_path, result):
    folder = write_reports(result, tmp_path / "v")
    (folder / "notes.txt").write_text("kept")
    sweep = folder / "sweep-dispose.at"
    write_folder(sweep, {"sweep.json": json.dumps({"tsim": "x"}), "sweep.csv": "a\n"})
    (folder / "summary.md").write_text("stale")
    write_reports(result, folder)
    assert (folder / "notes.txt").read_text() == "kept"
    assert (sweep / "sweep.csv").read_text() == "a\n"
    assert (folder / "summary.md").read_text().startswith("# view-lag")


def test_a_folder_holding_only_sweeps_is_tsims(tmp_path, result):
    folder = tmp_path / "v"
    write_folder(folder / "sweep-seed", {"sweep.json": json.dumps({"tsim": "x"})})
    write_reports(result, folder)
    assert (folder / "manifest.json").exists() and (folder / "sweep-seed" / "sweep.json").exists()


class _FullDisk:
    """A file that takes ``writes`` writes, then finds the disk full."""

    def __init__(self, real, writes: int):
        self.real, self.left = real, writes

    def write(self, data):
        self.left -= 1
        if self.left < 0:
            raise OSError(28, "No space left on device")
        return self.real.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


@pytest.mark.parametrize("failing_file", [1, 2, 6, 10, 11])
def test_an_interrupted_write_leaves_the_old_reports_whole(tmp_path, result, monkeypatch, failing_file):
    """The disk fills up in the middle of a file (the journal's lines, a page): the old
    reports stay as they were, nothing half-written is left beside them."""
    folder = write_reports(result, tmp_path / "v")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real_open = StagedFolder.open
    opened = []

    def opening(self, name, *args):
        opened.append(name)
        file = real_open(self, name, *args)
        return _FullDisk(file, 0) if len(opened) == failing_file else file

    monkeypatch.setattr(StagedFolder, "open", opening)
    with pytest.raises(ReportsError, match="no space left on device"):
        write_reports(result, folder)
    monkeypatch.undo()
    assert len(opened) >= failing_file
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v"]


def test_an_interrupted_write_of_files_held_in_memory_leaves_the_old_reports_whole(tmp_path, result, monkeypatch):
    """The live server writes ``report_files``' texts with ``write_folder``."""
    folder = write_folder(tmp_path / "v", report_files(result))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real = type(folder).write_text
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(self.name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(folder), "write_text", failing)
    with pytest.raises(ReportsError, match="no space left on device"):
        write_folder(folder, report_files(result))
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v"]


def test_folders_follow_the_umask(tmp_path, result):
    old = os.umask(0o022)
    try:
        folder = write_reports(result, tmp_path / "v")
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def test_write_file_refuses_a_folder_and_names_it(tmp_path):
    with pytest.raises(ReportsError, match="is a folder"):
        write_file(tmp_path, "x")
    write_file(tmp_path / "a" / "b.txt", "text")
    assert (tmp_path / "a" / "b.txt").read_text() == "text"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b.txt"]


def test_runs_into_the_same_folder_at_once_all_succeed(tmp_path):
    scenario = SCENARIOS / "view-lag.yaml"
    command = [sys.executable, "-m", "simulator", "run", str(scenario), "--out", str(tmp_path), "--quiet"]
    for _ in range(3):
        processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
        outcomes = [(p.wait(), p.stderr.read().decode()) for p in processes]
        for p in processes:
            p.stdout.close()
            p.stderr.close()
        assert outcomes == [(0, "")] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "view-lag"]
    assert folders.written_by_tsim(tmp_path / "view-lag")


def test_a_folder_that_refuses_writes_is_an_error_naming_it_even_as_root(tmp_path, result, monkeypatch):
    """Root ignores permission bits, so the refusal is simulated where the file system says it."""
    real_mkdir = type(tmp_path).mkdir

    def refusing(self, *args, **kwargs):
        if self.parent == tmp_path / "ro":
            raise PermissionError(13, "Permission denied")
        return real_mkdir(self, *args, **kwargs)

    (tmp_path / "ro").mkdir()
    monkeypatch.setattr(type(tmp_path), "mkdir", refusing)
    with pytest.raises(ReportsError, match="ro: cannot create the report folder: permission denied"):
        write_reports(result, tmp_path / "ro" / "v")
    monkeypatch.undo()
    assert list((tmp_path / "ro").iterdir()) == []
