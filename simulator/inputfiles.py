"""Reading the files a user names: only regular files, and only so much of them.

A scenario file, an arrivals CSV, a golden journal or a report's files can be
anything a path names: ``/dev/zero`` (reads forever), a FIFO (blocks until
someone writes), a socket, a path with a NUL character in it. ``read_text`` and
``open_text`` open without blocking, refuse anything but a regular file (a
symlink to one is fine), and refuse a file over its size limit before reading
it. Their errors are ``OSError`` s whose ``strerror`` says what is wrong, so
every caller's existing "cannot be read: …" message names the file and the
reason.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from pathlib import Path
from typing import IO

MAX_BYTES = 1 << 30  # 1 GiB: the largest file tsim reads (a scenario of a million scripted calls is ~0.5 GB)


class InputFileError(OSError):
    """A path tsim will not read; ``strerror`` says why."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(errno.EINVAL, reason, str(path))


def _open_fd(path: str | Path, limit: int) -> int:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except ValueError:  # a NUL in the path
        raise InputFileError(path, "the path has a NUL character in it") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(path, "is not a regular file (a device, a FIFO or a socket): tsim reads files only")
        if info.st_size > limit:
            raise InputFileError(path, f"is {info.st_size:,} bytes; tsim reads files of at most {limit:,}")
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_text(path: str | Path, limit: int = MAX_BYTES, newline: str | None = None) -> IO[str]:
    """``path`` opened for reading UTF-8 text, if it is a regular file within ``limit`` bytes."""
    return os.fdopen(_open_fd(path, limit), "r", encoding="utf-8", newline=newline)


def open_binary(path: str | Path, limit: int = MAX_BYTES) -> IO[bytes]:
    """``path`` opened for reading bytes, if it is a regular file within ``limit`` bytes."""
    return os.fdopen(_open_fd(path, limit), "rb")


def read_bytes(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``, if it is a regular file within ``limit`` bytes (a file that grows
    while it is read is cut off after ``limit`` and refused)."""
    with os.fdopen(_open_fd(path, limit), "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputFileError(path, f"grew past {limit:,} bytes while it was read")
    return data


def read_text(path: str | Path, limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of ``path`` (``UnicodeDecodeError`` if it is not), within ``limit`` bytes."""
    text = read_bytes(path, limit).decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text  # as Path.read_text


def jsonl_lines(text: str) -> list[str]:
    """The lines of a JSON-lines text. Only ``\\n`` ends a line (a ``\\r`` before it is
    dropped): JSON leaves U+2028, U+0085 and the like unescaped inside strings, and
    ``str.splitlines`` would cut a line at them."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]
