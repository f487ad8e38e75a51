"""Charts of a run's statistics for its page, drawn from its ``stats.csv``.

Bar charts, inline SVG (no script, nothing loaded): when agents clicked
relative to leaving the call, stacked by what reporting ended with; the calls
offered, dispositions and dispositions lost in each interval; and, where shifts
change it, how many agents were logged in. Then the queues' and the agents'
figures as a table. The page is built from the report
files, so the charts read the CSV rather than the run.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from html import escape

from ..output.statistics import AGENT_STATES, OCCUPANCY_MEANS, QUEUE_COLUMNS, delay_bin_labels

FATES = ("reported", "superseded", "lost")
FATE_COLOURS = {"reported": "#2e7d32", "superseded": "#8d6e63", "lost": "#b00020"}  # as the page's badges
SERIES = ("offered", "dispositions", "lost")
SERIES_COLOURS = {"offered": "#9e9e9e", "dispositions": "#0072B2", "lost": "#b00020"}
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 64, 42, 12  # LEFT: room for "1,000,000"


@dataclass
class Figures:
    """What the charts need from ``stats.csv``."""

    clicks: dict[str, dict[str, int]] = field(default_factory=dict)  # bin label → fate → count
    series: dict[str, dict[str, int]] = field(default_factory=dict)  # interval start → key → count
    logged_in: dict[str, float] = field(default_factory=dict)  # interval start → mean agents logged in
    queues: dict[str, dict[str, float]] = field(default_factory=dict)  # queue → key → value
    agents: dict[str, float] = field(default_factory=dict)  # key → value


def read_figures(text: str) -> Figures:
    """The histogram and the series out of a ``stats.csv`` text; rows it does not chart are skipped."""
    figures = Figures()
    for row in csv.DictReader(io.StringIO(text)):
        section, key, value = row.get("section") or "", row.get("key") or "", row.get("value") or ""
        if section.startswith("queue ") or section == "agents":
            try:
                number = float(value)
            except ValueError:
                continue
            if section == "agents":
                figures.agents[key] = number
            else:
                figures.queues.setdefault(section.removeprefix("queue "), {})[key] = number
            continue
        if section.startswith("interval ") and key == "agents logged in":
            try:
                figures.logged_in[section.removeprefix("interval ")] = float(value)
            except ValueError:
                pass
            continue
        if not value.isdigit():
            continue
        if section == "click minus release":
            fate, _, label = key.partition(" ")
            figures.clicks.setdefault(label, {})[fate] = int(value)
        elif section.startswith("interval "):
            figures.series.setdefault(section.removeprefix("interval "), {})[key] = int(value)
    return figures


def charts_html(stats_csv: str | None) -> str:
    """The two charts as HTML (empty where there is nothing to chart)."""
    if not stats_csv:
        return ""
    figures = read_figures(stats_csv)
    parts = []
    if figures.clicks:
        bins = [label for label in delay_bin_labels() if label in figures.clicks]
        parts.append(_bars("When agents clicked, relative to leaving the call (seconds)", bins,
                           [[figures.clicks[b].get(f, 0) for f in FATES] for b in bins], FATES, FATE_COLOURS,
                           stacked=True))
    if len(figures.series) > 1:
        starts = list(figures.series)
        parts.append(_bars("Each interval: calls offered, dispositions, and those lost", [_from(s) for s in starts],
                           [[figures.series[s].get(k, 0) for k in SERIES] for s in starts], SERIES, SERIES_COLOURS,
                           stacked=False))
    staffing = figures.logged_in
    if len(staffing) > 1 and len(set(staffing.values())) > 1:  # shifts: the number changes over the run
        parts.append(_bars("Agents logged in, on average over each interval", [_from(s) for s in staffing],
                           [[mean] for mean in staffing.values()], ("agents",), {"agents": "#E69F00"},
                           stacked=True))
    parts.append(_kpis(figures))
    return "\n".join(part for part in parts if part)


def _kpis(figures: Figures) -> str:
    """The queues' and the agents' figures, as ``stats.md`` has them."""
    out = []
    if figures.queues:
        out += ['<figure class="stats-table"><figcaption>Queues</figcaption>',
                "<table><thead><tr>" + "".join(f"<th>{escape(column)}</th>" for column in QUEUE_COLUMNS)
                + "</tr></thead><tbody>"]
        for queue, q in figures.queues.items():
            out.append(f"<tr><td>{escape(queue)}</td><td>{q.get('offered', 0):,.0f}</td>"
                       f"<td>{q.get('to an agent', 0):,.0f}</td><td>{q.get('abandoned', 0):,.0f}</td>"
                       f"<td>{q.get('average speed of answer s', 0):.2f} s</td>"
                       f"<td>{q.get('service level', 0):.1%}</td></tr>")
        out.append("</tbody></table></figure>")
    agents = figures.agents
    logged_in = agents.get("logged in s", 0)
    if logged_in > 0:
        shares = ", ".join(f"{agents.get(f'{state} s', 0) / logged_in:.1%} {state}" for state in AGENT_STATES)
        out.append(f'<p class="agents">Agents: {agents.get("logged in", 0):,.0f}, {logged_in / 3600:,.2f} '
                   f"agent-hours logged in ({escape(shares)}); occupancy {agents.get('occupancy', 0):.1%} "
                   f"({escape(OCCUPANCY_MEANS)}).</p>")
    return "\n".join(out)


def _number(value: float) -> str:
    """``1,000,000`` for a count, ``3.5`` for a mean."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _from(start: str) -> str:
    """An interval's start as the axis shows it: ``11160s`` → ``3h06``, ``300s`` → ``5min``."""
    text = start.removesuffix("s")
    if not text.isdigit():
        return start
    seconds = int(text)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}"
    return f"{seconds // 60}min" if seconds >= 60 and seconds % 60 == 0 else f"{seconds}s"


def _bars(title: str, labels: list[str], values: list[list[float]], keys: tuple[str, ...],
          colours: dict[str, str], stacked: bool) -> str:
    """A bar chart: one group per label, one bar (or one stacked segment) per key."""
    top = max((sum(v) if stacked else max(v, default=0)) for v in values) or 1
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / len(labels)
    bar_w = slot * 0.7 / (1 if stacked else len(keys))
    out = [f'<figure class="stats-chart"><figcaption>{escape(title)}</figcaption>',
           f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
           f'aria-label="{escape(title)}">',
           f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}" stroke="#555"/>',
           f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{_number(top)}</text>',
           f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>']
    every = -(-len(labels) // 8)  # at most eight labels under the axis, so they do not overlap
    for index, (label, counts) in enumerate(zip(labels, values, strict=True)):
        x0, base = LEFT + index * slot + slot * 0.15, float(TOP + plot_h)
        for k, (key, count) in enumerate(zip(keys, counts, strict=True)):
            if not count:
                continue
            height = count / top * plot_h
            x = x0 if stacked else x0 + k * bar_w
            y = base - height
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{height:.1f}" '
                       f'fill="{colours[key]}"><title>{escape(label)}: {_number(count)} {key}</title></rect>')
            if stacked:
                base = y
        if index % every == 0:
            out.append(f'<text x="{LEFT + (index + 0.5) * slot:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
                       f'font-size="10">{escape(label)}</text>')
    legend_x = LEFT
    for key in keys:
        out.append(f'<rect x="{legend_x}" y="{HEIGHT - 14}" width="10" height="10" fill="{colours[key]}"/>'
                   f'<text x="{legend_x + 14}" y="{HEIGHT - 5}" font-size="11">{key}</text>')
        legend_x += 14 + 8 * len(key) + 16
    out.append("</svg></figure>")
    return "".join(out)
