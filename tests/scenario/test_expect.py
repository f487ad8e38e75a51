"""Expectations fail when the run disagrees, and say how."""

from simulator import parse_scenario, run_scenario

from ..helpers import SCENARIOS


def with_expectations(name, expectations):
    text = (SCENARIOS / name).read_text()
    text = text[: text.index("expect:")] + "expect:\n" + expectations
    return run_scenario(parse_scenario(text, name))


def test_wrong_path_fails_with_expected_and_actual():
    result = with_expectations("view-lag.yaml", "  - disposition: {call: c1, path: userEvent, reporting: reported}\n")
    (outcome,) = result.expectations
    assert not result.passed and not outcome.passed
    assert outcome.problems == ["dispose: path: expected 'userEvent', got 'userData'",
                                "dispose: reporting: expected 'reported', got 'lost'"]


def test_counts_windows_and_absence():
    result = with_expectations("view-lag.yaml", """\
  - cometd: {messageType: ErrorMessage, before: 266.1}
  - cometd: {messageType: ErrorMessage, count: 2}
  - no_cometd: {messageType: ErrorMessage}
  - tlib: {event: EventError, errorCode: 55}
  - reporting: {call: c1, userData: {DispositionCode: Referred}}
  - http: {request: dispose, status: 404}
  - disposition: {call: c1, nth: 2}
""")
    problems = [e.problems for e in result.expectations]
    assert problems[0] == ["expected at least one CometD message, found none"]
    assert problems[1] == ["expected 2 × CometD message, found 1"]
    assert problems[2][0].startswith("expected no CometD message, found 1 (first: journal #")
    assert problems[3] == ["expected at least one EventError, found none"]
    assert problems[4] == ["userData.DispositionCode: expected 'Referred', got absent"]
    assert problems[5] == ["status: expected 404, got 200"]
    assert problems[6] == ["expected a disposition #2 on call c1, found 1"]


def test_passing_expectations_pass():
    result = with_expectations("view-lag.yaml", "  - tlib: {event: EventError, errorCode: 56, count: 1}\n")
    assert result.passed


def test_capabilities_fields_and_call_references():
    result = with_expectations("swap-two-calls.yaml", """\
  - cometd: {user: agent1, call: c2, state: Established, offers: [SwapCalls], lacks: [Retrieve]}
  - cometd: {user: agent1, call: c1, state: Held, offers: [Retrieve], count: 1}
  - cometd: {user: agent1, call: c1, state: Established, lacks: [Hangup]}
  - cometd: {user: agent1, messageType: DeviceStateChangeMessage, fields: {devices.0.userState.displayName: Ready}}
  - cometd: {user: agent1, messageType: DeviceStateChangeMessage, fields: {devices.0.nope: 1}}
  - tlib: {event: RequestAlternateCall, attrs: {ConnID: "{c2.connId}", PreviousConnID: "{c1.connId}"}}
  - tlib: {event: RequestAlternateCall, attrs: {ConnID: "{c1.connId}"}}
  - tlib: {event: EventDialing, dn: "15000", attrs: {CallUuid: "{c2}"}}
  - http: {request: swap, fields: {statusCode: 0}}
  - http: {request: swap, fields: {statusMessage: nope}}
""")
    passed = [e.passed for e in result.expectations]
    assert passed == [True, True, False, True, False, True, False, True, True, False]
    assert result.expectations[9].problems == ["statusMessage: expected 'nope', got absent"]


def test_sql_expectations_on_the_reporting_tables():
    result = with_expectations("conference-both-agents-dispose.yaml", """\
  - sql: {query: "select value from g_userdata_history order by id", rows: [[Sale], [FollowUp]]}
  - sql: {query: "select value from g_userdata_history order by id", rows: [[FollowUp]]}
  - sql: {query: "select nope from g_call", rows: []}
  - sql: {query: "select callid from g_call where connid = '{c1.connId}'", rows: [["{c1}"]]}
  - sql: {query: "select count(*) from g_call where callid = '{c1}'", rows: [[1]]}
""")
    outcomes = result.expectations
    assert [o.passed for o in outcomes] == [True, False, False, False, True]
    assert outcomes[1].problems == ["expected rows [['FollowUp']], got [['Sale'], ['FollowUp']]"]
    assert outcomes[2].problems == ["the query failed: no such column: nope"]


def test_a_sql_expectation_cannot_change_the_tables_or_run_for_ever():
    result = with_expectations("view-lag.yaml", """\
  - sql: {query: "delete from g_call", rows: []}
  - sql: {query: "select count(*) from g_call", rows: [[1]]}
  - sql: {query: "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n", rows: []}
""")
    outcomes = result.expectations
    assert outcomes[0].problems == ["the query failed: attempt to write a readonly database"]
    assert outcomes[1].passed
    assert outcomes[2].problems == ["the query failed: interrupted"]
