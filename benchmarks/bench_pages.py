"""How long a run's page takes to draw, against encoding the same run's journal as JSON lines.

    python benchmarks/bench_pages.py [--scenario scenarios/conference-both-agents-dispose.yaml]

Both start from the same finished run; the ratio (page / journal.jsonl) is what to
compare between machines. Prints the median of interleaved repetitions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import run_scenario  # noqa: E402
from simulator.output.files import journal_text, report_files  # noqa: E402
from simulator.pages.folders import RUN_PAGE, run_pages_from_texts  # noqa: E402


def largest_bundled() -> Path:
    scenarios = Path(__file__).resolve().parent.parent / "scenarios"
    return max(scenarios.glob("*.yaml"), key=lambda p: len(run_scenario(p).journal))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=None, help="default: the bundled one with most entries")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    path = args.scenario or largest_bundled()
    result = run_scenario(path)
    files = report_files(result)
    json_files = {name: text for name, text in files.items() if not name.endswith(".html")}
    pages, journals = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        run_pages_from_texts(json_files)
        pages.append(time.perf_counter() - started)
        started = time.perf_counter()
        journal_text(result)
        journals.append(time.perf_counter() - started)
    page, journal = statistics.median(pages), statistics.median(journals)
    print(f"{path.name}: {len(result.journal)} journal entries, page {len(files[RUN_PAGE]):,} bytes")
    print(f"page: {page * 1000:.1f} ms (median of {args.repeat}); journal.jsonl: {journal * 1000:.2f} ms")
    print(f"ratio page / journal.jsonl: {page / journal:.1f}")


if __name__ == "__main__":
    main()
