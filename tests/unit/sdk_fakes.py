"""A scripted API for the client's unit tests: httpx's MockTransport answering from a list."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from triggers_client import AsyncTriggersClient, TriggersClient

BASE_URL = "https://api.test"
KEY = "trg_testkey00000_secret"
SUMMARY = {"event_id": "e-1", "event_type": "order.created", "status": "pending", "received_at": "2026-01-31T09:30:00Z"}

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def envelope(status: int, code: str, message: str = "refused", **extra: Any) -> httpx.Response:
    body = {"error": {"code": code, "message": message, "request_id": "req-1", "details": [], **extra}}
    return httpx.Response(status, json=body)


class FakeApi:
    """Answers each request with the next scripted answer (a response, an exception to raise, or a
    function of the request) and records every request."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def bodies(self) -> list[Any]:
        return [json.loads(request.content) for request in self.requests]

    def client(self, max_retries: int = 3) -> TriggersClient:
        http = httpx.Client(transport=httpx.MockTransport(self))
        return TriggersClient(BASE_URL, KEY, max_retries=max_retries, http_client=http)

    def async_client(self, max_retries: int = 3) -> AsyncTriggersClient:
        http = httpx.AsyncClient(transport=httpx.MockTransport(self))
        return AsyncTriggersClient(BASE_URL, KEY, max_retries=max_retries, http_client=http)
