"""A sweep's table (CSV, Markdown, console) and its picture (SVG).

- ``sweep.csv``: one row per variant and disposition (long format, for a
  spreadsheet or pandas).
- ``sweep.md``: the runs of equal outcome, the boundaries, and every variant.
- ``sweep.svg``: outcome (one strip per distinct outcome) against the varied
  value, boundaries marked, a legend spelling each outcome out.

A sweep of traffic (``SweepResult.tally``) reports instead, for each value, how
many dispositions there were, how many were lost and the share lost with its 95%
interval; its CSV has a row per value, path and fate; its picture is the share
lost against the value.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from xml.sax.saxutils import escape

from .. import __version__
from ..sweep import SweepResult, SweepRow, describe_outcome, tally_counts
from .folders import SWEEP_MARKER, write_folder
from .statistics import wilson

TALLY_COLUMNS = ("value", "dispositions", "lost", "share lost", "95% interval")


def tally_table(result: SweepResult) -> list[tuple[str, str, str, str, str]]:
    """A sweep of traffic, a row per value: the columns of ``TALLY_COLUMNS``."""
    out = []
    for row in result.rows:
        total, lost = tally_counts(row.outcome)
        low, high = wilson(lost, total)
        share = f"{lost / total:.1%}" if total else "–"
        out.append((row.label, str(total), str(lost), share, f"{low:.1%} … {high:.1%}" if total else "–"))
    return out


def _share_span(result: SweepResult) -> list[str]:
    """A sweep of traffic in one line: the share lost from its lowest to its highest."""
    shares = []
    for row in result.rows:
        total, lost = tally_counts(row.outcome)
        if total:
            shares.append((lost / total, row.label))
    if not shares:
        return ["No disposition at any value."]
    (low, at_low), (high, at_high) = min(shares), max(shares)
    if f"{low:.1%}" == f"{high:.1%}":
        return [f"Share lost: {low:.1%} at every value."]
    return [f"Share lost: from {low:.1%} (at {at_low}) to {high:.1%} (at {at_high})."]


def runs(result: SweepResult) -> list[tuple[SweepRow, SweepRow, int]]:
    """Consecutive variants with the same outcome: (first, last, how many)."""
    out: list[tuple[SweepRow, SweepRow, int]] = []
    for row in result.rows:
        if out and out[-1][1].outcome == row.outcome:
            first, _, count = out[-1]
            out[-1] = (first, row, count + 1)
        else:
            out.append((row, row, 1))
    return out


def losses(result: SweepResult) -> list[str]:
    """One line per run of values where a disposition is lost to reporting."""
    out = []
    relative = f" (relative to step {result.anchor})" if result.anchor else ""
    for first, last, count in runs(result):
        lost = [row[0] for row in first.outcome if row[4] == "lost"]
        if lost:
            span = f"at {first.label}" if count == 1 else f"from {first.label} to {last.label}"
            out.append(f"Lost {span}{relative}: {', '.join(lost)}")
    return out + ([""] if out else [])


def _heading(result: SweepResult) -> str:
    anchor = f", relative to step {result.anchor}" if result.anchor else ""
    values = result.rows
    return (f"{result.scenario.name}: {result.variation.target} from {values[0].label} to {values[-1].label} "
            f"in {len(values)} variants{anchor}")


def console_table(result: SweepResult) -> str:
    if result.tally:
        table = [TALLY_COLUMNS, *tally_table(result)]
        widths = [max(len(cells[i]) for cells in table) for i in range(len(TALLY_COLUMNS))]
        lines = [_heading(result), ""]
        lines += ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                            enumerate(zip(cells, widths, strict=True))).rstrip() for cells in table]
        return "\n".join([*lines, "", *_share_span(result), *ineffective(result)])
    lines = [_heading(result), ""]
    width = max(len(f"{a.label} … {b.label}") for a, b, _ in runs(result))
    lines.append(f"{'values'.ljust(width)}  {'runs':>4}  outcome")
    for first, last, count in runs(result):
        span = first.label if count == 1 else f"{first.label} … {last.label}"
        lines.append(f"{span.ljust(width)}  {count:>4}  {describe_outcome(first.outcome)}")
    lines.append("")
    lines += losses(result)
    boundaries = result.boundaries
    if boundaries:
        lines.append(f"{len(boundaries)} boundary(ies) where the outcome changes:")
        lines += [f"  - {b}" for b in boundaries]
    else:
        lines.append("The outcome is the same for every value.")
    lines += ineffective(result)
    return "\n".join(lines)


def ineffective(result: SweepResult) -> list[str]:
    """Warnings for variants in which scripted steps did not run or had no effect."""
    affected = [row for row in result.rows if row.ineffective]
    if not affected:
        return []
    by_step: dict[str, list[SweepRow]] = {}
    for row in affected:
        for text in row.ineffective:
            by_step.setdefault(text, []).append(row)
    lines = ["", f"warning: in {len(affected)} of {len(result.rows)} variants, steps did not run or had no effect "
                 "(the varied value moved them before what they need):"]
    for text, rows in by_step.items():
        span = rows[0].label if len(rows) == 1 else f"{rows[0].label} … {rows[-1].label} ({len(rows)} variants)"
        lines.append(f"  - {span}: {text}")
    return lines


def markdown(result: SweepResult) -> str:
    if result.tally:
        out = [f"# Sweep: {_heading(result)}", "", *_share_span(result), "",
               "| " + " | ".join(TALLY_COLUMNS) + " |", "|---" * len(TALLY_COLUMNS) + "|"]
        out += ["| " + " | ".join(cells) + " |" for cells in tally_table(result)]
        out += ["", "## Every variant", "", "| value | outcome |", "|---|---|"]
        out += [f"| {row.label} | {describe_outcome(row.outcome)} |" for row in result.rows]
        out += [line.replace("warning: ", "**Warning:** ") for line in ineffective(result)]
        return "\n".join(out) + "\n"
    out = [f"# Sweep: {_heading(result)}", "", "## Runs of equal outcome", "", "| values | variants | outcome |",
           "|---|---|---|"]
    for first, last, count in runs(result):
        span = first.label if count == 1 else f"{first.label} … {last.label}"
        out.append(f"| {span} | {count} | {describe_outcome(first.outcome)} |")
    out += ["", *losses(result), "## Boundaries", ""]
    out += [f"- {b}" for b in result.boundaries] or ["The outcome is the same for every value."]
    out += [line.replace("warning: ", "**Warning:** ") for line in ineffective(result)]
    out += ["", "## Every variant", "", "| value | outcome |", "|---|---|"]
    for row in result.rows:
        out.append(f"| {row.label} | {describe_outcome(row.outcome)} |")
    return "\n".join(out) + "\n"


def csv_text(result: SweepResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if result.tally:
        writer.writerow(["value_us" if result.variation.is_time else "value", "label", "path", "reporting", "count"])
        for row in result.rows:
            for path, fate, count in row.outcome:
                writer.writerow([row.value, row.label, path, fate, count])
        return buffer.getvalue()
    writer.writerow(["value_us" if result.variation.is_time else "value", "label", "request", "path", "tserver",
                     "cometd", "reporting", "holds"])
    for row in result.rows:
        for request, path, answer, cometd, fate, holds in row.outcome or (("", "", "", "", "", ""),):
            writer.writerow([row.value, row.label, request, path, answer, cometd, fate, holds])
    return buffer.getvalue()


OUTCOME_COLOURS = {  # the same meaning has the same colour in every chart and page
    "lost": "#b00020",
    "superseded": "#8d6e63",
    "userData": "#0072B2",
    "userEvent": "#009E73",
    "rejected": "#7f7f7f",
    "mixed": "#6a3d9a",
    "none": "#bdbdbd",
}


def outcome_class(signature: tuple[tuple[str, ...], ...]) -> str:
    """What an outcome means, for its colour: any disposition lost → lost; else any
    superseded → superseded; else the one path they all took (or mixed)."""
    if not signature:
        return "none"
    fates = {row[4] for row in signature}
    if "lost" in fates:
        return "lost"
    if "superseded" in fates:
        return "superseded"
    paths = {row[1] for row in signature}
    return paths.pop() if len(paths) == 1 else "mixed"


def _wrap(text: str, width: int = 110) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def tally_svg(result: SweepResult) -> str:
    """A sweep of traffic: the share lost against the value, each point with its 95%
    interval as a bar."""
    rows = result.rows
    left, top, plot_w, plot_h, width = 70, 60, 820, 260, 920
    height = top + plot_h + 70
    points = []
    for row in rows:
        total, lost = tally_counts(row.outcome)
        points.append((lost / total, *wilson(lost, total)) if total else None)
    ceiling = max([p[2] for p in points if p is not None] + [0.01])
    cell = plot_w / len(rows)

    def y_of(share: float) -> float:
        return top + plot_h - share / ceiling * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{left}" y="28" font-size="16" font-weight="bold">{escape(result.scenario.name)}: '
             f'share of dispositions lost by {escape(result.variation.target)}</text>',
             f'<text x="{left}" y="46" font-size="12" fill="#555">{len(rows)} variants; bars: 95% interval</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#222"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#222"/>',
             f'<text x="{left - 8}" y="{top + 4}" font-size="12" text-anchor="end">{ceiling:.0%}</text>',
             f'<text x="{left - 8}" y="{top + plot_h}" font-size="12" text-anchor="end">0%</text>']
    line = []
    for index, (row, point) in enumerate(zip(rows, points, strict=True)):
        if point is None:
            continue
        share, low, high = point
        x = left + (index + 0.5) * cell
        line.append(f"{x:.2f},{y_of(share):.2f}")
        parts.append(f'<line x1="{x:.2f}" y1="{y_of(low):.2f}" x2="{x:.2f}" y2="{y_of(high):.2f}" '
                     f'stroke="{OUTCOME_COLOURS["lost"]}" stroke-opacity="0.4" stroke-width="3"/>')
        parts.append(f'<circle class="variant" cx="{x:.2f}" cy="{y_of(share):.2f}" r="3" '
                     f'fill="{OUTCOME_COLOURS["lost"]}"><title>{escape(row.label)}: {share:.1%} lost '
                     f'({low:.1%} … {high:.1%})</title></circle>')
    if len(line) > 1:
        parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{OUTCOME_COLOURS["lost"]}"/>')
    ticks = min(6, len(rows))
    for index in sorted({round(t * (len(rows) - 1) / max(ticks - 1, 1)) for t in range(ticks)}):
        x = left + (index + 0.5) * cell
        parts.append(f'<text x="{x:.2f}" y="{top + plot_h + 20}" font-size="12" text-anchor="middle">'
                     f'{escape(rows[index].label)}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{top + plot_h + 44}" font-size="13" text-anchor="middle">'
                 f'{escape(result.variation.target)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def svg(result: SweepResult) -> str:
    """Outcome against value: one strip per distinct outcome, coloured by what it
    means, boundaries dashed and labelled without overlapping, 0 marked when
    the values are relative to an anchor step."""
    if result.tally:
        return tally_svg(result)
    rows = result.rows
    kinds: list[tuple] = []
    for row in rows:
        if row.outcome not in kinds:
            kinds.append(row.outcome)
    colour = {kind: OUTCOME_COLOURS[outcome_class(kind)] for kind in kinds}
    left, right, strip, gap = 70, 30, 34, 10
    plot_w = 820
    boundaries = result.boundaries
    cell = plot_w / len(rows)

    def x_of(index: int) -> float:
        return left + index * cell

    # boundary labels: staggered onto as many lines as needed so that none overlaps
    label_rows: list[float] = []
    placed: list[tuple[float, int]] = []
    for boundary in boundaries:
        x = x_of(rows.index(boundary.after))
        level = 0
        while level < len(label_rows) and x - label_rows[level] < 110:
            level += 1
        if level == len(label_rows):
            label_rows.append(x)
        label_rows[level] = x
        placed.append((x, level))
    top = 74 + 14 * max(len(label_rows) - 1, 0)
    plot_h = len(kinds) * (strip + gap) - gap
    legend = [(k, _wrap(f"{chr(65 + k)}  {describe_outcome(kind)}")) for k, kind in enumerate(kinds)]
    legend_top = top + plot_h + 70
    height = legend_top + sum(16 * len(lines) + 8 for _, lines in legend) + 20
    width = left + plot_w + right

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{left}" y="28" font-size="16" font-weight="bold">{escape(result.scenario.name)}: '
             f'outcome by {escape(result.variation.target)}</text>',
             f'<text x="{left}" y="46" font-size="12" fill="#555">{len(rows)} variants'
             f'{escape(", relative to step " + result.anchor) if result.anchor else ""}; '
             f'dashed lines: where the outcome changes; red: a disposition is lost</text>']
    for k, kind in enumerate(kinds):
        y = top + k * (strip + gap)
        parts.append(f'<rect x="{left}" y="{y}" width="{plot_w}" height="{strip}" fill="#f3f3f3"/>')
        parts.append(f'<text x="{left - 10}" y="{y + strip / 2 + 5}" font-size="14" text-anchor="end" '
                     f'font-weight="bold" fill="{colour[kind]}">{chr(65 + k)}</text>')
    for index, row in enumerate(rows):
        k = kinds.index(row.outcome)
        y = top + k * (strip + gap)
        parts.append(f'<rect class="variant {outcome_class(row.outcome)}" x="{x_of(index):.2f}" y="{y}" '
                     f'width="{max(cell, 1):.2f}" height="{strip}" fill="{colour[row.outcome]}"><title>'
                     f'{escape(row.label)}: {escape(describe_outcome(row.outcome))}</title></rect>')
    for boundary, (x, level) in zip(boundaries, placed, strict=True):
        label_y = top - 9 - 14 * (len(label_rows) - 1 - level)
        parts.append(f'<line x1="{x:.2f}" y1="{label_y + 3}" x2="{x:.2f}" y2="{top + plot_h + 6}" stroke="#222" '
                     f'stroke-width="1.5" stroke-dasharray="5,4"/>')
        parts.append(f'<text class="boundary" x="{x:.2f}" y="{label_y}" font-size="11" text-anchor="middle" '
                     f'fill="#222">{escape(boundary.before.label)} | {escape(boundary.after.label)}</text>')
    axis_y = top + plot_h + 14
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="#222"/>')
    ticks = min(6, len(rows))
    indexes = {round(t * (len(rows) - 1) / max(ticks - 1, 1)) for t in range(ticks)}
    anchor_index = None
    if result.anchor is not None:
        anchor_index = next((i for i, row in enumerate(rows) if row.label in ("+0s", "-0s", "0s")), None)
    for index in sorted(indexes):
        if anchor_index is not None and abs(index - anchor_index) * cell < 40 and index != anchor_index:
            continue  # the anchor's tick takes this place
        x = x_of(index) + cell / 2
        parts.append(f'<line x1="{x:.2f}" y1="{axis_y}" x2="{x:.2f}" y2="{axis_y + 5}" stroke="#222"/>')
        parts.append(f'<text x="{x:.2f}" y="{axis_y + 20}" font-size="12" text-anchor="middle">'
                     f'{escape(rows[index].label)}</text>')
    if anchor_index is not None and result.anchor is not None:
        x = x_of(anchor_index) + cell / 2
        parts.append(f'<line class="anchor" x1="{x:.2f}" y1="{top - 4}" x2="{x:.2f}" y2="{axis_y + 8}" '
                     f'stroke="#222" stroke-width="2"/>')
        parts.append(f'<text x="{x:.2f}" y="{axis_y + 20}" font-size="12" font-weight="bold" '
                     f'text-anchor="middle">0 ({escape(result.anchor)})</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{axis_y + 40}" font-size="13" text-anchor="middle">'
                 f'{escape(result.variation.target)}'
                 f'{" relative to step " + escape(result.anchor) if result.anchor else ""}</text>')
    y = legend_top
    for k, lines in legend:
        parts.append(f'<rect x="{left}" y="{y - 12}" width="14" height="14" fill="{colour[kinds[k]]}"/>')
        for n, line in enumerate(lines):
            parts.append(f'<text x="{left + 22}" y="{y + 16 * n}" font-size="13">{escape(line)}</text>')
        y += 16 * len(lines) + 8
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def folder_name(result: SweepResult) -> str:
    """One folder per varied target (``sweep-dispose.at``): a sweep of another
    value keeps its own; a new sweep of the same value replaces the last one."""
    return "sweep-" + re.sub(r"[^A-Za-z0-9._-]+", "_", result.variation.target)


def sweep_manifest(result: SweepResult) -> str:
    return json.dumps({"tsim": __version__, "scenario": result.scenario.name, "vary": result.variation.target,
                       "variants": len(result.rows), "anchor": result.anchor}, indent=2) + "\n"


def sweep_page(result: SweepResult, chart: str) -> str:
    """The sweep's own page: the chart, the runs of equal outcome, the boundaries in words."""
    from ..pages.render import sweep_page as render

    if result.tally:
        return render(heading=_heading(result), chart=chart, runs=[], losses=[], boundaries=[],
                      warnings=[line.strip() for line in ineffective(result) if line.strip()], colours=OUTCOME_COLOURS,
                      tally=tally_table(result), tally_columns=TALLY_COLUMNS, share_span=_share_span(result))
    table = [(first.label if count == 1 else f"{first.label} … {last.label}", count,
              describe_outcome(first.outcome), outcome_class(first.outcome)) for first, last, count in runs(result)]
    return render(heading=_heading(result), chart=chart, runs=table, losses=[line for line in losses(result) if line],
                  boundaries=[str(b) for b in result.boundaries],
                  warnings=[line.strip() for line in ineffective(result) if line.strip()],
                  colours=OUTCOME_COLOURS)


def write(result: SweepResult, scenario_folder: Path) -> dict[str, Path]:
    """Write the sweep's files to ``scenario_folder/sweep-<target>/`` (see ``folder_name``)."""
    folder = Path(scenario_folder) / folder_name(result)
    chart = svg(result)
    files = {"sweep.csv": csv_text(result), "sweep.md": markdown(result), "sweep.svg": chart,
             "index.html": sweep_page(result, chart), SWEEP_MARKER: sweep_manifest(result)}
    write_folder(folder, files)
    return {name: folder / name for name in files if name != SWEEP_MARKER}
