"""The HTTP transport and the Python API: `run_emulator(...)` serves a snapshot on loopback in a
background thread and yields an `Emulator` handle (URL, store, faults, request log).

The standard library's threaded HTTP server is used rather than an ASGI stack because the
"dropped connection" fault must close the socket without writing a byte, which an ASGI app
cannot do; every other behaviour lives in `app.py`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from leadgen.airtable.emulator.app import AirtableApp, Compatibility, Request, Response
from leadgen.airtable.emulator.faults import Faults
from leadgen.airtable.emulator.iterators import IteratorRegistry
from leadgen.airtable.emulator.ratelimit import RateLimiter
from leadgen.airtable.emulator.store import RecordStore
from leadgen.airtable.snapshot import Snapshot

DEFAULT_TOKEN = "patEMULATOR0000000.emulator"


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the emulator saw it; `status` is None when the connection was dropped."""

    method: str
    path: str  # percent-decoded path, without the query string
    query: dict[str, list[str]]  # decoded query parameters
    status: int | None
    timestamp: float  # time.time() when the request arrived
    body: Any = None  # the parsed JSON body, if any
    fault: str | None = None  # "drop", "slow" or "5xx" when a fault shaped the answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        super().__init__(address, _Handler)
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Airtable and requests' pool expect
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        return  # the request log replaces stderr chatter

    def _serve(self) -> None:
        arrived = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(self.command, self.path, headers, body)
        response = self.server.emulator.app.handle(request)
        self.server.emulator._record(request, response, arrived)
        if response.delay:
            time.sleep(response.delay)
        if response.drop:
            self.close_connection = True
            with suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = json.dumps(response.body, ensure_ascii=False).encode("utf-8")
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve


@dataclass
class Emulator:
    """A running emulator. Tests read `request_log` and change faults while it runs."""

    store: RecordStore
    token: str
    limiter: RateLimiter
    iterators: IteratorRegistry
    faults: Faults
    compat: Compatibility
    request_log: list[LoggedRequest] = field(default_factory=list)
    url: str = ""
    _server: _Server | None = None
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.app = AirtableApp(
            self.store,
            token=self.token,
            limiter=self.limiter,
            faults=lambda: self.faults,
            iterators=self.iterators,
            compat=self.compat,
        )

    @property
    def base_id(self) -> str:
        return self.store.base_id

    def set_faults(self, faults: Faults | str) -> None:
        self.faults = Faults.parse(faults) if isinstance(faults, str) else faults

    def clear_faults(self) -> None:
        self.faults = Faults()

    def set_rate_limit(self, rate_limit: float, penalty_seconds: float | None = None) -> None:
        """Change (or with rate 0, switch off) the limit; also lifts any current penalty."""
        self.limiter.configure(
            rate_limit, self.limiter.penalty_seconds if penalty_seconds is None else penalty_seconds
        )

    def expire_iterators(self) -> int:
        """Expire every live list iterator now (their offsets then give 422)."""
        return self.iterators.expire()

    def clear_request_log(self) -> None:
        self.request_log.clear()

    def _record(self, request: Request, response: Response, arrived: float) -> None:
        path, _, query = request.target.partition("?")
        try:
            body = json.loads(request.body) if request.body else None
        except ValueError:
            body = request.body.decode("utf-8", "replace")
        self.request_log.append(
            LoggedRequest(
                method=request.method,
                path=unquote(path),
                query=parse_qs(query, keep_blank_values=True),
                status=None if response.drop else response.status,
                timestamp=arrived,
                body=body,
                fault=response.fault,
            )
        )

    def start(self, host: str, port: int) -> None:
        self._server = _Server((host, port), self)
        bound_host, bound_port = self._server.server_address[:2]
        text = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
        shown = f"[{text}]" if ":" in text else text
        self.url = f"http://{shown}:{bound_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="airtable-emulator",
            daemon=True,
        )
        self._thread.start()

    def wait(self) -> None:
        """Block until the server stops (the CLI waits here until Ctrl-C)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with server.connections_lock:  # idle keep-alive connections would linger otherwise
            for conn in list(server.connections):
                with suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)


def create_emulator(
    snapshot: Snapshot | str | Path,
    *,
    token: str = DEFAULT_TOKEN,
    rate_limit: float = 5.0,
    penalty_seconds: float = 30.0,
    faults: Faults | str | None = None,
    seed: int | None = None,
    compat: Compatibility | None = None,
) -> Emulator:
    """An emulator over a snapshot, not yet listening (see `Emulator.start`)."""
    snap = snapshot if isinstance(snapshot, Snapshot) else Snapshot.open(snapshot)
    store = RecordStore(snap, seed=seed)
    parsed = Faults.parse(faults) if isinstance(faults, str) else (faults or Faults())
    return Emulator(
        store=store,
        token=token,
        limiter=RateLimiter(rate_limit, penalty_seconds),
        iterators=IteratorRegistry(store.ids),
        faults=parsed,
        compat=compat or Compatibility(),
    )


@contextmanager
def run_emulator(
    snapshot: Snapshot | str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str = DEFAULT_TOKEN,
    rate_limit: float = 5.0,
    penalty_seconds: float = 30.0,
    faults: Faults | str | None = None,
    seed: int | None = None,
    compat: Compatibility | None = None,
) -> Iterator[Emulator]:
    """Serve `snapshot` on http://host:port (port 0 picks a free one) for the `with` block."""
    emulator = create_emulator(
        snapshot,
        token=token,
        rate_limit=rate_limit,
        penalty_seconds=penalty_seconds,
        faults=faults,
        seed=seed,
        compat=compat,
    )
    emulator.start(host, port)
    try:
        yield emulator
    finally:
        emulator.stop()
