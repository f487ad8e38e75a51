"""Pages from report folders: a run's page from its JSON files, and the index of a
folder of runs. What ``tsim run`` writes and ``tsim report`` rebuilds."""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import inputfiles
from ..output.folders import ReportsError, describe_os_error, locked, write_file
from ..parsedlines import ParsedLines
from ..reportdb.explain import disposition_rows
from ..reportdb.writer import open_read_only
from . import course, render, story, windows

RUN_PAGE = "index.html"
INDEX_PAGE = "index.html"
STREAMED_PAGE_RECORDS = 50  # a streamed run's page lists its first records


def _read(path: Path) -> str:
    try:
        return inputfiles.read_text(path)
    except FileNotFoundError:
        raise ReportsError(path, "missing: this is not a complete tsim report folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = describe_os_error(exc) if isinstance(exc, OSError) else "not UTF-8 text"
        raise ReportsError(path, f"cannot be read: {reason}") from None


def _checked_lines(path: Path) -> Iterator[tuple[str, Any]]:
    """A JSON-lines file's lines, each with its value; a line that is not JSON is named."""
    for number, line in enumerate(inputfiles.jsonl_lines(_read(path)), start=1):
        try:
            yield line, json.loads(line)
        except ValueError:
            raise ReportsError(path, f"line {number} is not JSON") from None


def _json_lines(path: Path) -> list[dict[str, Any]]:
    return [value for _, value in _checked_lines(path)]


def _record_lines(path: Path) -> ParsedLines[dict[str, Any]]:
    """A JSON-lines file's lines, each checked to be JSON, held as text (``record_lines``)."""
    return record_lines([line for line, _ in _checked_lines(path)])


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads(_read(folder / "manifest.json"))
    except ValueError:
        raise ReportsError(folder / "manifest.json", "is not JSON") from None
    if not isinstance(data, dict) or "tsim" not in data:
        raise ReportsError(folder / "manifest.json", "is not a tsim manifest")
    return data


def run_pages(manifest: dict[str, Any], lines: list[str], records: Sequence[dict[str, Any]],
              stats_csv: str | None = None, table_rows: dict[str, dict[str, Any]] | None = None,
              source: Path | None = None) -> dict[str, str]:
    """A run's pages (file name → text): its own page, and one page per further window of its
    journal (``windows``); ``lines`` are ``journal.jsonl``'s lines, read from ``source``."""
    return dict(each_run_page(manifest, lambda: lines, records, stats_csv, table_rows, source))


def record_lines(lines: list[str]) -> ParsedLines[dict[str, Any]]:
    """``dispositions.jsonl``'s lines, each parsed when it is read: a long run's page is drawn
    without all its records held as dicts at once (a hundred thousand of them are ~750 MB)."""
    return ParsedLines(lines, json.loads)


def each_run_page(manifest: dict[str, Any], read_lines: Callable[[], Iterable[str]],
                  records: Sequence[dict[str, Any]], stats_csv: str | None = None,
                  table_rows: dict[str, dict[str, Any]] | None = None,
                  source: Path | None = None) -> Iterator[tuple[str, str]]:
    """A run's pages one at a time, (file name, text), so that a long run's pages need not
    all be held at once. ``read_lines()`` gives ``journal.jsonl``'s lines, and is called
    twice for a journal longer than one window: once to cut it into windows and index its
    stories, once to draw each window (only that window's entries are parsed and held).
    ``records`` are read once for where each was clicked, then a page's own when it is drawn."""
    cutter = windows.Cutter()
    whole: list[dict[str, Any]] | None = []  # the entries, while they still fit one window

    def kept(entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal whole
        for entry in entries:
            if whole is not None:
                whole.append(entry)
                if len(whole) > windows.WINDOW:
                    whole = None
            yield entry

    index = story.JournalIndex(cutter.through(kept(_parsed(read_lines(), 0, source))), records)
    cut = cutter.windows()
    clicked_in: dict[int, list[int]] = {}  # window number (0: none) → its records' positions in ``records``
    lost_in: dict[int, int] = {}
    for position, record in enumerate(records):
        there = cut.of(index.requests.get(record["request"]))
        number = there.number if there is not None else 0
        clicked_in.setdefault(number, []).append(position)
        lost_in[number] = lost_in.get(number, 0) + (record["reporting"]["outcome"] == "lost")
    counts = {number: (len(clicked), lost_in[number]) for number, clicked in clicked_in.items() if number}
    every_one = len(records) <= windows.MAIN_PAGE_RECORDS

    def page(here: windows.Stretch | None, journal: list[dict[str, Any]]) -> tuple[str, str]:
        first = here is None or here.number == 1
        if first and every_one:
            shown = list(records)
        else:  # (the run's page also lists those clicked in no window)
            listed = (clicked_in.get(here.number, []) if here is not None else []) + \
                (clicked_in.get(0, []) if first else [])
            shown = [records[position] for position in listed]
        return here.page if here else windows.FIRST_PAGE, render.run_page(
            manifest, journal, shown, stats_csv=stats_csv, table_rows=table_rows, journal_index=index,
            windows=cut, here=here, all_records=records if first else None,
            window_counts=counts if cut.cut else None)

    if not cut.stretches:
        yield page(None, [])
        return
    if whole is not None:  # one window: read once
        yield page(cut.stretches[0], whole)
        return
    stretches = iter(cut.stretches)
    here = next(stretches)
    held: list[str] = []
    for number, line in enumerate(read_lines()):
        if number >= here.end_line:
            yield page(here, list(_parsed(held, here.first_line, source)))
            held = []
            here = next(stretches)
        held.append(line)
    yield page(here, list(_parsed(held, here.first_line, source)))


def _parsed(lines: Iterable[str], first: int, source: Path | None) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=first + 1):
        try:
            entry = json.loads(line)
        except ValueError:
            raise ReportsError(source or Path("journal.jsonl"), f"line {number} is not JSON") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int) \
                or not isinstance(entry.get("t"), (int, float)) or not isinstance(entry.get("kind"), str):
            raise ReportsError(source or Path("journal.jsonl"),
                               f"line {number} is not a journal entry (a seq, a time t and a kind)")
        yield entry


def run_pages_from_texts(files: dict[str, str], tables: sqlite3.Connection | None = None) -> dict[str, str]:
    """A run's pages from its report files' texts (name → text), as ``report_files`` has them,
    and its reporting tables."""
    records = [json.loads(line) for line in inputfiles.jsonl_lines(files["dispositions.jsonl"])]
    return run_pages(json.loads(files["manifest.json"]), inputfiles.jsonl_lines(files["journal.jsonl"]), records,
                     stats_csv=files.get("stats.csv"),
                     table_rows=disposition_rows(tables, records) if tables is not None else None)


def run_page_streamed(manifest: dict[str, Any], records: list[dict[str, Any]], stats_csv: str) -> str:
    """The page of a streamed run: no journal to draw, its first records, its statistics."""
    return render.run_page(manifest, [], records, stats_csv=stats_csv)


def _first_records(path: Path, limit: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if not path.exists():
        return rows
    try:
        with gzip.open(inputfiles.open_binary(path), "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if number > limit:
                    break
                rows.append(json.loads(line))
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        raise ReportsError(path, f"cannot be read: {exc}") from None
    return rows


def run_pages_from_folder(folder: Path) -> dict[str, str]:
    """A run's pages from the report files in ``folder``; ``ReportsError`` if they are not there."""
    manifest = _manifest(folder)
    if manifest.get("journal", "full") != "full":
        return {RUN_PAGE: run_page_streamed(
            manifest, _first_records(folder / "dispositions.jsonl.gz", STREAMED_PAGE_RECORDS),
            _read(folder / "stats.csv"))}
    records = _record_lines(folder / "dispositions.jsonl")
    stats = folder / "stats.csv"
    stats_csv = _read(stats) if stats.exists() else None  # folders written before statistics have none
    return run_pages(manifest, inputfiles.jsonl_lines(_read(folder / "journal.jsonl")), records, stats_csv=stats_csv,
                     table_rows=_table_rows(folder / "reporting.sqlite", records), source=folder / "journal.jsonl")


def checked_pages(folder: Path) -> dict[str, str]:
    """``run_pages_from_folder``, where report files that parse but are not what tsim wrote
    (an edited manifest, a journal line of the wrong shape) are a ``ReportsError`` naming the
    folder, not a crash."""
    try:
        return run_pages_from_folder(folder)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
        detail = f"{type(exc).__name__}: {exc}"[:160]
        raise ReportsError(folder, f"holds report files tsim cannot draw a page from ({detail}); were they "
                                   "edited? Run the scenario again to write them anew") from None


def run_page_from_folder(folder: Path) -> str:
    """A run's own page (``index.html``) from the report files in ``folder``."""
    return run_pages_from_folder(folder)[RUN_PAGE]


def _table_rows(path: Path, records: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]] | None:
    """Each record's rows in the folder's ``reporting.sqlite`` (None: none there, or unreadable)."""
    if not path.is_file():
        return None
    try:
        connection = open_read_only(path)
        try:
            return disposition_rows(connection, records)
        finally:
            connection.close()
    except sqlite3.Error:
        return None  # (a folder from before the tables, or a damaged file: the page goes without them)


def run_folders(root: Path) -> list[Path]:
    """The run folders directly in ``root`` (those holding a tsim manifest), by name."""
    try:
        candidates = sorted(p for p in root.iterdir()  # a symlinked folder is someone else's: not followed
                            if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    except OSError as exc:
        raise ReportsError(root, f"cannot be read: {describe_os_error(exc)}") from None
    return [p for p in candidates if (p / "manifest.json").is_file()]


def index_page(root: Path) -> str:
    """The index of the runs in ``root``, with their sweeps."""
    runs, sweeps = [], {}
    for folder in run_folders(root):
        manifest = _manifest(folder)
        for key in ("scenario", "passed"):
            if key not in manifest:
                raise ReportsError(folder / "manifest.json", f"has no {key!r}: it is not a run tsim can list")
        manifest.setdefault("journal", "full")  # (a tsim before streamed runs wrote full runs only, without it)
        streamed = manifest["journal"] != "full"  # its records are counted in stats.md instead
        manifest["records"] = [] if streamed else _json_lines(folder / "dispositions.jsonl")
        manifest["folder"] = folder.name
        runs.append(manifest)
        found = sorted(p.name for p in folder.iterdir() if p.is_dir() and (p / "sweep.json").is_file())
        if found:
            sweeps[folder.name] = found
    for run in runs:  # a course scenario goes where the course puts it, with what it teaches
        lesson = course.lesson(run["scenario"])
        run["lesson"] = lesson
        if lesson is not None:
            run["group"] = lesson.group
    runs.sort(key=lambda run: (0, run["lesson"].position, "") if run["lesson"] is not None
              else (1, run.get("group") or "~", run["scenario"]))
    return render.index_page(runs, sweeps)


def written_by_tsim(page: Path) -> bool:
    try:
        head = page.read_text(encoding="utf-8")[:400]
    except (OSError, UnicodeDecodeError):
        return False
    return f'<meta name="generator" content="{render.GENERATOR}">' in head


def write_index(root: Path) -> Path:
    """Write ``root/index.html`` for the runs in ``root``; refuse to replace a page tsim did not write."""
    page = Path(root) / INDEX_PAGE
    with locked(Path(root)):  # run folders are not swapped while the index reads them
        if page.exists() and not written_by_tsim(page):
            raise ReportsError(page, "exists and was not written by tsim; the index of the runs is not written")
        try:
            text = index_page(Path(root))
        except OSError as exc:
            raise ReportsError(root, f"cannot read the runs for their index: {describe_os_error(exc)}") from None
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
            detail = f"{type(exc).__name__}: {exc}"[:160]
            raise ReportsError(root, f"holds a run whose report files tsim cannot list ({detail}); were they "
                                     "edited?") from None
        write_file(page, text)
    return page
