"""Regenerate the reference pages of docs/ from the code: the capabilities by
situation, the attributes of each T-Library event (from the bundled scenarios'
runs) and the list of what tsim infers.

    python docs/generate.py

tests/test_reference_docs.py fails when a committed page no longer matches the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from simulator import run_scenario  # noqa: E402
from simulator.reference_docs import capabilities_markdown, events_markdown, inferences_markdown  # noqa: E402


def bundled_journals():
    for path in sorted((DOCS.parent / "scenarios").glob("*.yaml")):
        yield run_scenario(path).journal


PAGES = {
    "capabilities.md": capabilities_markdown,
    "tlib-events.md": lambda: events_markdown(bundled_journals()),
    "inferences.md": inferences_markdown,
}

if __name__ == "__main__":
    for name, page in PAGES.items():
        (DOCS / name).write_text(page(), encoding="utf-8")
        print(f"wrote docs/{name}")
