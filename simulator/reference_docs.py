"""Reference pages of ``docs/`` written from the code, so that they cannot drift
from it (``python docs/generate.py`` writes them; a test compares):

- ``capabilities.md``: the capabilities of a call in each situation
  (``gws.capabilities.SITUATIONS``), with the sample each table comes from;
- ``tlib-events.md``: which attributes each T-Library event tsim emits carries,
  read from the bundled scenarios' runs, against the mandatory lists
  (``tlib.mandatory``);
- ``inferences.md``: every behaviour the code marks "(inference)", where it is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from . import journal as J
from . import tlib
from .gws import capabilities

PACKAGE = Path(__file__).resolve().parent
GENERATED = "<!-- generated from the code by docs/generate.py: do not edit -->"


def capabilities_markdown() -> str:
    lines = [GENERATED, "", "# Capabilities of a call, by situation", "",
             "What Web Services offers in a call's `capabilities`, one table per situation, in the order of the "
             "Genesys sample it comes from (`simulator/gws/capabilities.py`). Then, in any situation: MuteCall or "
             "UnmuteCall on an Established call where the deployment offers mute; ClearCall to every party of a "
             "conference, and RemoveParticipantFromConference to the party that made it.", ""]
    for situation, offered in capabilities.SITUATIONS.items():
        lines += [f"## {situation}", "", f"Source: {capabilities.SOURCES[situation]}", ""]
        lines += [f"{i}. {name}" for i, name in enumerate(offered, start=1)] if offered else ["(nothing)"]
        lines.append("")
    return "\n".join(lines)


def events_markdown(journals: Iterable[J.Journal]) -> str:
    """Each event's attributes as the runs of ``journals`` show them: always, or only sometimes."""
    seen: dict[str, int] = defaultdict(int)
    keys: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for journal in journals:
        for entry in journal.of_kind(J.TLIB_EVENT):
            event = entry.payload
            seen[event.name] += 1
            for key in event.attrs:
                keys[event.name][key] += 1
    lines = [GENERATED, "", "# The attributes of each T-Library event tsim emits", "",
             "Read from the runs of the bundled scenarios. **Mandatory** attributes are those Genesys documents "
             "as such (`simulator/tlib.py`, `MANDATORY`, `PARTY_ROLES`; a consult call's EventDialing and "
             "EventRinging also carry `PreviousConnID`); every run checks them (`simulator/invariants.py`, "
             "rule 6). *Sometimes* means the attribute appears on some of the event's occurrences only.", "",
             "| event | number | mandatory | always | sometimes |", "|---|---|---|---|---|"]
    for name in sorted(seen, key=lambda n: tlib.EVENTS[n]):
        count = seen[name]
        mandatory = tlib.MANDATORY.get(name, ()) + tlib.PARTY_ROLES.get(name, ())
        always = [key for key, n in keys[name].items() if n == count]
        sometimes = [key for key, n in keys[name].items() if n < count]
        lines.append(f"| {name} | {tlib.EVENTS[name]} | {', '.join(mandatory) or '—'} | {', '.join(always)} | "
                     f"{', '.join(sometimes) or '—'} |")
    return "\n".join(lines) + "\n"


_COMMENT = re.compile(r"^\s*#\s?")


def _sentence(lines: list[str], number: int, at: int) -> str:
    """The text after "(inference)" on line ``number`` (1-based), to the end of its
    sentence: the rest of a string literal; or the line's rest, then the comment's or
    docstring's next lines (at most three, not a table's rows)."""
    line = lines[number - 1]
    text = line[at + len("(inference)"):]
    if at > 0 and line[at - 1] in "\"'":  # inside a string literal: to its closing quote
        return text.split(line[at - 1], 1)[0].strip(" -—:,") or "(the line above)"
    comment = "#" in line[:at]
    for follow in lines[number:number + 3]:
        if re.search(r"\.(\s|$)", text) or '"""' in text:
            break
        stripped = follow.strip()
        if comment != stripped.startswith("#") or not stripped or stripped.startswith(('"""', "===")) \
                or "   " in stripped:
            break
        text += " " + _COMMENT.sub("", follow).strip()
    text = " ".join(text.split("\"\"\"", 1)[0].split())
    end = re.search(r"\.(\s|$)", text)
    if end:
        text = text[:end.start() + 1]
    return text.strip(" -—:,").strip() or "(the line above)"


def inferences(package: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """(file, line, text) for every "(inference)" in the package's code."""
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "reference_docs.py":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            at = line.find("(inference)")
            if at >= 0:
                found.append((path.relative_to(package.parent).as_posix(), number, _sentence(lines, number, at)))
    return found


def inferences_markdown(package: Path = PACKAGE) -> str:
    lines = [GENERATED, "", "# What tsim infers", "",
             "Where Genesys' documentation is silent, tsim chooses what a Genesys engineer would expect, and marks "
             "the choice \"(inference)\" in the code. This page lists every such mark, so a trainee can tell "
             "documented behaviour from a guess; the run pages mark the messages that rest on one (≈). The facts "
             "with their sources are in `reference/genesys-facts.md` and `docs/facts-additions.md`.", "",
             "| where | what is inferred |", "|---|---|"]
    for file, line, text in inferences(package):
        lines.append(f"| `{file}:{line}` | {text.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
