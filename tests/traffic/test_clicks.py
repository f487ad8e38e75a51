"""The generated agents' clicks: the code they pick when the scenario names none, and
when each request left the desktop (not when Web Services got it)."""

from __future__ import annotations

from simulator import parse_scenario, run_scenario

CLICKS = """\
version: 1
name: clicks
description: generated dispositions over a slow desktop link
seed: 4
switch:
  dns:
    "15000": {{agent: agent1}}
    "15001": {{agent: agent2}}
    "19000": {{type: ACDQueue}}
  latency: {{desktop_to_gws: 40ms}}
traffic:
  rate: 0.05
  duration: 600s
  to: "19000"
  talk: {{dist: exponential, mean: 30s}}
  dispositions: {{share: 1.0, after_release: 2s{codes}}}
"""


def test_a_disposition_with_no_codes_named_is_done():
    result = run_scenario(parse_scenario(CLICKS.format(codes="")))
    assert result.disposition_count > 5
    assert {record.disposition for record in result.dispositions} == {"Done"}


def test_a_click_is_timed_when_it_left_the_desktop():
    result = run_scenario(parse_scenario(CLICKS.format(codes=", codes: {Sale: 0.5, NoSale: 0.5}")))
    records = list(result.dispositions)
    assert len(records) > 5 and {r.disposition for r in records} == {"Sale", "NoSale"}
    for record in records:
        assert record.requestedAt == record.times.leftDesktop
        assert record.times.reachedGws - record.times.leftDesktop == 40_000  # µs: the desktop link's delay
