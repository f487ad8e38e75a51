"""Reports written while a run goes: what a day of traffic writes.

A streamed run (``--journal records|none``) keeps no journal in memory,
so its files are written as the entries and records are made, compressed
(``*.jsonl.gz``: gzip with no name and no time in its header, so the same run
gives the same bytes), into the staging folder that ``commit`` swaps into place
once the run is over — as whole, or not at all, as every report folder.

- ``records``: ``dispositions.jsonl.gz`` and ``calls.jsonl.gz``;
- ``none``: neither.

Then, for every mode: ``manifest.json``, ``summary.md``, ``stats.md``,
``stats.csv`` and the run's page.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any, BinaryIO

from ..pages.folders import RUN_PAGE, STREAMED_PAGE_RECORDS, run_page_streamed
from ..record import DispositionRecord
from ..run import RunResult, RunSinks
from . import statistics
from .files import manifest
from .folders import ReportsError, StagedFolder, describe_os_error
from .summary import markdown

_encode = json.JSONEncoder(ensure_ascii=False).encode
COMPRESSION = 1  # gzip level: JSON lines still shrink about tenfold, at a fraction of level 6's time
WRITE_LINES = 512  # lines gathered before one compressing write


class StreamedReports:
    """The report folder of one streamed run; ``sinks`` go to ``run_scenario``."""

    def __init__(self, target: Path, mode: str):
        self.folder = StagedFolder(target)
        self._open: list[tuple[str, gzip.GzipFile, BinaryIO]] = []
        self.first_records: list[dict[str, Any]] = []  # the page lists the first ones
        self.sinks = RunSinks(record=self._keep_first)
        self._lines: tuple[list[str], list[str]] = ([], [])  # encoded, not yet compressed: records, calls
        try:
            if mode == "records":
                self._records = self._gzip("dispositions.jsonl.gz")
                self._calls = self._gzip("calls.jsonl.gz")
                self.sinks = RunSinks(record=self._write_record, call=self._write_call)
        except BaseException:
            self.abandon()
            raise

    def _gzip(self, name: str) -> gzip.GzipFile:
        raw = self.folder.open(name)
        packed = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=COMPRESSION)
        self._open.append((name, packed, raw))
        return packed

    def _keep_first(self, record: DispositionRecord) -> None:
        if len(self.first_records) < STREAMED_PAGE_RECORDS:
            self.first_records.append(record.to_json())

    def _write_record(self, record: DispositionRecord) -> None:
        self._keep_first(record)
        lines = self._lines[0]
        lines.append(record.to_json_line())
        if len(lines) >= WRITE_LINES:
            self._write(0)

    def _write_call(self, row: dict[str, Any]) -> None:
        lines = self._lines[1]
        lines.append(_encode(row))
        if len(lines) >= WRITE_LINES:
            self._write(1)

    def _write(self, which: int) -> None:
        """Compress the lines gathered for file ``which`` (0 records, 1 calls) in one write."""
        lines = self._lines[which]
        if lines:
            try:
                (self._records, self._calls)[which].write(("\n".join(lines) + "\n").encode())
            except OSError as exc:
                name = ("dispositions.jsonl.gz", "calls.jsonl.gz")[which]
                raise ReportsError(self.folder.target / name, f"cannot be written: {describe_os_error(exc)}") from None
            lines.clear()

    def _close_files(self) -> None:
        if self._open:
            self._write(0)
            self._write(1)
        while self._open:
            name, packed, raw = self._open.pop()
            try:
                packed.close()
                raw.close()
            except OSError as exc:
                raise ReportsError(self.folder.path / name, f"cannot be written: {describe_os_error(exc)}") from None

    def finish(self, result: RunResult) -> Path:
        """The run is over: close the streamed files, write the rest, put the folder in place."""
        try:
            self._close_files()
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
        for _, packed, raw in self._open:
            try:
                packed.close()
                raw.close()
            except OSError:
                pass
        self._open.clear()
        self.folder.abandon()
