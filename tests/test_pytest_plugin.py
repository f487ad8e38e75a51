"""The pytest plugin: scenario files as test items, readable failures."""

import shutil

from .helpers import SCENARIOS


def copy(pytester, *names):
    for name in names:
        shutil.copy(SCENARIOS / name, pytester.path / name)


def test_scenarios_are_collected_and_pass(pytester):
    copy(pytester, "view-lag.yaml", "disposition-after-release.yaml")
    (pytester.path / "not-a-scenario.yaml").write_text("key: value\n")
    result = pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*view-lag.yaml::view-lag PASSED*"])


def test_a_broken_expectation_fails_with_a_diff_and_a_timeline(pytester):
    text = (SCENARIOS / "view-lag.yaml").read_text().replace("reporting: lost}", "reporting: reported}")
    (pytester.path / "view-lag.yaml").write_text(text)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*1 problem(s) in view-lag.yaml (seed 10):*",
        "*✗ dispose: reporting: expected 'reported', got 'lost'*",
        "*timeline around 266.01s:*",
        "*→ #17 *step 3 (line 24): gws*",
        "*EventError 56 Invalid ConnID*",
    ])


def test_a_bad_scenario_file_fails_with_its_line(pytester):
    text = (SCENARIOS / "view-lag.yaml").read_text().replace("at: 4s", "at: soon")
    (pytester.path / "view-lag.yaml").write_text(text)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*bad scenario file: *view-lag.yaml:22: steps?1?.at: expected a duration*"])


def test_a_typo_or_a_missing_section_is_a_collection_error_not_a_skip(pytester):
    text = (SCENARIOS / "view-lag.yaml").read_text()
    (pytester.path / "typo.yaml").write_text(text.replace("expect:", "expects:"))
    no_switch = text.split("switch:")[0] + "steps: []\n"
    (pytester.path / "no-switch.yaml").write_text(no_switch)
    (pytester.path / "broken.yaml").write_text("version: 1\nsteps: [\n")
    (pytester.path / "docker-compose.yml").write_text("version: '3'\nservices: {web: {image: x}}\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*broken.yaml:3: not valid YAML*", "*no-switch.yaml:1: switch: required*",
                                 "*typo.yaml:31: expects: unknown key*"])


def test_a_missing_golden_journal_fails_unless_updating(pytester):
    copy(pytester, "view-lag.yaml")
    (pytester.path / "golden").mkdir()
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*golden?view-lag.jsonl: no golden journal*"])
    result = pytester.runpytest_subprocess("--tsim-update-golden")
    result.assert_outcomes(passed=1)
    assert (pytester.path / "golden" / "view-lag.jsonl").read_text() == \
        (SCENARIOS / "golden" / "view-lag.jsonl").read_text()
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_a_seed_override_says_the_golden_check_is_off(pytester):
    copy(pytester, "view-lag.yaml")
    (pytester.path / "golden").mkdir()
    result = pytester.runpytest_subprocess("--tsim-seed", "3")
    result.stdout.fnmatch_lines(["tsim: --tsim-seed 3: *golden journals are NOT compared*",
                                 "*golden journals not compared for 1 scenario(s) because of --tsim-seed*"])


def test_golden_folder_beside_the_scenarios_is_checked(pytester):
    copy(pytester, "view-lag.yaml")
    (pytester.path / "golden").mkdir()
    golden = (SCENARIOS / "golden" / "view-lag.jsonl").read_text().splitlines()
    golden[20] = golden[20][:-1] + ', "changed": true}'
    (pytester.path / "golden" / "view-lag.jsonl").write_text("\n".join(golden) + "\n")
    result = pytester.runpytest_subprocess("--tsim-reports", str(pytester.path / "out"))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*view-lag.jsonl:21: the journal differs from the golden run*"])
    assert (pytester.path / "out" / "view-lag" / "summary.md").exists()
