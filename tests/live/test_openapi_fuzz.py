"""schemathesis against the served OpenAPI document: no generated request gets a 5xx."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from simulator.scenario.loader import parse_scenario

from .conftest import DESK, start

SERVER = start(parse_scenario(DESK, "desk.yaml"), speed=1.0)
SCHEMA = schemathesis.openapi.from_url(f"{SERVER.base}/openapi.json")
LOGIN = httpx.get(f"{SERVER.base}/api/v2/me", auth=("agent1", "secret1"))
COOKIES = {"JSESSIONID": LOGIN.cookies["JSESSIONID"]}
HEADERS = {"X-CSRF-TOKEN": LOGIN.headers["X-CSRF-TOKEN"]}


@pytest.fixture(scope="module", autouse=True)
def _stop_the_server():
    yield
    SERVER.stop()


@SCHEMA.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case):
    response = case.call(headers=HEADERS, cookies=COOKIES, timeout=10)
    assert response.status_code < 500, (case.method, case.path, case.body, response.text)
