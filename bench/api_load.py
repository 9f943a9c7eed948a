"""The API bench's load: the app called in-process for the cost of one request, uvicorn
driven by keep-alive HTTP/1.1 clients, and the batch-stats timing."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg

from api_data import DB, OWNERS, SERVER, TENANTS, batch_uuid, owner_uuid

ROOT = Path(__file__).resolve().parent.parent


def _backend_cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


async def request_cost(url: str, requests: int = 1500) -> dict[str, float]:
    """CPU per page request with nothing else in flight: the API's (this process) and
    PostgreSQL's (the bench database's backends, read from /proc: same machine only)."""
    from leadgen.api.app import create_app
    from leadgen.settings import Settings

    app = create_app(Settings(database_url=url, cookie_secure=False))
    raw = requests_for_page()

    async def call(i: int) -> None:
        head = raw[i % len(raw)].decode().split("\r\n")
        target = head[0].split(" ")[1]
        cookie = head[2].split(": ", 1)[1]
        sent: list[Any] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        path, _, query = target.partition("?")
        await app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                   "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
                   "query_string": query.encode(), "root_path": "", "state": {},
                   "headers": [(b"host", b"127.0.0.1"), (b"cookie", cookie.encode())],
                   "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)},
                  receive, send)
        if sent[0]["status"] != 200:
            raise SystemExit(f"request_cost: {sent}")

    async with app.router.lifespan_context(app):
        for i in range(300):  # warm: pools, prepared statements, the principal cache
            await call(i)
        watcher = await asyncpg.connect(SERVER)
        try:
            pids = [r[0] for r in await watcher.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1", DB)]
            pg0, py0, wall0 = _backend_cpu_seconds(pids), time.process_time(), time.perf_counter()
            for i in range(requests):
                await call(i)
            wall = time.perf_counter() - wall0
            py = time.process_time() - py0
            pg = _backend_cpu_seconds(pids) - pg0
        finally:
            await watcher.close()
    return {"python_ms": round(1000 * py / requests, 3),
            "postgres_ms": round(1000 * pg / requests, 3),
            "wall_ms": round(1000 * wall / requests, 3)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "COOKIE_SECURE": "false"}
    env.pop("APP_DATABASE_URL", None)
    command = [sys.executable, "-m", "uvicorn", "leadgen.api.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--loop", "uvloop", "--http", "httptools", "--no-access-log",
               "--log-level", "warning"]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("the API did not start")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def requests_for_page() -> list[bytes]:
    out = []
    for t in range(1, TENANTS + 1):
        for o in range(1, OWNERS + 1):
            out.append(
                (f"GET /api/messages?owner_id={owner_uuid(t, o)}&status=draft&limit=50 "
                 f"HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: leadgen_session=bench-token-{t}\r\n"
                 "\r\n").encode())
    return out


async def drive(port: int, requests: list[bytes], clients: int, seconds: float,
                warmup: float) -> dict[str, Any]:
    """Keep-alive HTTP/1.1 clients; returns latency figures (server and client side)."""
    server_ms: list[float] = []
    client_ms: list[float] = []
    errors: list[str] = []
    begin = time.perf_counter()
    measure_from = begin + warmup
    stop_at = measure_from + seconds

    async def one(offset: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = offset * 7
        try:
            while (now := time.perf_counter()) < stop_at:
                writer.write(requests[i % len(requests)])
                i += 1
                head = await reader.readuntil(b"\r\n\r\n")
                found = re.search(rb"(?i)content-length: *(\d+)", head)
                if found is None:
                    raise RuntimeError(f"no Content-Length in {head!r}")
                length = int(found.group(1))
                body = await reader.readexactly(length)
                done = time.perf_counter()
                if not head.startswith(b"HTTP/1.1 200") or not body.startswith(b'{"items":['):
                    errors.append(head.split(b"\r\n", 1)[0].decode() + body[:200].decode())
                    continue
                if now >= measure_from:
                    timing = re.search(rb"(?i)server-timing: *app;dur=([\d.]+)", head)
                    server_ms.append(float(timing.group(1)) if timing else float("nan"))
                    client_ms.append((done - now) * 1000)
        finally:
            writer.close()

    await asyncio.gather(*(one(k) for k in range(clients)))
    return {"requests": len(server_ms), "rps": len(server_ms) / seconds,
            "server": percentiles(server_ms), "client": percentiles(client_ms),
            "errors": len(errors), "first_error": errors[0] if errors else None}


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1], 2),
            "mean": round(statistics.fmean(ordered), 2)}


async def batch_stats_timing(port: int, runs: int = 20) -> dict[str, float]:
    import httpx

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}",
                                 cookies={"leadgen_session": "bench-token-1"}) as client:
        url = f"/api/batches/{batch_uuid(1, 1)}/stats"
        first = (await client.get(url)).json()
        assert first["contacts"]["total"] == 50_000, first["contacts"]
        server = []
        for _ in range(runs):
            response = await client.get(url)
            server.append(float(response.headers["server-timing"].split("dur=")[1]))
        return {"companies": sum(r["count"] for r in first["companies_by_status_tier"]),
                **percentiles(server)}
