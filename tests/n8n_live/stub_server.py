"""A local stand-in for the AI, search and Lemlist APIs the workflows' HTTP Request nodes call.

Each workflow's requests go to `<stub>/<key>/…` (the test rewrites the host of the node's URL
and nothing else); the stub answers the fixed JSON registered for that key, shaped as the real
API answers (Perplexity's chat completions, Anthropic's messages), and records every request
so a test can check what n8n sent.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit


def perplexity(answer: dict[str, Any]) -> dict[str, Any]:
    """A chat-completions answer whose message content is `answer` as JSON text."""
    return {"id": "stub", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant",
                                                 "content": json.dumps(answer)}}]}


def anthropic(answer: dict[str, Any]) -> dict[str, Any]:
    """A messages answer whose first text block is `answer` as JSON text."""
    return {"id": "stub", "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": json.dumps(answer)}]}


class StubServer:
    """`with StubServer({"l1": {...}}) as stub:` → stub.url, stub.requests."""

    def __init__(self, answers: dict[str, dict[str, Any]]) -> None:
        self.answers = answers
        self.requests: list[tuple[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    def point(self, workflow: dict[str, Any], key: str) -> dict[str, Any]:
        """The workflow with each HTTP Request node's scheme and host replaced by the stub's."""
        out = json.loads(json.dumps(workflow))
        for node in out["nodes"]:
            if node["type"] == "n8n-nodes-base.httpRequest":
                url = urlsplit(node["parameters"]["url"])
                node["parameters"]["url"] = f"{self.url}/{key}{url.path}"
        return out

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                key = self.path.strip("/").split("/")[0]
                try:
                    sent: Any = json.loads(body or b"null")
                except json.JSONDecodeError:
                    sent = body.decode("utf-8", "replace")
                stub.requests.append((key, sent))
                answer = stub.answers.get(key)
                data = json.dumps(answer if answer is not None else
                                  {"error": f"no stub answer for {key!r}"}).encode()
                self.send_response(200 if answer is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
