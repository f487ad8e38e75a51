"""The same run written to SQLite and to a real PostgreSQL gives the same rows."""

from __future__ import annotations

import sqlite3

import pytest

from simulator import run_scenario
from simulator.output.files import reporting_database
from simulator.reportdb import postgres
from simulator.reportdb.schema import TABLES

from ..helpers import SCENARIOS, tsim
from .postgres_server import PostgresServer


@pytest.fixture(scope="module")
def server():
    started = PostgresServer()
    yield started
    started.stop()


def sqlite_rows(result, tmp_path):
    path = tmp_path / "reporting.sqlite"
    path.write_bytes(reporting_database(result))
    with sqlite3.connect(path) as db:
        return {t.name: db.execute(f"select * from {t.name} order by 1").fetchall() for t in TABLES}


def postgres_rows(url, schema):
    import psycopg

    with psycopg.connect(url) as db:
        return {t.name: [tuple(row) for row in db.execute(f'select * from "{schema}".{t.name} order by 1')]
                for t in TABLES}


@pytest.mark.parametrize("name", ["each-leg-keeps-its-own-code", "transfers-to-support",
                                  "disposition-after-info-mart-timeout"])
def test_sqlite_and_postgresql_hold_the_same_rows(server, tmp_path, capsys, name):
    assert tsim("run", str(SCENARIOS / f"{name}.yaml"), "--out", str(tmp_path), "--reporting-db", server.url) == 0
    assert f"reporting tables: schema {postgres.schema_name(name)}" in capsys.readouterr().out
    expected = sqlite_rows(run_scenario(SCENARIOS / f"{name}.yaml"), tmp_path)
    assert postgres_rows(server.url, postgres.schema_name(name)) == expected
    assert sum(len(rows) for rows in expected.values()) > 5


def test_a_second_run_replaces_its_own_schema_and_never_one_it_did_not_make(server, tmp_path, capsys):
    import psycopg

    scenario = str(SCENARIOS / "view-lag.yaml")
    assert tsim("run", scenario, "--out", str(tmp_path), "--reporting-db", server.url) == 0
    assert tsim("run", scenario, "--out", str(tmp_path), "--reporting-db", server.url) == 0
    assert len(postgres_rows(server.url, "view_lag")["g_call"]) == 1
    with psycopg.connect(server.url, autocommit=True) as db:
        db.execute("create schema two_dispositions")
        db.execute("create table two_dispositions.mine (x int)")
    capsys.readouterr()
    assert tsim("run", str(SCENARIOS / "two-dispositions.yaml"), "--out", str(tmp_path),
                "--reporting-db", server.url) == 2
    assert "schema two_dispositions exists and tsim did not make it" in capsys.readouterr().err
    with psycopg.connect(server.url) as db:
        assert db.execute("select count(*) from two_dispositions.mine").fetchone() == (0,)  # untouched


def test_an_unreachable_database_is_a_message_and_exit_2(tmp_path, capsys):
    url = "postgresql://tsim:secret@127.0.0.1:1/none"
    assert tsim("run", str(SCENARIOS / "view-lag.yaml"), "--out", str(tmp_path), "--reporting-db", url) == 2
    err = capsys.readouterr().err
    assert "--reporting-db: postgresql://tsim:***@127.0.0.1:1/none" in err and "secret" not in err
    assert tsim("run", str(SCENARIOS / "view-lag.yaml"), "--out", str(tmp_path), "--reporting-db", "mysql://x") == 2
    assert "expected a postgresql:// URL" in capsys.readouterr().err
