"""The state diagrams in docs/ are the ones the tables give today."""

import importlib.util

from ..helpers import ROOT


def test_the_committed_state_diagrams_match_the_tables():
    spec = importlib.util.spec_from_file_location("pictures", ROOT / "docs" / "pictures.py")
    pictures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pictures)
    from simulator.pages.render import state_diagram_svg

    for name, diagram in pictures.STATE_FILES.items():
        committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert committed == state_diagram_svg(diagram()), f"docs/{name} is stale: run python docs/pictures.py"
