"""JUnit XML for CI systems that are not pytest.

One ``<testsuite>`` per scenario, one ``<testcase>`` per expectation (a
scenario with none gets one case that passes when it runs), a ``<failure>``
listing what differed. No timestamps or durations, so the file is as
deterministic as the run.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..run import RunResult
from .folders import write_file


def junit_xml(results: list[RunResult], golden_failures: dict[str, str] | None = None) -> str:
    golden_failures = golden_failures or {}
    root = ET.Element("testsuites", name="tsim")
    total = failed = 0
    for result in results:
        name = result.scenario.name
        cases = [(e.text, e.problems) for e in result.expectations] or [("runs", [])]
        if name in golden_failures:
            cases.append(("journal matches the golden run", [golden_failures[name]]))
        suite = ET.SubElement(root, "testsuite", name=name, tests=str(len(cases)),
                              failures=str(sum(bool(p) for _, p in cases)))
        if result.source is not None:
            suite.set("file", str(result.source))
        for text, problems in cases:
            case = ET.SubElement(suite, "testcase", classname=f"tsim.{name}", name=text)
            if problems:
                failure = ET.SubElement(case, "failure", message=problems[0])
                failure.text = "\n".join(problems)
        total += len(cases)
        failed += sum(bool(p) for _, p in cases)
    root.set("tests", str(total))
    root.set("failures", str(failed))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(path: Path, results: list[RunResult], golden_failures: dict[str, str] | None = None) -> None:
    write_file(Path(path), junit_xml(results, golden_failures))
