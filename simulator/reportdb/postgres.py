"""Write the reporting tables to PostgreSQL (``tsim run --reporting-db postgresql://…``).

Each run gets a schema named after its scenario (``view-lag`` → ``view_lag``), made
from the same table definitions as ``reporting.sqlite`` (``schema.ddl("postgresql")``)
and holding the same rows. A schema tsim made carries a comment saying so; a run
replaces only such a schema — one that exists without the comment is refused, so
tsim never drops what it did not write. Needs ``psycopg`` (the ``postgresql`` extra).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from .schema import TABLES, ddl

MARK = "made by tsim: the reporting tables of one run"


class ReportingDbError(Exception):
    """The database cannot be reached or written: a message naming it."""


def schema_name(scenario: str) -> str:
    """A PostgreSQL schema name for a scenario: lower case, letters, digits and _."""
    name = re.sub(r"[^a-z0-9_]+", "_", scenario.lower()).strip("_") or "run"
    return name if not name[0].isdigit() else f"run_{name}"


def redacted(url: str) -> str:
    """The URL with its password hidden, for messages."""
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)


def write(url: str, schema: str, rows_of: Callable[[str], Iterable[tuple[Any, ...]]]) -> None:
    """Replace (or create) ``schema`` at ``url`` with the tables and their rows
    (``rows_of(table)``, streamed into COPY)."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        raise ReportingDbError("writing to PostgreSQL needs psycopg: pip install 'tsim[postgresql]'") from None
    try:
        with psycopg.connect(url, connect_timeout=10) as connection:
            found = connection.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace "
                                       "WHERE nspname = %s", (schema,)).fetchone()
            if found is not None and found[0] != MARK:
                raise ReportingDbError(f"{redacted(url)}: schema {schema} exists and tsim did not make it; "
                                       "tsim replaces only its own")
            name = sql.Identifier(schema)
            if found is not None:
                connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(name))
            connection.execute(sql.SQL("CREATE SCHEMA {}").format(name))
            connection.execute(sql.SQL("COMMENT ON SCHEMA {} IS {}").format(name, sql.Literal(MARK)))
            connection.execute(sql.SQL("SET LOCAL search_path TO {}").format(name))
            connection.execute(ddl("postgresql").encode())  # our own DDL, no parameters
            with connection.cursor() as cursor:
                for table in TABLES:
                    copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
                        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, table.column_names)))
                    with cursor.copy(copy) as loader:
                        for row in rows_of(table.name):
                            loader.write_row(row)
    except psycopg.Error as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReportingDbError(f"{redacted(url)}: {message}") from None
