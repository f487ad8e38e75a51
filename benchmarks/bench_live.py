"""Live mode under load: N desktops, each with its own session and CometD client,
posting dispositions on their Established calls as fast as their answers allow.

    python benchmarks/bench_live.py [--desktops 20] [--seconds 10]

Reports dispositions per second and the latency from sending SetCallDisposition to
receiving its CometD AttachedDataChanged (p50, p99). Beside it, in the same run, the
same number of clients posting to a bare endpoint of the same web stack (Starlette
on uvicorn, answering {"statusCode": 0}): the ratio of the two throughputs is what to
compare between machines. Both servers run in their own process; the links of the
benchmark's switch take no time, so the latency is the web stack's and the model's.
Each server's own CPU time (from /proc, the clients' not counted) per request is
reported too: on a machine whose clients share the cores with the servers, that
ratio moves less from run to run than the throughputs do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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
BARE = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def answer(request):
    await request.body()
    return JSONResponse({"statusCode": 0})
app = Starlette(routes=[Route("/api/v2/me/calls/{id}", answer, methods=["POST"])])
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scenario(desktops: int) -> str:
    dns = "\n".join(f'    "{15000 + i}": {{agent: agent{i}}}\n    "{16000 + i}": {{}}' for i in range(desktops))
    users = "\n".join(f'    agent{i}: {{device: "{15000 + i}", password: pw{i}}}' for i in range(desktops))
    steps = "\n".join(f'  - {{at: 0.1, dial: {{from: "{16000 + i}", to: "{15000 + i}"}}, call: c{i}}}\n'
                      f'  - {{at: 0.2, answer: {{dn: "{15000 + i}", call: c{i}}}}}' for i in range(desktops))
    return (f"version: 1\nname: bench-live\ndescription: load\nswitch:\n  dns:\n{dns}\n"
            f"  latency: {{gws_to_tserver: 0ms, tserver_to_gws: 0ms, tserver_to_reporting: 0ms}}\n"
            f"web_services:\n  users:\n{users}\nsteps:\n{steps}\n")


async def desktop(base: str, index: int, until: float, latencies: list[float], done: list[int]) -> None:
    async with aiohttp.ClientSession(base_url=base, timeout=aiohttp.ClientTimeout(total=35),
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:  # cookies for 127.0.0.1
        async with http.get("/api/v2/me", auth=aiohttp.BasicAuth(f"agent{index}", f"pw{index}")) as me:
            token = me.headers["X-CSRF-TOKEN"]
        async with http.get("/api/v2/me/calls") as answer:
            (call,) = (await answer.json())["calls"]
        handshake = {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}
        async with http.post("/api/v2/notifications", json=[handshake]) as hs:
            client = (await hs.json())[0]["clientId"]
        async with http.post("/api/v2/notifications", json=[
                {"channel": "/meta/subscribe", "clientId": client, "subscription": "/v2/me/calls"},
                {"channel": "/meta/connect", "clientId": client, "connectionType": "long-polling"}]) as first:
            await first.read()
        connect = [{"channel": "/meta/connect", "clientId": client, "connectionType": "long-polling"}]
        n = 0
        while time.perf_counter() < until:
            n += 1
            body = {"operationName": "SetCallDisposition", "callUuid": call["id"], "disposition": f"D{n}"}
            started = time.perf_counter()
            async with http.post(f"/api/v2/me/calls/{call['id']}", json=body,
                                 headers={"X-CSRF-TOKEN": token}) as answer:
                assert (await answer.json()) == {"statusCode": 0}
            while True:
                async with http.post("/api/v2/notifications", json=connect) as polled:
                    messages = await polled.json()
                if any(m.get("data", {}).get("notificationType") == "AttachedDataChanged" for m in messages):
                    break
            latencies.append(time.perf_counter() - started)
            done[0] += 1


async def bare_client(base: str, until: float, done: list[int]) -> None:
    async with aiohttp.ClientSession(base_url=base) as http:
        while time.perf_counter() < until:
            async with http.post("/api/v2/me/calls/x", json={"operationName": "SetCallDisposition"}) as answer:
                await answer.read()
            done[0] += 1


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux: /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desktops", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench-live.yaml"
        path.write_text(scenario(args.desktops))
        (Path(folder) / "bare.py").write_text(BARE)
        port, bare_port = free_port(), free_port()
        tsim = subprocess.Popen([sys.executable, "-m", "simulator", "serve", str(path), "--port", str(port),
                                 "--out", str(Path(folder) / "out")], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, cwd=HERE.parent)
        bare = subprocess.Popen([sys.executable, "-m", "uvicorn", "bare:app", "--port", str(bare_port),
                                 "--log-level", "warning"], cwd=folder, stderr=subprocess.PIPE)
        try:
            wait_for(f"http://127.0.0.1:{port}/openapi.json")
            wait_for(f"http://127.0.0.1:{bare_port}/")
            time.sleep(0.5)  # the calls are up
            latencies: list[float] = []
            done, bare_done = [0], [0]
            tsim_before, bare_before = cpu_seconds(tsim.pid), cpu_seconds(bare.pid)

            async def run_all() -> None:
                until = time.perf_counter() + args.seconds
                await asyncio.gather(*(desktop(f"http://127.0.0.1:{port}", i, until, latencies, done)
                                       for i in range(args.desktops)))
                until = time.perf_counter() + args.seconds
                await asyncio.gather(*(bare_client(f"http://127.0.0.1:{bare_port}", until, bare_done)
                                       for _ in range(args.desktops)))

            asyncio.run(run_all())
            cpu_tsim, cpu_bare = cpu_seconds(tsim.pid) - tsim_before, cpu_seconds(bare.pid) - bare_before
        finally:
            for process in (tsim, bare):
                process.terminate()
                process.wait(20)
    rate, bare_rate = done[0] / args.seconds, bare_done[0] / args.seconds
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"{args.desktops} desktops, {args.seconds:g} s each part")
    print(f"tsim serve: {rate:,.0f} dispositions/s (each: POST, then the CometD long-poll until its "
          f"AttachedDataChanged); latency p50 {quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms")
    print(f"bare endpoint, same web stack: {bare_rate:,.0f} POSTs/s")
    print(f"ratio tsim / bare: {rate / bare_rate:.2f} (a disposition is two HTTP round trips, the bare POST one)")
    per_tsim, per_bare = cpu_tsim / max(done[0], 1) * 1e6, cpu_bare / max(bare_done[0], 1) * 1e6
    print(f"server CPU (the clients' not counted): tsim {per_tsim:,.0f} µs per disposition, bare {per_bare:,.0f} µs "
          f"per POST; ratio {per_tsim / per_bare:.2f} (steadier than the throughputs: the clients share the cores)")
    print(json.dumps({"rate": rate, "bare": bare_rate, "p50_ms": quantiles[49] * 1000,
                      "p99_ms": quantiles[98] * 1000, "cpu_us_per_disposition": per_tsim,
                      "cpu_us_per_bare_post": per_bare}))


if __name__ == "__main__":
    main()
