"""Where the runs of a sweep or of replications happen: here, on this machine's
cores, or on a Dask distributed cluster.

Every run is a pure function of its scenario and seed, so the results — and the
files written from them — are the same bytes whichever executor ran them; the
executor only changes how long it takes. Results always come back in task
order.

- ``process`` (default): a local process pool, one worker per core (or
  ``jobs``); small batches run in this process, where a pool would cost more
  than it saves.
- ``dask``: the cluster whose scheduler is at ``scheduler``
  (``tcp://HOST:8786``), through Dask's ``distributed`` client (the optional
  extra ``tsim[dask]``). Its workers need tsim installed, the same version.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from .errors import InvalidArgument, TsimError

EXECUTORS = ("process", "dask")
Task = TypeVar("Task")
Result = TypeVar("Result")


class ExecutorError(TsimError):
    """The executor asked for cannot be used (Dask not installed, no scheduler there)."""


SCHEDULER_ADDRESS = re.compile(r"(?:(?:tcp|tls|ws|wss)://)?[A-Za-z0-9._\-]+(?:\[[0-9a-fA-F:]+\])?:[0-9]{1,5}")


def check(executor: str, scheduler: str | None) -> None:
    """Refuse a combination that cannot work, before anything runs."""
    if executor not in EXECUTORS:
        raise InvalidArgument(f"executor: one of {', '.join(EXECUTORS)}, not {executor!r}"[:200])
    if executor == "dask" and not scheduler:
        raise InvalidArgument("executor dask needs a scheduler address, e.g. --scheduler tcp://127.0.0.1:8786")
    if executor == "process" and scheduler:
        raise InvalidArgument("--scheduler is for --executor dask")
    if scheduler and not SCHEDULER_ADDRESS.fullmatch(scheduler):
        raise InvalidArgument(f"--scheduler: a Dask scheduler's address, such as tcp://127.0.0.1:8786 (a protocol "
                              f"tcp, tls, ws or wss, a host and a port), not {scheduler!r}"[:240])


def run_all(function: Callable[[Task], Result], tasks: Sequence[Task], executor: str = "process",
            scheduler: str | None = None, jobs: int | None = None, local_below: int = 8,
            progress: Callable[[Iterator[Result]], Iterator[Result]] | None = None) -> list[Result]:
    """``function`` over ``tasks``, in task order, on the executor asked for.

    ``function`` must be importable by module and name (a worker process or a
    Dask worker looks it up), and tasks and results picklable."""
    check(executor, scheduler)
    if executor == "dask":
        results: Iterator[Result] = _on_dask(function, tasks, scheduler or "")
    else:
        jobs = jobs or os.cpu_count() or 1
        if jobs > 1 and len(tasks) >= local_below:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                mapped = pool.map(function, tasks, chunksize=max(1, len(tasks) // (jobs * 8)))
                return list(progress(mapped) if progress else mapped)
        results = map(function, tasks)
    return list(progress(results) if progress else results)


def _on_dask(function: Callable[[Task], Result], tasks: Sequence[Task], scheduler: str) -> Iterator[Result]:
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError("--executor dask needs Dask's distributed package: pip install 'tsim[dask]'") from None
    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExecutorError(f"no Dask scheduler answers at {scheduler}: {exc}"[:300]) from None
    try:
        futures = client.map(function, list(tasks), pure=False)
        results: list[Any] = client.gather(futures)
    finally:
        client.close()
    return iter(results)
