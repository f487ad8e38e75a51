"""The published JSON Schema (``tsim schema``) and the loader agree: every bundled,
example and README scenario validates against the schema as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from simulator.cli import cli

from ..helpers import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*SCENARIOS.glob("*.yaml"), *(ROOT / "examples").glob("*.yaml"), *(ROOT / "benchmarks").glob("*.yaml")])


def published() -> dict:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def readme_scenarios() -> list[str]:
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    return [block for block in blocks if block.startswith("version: 1")]


def test_there_is_something_to_check():
    assert len(FILES) > 40 and readme_scenarios()
    assert any("agent_groups" in path.read_text() for path in FILES)  # first_dn written as a number


@pytest.mark.parametrize("text", [pytest.param(p.read_text(encoding="utf-8"), id=p.name) for p in FILES]
                         + [pytest.param(block, id=f"README-{i}") for i, block in enumerate(readme_scenarios())])
def test_every_scenario_we_ship_validates_against_the_published_schema(text):
    validator = jsonschema.Draft202012Validator(published())
    errors = sorted(validator.iter_errors(yaml.safe_load(text)), key=lambda e: list(e.absolute_path))
    assert errors == [], [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:3]]
