"""The tiles' SVG written in Python (``pages.drawn``) is byte for byte what the template's
loops wrote: the loops are kept here, verbatim, and rendered with the pages' own Jinja
environment beside ``TileDrawing`` — on the bundled scenarios' diagrams, and on arrows
and marks whose every text holds what must be escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.pages import drawn, render, sequence

from .test_sequence import _diagram

# The template's loops as they were before ``drawn`` (run.html.j2, inside a tile's <svg>), verbatim.
LOOPS = (Path(__file__).parent / "tile_loops_before_drawn.html.j2").read_text(encoding="utf-8")

# The same places, as run.html.j2 writes them now.
NOW = """\
<svg>
    {% if diagram.lanes %}{{ drawing.lifelines(tile) }}{% endif %}
    {% if tile.arrows or tile.marks %}
    {{ drawing.messages(tile) }}
    {% endif %}
  </svg>
    {% if tile.times %}{{ drawing.times(tile) }}{% endif %}
    <ol>{{ drawing.message_list(message_list) }}</ol>
"""


def _both(diagram: sequence.Diagram, tile: sequence.Tile, messages: list[tuple[int, str]]) -> tuple[str, str]:
    env = render._environment()
    before = env.from_string(LOOPS).render(diagram=diagram, tile=tile, message_list=messages)
    now = env.from_string(NOW).render(diagram=diagram, tile=tile, drawing=drawn.TileDrawing(diagram),
                                      message_list=messages)
    return before, now


def test_the_template_writes_the_tiles_as_the_kept_loops_do():
    """``NOW`` is what run.html.j2 holds: if the template changes, this test must change with it."""
    text = (render.resources.files("simulator.pages") / "templates" / "run.html.j2").read_text(encoding="utf-8")
    for line in NOW.splitlines()[1:]:
        if line.strip() != "</svg>":
            assert line.strip() in text


@pytest.mark.parametrize("name", ["view-lag", "conference-both-agents-dispose", "jittery-links",
                                  "transfers-to-support", "swap-two-calls", "an-hour-of-traffic"])
def test_every_tile_of_a_bundled_scenario_is_drawn_as_the_template_drew_it(name):
    diagram = _diagram(name)
    tiles = diagram.tiles
    assert any(tile.arrows for tile in tiles) and any(tile.marks for tile in tiles)
    messages = render._message_list(diagram)
    assert messages
    for tile in tiles:
        before, now = _both(diagram, tile, messages)
        assert now == before


NASTY = st.text(alphabet=st.sampled_from(list("ab <>&\"'é—≈·\\{}%")), max_size=8)
MAYBE = st.one_of(st.none(), st.just(""), NASTY)
COORD = st.floats(min_value=-1e5, max_value=1e5, allow_nan=False)


@st.composite
def _arrows(draw):
    return sequence.Arrow(
        seq=draw(st.integers(0, 10**9)), kind=draw(NASTY), label=draw(NASTY), x1=draw(COORD), y1=draw(COORD),
        x2=draw(COORD), y2=draw(COORD), order=draw(st.integers(0, 10**6)), request=draw(MAYBE), path=draw(MAYBE),
        error=draw(st.booleans()), inferred=draw(MAYBE), delay=draw(MAYBE), conn=draw(MAYBE), agent=draw(MAYBE),
        label_at=draw(st.one_of(st.none(), COORD)))


@st.composite
def _marks(draw):
    return sequence.Mark(
        seq=draw(st.integers(0, 10**9)), kind=draw(NASTY), label=draw(NASTY), x=draw(COORD), y=draw(COORD),
        order=draw(st.integers(0, 10**6)), request=draw(MAYBE), path=draw(MAYBE), lost=draw(st.booleans()),
        superseded=draw(st.booleans()), conn=draw(MAYBE), agent=draw(MAYBE))


@settings(max_examples=150, deadline=None)
@given(arrows=st.lists(st.tuples(_arrows(), st.booleans()), max_size=4),
       marks=st.lists(st.tuples(_marks(), st.booleans()), max_size=4),
       times=st.lists(st.tuples(st.builds(sequence.TimeLabel, y=COORD, text=NASTY), st.booleans()), max_size=3),
       lanes=st.lists(st.builds(sequence.Lane, key=NASTY, kind=NASTY, title=NASTY, subtitle=NASTY, x=COORD),
                      max_size=3),
       messages=st.lists(st.tuples(st.integers(0, 10**9), NASTY), max_size=3),
       y0=COORD, y1=COORD, height=COORD)
def test_any_text_is_escaped_and_drawn_as_the_template_drew_it(arrows, marks, times, lanes, messages, y0, y1,
                                                                height):
    diagram = sequence.Diagram(lanes=lanes, arrows=[], marks=[], bands=[], times=[], breaks=[], width=100.0,
                               height=height)
    tile = sequence.Tile(y0, y1, arrows=arrows, marks=marks, times=times)
    before, now = _both(diagram, tile, messages)
    assert now == before
