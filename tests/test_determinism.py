"""Same scenario and seed: byte-identical report files, in separate processes."""

import hashlib
import os
import subprocess
import sys

from .helpers import ROOT, SCENARIOS


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_two_runs_in_two_processes_are_byte_identical(tmp_path):
    outputs = []
    for run, hash_seed in (("a", "1"), ("b", "2")):  # different string hashing in each process
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-m", "simulator", "run", str(SCENARIOS), "--out", str(tmp_path / run),
                        "--quiet"], check=True, env=env, cwd=ROOT, capture_output=True)
        outputs.append(tmp_path / run)
    names = sorted(p.name for p in outputs[0].iterdir())
    assert names == sorted(p.name for p in outputs[1].iterdir()) and len(names) >= 11
    for name in names:
        if name == "index.html":
            assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes()
            continue
        assert digests(outputs[0] / name) == digests(outputs[1] / name), name
