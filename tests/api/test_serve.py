"""`leadgen serve` starts the API on the given host and port."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from support.api import free_port


def test_serve_answers_health_and_readiness(database_url: str) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "COOKIE_SECURE": "false"}
    env.pop("APP_DATABASE_URL", None)
    # The with block closes the output pipe and waits for the child (no unclosed file left).
    with subprocess.Popen(
        [sys.executable, "-m", "leadgen", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    ) as proc:
        _answers(proc, port)


def _answers(proc: subprocess.Popen[bytes], port: int) -> None:
    try:
        deadline = time.time() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.time() < deadline, "leadgen serve did not start"
                time.sleep(0.3)
        assert response.status_code == 200 and response.json()["status"] == "ready"
        assert httpx.get(f"http://127.0.0.1:{port}/api/messages").status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)
