"""The ``tsim`` command line.

Exit codes: 0 every expectation held; 1 an expectation failed; 2 bad input
(a scenario file, a flag, a file-system problem such as a folder that cannot be
written); 3 an internal error in tsim — a bug, which no input should reach:
please report it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import InvalidArgument, TsimError
from .executors import EXECUTORS, ExecutorError
from .executors import check as check_executor
from .output import golden as goldens
from .output.files import write_reports
from .output.folders import REPLICATIONS_MARKER, ReportsError, write_file, write_folder
from .output.junit import write_junit
from .output.streamed import StreamedReports
from .output.summary import console
from .pages.folders import checked_pages, run_folders, write_index
from .record import record_schema
from .run import JOURNAL_MODES, RunResult, no_cyclic_gc, run_scenario
from .scenario.discovery import scenario_files
from .scenario.loader import LoadedScenario, ScenarioError, load_scenario
from .scenario.schema import Scenario

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


AUTO_STREAM_CALLS = 20_000  # --journal auto streams traffic expected to have more calls than this


def _journal_mode(scenario: Scenario, asked: str, golden: bool) -> str:
    """The journal mode of one run: as asked, or, for ``auto``, by the traffic's size."""
    if asked != "auto":
        return asked
    traffic = scenario.traffic
    if golden or traffic is None or traffic.expected_calls() <= AUTO_STREAM_CALLS:
        return "full"
    return "records"


def _run_and_write(item: LoadedScenario, target: Path, mode: str, seed: int | None,
                   tie_break: str | None, tables: bool = True) -> tuple[RunResult, Path]:
    """Run one scenario and write its report folder (streamed as it runs, unless ``full``)."""
    if mode == "full":
        result = run_scenario(item, seed=seed, tie_break=tie_break, reporting_tables=tables)
        return result, write_reports(result, target)
    streamed = StreamedReports(target, mode, tables)
    try:
        result = run_scenario(item, seed=seed, tie_break=tie_break, journal=mode, sinks=streamed.sinks,
                              reporting_tables=tables)
    except BaseException:
        streamed.abandon()
        raise
    return result, streamed.finish(result)


def _error(message: str) -> None:
    click.echo(f"error: {message}", err=True)


def _expand(paths: tuple[Path, ...]) -> tuple[list[Path], list[str]]:
    """(files, problems): files as given; a folder stands for every scenario file under it."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found, others = scenario_files(path)
            for other in others:
                click.echo(f"skipped {other}: not a tsim scenario (no version or steps at the top)", err=True)
            if not found:
                problems.append(f"{path}: no scenario files (*.yaml, *.yml) in this folder or under it")
            files += found
        else:
            files.append(path)
    return files, problems


def _load_all(paths: tuple[Path, ...]) -> tuple[list[LoadedScenario], int]:
    """Load every file; report each bad one. Returns (the good ones, how many were bad)."""
    files, problems = _expand(paths)
    loaded: list[LoadedScenario] = []
    names: dict[str, Path] = {}
    for file in files:
        try:
            item = load_scenario(file)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        name = item.scenario.name
        if name in names:
            problems.append(f"{item.path}: name {name!r} is also the name of {names[name]}; their reports "
                            "would overwrite each other (not run)")
            continue
        names[name] = item.path
        loaded.append(item)
    for message in problems:
        _error(message)
    return loaded, len(problems)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tsim")
def cli() -> None:
    """tsim: simulate a Genesys-style T-Server and Web Services (GWS v2) voice stack
    and see what happens to call dispositions."""


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
              show_default=True, help="Folder for the reports; each scenario gets <out>/<scenario-name>/.")
@click.option("--seed", type=int, default=None, help="Override the scenarios' seeds.")
@click.option("--tie-break", type=click.Choice(["fifo", "random"]), default=None,
              help="Order of same-instant events: fifo (file order) or seeded random. Overrides the scenarios'.")
@click.option("--quiet", "-q", is_flag=True, help="One line per scenario.")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the results as JUnit XML to this file.")
@click.option("--golden", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Compare each run's journal with <golden>/<scenario-name>.jsonl; a difference fails.")
@click.option("--update-golden", is_flag=True, help="With --golden: write the golden journals instead.")
@click.option("--replications", type=click.IntRange(2, 10_000), default=None, metavar="N",
              help="Also run each scenario over N seeds (its own and the next ones) and give each measure's mean "
                   "and 95%% interval; writes <out>/<name>/replications/.")
@click.option("--journal", "journal_mode", type=click.Choice(["auto", *JOURNAL_MODES]), default="auto",
              show_default=True,
              help="What a run keeps and writes: full (the whole journal in memory: every report and the "
                   "message diagram), records (the disposition records and calls, written as they are made, "
                   "compressed; no journal) or none (statistics only). The last two keep memory bounded however "
                   "many calls a run has. auto: full, or records for traffic of more "
                   f"than {AUTO_STREAM_CALLS:,} calls.")
@click.option("--executor", type=click.Choice(EXECUTORS), default="process", show_default=True,
              help="Where the runs go: process (this machine's cores) or dask (a Dask distributed cluster; "
                   "needs --scheduler and the tsim[dask] extra). The files are the same either way.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:8786",
              help="With --executor dask: the Dask scheduler's address.")
@click.option("--reporting-db", "reporting_db", default=None, metavar="postgresql://USER@HOST:PORT/DB",
              help="Also write each run's reporting tables to this PostgreSQL database, in a schema named "
                   "after the scenario (replaced if tsim made it; needs the tsim[postgresql] extra).")
@click.option("--reporting-tables/--no-reporting-tables", "reporting_tables", default=True, show_default=True,
              help="Build ICON's and Info Mart's tables (reporting.sqlite; not with --journal none). Without "
                   "them a run has no sql: expectations and no --reporting-db.")
def run(scenarios: tuple[Path, ...], out: Path, seed: int | None, tie_break: str | None, quiet: bool,
        junit: Path | None, golden: Path | None, update_golden: bool, replications: int | None,
        journal_mode: str, executor: str, scheduler: str | None, reporting_db: str | None,
        reporting_tables: bool) -> None:
    """Run SCENARIOS (files, or folders: every scenario file under them, recursively)
    and write each one's reports to <out>/<scenario-name>/.

    A bad file is reported and the others still run. Exits 0 when every
    expectation holds, 1 when one fails, 2 when a file or folder was bad."""
    if update_golden and golden is None:
        raise click.UsageError("--update-golden needs --golden DIR")
    _check_executor(executor, scheduler)
    with no_cyclic_gc():
        loaded, bad = _load_all(scenarios)
    failed = 0
    results, golden_failures = [], {}
    for item in loaded:
        mode = _journal_mode(item.scenario, journal_mode, golden is not None)
        if golden is not None and mode != "full":
            _error(f"{item.path}: golden journals are compared with --journal full, not {mode}")
            bad += 1
            continue
        try:
            with no_cyclic_gc():
                result, out_dir = _run_and_write(item, out / item.scenario.name, mode, seed, tie_break,
                                                 reporting_tables)
        except ReportsError as exc:
            _error(f"{item.path}: the reports cannot be written: {exc}")
            bad += 1
            continue
        click.echo(console(result, str(out_dir), quiet=quiet))
        if reporting_db is not None and not _to_reporting_db(reporting_db, result, out_dir, item.path, quiet):
            bad += 1
        ok = result.passed
        try:
            if golden is not None and update_golden:
                click.echo(f"  golden journal written: {goldens.update(result, golden)}")
            elif golden is not None:
                difference = goldens.compare(result, golden)
                if difference is not None:
                    golden_failures[result.scenario.name] = str(difference)
                    click.echo("  ✗ " + str(difference).replace("\n", "\n    "))
                    ok = False
        except ReportsError as exc:
            _error(f"{item.path}: golden journal: {exc}")
            bad += 1
        results.append(result)
        failed += not ok
        if replications is not None:
            try:
                _replicate(item, replications, out_dir, executor, scheduler, seed)
            except (ExecutorError, ReportsError, InvalidArgument) as exc:
                _error(f"{item.path}: replications: {exc}")
                bad += 1
    if results:
        try:
            index = write_index(out)
            if not quiet:
                click.echo(f"index of the runs: {index}")
        except ReportsError as exc:
            _error(str(exc))
            bad += 1
    if junit is not None:
        write_junit(junit, results, golden_failures)
    if len(loaded) + bad > 1:
        bad_part = f", {bad} could not run" if bad else ""
        click.echo(f"{len(loaded)} scenarios: {len(results) - failed} passed, {failed} failed{bad_part}")
    sys.exit(EXIT_BAD_INPUT if bad else EXIT_FAILED if failed else 0)


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--vary", required=True, metavar="TARGET=FROM:TO:STEP",
              help="What to vary: ID.at (a step's id or request name, or steps[N]), latency.NAME, traffic.rate "
                   "(calls a second) or seed; e.g. dispose.at=266s:266.1s:5ms, latency.tserver_to_gws=0ms:100ms:10ms "
                   "or traffic.rate=2:12:2.")
@click.option("--anchor", default=None, metavar="ID",
              help="Show times relative to this step (its id, request name or steps[N]), e.g. the hangup.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
              show_default=True,
              help="The sweep's files go to <out>/<scenario-name>/sweep-<target>/ (one folder per varied value).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: every core).")
@click.option("--executor", type=click.Choice(EXECUTORS), default="process", show_default=True,
              help="Where the runs go: process (this machine's cores) or dask (a Dask distributed cluster; "
                   "needs --scheduler and the tsim[dask] extra). The files are the same either way.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:8786",
              help="With --executor dask: the Dask scheduler's address.")
def sweep(scenario: Path, vary: str, anchor: str | None, out: Path, jobs: int | None, executor: str,
          scheduler: str | None) -> None:
    """Run SCENARIO over a range of one value; print where the outcome changes.

    Writes sweep.csv, sweep.md and sweep.svg (the outcome plotted against the value)."""
    from .output import sweep_report
    from .sweep import SweepError
    from .sweep import sweep as run_sweep

    found, bad = _load_all((scenario,))
    if bad or len(found) != 1:
        raise SystemExit(EXIT_BAD_INPUT)
    (loaded,) = found
    _check_executor(executor, scheduler)
    try:
        from .sweep import parse_variation

        count = len(parse_variation(vary, loaded.scenario).values)
        if not sys.stderr.isatty():  # no bar in logs and pipes
            result = run_sweep(loaded, vary, anchor=anchor, jobs=jobs, executor=executor, scheduler=scheduler)
        else:
            with click.progressbar(length=count, label=f"{count} variants", file=sys.stderr,
                                   show_pos=True) as bar:
                def progress(results):
                    for item in results:
                        bar.update(1)
                        yield item

                result = run_sweep(loaded, vary, anchor=anchor, jobs=jobs, progress=progress, executor=executor,
                                   scheduler=scheduler)
    except (SweepError, ExecutorError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    click.echo(sweep_report.console_table(result))
    files = sweep_report.write(result, out / loaded.scenario.name)
    click.echo("")
    click.echo("wrote " + ", ".join(str(p) for p in files.values()))
    try:  # the index lists each run's sweeps: bring it up to date
        click.echo(f"index of the runs: {write_index(out)}")
    except ReportsError as exc:
        click.echo(f"warning: the index of the runs is not refreshed: {exc}", err=True)


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told).")
@click.option("--port", type=click.IntRange(0, 65535), default=8090, show_default=True)
@click.option("--speed", type=click.FloatRange(min=0.001, max=1000), default=1.0, show_default=True,
              help="Simulated time = wall time × SPEED.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
              show_default=True, help="When the server stops: <out>/<scenario-name>/ with the reports and "
                                      "session.yaml (the session, replayable with tsim run).")
@click.option("--journal", type=click.Choice(["records", "full"]), default="records", show_default=True,
              help="records: memory follows the calls and desktops in use, however long the session (records "
                   "written as they are made; tsim run session.yaml draws every message); full: keep the whole "
                   "journal, for a short session whose every message the page should draw.")
def serve(scenario: Path, host: str, port: int, speed: float, out: Path, journal: str) -> None:
    """Serve SCENARIO live: GWS v2 REST and CometD for real desktops and CometD clients,
    against the wall clock, until Ctrl-C; then write the session's reports."""
    found, bad = _load_all((scenario,))
    if bad or len(found) != 1:
        raise SystemExit(EXIT_BAD_INPUT)
    from .live.server import CannotListen
    from .live.server import serve as run_server

    try:
        finished = run_server(found[0], host, port, speed, out, click.echo, journal)
    except (ReportsError, CannotListen) as exc:
        _error(str(exc))
        raise SystemExit(EXIT_BAD_INPUT) from None
    click.echo(console(finished.result, str(finished.folder), quiet=True))
    click.echo(f"session: {finished.folder / 'session.yaml'} (tsim run it to replay the session)")


@cli.command()
@click.argument("step", required=False)
@click.option("--url", default="http://127.0.0.1:8090", show_default=True, help="The tsim serve to drive.")
@click.option("--token", required=True, help="The X-Tsim-Token tsim serve printed.")
@click.option("--journal", "show", flag_value="journal", help="Print the journal so far (JSON lines).")
@click.option("--dispositions", "show", flag_value="dispositions", help="Print the disposition records so far.")
def control(step: str | None, url: str, token: str, show: str | None) -> None:
    """Drive a running tsim serve: play STEP now (a scenario step as JSON, without
    `at`), or print its journal or disposition records so far.

    \b
    tsim control --token T '{"hangup": {"dn": "15001", "call": "c1"}}'
    tsim control --token T '{"latency": {"tserver_to_gws": "200ms"}}'
    tsim control --token T --dispositions"""
    import urllib.error
    import urllib.request

    if (step is None) == (show is None):
        raise click.UsageError("give a STEP, or --journal or --dispositions")
    request = urllib.request.Request(f"{url.rstrip('/')}/sim/{show or 'steps'}", headers={"X-Tsim-Token": token},
                                     data=step.encode() if step is not None else None, method="POST" if step else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - a URL the user gives
            body = json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        _error(f"{url}: HTTP {exc.code}: {exc.read().decode('utf-8', 'replace')[:300]}")
        raise SystemExit(EXIT_BAD_INPUT) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        _error(f"{url}: {getattr(exc, 'reason', exc)}")
        raise SystemExit(EXIT_BAD_INPUT) from None
    if isinstance(body, list):
        for row in body:
            click.echo(json.dumps(row, ensure_ascii=False))
    else:
        click.echo(json.dumps(body, ensure_ascii=False))


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def report(folder: Path) -> None:
    """Rebuild the HTML pages of FOLDER from its JSON reports: a run's folder
    (its index.html), or a folder of runs (each run's page and the index).

    The pages need only the report files, so runs of older versions get them too."""
    if not folder.is_dir():
        raise click.UsageError(f"{folder}: no such folder")
    try:
        with no_cyclic_gc():
            _report(folder)
    except ReportsError as exc:
        _error(str(exc))
        raise SystemExit(EXIT_BAD_INPUT) from None


def _report(folder: Path) -> None:
    if (folder / "manifest.json").is_file():
        pages = _write_run_pages(folder)
        click.echo(f"wrote {folder / pages[0]}" + (f" and {len(pages) - 1} window page(s)" if len(pages) > 1 else ""))
        return
    runs = run_folders(folder)
    if not runs:
        _error(f"{folder}: no tsim reports here (no folder holding a manifest.json)")
        raise SystemExit(EXIT_BAD_INPUT)
    for run_folder in runs:
        _write_run_pages(run_folder)
    click.echo(f"wrote {len(runs)} run page(s) and {write_index(folder)}")


def _write_run_pages(folder: Path) -> list[str]:
    """Write a run folder's pages (its own and its journal's further windows); their names."""
    pages = checked_pages(folder)
    for name, text in pages.items():
        write_file(folder / name, text)
    return list(pages)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("statement")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of an aligned table.")
def sql(folder: Path, statement: str, as_csv: bool) -> None:
    """Run one SQL STATEMENT on a run's reporting tables (FOLDER/reporting.sqlite, opened
    read-only) and print the rows. `tsim schema --reporting` lists the tables.

    \b
    tsim sql reports/view-lag "select keyname, value, added from g_userdata_history"
    """
    from .reportdb import query

    try:
        names, rows, cut = query.run(folder, statement)
    except query.QueryError as exc:
        _error(str(exc))
        raise SystemExit(EXIT_BAD_INPUT) from None
    click.echo(query.as_csv(names, rows) if as_csv else query.as_table(names, rows), nl=as_csv is False)
    if cut:
        _error(f"only the first {query.MAX_ROWS:,} rows are shown")


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(scenarios: tuple[Path, ...]) -> None:
    """Check SCENARIOS (files or folders) without running them. Exits 2 if one is bad."""
    loaded, bad = _load_all(scenarios)
    for item in loaded:
        sc = item.scenario
        click.echo(f"ok  {item.path}  ({sc.name}: {len(sc.steps)} steps, {len(sc.expect)} expectations)")
    if bad:
        raise SystemExit(EXIT_BAD_INPUT)


@cli.command()
@click.option("--record", is_flag=True,
              help="The schema of a disposition record (a line of dispositions.jsonl) instead.")
@click.option("--reporting", "reporting", type=click.Choice(["sqlite", "postgresql"]), default=None,
              is_flag=False, flag_value="sqlite",
              help="The DDL of reporting.sqlite's tables (ICON's and Info Mart's) instead, for SQLite "
                   "or PostgreSQL.")
def schema(record: bool, reporting: str | None) -> None:
    """Print the JSON Schema of scenario files (for editor completion), or with
    --record, of the disposition records tsim writes (to validate dispositions.jsonl),
    or with --reporting, the tables of reporting.sqlite."""
    if reporting is not None:
        from .reportdb.schema import ddl

        click.echo(ddl(reporting), nl=False)
        return
    if record:
        click.echo(json.dumps(record_schema(), indent=2))
        return
    from .scenario.checks import published_schema

    click.echo(json.dumps(published_schema(), indent=2))


def _to_reporting_db(url: str, result: RunResult, folder: Path, path: Path, quiet: bool) -> bool:
    """Write ``result``'s reporting tables (as its report folder holds them) to PostgreSQL;
    False (and a message) if that fails."""
    from .reportdb import postgres
    from .reportdb.sqlite import file_rows

    if not url.startswith(("postgresql://", "postgres://")):
        _error(f"--reporting-db: expected a postgresql:// URL, got {url[:80]!r}")
        return False
    if result.tables is None:
        _error(f"{path}: --reporting-db: the run made no reporting tables (--no-reporting-tables, or "
               f"--journal {result.journal_mode})")
        return False
    schema = postgres.schema_name(result.scenario.name)
    try:
        postgres.write(url, schema, file_rows(folder / "reporting.sqlite"))
    except postgres.ReportingDbError as exc:
        _error(f"{path}: --reporting-db: {exc}")
        return False
    if not quiet:
        click.echo(f"  reporting tables: schema {schema} at {postgres.redacted(url)}")
    return True


def _check_executor(executor: str, scheduler: str | None) -> None:
    try:
        check_executor(executor, scheduler)
    except InvalidArgument as exc:
        raise click.UsageError(str(exc)) from None


def _replicate(item: LoadedScenario, count: int, out_dir: Path, executor: str, scheduler: str | None,
               seed: int | None = None) -> None:
    from .replications import csv_text, replicate, table

    done = replicate(item, count, executor=executor, scheduler=scheduler, seed=seed)
    text = table(done)
    click.echo("  " + text.replace("\n", "\n  "))
    folder = write_folder(out_dir / "replications", {"replications.md": f"```\n{text}\n```\n",
                                                    "replications.csv": csv_text(done),
                                                    REPLICATIONS_MARKER: json.dumps({"tsim": __version__,
                                                                                     "replications": count})})
    click.echo(f"  wrote {folder}")


def _tolerant_output() -> None:
    """Print what the console can show: a character its encoding lacks becomes
    an escape instead of an error (Windows' cp1252 when output is redirected)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> None:
    """Entry point (``argv``: the arguments, default the command line's).

    No traceback reaches a user; tsim's own errors are bad input (2); exits 3
    only for a bug."""
    _tolerant_output()
    try:
        cli.main(args=argv, prog_name="tsim")
    except SystemExit:
        raise
    except TsimError as exc:
        _error(str(exc))
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        click.echo("tsim: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in tsim, not in the user's input
        click.echo(f"tsim: internal error: {type(exc).__name__}: {exc} (please report it with the scenario)",
                   err=True)
        sys.exit(EXIT_INTERNAL)
