"""The reference pages of docs/ are written from the code (docs/generate.py) and must
match it: a stale page fails here, with the command that brings it up to date."""

from __future__ import annotations

import importlib.util

import pytest

from simulator.reference_docs import inferences

from .helpers import ROOT

spec = importlib.util.spec_from_file_location("generate", ROOT / "docs" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)


@pytest.mark.parametrize("name", list(generate.PAGES))
def test_the_committed_page_is_what_the_code_writes(name):
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == generate.PAGES[name](), f"docs/{name} is stale: run python docs/generate.py"


def test_every_inference_mark_in_the_code_is_listed_with_its_words():
    found = inferences()
    marks = sum(path.read_text().count("(inference)") for path in (ROOT / "simulator").rglob("*.py")
                if path.name != "reference_docs.py")
    assert len(found) == marks and marks > 20
    assert all(text for _, _, text in found)
    assert any("BusinessCall" in text for _, _, text in found)
