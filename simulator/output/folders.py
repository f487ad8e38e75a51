"""Report folders that appear whole or not at all, and never take what isn't tsim's.

Rules:

- A folder is written complete into a staging folder beside its target, then
  renamed into place, so a reader (or an interrupted run) never sees a mix of
  two runs.
- An existing target is replaced only if tsim wrote it: it holds tsim's marker
  file (``manifest.json`` of a run, ``sweep.json`` of a sweep) naming tsim, or
  nothing but such folders. Anything else is refused with ``ReportsError`` —
  tsim never deletes what it did not write.
- What tsim did not write this time is carried over into the new folder: an
  earlier sweep's folder inside a run's folder, or a note a user put there.
  Only the files tsim itself writes are replaced.
- Two runs into the same target at once both succeed: the swap is serialised by
  a lock on the parent folder (where the platform has ``fcntl``) and, failing
  that, retried; the last one to finish is what stays.
- Folders are created with the user's umask (never 0700 behind their back), so
  CI uploaders and web servers can read them.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from .. import inputfiles
from ..errors import TsimError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

RUN_MARKER = "manifest.json"
SWEEP_MARKER = "sweep.json"
REPLICATIONS_MARKER = "replications.json"
MARKERS = (RUN_MARKER, SWEEP_MARKER, REPLICATIONS_MARKER)
SWAP_TRIES = 50


class ReportsError(TsimError):
    """Reports cannot be written where asked; ``str()`` names the path and why."""

    def __init__(self, path: Path | str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message


def describe_os_error(exc: OSError) -> str:
    """An OSError as a short phrase: 'permission denied', 'no space left on device'."""
    return (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)


def _marked(folder: Path) -> bool:
    """Does ``folder`` hold a tsim marker file naming tsim?"""
    for name in MARKERS:
        marker = folder / name
        try:
            data = json.loads(inputfiles.read_text(marker, 1 << 20))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and "tsim" in data:
            return True
    return False


def written_by_tsim(folder: Path) -> bool:
    """True if ``folder`` is a folder tsim wrote (its marker, or only tsim sweep folders)."""
    if not folder.is_dir() or folder.is_symlink():
        return False
    if _marked(folder):
        return True
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    return bool(entries) and all(entry.is_dir() and _marked(entry) for entry in entries)


def check_target(target: Path) -> None:
    """Refuse a target that exists and is not tsim's (``ReportsError``)."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ReportsError(target, "exists and is not a folder; tsim will not replace it (choose another --out)")
    if target.is_dir() and not written_by_tsim(target):
        raise ReportsError(target, "exists and was not written by tsim (it has no tsim manifest); tsim will not "
                                   "replace it — choose another --out, or move the folder away")


class StagedFolder:
    """A report folder being written: files go into a staging folder beside
    ``target``; ``commit`` swaps it into place, ``abandon`` removes it. Raises
    ``ReportsError`` for anything in the way."""

    def __init__(self, target: Path):
        self.target = Path(target)
        check_target(self.target)
        parent = self.target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.path = _make_staging(parent, self.target.name)
        except OSError as exc:
            raise ReportsError(parent, f"cannot create the report folder: {describe_os_error(exc)}") from None
        self.names: set[str] = set()

    def open(self, name: str, buffering: int = -1) -> BinaryIO:
        """A new file of the folder, open for writing bytes."""
        self.names.add(name)
        try:
            return open(self.path / name, "wb", buffering=buffering)  # noqa: SIM115 - the caller closes it
        except OSError as exc:
            raise ReportsError(self.path, f"cannot write the reports: {describe_os_error(exc)}") from None

    def write(self, files: Mapping[str, str | bytes]) -> None:
        try:
            for name, content in files.items():
                if isinstance(content, bytes):
                    (self.path / name).write_bytes(content)
                else:
                    (self.path / name).write_text(content, encoding="utf-8")
                self.names.add(name)
        except OSError as exc:
            raise ReportsError(self.path, f"cannot write the reports: {describe_os_error(exc)}") from None

    def commit(self) -> Path:
        try:
            with locked(self.target.parent):
                _swap(self.path, self.target, self.names)
        except BaseException:
            self.abandon()
            raise
        return self.target

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def write_folder(target: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (name → text, or bytes) as folder ``target``, replacing a folder tsim wrote.

    Entries of the old folder that are not among ``files`` (an earlier sweep, a
    user's note) are kept. Raises ``ReportsError`` for anything in the way.
    """
    staged = StagedFolder(target)
    try:
        staged.write(files)
    except BaseException:
        staged.abandon()
        raise
    return staged.commit()


def write_file(path: Path, text: str) -> None:
    """Write one file whole or not at all (a temporary file beside it, then a rename).

    Raises ``ReportsError`` naming the path when the file system refuses.
    """
    path = Path(path)
    if path.is_dir():
        raise ReportsError(path, "is a folder; give a file name")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        what = "a symbolic link" if path.is_symlink() else "not a regular file (a device, a FIFO or a socket)"
        raise ReportsError(path, f"is {what}: tsim replaces regular files only, and leaves this one alone")
    temporary = path.with_name(f".{path.name}.tsim-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ReportsError(path, f"cannot write: {describe_os_error(exc)}") from None


def _make_staging(parent: Path, name: str) -> Path:
    """A new folder beside the target, created with the umask's permissions."""
    while True:
        staging = parent / f".{name}.tsim-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
            return staging
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Serialise swaps in ``folder`` between processes (a no-op where flock is missing)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a folder we just wrote into is readable
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _swap(staging: Path, target: Path, written: set[str]) -> None:
    """Move ``staging`` to ``target``; the old target's own files go, the rest move over."""
    for attempt in range(SWAP_TRIES):
        old = None
        if target.exists() or target.is_symlink():
            check_target(target)  # it may have changed since the run started
            old = target.with_name(f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
            try:
                os.rename(target, old)
            except FileNotFoundError:  # another run moved it first
                old = None
            except OSError as exc:
                raise ReportsError(target, f"cannot replace the old reports: {describe_os_error(exc)}") from None
        carried = _carry_over(old, staging, written) if old is not None else []
        try:
            os.rename(staging, target)
        except OSError as exc:
            if old is not None:
                _restore(old, staging, carried, target)
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.EISDIR, errno.ENOTDIR):
                time.sleep(0.01 * (attempt + 1))  # another run put its folder there in between: again
                continue
            raise ReportsError(target, f"cannot move the reports into place: {describe_os_error(exc)}") from None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)  # holds only the files tsim wrote last time
        return
    raise ReportsError(target, "other runs kept replacing this folder; try again")  # pragma: no cover


def _carry_over(old: Path, staging: Path, written: set[str]) -> list[str]:
    """Move what the new reports do not replace from the old folder into the new one."""
    moved = []
    for entry in sorted(old.iterdir()):
        if entry.name in written or (staging / entry.name).exists():
            continue
        os.rename(entry, staging / entry.name)
        moved.append(entry.name)
    return moved


def _restore(old: Path, staging: Path, carried: list[str], target: Path) -> None:
    """Undo a swap that could not finish: the old folder goes back as it was."""
    with contextlib.suppress(OSError):
        for name in carried:
            os.rename(staging / name, old / name)
        os.rename(old, target)
