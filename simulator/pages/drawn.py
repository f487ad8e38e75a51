"""The sequence diagram as text: its tiles' lifelines, arrows, marks and times, and its
list of messages.

A big run's pages draw tens of thousands of elements, some thirty values each. As
template loops, every value went through Jinja's output machinery, a filter call
and an escape: most of the time it took to write a scripted run's reports. Here
each element is one f-string; every text value is still escaped
(``markupsafe.escape``, as the template's autoescape does; numbers need none) and
the output is byte for byte what the template loops made
(``tests/pages/test_drawn.py`` renders both).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .sequence import Arrow, Diagram, Mark, Tile

INDENT = "\n    "  # each message on its own line, as the template indents them
_TOP, _BOTTOM = "\x00", "\x01"  # where a lifeline's ends go (a lane's kind is one of ``sequence``'s names)


def _px(value: float) -> str:
    return f"{value:.1f}"


def _dataset(seq: int, order: int, conn: str | None, agent: str | None, request: str | None) -> str:
    return (f' data-seq="{seq}" data-order="{order}"'
            + (f' data-conn="{escape(conn)}"' if conn else "")
            + (f' data-agent="{escape(agent)}"' if agent else "")
            + (f' data-request="{escape(request)}"' if request else ""))


def arrow(a: Arrow, copy: bool) -> str:
    """One message between two lanes: a copy (drawn again on the next tile) is hidden from
    assistive technology and cannot be focused."""
    label = escape(a.label)
    x1, y1, x2, y2 = _px(a.x1), _px(a.y1), _px(a.x2), _px(a.y2)
    focus = 'aria-hidden="true" ' if copy else \
        f'tabindex="0" role="button" aria-label="#{a.seq} {label}{f", after {escape(a.delay)}" if a.delay else ""}" '
    classes = (f"msg arrow {escape(a.kind)}" + (f" story path-{escape(a.path)}" if a.path else "")
               + (" error" if a.error else "") + (" inferred" if a.inferred else "") + (" copy" if copy else ""))
    inference = f" — rests on an inference: {escape(a.inferred)}" if a.inferred else ""
    return (f'<g {focus}class="{classes}"{_dataset(a.seq, a.order, a.conn, a.agent, a.request)}>\n'
            f"      <title>#{a.seq} {label}{inference}</title>\n"
            f'      <line class="hit" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>\n'
            f'      <line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" marker-end="url(#head)"/>\n'
            f'      <text x="{_px(a.label_x)}" y="{_px(a.label_y)}">{escape(a.text)}</text>\n'
            "    </g>")


def mark(m: Mark, copy: bool) -> str:
    """One moment on a lane: a step, a decision, what reporting made of it."""
    label = escape(m.label)
    focus = 'aria-hidden="true" ' if copy else f'tabindex="0" role="button" aria-label="#{m.seq} {label}" '
    classes = (f"msg mark {escape(m.kind)}" + (f" story path-{escape(m.path)}" if m.path else "")
               + (" lost" if m.lost else "") + (" copy" if copy else ""))
    return (f'<g {focus}class="{classes}"{_dataset(m.seq, m.order, m.conn, m.agent, m.request)}>\n'
            f"      <title>#{m.seq} {label}</title>\n"
            f'      <circle cx="{_px(m.x)}" cy="{_px(m.y)}" r="5"/>\n'
            f'      <text x="{_px(m.x + 9)}" y="{_px(m.y + 4)}">{escape(m.text)}</text>\n'
            "    </g>")


class TileDrawing:
    """What a page's template writes of ``diagram``: each tile's elements, and the list of
    its messages."""

    def __init__(self, diagram: Diagram):
        self.diagram = diagram
        # Every tile crosses every lane: the lanes' lines are written once, their ends filled in per tile.
        self._lifelines = "".join(f'<line class="lifeline lane-{escape(lane.kind)}" x1="{_px(lane.x)}" y1="{_TOP}" '
                                  f'x2="{_px(lane.x)}" y2="{_BOTTOM}"/>' for lane in diagram.lanes)

    def lifelines(self, tile: Tile) -> Markup:
        """Each lane's line through the tile, stopping short of the drawing's end."""
        return Markup(self._lifelines.replace(_TOP, _px(tile.y0))
                      .replace(_BOTTOM, _px(min(tile.y1, self.diagram.height - 20))))

    @staticmethod
    def messages(tile: Tile) -> Markup:
        """The tile's arrows, then its marks, one per line (the template writes the first indent)."""
        return Markup(INDENT.join([*(arrow(a, copy) for a, copy in tile.arrows),
                                   *(mark(m, copy) for m, copy in tile.marks)]))

    @staticmethod
    def message_list(messages: list[tuple[int, str]]) -> Markup:
        """The diagram as a list, one item per message (``render._message_list``), each
        linked to its arrow or mark."""
        return Markup("".join([f'<li><a href="#m{seq}" data-seq="{seq}">#{seq}</a> {escape(label)}</li>'
                               for seq, label in messages]))

    @staticmethod
    def times(tile: Tile) -> Markup:
        """The ruler's time labels in the tile."""
        return Markup("".join([f'<text class="time" x="8" y="{_px(t.y + 4)}">{escape(t.text)}</text>'
                               for t, _copy in tile.times]))
