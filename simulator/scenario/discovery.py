"""Which files are tsim scenarios: one rule for ``tsim run DIR`` and the pytest plugin.

A ``.yaml``/``.yml`` file is a **scenario file** when it reads as a mapping
with ``steps`` at the top, or with ``version`` and no other top-level key, or
with ``version`` and a key that is, or is close to, one only a scenario has
(``switch``, ``expect``, ``web_services``...): a docker-compose file has
``version`` too, and is not claimed. A file
that is not valid YAML counts when a line starts with ``version:`` or
``steps:``, and so does a file that cannot be read as UTF-8 text. A scenario
file that fails to load is an error, never a skip: a
typo (``expects:``) must not turn a test off without a sound.

Folders are searched recursively, in sorted order, skipping hidden folders.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path

from .. import inputfiles
from .schema import Scenario
from .source import SourceError, load_yaml

SUFFIXES = (".yaml", ".yml")
SCENARIO_KEYS = tuple(field.alias or name for name, field in Scenario.model_fields.items())
DISTINCTIVE_KEYS = tuple(key for key in SCENARIO_KEYS if key != "version")
_MARKER_LINE = re.compile(r"^(version|steps)\s*:", re.M)


def _scenario_like(key: object) -> bool:
    return isinstance(key, str) and bool(difflib.get_close_matches(key, DISTINCTIVE_KEYS, n=1, cutoff=0.85))


def looks_like_scenario(path: Path) -> bool:
    """Is ``path`` a file tsim should load as a scenario (see the module's rule)?"""
    if path.suffix not in SUFFIXES or not path.is_file():
        return False
    try:
        text = inputfiles.read_text(path)
    except (OSError, UnicodeDecodeError):
        return True  # claimed, so that loading it reports why it cannot be read
    try:
        data, _ = load_yaml(text)
    except SourceError:
        return bool(_MARKER_LINE.search(text))
    if not isinstance(data, dict):
        return False
    if "steps" in data:
        return True
    if "version" not in data:
        return False
    others = [key for key in data if key != "version"]
    return not others or any(_scenario_like(key) for key in others)


def scenario_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(scenario files, other YAML files) under ``folder``, recursively, sorted."""
    scenarios: list[Path] = []
    others: list[Path] = []
    for path in _walk(folder):
        (scenarios if looks_like_scenario(path) else others).append(path)
    return scenarios, others


def _walk(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.suffix in SUFFIXES:
            yield entry
