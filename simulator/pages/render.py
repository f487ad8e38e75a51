"""HTML pages of runs, from their JSON reports: one page per run, an index of runs.

Jinja2 templates (``templates/``) with the CSS and JavaScript inlined
(``static/``): every page is one self-contained file that loads nothing from
the network, so it opens from a file share or an offline classroom. The same
reports give byte-identical pages.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache
from markupsafe import Markup, escape

from ..output.statistics import wilson
from ..timeunits import format_seconds
from . import course, drawn, sequence, states, stats_charts, story
from .windows import Stretch, Windows

STATS_CHART_MIN_RECORDS = 10  # fewer dispositions read better from the table than from a chart
GENERATOR = "tsim"  # the <meta name="generator"> of every page tsim writes; it may replace only those


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """Jinja2's own cache of compiled templates (in its per-user folder under the
    system's temporary directory): compiling the run page costs a small run about
    a third of its time. The cache is a convenience: one that cannot be read or
    written is left alone, and the templates are compiled as if there were none."""

    def load_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError, ValueError, EOFError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> BytecodeCache | None:
    try:
        return _QuietBytecodeCache()
    except (OSError, RuntimeError):  # no safe per-user folder (jinja2 checks its owner and mode)
        return None


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("simulator.pages", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True, enabled_extensions=("j2",)),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=_bytecode_cache())
    env.filters["seconds"] = format_seconds
    env.filters["px"] = lambda value: f"{value:.1f}"
    env.filters["scenario_links"] = _scenario_links
    env.filters["glossed"] = _glossed
    env.filters["code_spans"] = lambda text: Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))
    env.filters["fate_mark"] = lambda fate: f"{FATE_MARKS.get(fate, '')} {fate}".strip()
    return env


@cache
def _text(folder: str, name: str) -> str:
    return resources.files(__package__).joinpath(folder).joinpath(name).read_text(encoding="utf-8")


def _template(name: str) -> Any:
    return _environment().get_template(name)


def state_diagram_svg(diagram: states.StateDiagram) -> str:
    """One state diagram as a standalone SVG file (for the docs)."""
    return _template("state.svg.j2").render(d=diagram, standalone=True)


def run_page(manifest: dict[str, Any], journal: list[dict[str, Any]], records: list[dict[str, Any]],
             stats_csv: str | None = None, table_rows: dict[str, dict[str, Any]] | None = None,
             journal_index: story.JournalIndex | None = None, windows: Windows | None = None,
             here: Stretch | None = None, all_records: Sequence[dict[str, Any]] | None = None,
             window_counts: dict[int, tuple[int, int]] | None = None) -> str:
    """A run's page, from its ``manifest.json``, ``journal.jsonl`` and ``dispositions.jsonl`` (as dicts).

    ``journal``: the entries this page draws (``here``, one of the journal's ``windows``,
    when it is longer than one); ``journal_index``: the stories' index of the whole journal
    (by default, of ``journal``); ``stats_csv``: its ``stats.csv``, charted on the page
    (folders written before it had none); ``table_rows``: each disposition's rows in
    ``reporting.sqlite`` (``reportdb.explain``); ``all_records``: every record of the run,
    which the headline counts, when ``records`` lists only some of them; ``window_counts``:
    each window's dispositions and losses (``windows``' number → (clicked, lost))."""
    diagram = sequence.build(journal, records)
    index = journal_index or story.JournalIndex(journal)
    clicks: dict[str, int] = {}
    for arrow in diagram.arrows:  # a disposition's click: its HTTP request's step-through position
        if arrow.kind == "http" and arrow.request is not None:
            clicks[arrow.request] = min(arrow.order, clicks.get(arrow.request, arrow.order))
    stories = {told.request: told for told in (story.story(record, index) for record in records)}
    quiz = [{"request": r["request"], "path": quiz_path(r), "lost": r["reporting"]["outcome"] == "lost",
             "fate": r["reporting"]["outcome"],
             "why": stories[r["request"]].why, "order": clicks[r["request"]],
             "story": [f"{format_seconds(m.at)} {m.text}" for m in stories[r["request"]].moments],
             "disposition": r["disposition"], "view": r.get("gwsView"), "user": r["user"]}
            for r in records if r["request"] in clicks]
    first = here is None or here.number == 1
    counted = records if all_records is None else all_records
    cut = windows if windows is not None and windows.cut else None

    def href(seq: int) -> str:
        return cut.href(seq, here) if cut is not None else f"#m{seq}"

    return _template("run.html.j2").render(
        generator=GENERATOR, manifest=manifest, records=records, diagram=diagram,
        drawing=drawn.TileDrawing(diagram), state_diagrams=states.diagrams(),
        table_rows=table_rows or {}, stories=stories, message_list=_message_list(diagram),
        headline=_headline(counted) if first and len(counted) > INDEX_BADGES else None,
        some_of_them=first and len(records) < len(counted), window_counts=window_counts or {},
        next_lesson=course.neighbours(manifest["scenario"])[1],
        glossary=GLOSSARY, first=first, windows=cut, here=here, href=href, clicks=index.requests,
        streamed=manifest.get("journal", "full") != "full",
        record_total=manifest.get("dispositionCount", len(records)) if first else len(records),
        stats_charts=stats_charts.charts_html(stats_csv)
        if first and manifest.get("dispositionCount", len(records)) >= STATS_CHART_MIN_RECORDS else "",
        css=_text("static", "page.css"), js=_text("static", "page.js"),
        quiz_json=json.dumps(quiz, ensure_ascii=False).replace("</", "<\\/"))


SET_CALL_DISPOSITION = "https://docs.genesys.com/Documentation/HTCC/latest/API/CallsSetCallDisposition"
GLOSSARY = (  # (term, meaning, the Genesys page it comes from, or None)
    ("T-Server", "the switch's CTI server: it owns DNs, calls and their states, and tells its clients what happens "
                 "in T-Library events", None),
    ("T-Library", "T-Server's protocol: requests (RequestUpdateUserData, RequestDistributeUserEvent, …) and events "
                  "(EventEstablished, EventReleased, …); EventError answers a request T-Server cannot carry out, "
                  "such as one naming a ConnID it no longer knows", None),
    ("DN", "a directory number: an agent's phone, a queue, a routing point", None),
    ("ConnID", "T-Server's id of one call (16 hex digits); a consult call has its own", None),
    ("CallUuid", "the call's id across the platform; Web Services' call id on the desktop", None),
    ("Web Services (GWS)", "the server agent desktops talk to: REST requests in, CometD messages out; it keeps its "
                           "own view of each call, from the T-Library events it has heard so far",
     "https://docs.genesys.com/Documentation/HTCC/latest/API/AsyncTelephonyOpsCallControl"),
    ("CometD", "the long-polling channel on which Web Services pushes messages to the desktop (StatusChange, "
               "AttachedDataChanged, ErrorMessage)", "https://docs.genesys.com/Documentation/HTCC/latest/API/"
                                                     "AsynchronousEvents"),
    ("userData path", "the call is active in Web Services' view: the disposition is written into the call's user "
                      "data (RequestUpdateUserData → EventAttachedDataChanged, CometD AttachedDataChanged)",
     SET_CALL_DISPOSITION),
    ("userEvent path", "the call is over in Web Services' view: the disposition goes to reporting as a user event "
                       "(RequestDistributeUserEvent → EventUserEvent), with no CometD message", SET_CALL_DISPOSITION),
    ("ICON", "Interaction Concentrator: stores what T-Server reports in IDB tables (G_USERDATA_HISTORY for the "
             "call's user data, G_CUSTOM_DATA_S for user events), as its options allow",
     "https://docs.genesys.com/Documentation/ICON/latest/PDMOra/Table-G_CUSTOM_DATA_S"),
    ("Info Mart", "Genesys Info Mart: builds the reporting facts from ICON's tables; each agent leg "
                  "(INTERACTION_RESOURCE_FACT) keeps one value of the key, chosen by a propagation rule", None),
    ("reported / superseded / lost", "what reporting ends with: this disposition; a later value instead; nothing "
                                     "of it", None),
)
INDEX_BADGES = 12  # a run with more dispositions shows its headline on the index instead of a badge each
FATE_MARKS = {"reported": "✓", "superseded": "↷", "lost": "✗"}  # a fate is told by its mark and word, not colour


def _message_list(diagram: Any) -> list[tuple[int, str]]:
    """The diagram as text, one line per journal entry in step order: (seq, what it says)."""
    first: dict[int, tuple[int, str]] = {}
    for item in [*diagram.arrows, *diagram.marks]:
        if item.seq not in first or item.order < first[item.seq][0]:
            first[item.seq] = (item.order, item.label)
    return [(seq, label) for seq, (_, label) in sorted(first.items(), key=lambda pair: (pair[1][0], pair[0]))]


GLOSSED = {"T-Server": 0, "ConnID": 3, "Web Services": 5, "CometD": 6, "userData path": 7, "userEvent path": 8,
           "ICON": 9, "Info Mart": 10}  # a term in a story → its glossary entry, shown when hovered


def _glossed(text: str) -> Markup:
    """``text`` (escaped) with each glossary term's first appearance explained on hover
    (one pass over the text, so a term inside an explanation is never touched)."""
    seen: set[str] = set()

    def explain(match: re.Match[str]) -> str:
        term = match.group(0)
        if term in seen:
            return term
        seen.add(term)
        return f'<abbr title="{escape(GLOSSARY[GLOSSED[term]][1])}">{term}</abbr>'

    return Markup(_GLOSSED_TERMS.sub(explain, str(escape(text))))


_GLOSSED_TERMS = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(GLOSSED, key=len, reverse=True)))
                            + r")(?![\w-])")


def _scenario_links(text: str) -> Markup:
    """``text`` (escaped) with every course scenario it names linked to that run's page."""
    names = sorted((item.name for item in course.lessons()), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    return Markup(pattern.sub(r'<a href="../\1/index.html">\1</a>', str(escape(text))))


def _headline(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A traffic run's figures, before any row: the share lost with its interval, path × fate
    (the records read once: a long run's are parsed as they are read)."""
    paths = ("userData", "userEvent", "rejected")
    fates = ("reported", "superseded", "lost")
    counted: Counter[tuple[str, str]] = Counter((r["path"], r["reporting"]["outcome"]) for r in records)
    total = sum(counted.values())
    lost = sum(n for (_, fate), n in counted.items() if fate == "lost")
    low, high = wilson(lost, total)
    table = [(path, [counted[path, fate] for fate in fates]) for path in paths]
    return {"total": total, "lost": lost, "share": lost / total, "low": low, "high": high,
            "fates": fates, "table": [row for row in table if any(row[1])]}


def quiz_path(record: dict[str, Any]) -> str:
    """The path a quiz answer names: the record's, or "userData+userEvent" when the
    fallback user event followed."""
    fallback = record.get("fallback")
    return f"{record['path']}+{fallback['path']}" if fallback else record["path"]


def index_page(runs: list[dict[str, Any]], sweeps: dict[str, list[str]]) -> str:
    """The index of a folder of runs: ``runs`` are their manifests with their ``records``
    (key ``records``) and ``folder``; ``sweeps`` maps a run's folder to its sweep folders."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault(run.get("group") or "other scenarios", []).append(run)
        records = run.get("records") or []
        run["headline"] = None
        if len(records) > INDEX_BADGES:  # traffic: its headline, not a wall of badges
            lost = sum(r["reporting"]["outcome"] == "lost" for r in records)
            low, high = wilson(lost, len(records))
            run["headline"] = f"{len(records)} dispositions, {lost} lost ({lost / len(records):.1%}, 95% interval " \
                              f"{low:.1%} … {high:.1%})"
    return _template("index.html.j2").render(generator=GENERATOR, groups=groups, sweeps=sweeps,
                                             css=_text("static", "page.css"),
                                             total=len(runs), passed=sum(bool(r["passed"]) for r in runs))


def sweep_page(heading: str, chart: str, runs: list[tuple[str, int, str, str]], losses: list[str],
               boundaries: list[str], warnings: list[str], colours: dict[str, str],
               tally: Sequence[tuple[str, ...]] | None = None, tally_columns: tuple[str, ...] = (),
               share_span: list[str] | None = None) -> str:
    """A sweep's page: its chart (SVG, inline) and what it found, in words; a sweep of
    traffic (``tally``) shows the share lost at each value instead of boundaries."""
    return _template("sweep.html.j2").render(generator=GENERATOR, heading=heading, chart=chart, runs=runs,
                                             losses=losses, boundaries=boundaries, warnings=warnings,
                                             colours=colours, css=_text("static", "page.css"), tally=tally,
                                             tally_columns=tally_columns, share_span=share_span or [])
