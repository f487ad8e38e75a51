"""Readable summaries of a run: Markdown for ``summary.md``, plain text for the console."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import journal as J
from ..run import RunResult
from ..timeunits import format_duration, format_seconds, format_time
from ..timing import describe
from .describe import call_names, entry_line, record_line

TIMELINE_LIMIT = 2000
LATENCY_NAMES = {
    "desktop_to_gws": "desktop → Web Services",
    "gws_to_tserver": "Web Services → T-Server",
    "tserver_processing": "T-Server processing",
    "tserver_to_gws": "T-Server → Web Services",
    "gws_to_desktop": "Web Services → desktop",
    "tserver_to_reporting": "T-Server → reporting",
}


def _histories(reporting: Any) -> str:
    """ICON's attached-data spec and adata-userdata-history, in words."""
    listed = ", ".join(f"`{key}` {history}" for key, history in reporting.attached_data.items())
    return (f"{listed}, " if listed else "") + f"other keys `{reporting.userdata_history}`"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|") if value is not None else "—"


def markdown_lines(result: RunResult) -> Iterator[str]:
    """``summary.md`` line by line (a long run's is tens of megabytes: written as it is made)."""
    sc = result.scenario
    verdict = "PASSED" if result.passed else "FAILED"
    delays = ", ".join(f"{LATENCY_NAMES[name]} {describe(spec)}" for name, spec in sc.switch.latency.items())
    yield from [f"# {sc.name} — {verdict}", "", sc.description.strip(), "",
                f"Seed {result.seed}; same-instant tie-break `{result.tie_break}`. Delays: {delays}. "
                f"T-Server consult-user-data `{sc.switch.consult_user_data}`. "
                f"Disposition key `{sc.web_services.disposition_key}`; fallback to user event "
                f"{'on' if sc.web_services.fallback_to_user_event else 'off'}; Info Mart user-event-data-timeout "
                f"{format_duration(sc.reporting.user_event_data_timeout)}; ICON store-event-data "
                f"`{sc.reporting.store_event_data}`"
                + (f" (EventData: {', '.join(sc.reporting.event_data)})" if sc.reporting.event_data else "")
                + f"; ICON attached-data history {_histories(sc.reporting)}; Info Mart propagation rule "
                f"`{sc.reporting.propagation_rule}`"
                + (" (preset factory-defaults)" if sc.reporting.preset == "factory-defaults" else "") + ".", ""]

    if result.streamed:
        yield from [f"A streamed run (`--journal {result.journal_mode}`): {result.call_count:,} calls and "
                    f"{result.disposition_count:,} dispositions. The tables below list the named calls and the "
                    "dispositions the expectations look at; `stats.md` has the figures of every one"
                    + (", `dispositions.jsonl.gz` every record." if result.journal_mode != "none" else "."), ""]
    yield from ["## Calls", "", "| call | ConnID | CallUuid | type | from → to | first event | released |",
                "|---|---|---|---|---|---|---|"]
    for c in result.calls:
        released = format_seconds(c["releasedAt"]) if c["releasedAt"] is not None else "still up"
        yield (f"| {_cell(c['name'])} | `{c['connId']}` | `{c['callUuid']}` | {c['callType']} | "
               f"{c['ani']} → {c['dnis']} | {format_seconds(c['firstEventAt'])} | {released} |")

    yield from ["", "## Dispositions", ""]
    if not result.dispositions:
        yield "No SetCallDisposition requests."
    else:
        yield from ["| request | at | user | disposition | GWS saw | T-Server had | path | HTTP | T-Server outcome "
                    "| CometD | reporting |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in result.dispositions:
            t = r.tserver
            outcome = (t.event if t is not None else None) or "—"
            if t is not None and t.event == "EventError":
                outcome += f" {t.errorCode} {t.errorName}"
            if t is not None and t.at is not None:
                outcome += f" at {format_time(t.at)}"
            rep = r.reporting
            reporting = f"{rep.outcome.value}: holds {repr(rep.holds) if rep.holds is not None else 'nothing'}"
            if rep.reason:
                reporting += f" — {rep.reason}"
            yield (
                f"| {r.request} | {format_time(r.requestedAt)} | {r.user} | "
                f"{r.key or 'disposition'}={_cell(r.disposition)} | {_cell(r.gwsView)} | "
                f"{_cell(r.tserverState)} | "
                f"{r.path.value} | {r.http.status} / {r.http.statusCode} | {_cell(outcome)} | "
                f"{_cell(', '.join(r.cometd) or 'none')} | {_cell(reporting)} |")

    yield from ["", "## Expectations", ""]
    if not result.expectations:
        yield "None."
    for e in result.expectations:
        mark = "✅" if e.passed else "❌"
        yield f"- {mark} line {e.line}: `{e.text}`"
        yield from [f"  - {problem}" for problem in e.problems]

    if result.streamed:
        return  # no journal was kept to draw a timeline from
    yield from ["", "## Timeline", "", "| # | t | what |", "|---|---|---|"]
    shown = 0
    names = call_names(result.calls)
    for entry in result.journal:
        line = entry_line(entry, names)
        if line is None:
            continue
        if shown == TIMELINE_LIMIT:
            yield f"| … | | {len(result.journal) - entry.seq + 1} more entries in journal.jsonl |"
            break
        yield f"| {entry.seq} | {format_time(entry.t)} | {_cell(line)} |"
        shown += 1


def markdown(result: RunResult) -> str:
    return "".join(line + "\n" for line in markdown_lines(result))


def step_went_wrong(result: str | None) -> bool:
    """A step that did not run, had no effect, or whose HTTP request was refused."""
    if not result:
        return False
    if result.startswith(("not run", "no effect")):
        return True
    return result.startswith("HTTP ") and not result.startswith("HTTP 2")


CONSOLE_DISPOSITIONS = 25  # the console lists this many calls and dispositions; the files have them all


def console(result: RunResult, out_dir: str | None, quiet: bool = False) -> str:
    passed = sum(e.passed for e in result.expectations)
    head = (f"{'PASS' if result.passed else 'FAIL'}  {result.scenario.name}  seed {result.seed}  "
            f"{passed}/{len(result.expectations)} expectations")
    if out_dir:
        head += f"  → {out_dir}"
    if quiet:
        return head
    lines = [head]
    calls = [c for c in result.calls if c["name"]] + [c for c in result.calls if not c["name"]]  # named first
    for c in calls[:CONSOLE_DISPOSITIONS]:
        released = f"released at {format_seconds(c['releasedAt'])}" if c["releasedAt"] is not None else "still up"
        lines.append(f"  call {c['name'] or '-'}: {c['callType']} {c['ani']} → {c['dnis']}  "
                     f"ConnID {c['connId']}  {released}")
    if len(calls) > CONSOLE_DISPOSITIONS:
        lines.append(f"  … and {len(calls) - CONSOLE_DISPOSITIONS:,} more calls: see summary.md")
    for entry in result.journal.of_kind(J.STEP):
        step = entry.payload
        if step_went_wrong(step.result):
            lines.append(f"  ! step {step.index} (line {step.line}) {step.action} at {format_time(entry.t)}: "
                         f"{step.result}")
    shown = result.dispositions[:CONSOLE_DISPOSITIONS]
    for r in shown:
        lines.append(f"  disposition {record_line(r)}")
        if r.reporting.reason:
            lines.append(f"      why: {r.reporting.reason}")
    if len(result.dispositions) > len(shown):
        figures = result.figures
        lines.append(f"  … and {len(result.dispositions) - len(shown):,} more dispositions ({figures['total']:,} in "
                     f"all, {figures['lost']:,} lost to reporting): see dispositions.jsonl and stats.md")
    if result.streamed:
        figures = result.figures
        lines.append(f"  streamed (--journal {result.journal_mode}): {result.call_count:,} calls, "
                     f"{figures['total']:,} dispositions, {figures['lost']:,} lost to reporting; see stats.md")
    for e in result.expectations:
        lines.append(f"  {'✓' if e.passed else '✗'} line {e.line}: {e.text}")
        lines += [f"      {problem}" for problem in e.problems]
    return "\n".join(lines)
