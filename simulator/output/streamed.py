"""Reports written while a run goes: what a day of traffic writes.

A streamed run (``--journal records|none``) keeps no journal in memory,
so its files are written as the entries and records are made, compressed
(``*.jsonl.gz``: gzip with no name and no time in its header, so the same run
gives the same bytes), into the staging folder that ``commit`` swaps into place
once the run is over — as whole, or not at all, as every report folder.

- ``records``: ``dispositions.jsonl.gz``, ``calls.jsonl.gz`` and
  ``reporting.sqlite`` (ICON's and Info Mart's tables, written in batches as
  reporting closes calls; not with ``tables=False``);
- ``none``: none of them.

Then, for every mode: ``manifest.json``, ``summary.md``, ``stats.md``,
``stats.csv`` and the run's page.
"""

from __future__ import annotations

import contextlib
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..pages.folders import RUN_PAGE, STREAMED_PAGE_RECORDS, run_page_streamed
from ..record import DispositionRecord
from ..run import RunResult, RunSinks
from . import statistics
from .files import REPORTING_DB, manifest
from .folders import ReportsError, StagedFolder, describe_os_error
from .summary import markdown

_encode = json.JSONEncoder(ensure_ascii=False).encode
COMPRESSION = 1  # gzip level: JSON lines still shrink about tenfold, at a fraction of level 6's time
WRITE_LINES = 512  # lines gathered before one compressing write


class _JsonLines:
    """One compressed JSON-lines file of a streamed run, compressed ``WRITE_LINES``
    lines a write. A write that fails names the file as it will be once in place."""

    def __init__(self, folder: StagedFolder, name: str):
        self.target = folder.target / name
        self.raw = folder.open(name)
        self.packed = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0, compresslevel=COMPRESSION)
        self.lines: list[str] = []  # encoded, not yet compressed

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= WRITE_LINES:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self._io(lambda: self.packed.write(("\n".join(self.lines) + "\n").encode()))
            self.lines.clear()

    def close(self) -> None:
        self.flush()
        self._io(self.packed.close)
        self._io(self.raw.close)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.packed.close()
            self.raw.close()

    def _io(self, action: Callable[[], object]) -> None:
        try:
            action()
        except OSError as exc:
            raise ReportsError(self.target, f"cannot be written: {describe_os_error(exc)}") from None


class StreamedReports:
    """The report folder of one streamed run; ``sinks`` go to ``run_scenario``."""

    def __init__(self, target: Path, mode: str, tables: bool = True):
        tables = tables and mode == "records"
        self.folder = StagedFolder(target)
        self._open: list[_JsonLines] = []
        self._result: RunResult | None = None
        self.first_records: list[dict[str, Any]] = []  # the page lists the first ones
        self.sinks = RunSinks(record=self._keep_first)
        try:
            if mode == "records":
                self._records = self._gzip("dispositions.jsonl.gz")
                self._calls = self._gzip("calls.jsonl.gz")
                self.sinks = RunSinks(record=self._write_record, call=self._write_call)
            if tables:
                self.folder.names.add(REPORTING_DB)
                self.sinks.tables = self.folder.path / REPORTING_DB
        except BaseException:
            self.abandon()
            raise

    def _gzip(self, name: str) -> _JsonLines:
        lines = _JsonLines(self.folder, name)
        self._open.append(lines)
        return lines

    def _keep_first(self, record: DispositionRecord) -> None:
        if len(self.first_records) < STREAMED_PAGE_RECORDS:
            self.first_records.append(record.to_json())

    def _write_record(self, record: DispositionRecord) -> None:
        self._keep_first(record)
        self._records.add(record.to_json_line())

    def _write_call(self, row: dict[str, Any]) -> None:
        self._calls.add(_encode(row))

    def _close_files(self) -> None:
        while self._open:
            self._open.pop(0).close()

    def finish(self, result: RunResult) -> Path:
        """The run is over: close the streamed files, write the rest, put the folder in place."""
        self._result = result
        try:
            self._close_files()
            if result.tables is not None:
                result.tables.close()
            figures = result.figures
            files = {
                "manifest.json": json.dumps(manifest(result), ensure_ascii=False, indent=2) + "\n",
                "summary.md": markdown(result),
                "stats.md": statistics.markdown(result.scenario.name, figures),
                "stats.csv": statistics.csv_text(figures),
            }
            files[RUN_PAGE] = run_page_streamed(json.loads(files["manifest.json"]), self.first_records,
                                                files["stats.csv"])
            self.folder.write(files)
        except BaseException:
            self.abandon()
            raise
        return self.folder.commit()

    def abandon(self) -> None:
        if self._result is not None and self._result.tables is not None:
            self._result.tables.close()
        for lines in self._open:
            lines.discard()
        self._open.clear()
        self.folder.abandon()
