"""The official CometD JavaScript client, under Node, as a desktop: it logs in,
subscribes to /v2/me/calls, posts a disposition on an Established call and
receives the AttachedDataChanged message, in the reference sample's shape.

Needs ``node`` and the packages in tests/live/node (``npm install`` there; .ci/run
does it). Without them the test is skipped, with the reason in the summary.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from ..gws.test_messages import SAMPLE, same_shape
from .conftest import ROOT

NODE_DESKTOP = ROOT / "tests" / "live" / "node"


def test_the_official_cometd_client_gets_attached_data_changed(live):
    node = shutil.which("node")
    if node is None:
        pytest.skip("NODE CLIENT TEST SKIPPED: node is not installed (apt-get install nodejs npm)")
    if not (NODE_DESKTOP / "node_modules" / "cometd").is_dir():
        pytest.skip(f"NODE CLIENT TEST SKIPPED: run npm install in {NODE_DESKTOP}")
    done = subprocess.run([node, str(NODE_DESKTOP / "desktop.mjs"), live.base, "agent1", "secret1"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr + done.stdout
    message = json.loads(done.stdout.strip().splitlines()[-1])
    same_shape(message, SAMPLE)
    assert message["data"]["call"]["userData"] == {"DispositionCode": "Referred"}
