"""tsim sql and tsim schema --reporting, as an analyst uses them."""

from __future__ import annotations

import sqlite3

from ..helpers import SCENARIOS, tsim


def test_sql_prints_a_table_and_csv_and_cannot_change_the_database(tmp_path, capsys):
    assert tsim("run", str(SCENARIOS / "view-lag.yaml"), "--out", str(tmp_path), "--quiet") == 0
    capsys.readouterr()
    folder = tmp_path / "view-lag"
    assert tsim("sql", str(folder), "select callid, calltype from g_call") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["callid", "calltype"] and out[1].startswith("------") and out[2].endswith("Internal")
    assert tsim("sql", str(folder), "select keyname, value from g_userdata_history", "--csv") == 0
    assert capsys.readouterr().out == "keyname,value\n"  # the update met a released ConnID: no attached data
    before = (folder / "reporting.sqlite").read_bytes()
    assert tsim("sql", str(folder), "delete from g_call") == 2
    assert "readonly" in capsys.readouterr().err
    assert (folder / "reporting.sqlite").read_bytes() == before
    assert tsim("sql", str(folder), "select nope from g_call") == 2
    assert "no such column: nope" in capsys.readouterr().err
    assert tsim("sql", str(tmp_path / "missing"), "select 1") == 2
    assert "no reporting.sqlite here" in capsys.readouterr().err


def test_schema_reporting_is_the_ddl_the_database_was_made_with(tmp_path, capsys):
    assert tsim("schema", "--reporting") == 0
    ddl = capsys.readouterr().out
    with sqlite3.connect(tmp_path / "x.sqlite") as db:
        db.executescript(ddl)
        names = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    assert {"g_call", "g_party", "g_userdata_history", "g_custom_data_s", "interaction_fact",
            "interaction_resource_fact", "ctl_ud_to_ude_mapping", "irf_user_data_cust_1",
            "tsim_ud_decision"} == names
    assert tsim("schema", "--reporting", "postgresql") == 0
    assert "bigint" in capsys.readouterr().out


def test_the_readme_analyst_query_prints_what_the_readme_shows(tmp_path, capsys):
    from ..helpers import ROOT

    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index("$ tsim sql reports/each-leg-keeps-its-own-code"):]
    block = block[:block.index("```")]
    command, _, shown = block.partition('"\n')
    query = " ".join(command.split('"', 1)[1].split())
    assert tsim("run", str(SCENARIOS / "each-leg-keeps-its-own-code.yaml"), "--out", str(tmp_path), "--quiet") == 0
    capsys.readouterr()
    assert tsim("sql", str(tmp_path / "each-leg-keeps-its-own-code"), query) == 0
    assert capsys.readouterr().out == shown
