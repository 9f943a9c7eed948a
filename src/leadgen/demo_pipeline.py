"""A stand-in for the customer's n8n pipeline, for `leadgen demo` only.

The API starts a run by calling the tenant's n8n webhook. In the demo there is no n8n, so this
small HTTP receiver takes that call, checks its signature, and plays the run through the same
progress-store SQL the n8n Postgres nodes run (`sql/n8n/progress.sql`): totals, then L1, L2 and
person progress with costs, then completion — so the dashboard's live progress moves.
It enriches nothing; it only shows the plumbing end to end.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from uuid import UUID

from leadgen.db.connect import connect, tenant_transaction, with_user
from leadgen.n8n.library import run_query

STEP_SECONDS = 0.4


class PipelineStandIn:
    """`with PipelineStandIn(database_url, tenant_id) as n8n:` → n8n.url, n8n.secret.

    It serves one tenant (the demo's): the webhook names the tenant by slug only.
    """

    def __init__(self, database_url: str, tenant_id: UUID) -> None:
        self.tenant_id = tenant_id
        self.secret = secrets.token_urlsafe(24)
        self._app_url = with_user(database_url, "leadgen_app")
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhook/leadgen-run"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> PipelineStandIn:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                expected = hmac.new(stand_in.secret.encode(), body, hashlib.sha256).hexdigest()
                signature = self.headers.get("X-Leadgen-Signature", "")
                if not hmac.compare_digest(signature.removeprefix("sha256="), expected):
                    self.send_response(401)
                    self.end_headers()
                    return
                payload: dict[str, Any] = json.loads(body)
                self.send_response(202)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"accepted": true}')
                threading.Thread(target=stand_in.play, args=(payload,), daemon=True).start()

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep the demo's terminal quiet

        return Handler

    def play(self, payload: dict[str, Any]) -> None:
        asyncio.run(self._play(payload))

    async def _play(self, payload: dict[str, Any]) -> None:
        tenant_id = self.tenant_id
        run_id = UUID(str(payload["run_id"]))
        conn = await connect(self._app_url)
        try:
            async with tenant_transaction(conn, tenant_id, actor="n8n-demo"):
                stats = await conn.fetchrow(
                    """SELECT count(DISTINCT co.id) AS companies, count(*) AS contacts
                       FROM contacts ct LEFT JOIN companies co
                         ON co.tenant_id = ct.tenant_id AND co.id = ct.company_id
                       WHERE ct.tenant_id = $1 AND ct.batch_id = $2""",
                    tenant_id, UUID(str(payload["batch_id"])))
                assert stats is not None  # an aggregate always returns one row
                companies, contacts = int(stats["companies"]), int(stats["contacts"])
                await run_query(conn, "set_run_totals", tenant_id, run_id, companies,
                                companies, contacts, companies, contacts)
            for stage, total, cost in (("l1", companies, 0.002), ("l2", companies, 0.011),
                                       ("person", contacts, 0.004)):
                done = 0
                step = max(1, total // 12)
                while done < total:
                    n = min(step, total - done)
                    done += n
                    counts = {"l1": 0, "l2": 0, "person": 0, stage: n}
                    async with tenant_transaction(conn, tenant_id, actor="n8n-demo"):
                        await run_query(conn, "add_progress", tenant_id, run_id, counts["l1"],
                                        counts["l2"], counts["person"], round(n * cost, 4))
                    await asyncio.sleep(STEP_SECONDS)
            async with tenant_transaction(conn, tenant_id, actor="n8n-demo"):
                await run_query(conn, "finish_run", tenant_id, run_id)
        finally:
            await conn.close()
