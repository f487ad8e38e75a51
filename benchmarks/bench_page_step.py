"""What one step through a run's diagram costs in a real browser, on a small page and on the biggest.

    python benchmarks/bench_page_step.py [--steps 60]

Opens, in headless Chromium, the page of `view-lag` (26 journal entries: the
baseline), of `transfers-to-support` (the biggest bundled page) and of a window
of four hours of `an-hour-of-traffic` (a full window of 4,000 entries), and
times → inside the page: the key's handler and the style and layout it causes
(forced at once, so they are counted; painting is the compositor's and is not). Prints the median and the 90th
percentile in milliseconds, and the ratio to the small page: stepping should
cost the same on a page of any size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator import run_scenario  # noqa: E402
from simulator.output.files import write_reports  # noqa: E402
from tests.pages.conftest import STEP_TIMING, chromium_path  # noqa: E402


def pages(folder: Path) -> dict[str, Path]:
    found = {}
    for name in ("view-lag", "transfers-to-support"):
        found[name] = write_reports(run_scenario(ROOT / "scenarios" / f"{name}.yaml"), folder / name) / "index.html"
    hours = yaml.safe_load((ROOT / "scenarios" / "an-hour-of-traffic.yaml").read_text())
    hours["traffic"]["duration"] = "4h"
    hours["name"] = "four-hours-of-traffic"
    source = folder / "four-hours.yaml"
    source.write_text(yaml.safe_dump(hours))
    found["a 4,000-entry window"] = write_reports(run_scenario(source), folder / "four-hours") / "index.html"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        sys.exit("no Chromium found (apt-get install chromium, or set TSIM_CHROMIUM)")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        results = {}
        for name, path in pages(Path(tmp)).items():
            page.goto(path.as_uri())
            count = page.locator("#diagram .msg:not(.copy)").count()
            page.evaluate(STEP_TIMING, 5)  # warm up
            times = sorted(page.evaluate(STEP_TIMING, args.steps))
            results[name] = statistics.median(times)
            print(f"{name}: {count} messages drawn; one step {results[name]:.1f} ms median, "
                  f"{times[int(len(times) * 0.9)]:.1f} ms p90 ({args.steps} steps)")
        browser.close()
    base = results["view-lag"]
    for name, value in results.items():
        if name != "view-lag":
            print(f"ratio {name} / view-lag: {value / base:.2f}")


if __name__ == "__main__":
    main()
