"""HTML pages of runs, from their JSON reports: one page per run, an index of runs.

Jinja2 templates (``templates/``) with the CSS and JavaScript inlined
(``static/``): every page is one self-contained file that loads nothing from
the network, so it opens from a file share or an offline classroom. The same
reports give byte-identical pages.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache

from ..timeunits import format_seconds
from . import sequence, states, stats_charts

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
             total_entries: int | None = None, stats_csv: str | None = None,
             table_rows: dict[str, dict[str, Any]] | None = None) -> str:
    """A run's page, from its ``manifest.json``, ``journal.jsonl`` and ``dispositions.jsonl`` (as dicts).

    ``total_entries``: the whole journal's length, when ``journal`` is only its start;
    ``stats_csv``: its ``stats.csv``, charted on the page (folders written before it had none);
    ``table_rows``: each disposition's rows in ``reporting.sqlite`` (``reportdb.explain``)."""
    diagram = sequence.build(journal, records)
    clicks: dict[str, int] = {}
    for arrow in diagram.arrows:  # a disposition's click: its HTTP request's step-through position
        if arrow.kind == "http" and arrow.request is not None:
            clicks[arrow.request] = min(arrow.order, clicks.get(arrow.request, arrow.order))
    quiz = [{"request": r["request"], "path": r["path"], "fate": r["reporting"]["outcome"],
             "why": r["reporting"]["reason"] or "", "order": clicks[r["request"]],
             "disposition": r["disposition"]} for r in records if r["request"] in clicks]
    return _template("run.html.j2").render(
        generator=GENERATOR, manifest=manifest, records=records, diagram=diagram, state_diagrams=states.diagrams(),
        table_rows=table_rows or {},
        shown_entries=len(journal), total_entries=total_entries or len(journal),
        streamed=manifest.get("journal", "full") != "full",
        record_total=manifest.get("dispositionCount", len(records)),
        stats_charts=stats_charts.charts_html(stats_csv)
        if manifest.get("dispositionCount", len(records)) >= STATS_CHART_MIN_RECORDS else "",
        css=_text("static", "page.css"), js=_text("static", "page.js"),
        quiz_json=json.dumps(quiz, ensure_ascii=False).replace("</", "<\\/"))


def index_page(runs: list[dict[str, Any]], sweeps: dict[str, list[str]]) -> str:
    """The index of a folder of runs: ``runs`` are their manifests with their ``records``
    (key ``records``) and ``folder``; ``sweeps`` maps a run's folder to its sweep folders."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault(run.get("group") or "other scenarios", []).append(run)
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
