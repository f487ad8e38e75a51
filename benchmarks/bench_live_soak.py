"""A day at the desk, compressed: 10 desktops against one tsim serve for 30 minutes
(``--minutes 3`` for a quick run), and whether the server's memory stays flat.

    python benchmarks/bench_live_soak.py [--minutes 30] [--desktops 10]

Calls arrive by traffic into a queue the desktops' agents answer (a call every
40 ms; each talked for 0.25 s, then the caller hangs up). Each desktop is a real
client: it logs in, handshakes CometD and long-polls; when a call of its agent
becomes Established it sets a disposition (userData path: timed from the POST to
its AttachedDataChanged), and when the call is Released it sets another (userEvent
path: no CometD message). Every 15 s the server's resident memory (VmRSS) is
sampled. At the end the server gets SIGTERM and the time it takes to write its
reports is measured.

Targets (issue 18): RSS after 30 minutes within 20% of RSS after 3 minutes; p99 of
the disposition's round trip ≤ 25 ms; the reports written in under 10 s. The
server runs with its defaults (``--journal records``, released calls forgotten
after the retention, here one minute, as the scenario says).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import httpx

HERE = Path(__file__).resolve().parent
SAMPLE_EVERY = 15.0  # s


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scenario(desktops: int, minutes: float) -> str:
    dns = "\n".join(f'    "{15000 + i}": {{agent: agent{i}}}' for i in range(desktops))
    users = "\n".join(f'    agent{i}: {{device: "{15000 + i}", password: pw{i}}}' for i in range(desktops))
    return f"""version: 1
name: live-soak
description: a soak of tsim serve (benchmarks/bench_live_soak.py)
switch:
  dns:
    "16000": {{type: ACDQueue}}
{dns}
  latency: {{gws_to_tserver: 1ms, tserver_to_gws: 1ms, tserver_to_reporting: 1ms}}
web_services:
  call_completion: after_retention
  retention: 1min
  users:
{users}
reporting:
  user_event_data_timeout: 1min
traffic:
  rate: 25
  duration: {int(minutes * 60) + 60}s
  to: "16000"
  answer_after: 50ms
  talk: 250ms
  patience: 10s
"""


async def desktop(base: str, index: int, until: float, latencies: list[float], done: list[int]) -> None:
    async with aiohttp.ClientSession(base_url=base, timeout=aiohttp.ClientTimeout(total=40),
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        basic = base64.b64encode(f"agent{index}:pw{index}".encode()).decode()
        async with http.get("/api/v2/me", headers={"Authorization": f"Basic {basic}"}) as me:
            token = me.headers["X-CSRF-TOKEN"]
        handshake = {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}
        async with http.post("/api/v2/notifications", json=[handshake]) as hs:
            client = (await hs.json())[0]["clientId"]
        connect = {"channel": "/meta/connect", "clientId": client, "connectionType": "long-polling"}
        async with http.post("/api/v2/notifications", json=[
                {"channel": "/meta/subscribe", "clientId": client, "subscription": "/v2/me/calls"}, connect]):
            pass
        waiting: dict[str, float] = {}  # call id → when its userData disposition was sent
        n = 0
        while time.perf_counter() < until:
            async with http.post("/api/v2/notifications", json=[connect]) as polled:
                messages = await polled.json()
            for message in messages:
                data = message.get("data") or {}
                call = data.get("call") or {}
                kind, state = data.get("notificationType"), call.get("state")
                if kind == "AttachedDataChanged" and call.get("id") in waiting:
                    latencies.append(time.perf_counter() - waiting.pop(call["id"]))
                if kind != "StatusChange" or state not in ("Established", "Released"):
                    continue
                n += 1
                body = {"operationName": "SetCallDisposition", "callUuid": call["id"], "disposition": f"D{n}"}
                if state == "Established":
                    waiting[call["id"]] = time.perf_counter()
                else:
                    waiting.pop(call["id"], None)
                async with http.post(f"/api/v2/me/calls/{call['id']}", json=body,
                                     headers={"X-CSRF-TOKEN": token}) as answer:
                    if (await answer.json()).get("statusCode") == 0:
                        done[0] += 1


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--desktops", type=int, default=10)
    args = parser.parse_args()
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "live-soak.yaml"
        path.write_text(scenario(args.desktops, args.minutes))
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "simulator", "serve", str(path), "--port", str(port),
                                   "--out", str(Path(folder) / "out")], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, cwd=HERE.parent)
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        latencies: list[float] = []
        done = [0]
        samples: list[tuple[float, float]] = []
        started = time.perf_counter()

        async def sample() -> None:
            while time.perf_counter() - started < seconds:
                samples.append((time.perf_counter() - started, rss_mb(server.pid)))
                print(f"  {samples[-1][0]:7.0f} s  RSS {samples[-1][1]:7.1f} MB  {done[0]:,} dispositions",
                      flush=True)
                await asyncio.sleep(SAMPLE_EVERY)

        async def run_all() -> None:
            until = started + seconds
            await asyncio.gather(sample(), *(desktop(f"http://127.0.0.1:{port}", i, until, latencies, done)
                                             for i in range(args.desktops)))

        try:
            asyncio.run(run_all())
            final_rss = rss_mb(server.pid)
            stopping = time.perf_counter()
            server.send_signal(signal.SIGTERM)
            server.wait(300)
            stop_s = time.perf_counter() - stopping
        finally:
            if server.poll() is None:
                server.kill()
        stderr = server.stderr.read().decode() if server.stderr else ""
        written = sorted(p.name for p in (Path(folder) / "out" / "live-soak").iterdir())
        session = (Path(folder) / "out" / "live-soak" / "session.yaml").stat().st_size
    if server.returncode != 0:
        sys.exit(f"tsim serve ended with {server.returncode}: {stderr[-2000:]}")
    q = statistics.quantiles(latencies, n=100)
    at3 = min(samples, key=lambda s: abs(s[0] - 180))[1]
    print(f"{args.desktops} desktops for {args.minutes:g} min: {done[0]:,} dispositions, "
          f"{done[0] / seconds:,.0f}/s")
    print(f"userData round trip (POST → AttachedDataChanged): p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms ({len(latencies):,} timed)")
    print(f"RSS: {samples[0][1]:.1f} MB at {samples[0][0]:.0f} s, {at3:.1f} MB near 3 min, {final_rss:.1f} MB at the "
          f"end; end / 3 min = {final_rss / at3:.2f}")
    print(f"SIGTERM → reports written and the process gone: {stop_s:.1f} s; session.yaml {session / 1e6:.1f} MB; "
          f"files: {', '.join(written)}")
    print(json.dumps({"dispositions": done[0], "rate": done[0] / seconds, "p50_ms": q[49] * 1000,
                      "p99_ms": q[98] * 1000, "max_ms": max(latencies) * 1000, "rss": samples,
                      "rss_end": final_rss, "stop_s": stop_s}))


if __name__ == "__main__":
    main()
