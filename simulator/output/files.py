"""Write a run's reports: JSON lines, a manifest and the Markdown summary.

All files come from the run's journal (and the records read from it). They are
written as one folder that appears whole or not at all and that replaces only a
folder tsim wrote (``folders``). The same scenario and seed give
byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from .. import __version__
from .. import journal as J
from ..pages.folders import each_run_page, record_lines, run_pages_from_texts
from ..reportdb.explain import disposition_rows
from ..run import RunResult
from ..timeunits import format_duration, format_time
from ..timing import describe
from . import statistics
from .folders import ReportsError, StagedFolder, describe_os_error
from .summary import markdown, markdown_lines

REPORT_FILES = ("manifest.json", "journal.jsonl", "events.jsonl", "http.jsonl", "cometd.jsonl",
                "dispositions.jsonl", "summary.md")


_encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every line (json.dumps makes one per call)


def _jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(_encode(row) + "\n" for row in rows)


def journal_text(result: RunResult) -> str:
    """The whole journal as JSON lines (``journal.jsonl``, and golden files)."""
    return _jsonl(e.to_dict() for e in result.journal)


def manifest(result: RunResult) -> dict[str, Any]:
    sc = result.scenario
    return {
        "tsim": __version__,
        "scenario": sc.name,
        "description": sc.description,
        "group": sc.group,
        "file": result.source.name if result.source else None,
        "seed": result.seed,
        "tieBreak": result.tie_break,
        "latency": {name: describe(spec) for name, spec in sc.switch.latency.items()},
        "switch": {"consultUserData": sc.switch.consult_user_data},
        "webServices": {"dispositionKey": sc.web_services.disposition_key,
                        "fallbackToUserEvent": sc.web_services.fallback_to_user_event,
                        "callCompletion": sc.web_services.call_completion,
                        "completionNotice": sc.web_services.completion_notice,
                        "offerMute": sc.web_services.offer_mute},
        "reporting": {"userEventDataTimeout": format_duration(sc.reporting.user_event_data_timeout),
                      "storeEventData": sc.reporting.store_event_data,
                      "eventData": sc.reporting.event_data,
                      "preset": sc.reporting.preset,
                      "attachedData": sc.reporting.attached_data,
                      "userdataHistory": sc.reporting.userdata_history,
                      "propagationRule": sc.reporting.propagation_rule},
        "endTime": format_time(result.end_time),
        "journal": result.journal_mode,
        "journalEntries": len(result.journal),
        "callCount": result.call_count,
        "dispositionCount": result.disposition_count,
        "calls": result.calls,
        "passed": result.passed,
        "expectations": [r.to_dict() for r in result.expectations],
    }


EXTRACTS = {J.TLIB_REQUEST: "events.jsonl", J.TLIB_EVENT: "events.jsonl", J.HTTP_REQUEST: "http.jsonl",
            J.HTTP_RESPONSE: "http.jsonl", J.COMETD: "cometd.jsonl"}  # journal.jsonl's extracts, by entry kind


def report_files(result: RunResult) -> dict[str, str | bytes]:
    """Every report file of ``result``: name → text (bytes for ``reporting.sqlite``); the
    page is drawn from the JSON files."""
    lines = [(entry.kind, _encode(entry.to_dict()) + "\n") for entry in result.journal]

    files: dict[str, str] = {  # each entry is encoded once, for the journal and its extract
        "manifest.json": json.dumps(manifest(result), ensure_ascii=False, indent=2) + "\n",
        "journal.jsonl": "".join(line for _, line in lines),
    }
    for name in dict.fromkeys(EXTRACTS.values()):
        files[name] = "".join(line for kind, line in lines if EXTRACTS.get(kind) == name)
    files |= {
        "dispositions.jsonl": "".join(line + "\n" for line in result.dispositions.lines),
        "summary.md": markdown(result),
    }
    files["stats.md"] = statistics.markdown(result.scenario.name, result.figures)
    files["stats.csv"] = statistics.csv_text(result.figures)
    files.update(run_pages_from_texts(files, result.tables.writer.connection if result.tables else None))
    written: dict[str, str | bytes] = dict(files)
    if result.tables is not None:  # (none when they were turned off)
        written[REPORTING_DB] = reporting_database(result)
    return written


REPORTING_DB = "reporting.sqlite"


def reporting_database(result: RunResult) -> bytes:
    """``reporting.sqlite``: ICON's and Info Mart's tables after the run (``simulator.reportdb``)."""
    if result.tables is None:
        raise ValueError("this run made no reporting tables")
    return result.tables.database_bytes()


def write_reports(result: RunResult, out_dir: Path) -> Path:
    """Write every report file of ``result`` as folder ``out_dir``, the same bytes as
    ``report_files`` gives, one file at a time: the journal and its extracts line by
    line, the pages one window at a time, drawn from the written ``journal.jsonl``. So a
    long run's reports never hold its whole journal as text, nor all its pages at once.

    An existing ``out_dir`` is replaced only if tsim wrote it; what else it
    holds (an earlier sweep) is kept. Raises ``folders.ReportsError``.
    """
    staged = StagedFolder(Path(out_dir))
    try:
        try:
            _write_streamed(result, staged)
        except OSError as exc:
            raise ReportsError(staged.path, f"cannot write the reports: {describe_os_error(exc)}") from None
    except BaseException:
        staged.abandon()
        raise
    return staged.commit()


WRITE_BUFFER = 1 << 20  # bytes: a long journal is written in few system calls


def _write_streamed(result: RunResult, staged: StagedFolder) -> None:
    about = manifest(result)
    with staged.open("manifest.json", WRITE_BUFFER) as out:
        # (in pieces, as json.dump writes them: a long run's manifest lists every call)
        for piece in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(about):
            out.write(piece.encode("utf-8"))
        out.write(b"\n")
    # The pages read the manifest as its JSON gives it, but not its list of every call.
    page_manifest = json.loads(json.dumps({key: value for key, value in about.items() if key != "calls"}))
    del about
    with ExitStack() as files:
        journal = files.enter_context(staged.open("journal.jsonl", WRITE_BUFFER))
        extracts = {name: files.enter_context(staged.open(name, WRITE_BUFFER))
                    for name in dict.fromkeys(EXTRACTS.values())}
        by_kind = {kind: extracts[name] for kind, name in EXTRACTS.items()}
        for entry in result.journal:  # each entry is encoded once, for the journal and its extract
            line = (_encode(entry.to_dict()) + "\n").encode("utf-8")
            journal.write(line)
            extract = by_kind.get(entry.kind)
            if extract is not None:
                extract.write(line)
    lines = result.dispositions.lines  # the records as text, parsed when a page reads one (``record_lines``)
    with staged.open("dispositions.jsonl", WRITE_BUFFER) as out:
        for text in lines:
            out.write((text + "\n").encode("utf-8"))
    records = record_lines(lines)
    stats_csv = statistics.csv_text(result.figures)
    with staged.open("summary.md", WRITE_BUFFER) as out:  # (written as it is made: a long run's is long)
        for row in markdown_lines(result):
            out.write((row + "\n").encode("utf-8"))
    for name, text in (("stats.md", statistics.markdown(result.scenario.name, result.figures)),
                       ("stats.csv", stats_csv)):
        with staged.open(name) as out:
            out.write(text.encode("utf-8"))
    tables = result.tables.writer.connection if result.tables else None
    journal_path = staged.path / "journal.jsonl"

    def journal_lines() -> Iterator[str]:
        with open(journal_path, encoding="utf-8", newline="\n") as lines:
            for line in lines:
                yield line[:-1] if line.endswith("\n") else line

    for name, page in each_run_page(page_manifest, journal_lines, records, stats_csv=stats_csv,
                                    table_rows=disposition_rows(tables, records) if tables is not None else None):
        with staged.open(name) as out:
            out.write(page.encode("utf-8"))
        del page  # (not held while the next page is drawn)
    if result.tables is not None:  # (none when they were turned off)
        with staged.open(REPORTING_DB) as out:
            out.write(reporting_database(result))
