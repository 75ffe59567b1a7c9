"""A reverse proxy in front of the local stack that loses the answers to the first requests.

Each of the first ``failures`` requests is forwarded to the stack, so the stack acts on it, but the
client gets ``503 SERVICE_UNAVAILABLE`` instead of the stack's answer: the worst case for a retrying
client, which cannot know whether its request took effect.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from local.serving import ServerThread

# Hop-by-hop headers and the ones httpx sets again itself.
_NOT_FORWARDED = frozenset({"host", "connection", "content-length", "transfer-encoding", "keep-alive"})
LOST_ANSWER = json.dumps(
    {"error": {"code": "SERVICE_UNAVAILABLE", "message": "Answer lost by the test proxy", "details": []}}
).encode()


class FaultyProxy:
    def __init__(self, upstream: str, failures: int = 1) -> None:
        self.upstream = upstream
        self.failures = failures
        self.forwarded: list[tuple[str, str, int]] = []  # method, path, the stack's status
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._serving = ServerThread(self._server, "faulty-proxy")
        self._upstream = httpx.Client(base_url=upstream, timeout=30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FaultyProxy:
        self._serving.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._serving.stop()
        self._upstream.close()

    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        answer = self._upstream.request(method, path, headers=headers, content=body)
        with self._lock:
            self.forwarded.append((method, path, answer.status_code))
            lose = len(self.forwarded) <= self.failures
        if lose:
            return 503, {"content-type": "application/json"}, LOST_ANSWER
        kept = {name: value for name, value in answer.headers.items() if name.lower() not in _NOT_FORWARDED}
        kept.pop("content-encoding", None)  # httpx has decoded the body
        return answer.status_code, kept, answer.content


def _handler_for(proxy: FaultyProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _proxy(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {name: value for name, value in self.headers.items() if name.lower() not in _NOT_FORWARDED}
            status, answer_headers, answer = proxy.forward(self.command, self.path, headers, body)
            self.send_response(status)
            for name, value in answer_headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = do_DELETE = do_PATCH = _proxy  # noqa: N815 - http.server's method names

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads ``forwarded`` instead."""

    return Handler
