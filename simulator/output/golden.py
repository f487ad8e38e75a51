"""Golden runs: compare a run's journal with a stored one.

A golden file is the ``journal.jsonl`` of a run that was checked and kept
(``<golden dir>/<scenario-name>.jsonl``). Any difference — an event more or
less, another order, another attribute — is reported at its first line, with
the two versions of that line, so an unintended change in behaviour is caught.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import inputfiles
from ..run import RunResult
from .files import journal_text
from .folders import ReportsError, describe_os_error, write_file


@dataclass(frozen=True)
class GoldenDifference:
    path: Path
    line: int | None  # None: no golden file yet
    expected: str | None
    actual: str | None

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: no golden journal (write it with --update-golden)"
        return (f"{self.path}:{self.line}: the journal differs from the golden run\n"
                f"  golden: {self.expected if self.expected is not None else '(ends here)'}\n"
                f"  actual: {self.actual if self.actual is not None else '(ends here)'}")


def golden_path(folder: Path, result: RunResult) -> Path:
    return Path(folder) / f"{result.scenario.name}.jsonl"


def compare(result: RunResult, folder: Path) -> GoldenDifference | None:
    """The first difference between the run's journal and its golden file, or None."""
    path = golden_path(folder, result)
    if Path(folder).exists() and not Path(folder).is_dir():
        raise ReportsError(folder, "the golden folder is a file")
    if not path.exists() and not path.is_symlink():
        return GoldenDifference(path, None, None, None)
    try:
        expected = inputfiles.jsonl_lines(inputfiles.read_text(path))
    except IsADirectoryError:
        raise ReportsError(path, "is a folder, not a golden journal") from None
    except UnicodeDecodeError:
        raise ReportsError(path, "is not UTF-8 text, so not a golden journal tsim wrote") from None
    except OSError as exc:
        raise ReportsError(path, f"cannot read the golden journal: {describe_os_error(exc)}") from None
    actual = inputfiles.jsonl_lines(journal_text(result))
    for number, (want, got) in enumerate(zip(expected, actual, strict=False), start=1):
        if want != got:
            return GoldenDifference(path, number, want, got)
    if len(expected) != len(actual):
        number = min(len(expected), len(actual)) + 1
        return GoldenDifference(path, number, expected[number - 1] if len(expected) >= number else None,
                                actual[number - 1] if len(actual) >= number else None)
    return None


def update(result: RunResult, folder: Path) -> Path:
    path = golden_path(folder, result)
    write_file(path, journal_text(result))
    return path
