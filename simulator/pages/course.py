"""The course: the bundled scenarios in teaching order (``course.yaml``), each with
what it teaches. The index of a folder of runs follows it, and each run page of a
course scenario links to the next one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Lesson:
    name: str
    teaches: str
    group: str  # "1 · the basics"
    position: int  # from 0, across the whole course


@cache
def lessons() -> tuple[Lesson, ...]:
    text = resources.files("simulator.pages").joinpath("course.yaml").read_text(encoding="utf-8")
    found: list[Lesson] = []
    for number, group in enumerate(yaml.safe_load(text), start=1):
        for item in group["scenarios"]:
            found.append(Lesson(item["name"], item["teaches"], f"{number} · {group['group']}", len(found)))
    return tuple(found)


def lesson(name: str) -> Lesson | None:
    return next((item for item in lessons() if item.name == name), None)


def neighbours(name: str) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after ``name`` in the course (None at either end, or outside it)."""
    found = lesson(name)
    if found is None:
        return None, None
    every = lessons()
    return (every[found.position - 1] if found.position > 0 else None,
            every[found.position + 1] if found.position + 1 < len(every) else None)
