"""Generate scenario files from ``tsim schema`` (half of them mutated) and run each.

    python fuzz/schema_files.py --files 2000 [--keep DIR]

Every file must end ``tsim run`` with exit 0, 1 or 2 and no traceback; exit 3
(an internal error) is a bug. The suite runs a few hundred of the same kind
(tests/test_schema_fuzz.py); this is the larger run. Prints the exit codes'
counts and each file that broke the rule (kept in --keep, default a
temporary folder); exits 1 if any did.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from fuzz.in_process import run  # noqa: E402
from tests.schema_documents import documents  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--keep", type=Path, default=None, help="folder for the generated files")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="tsim-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    codes: Counter[int] = Counter()
    broken: list[str] = []
    started = time.perf_counter()

    @settings(max_examples=args.files, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(text=documents())
    def one(text: str) -> None:
        path = folder / f"s{sum(codes.values()):05d}.yaml"
        path.write_text(text, encoding="utf-8")
        code, err = run(path, folder / "out")
        codes[code] += 1
        if code not in (0, 1, 2) or "Traceback" in err or "tsim: internal error" in err:
            broken.append(f"{path}: exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}")

    one()
    elapsed = time.perf_counter() - started
    for line in broken:
        print(line)
    total = sum(codes.values())
    print(f"{total} files in {elapsed:.0f}s: exit codes {dict(sorted(codes.items()))}; "
          f"{len(broken)} broke the rule (exit 3 or a traceback)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
