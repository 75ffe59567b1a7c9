"""A webhook endpoint on 127.0.0.1 for trying deliveries locally (``triggers receive``).

It records every delivery, checks its Standard Webhooks signature when given the subscription's
secret, and answers 200, or a chosen failure status for the first few deliveries so retries,
Retry-After, 410 Gone and the dead-letter queue can be watched. The worker sends the same
``webhook-id`` on every attempt at one job, so the receiver numbers attempts by counting repeats.

An answer can also be slow, the way a struggling subscriber is (see ``Pace``): silent for a while,
dripping its status line a byte at a time, dripping its body after a prompt status, or flooding an
endless body; fault tests and the soak benchmark use these.
"""

from __future__ import annotations

import json
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from standardwebhooks import Webhook, WebhookVerificationError

from local.serving import ServerThread

HOST = "127.0.0.1"
# What a failing receiver asks for with 429 or 503, the statuses whose Retry-After the worker honours.
RETRY_AFTER_SECONDS = 2
_RETRY_AFTER_STATUSES = frozenset({429, 503})


class Pace(StrEnum):
    """How an answer is sent; every slow pace takes about ``Answer.slow_seconds`` in all."""

    PROMPT = "prompt"  # at once
    HANG = "hang"  # nothing, then the whole answer
    DRIP = "drip"  # the status line and headers a byte at a time: no status until the very end
    DRIP_BODY = "drip-body"  # status and headers at once, then the body a byte at a time
    FLOOD = "flood"  # status and headers at once, then a body without end, as fast as the client takes it


_BODY_FOR_CLIENTS_THAT_READ_IT = b'{"ok":true}'
_DRIPPED_BODY_BYTES = 20


@dataclass(frozen=True)
class Answer:
    status: int = 200
    pace: Pace = Pace.PROMPT
    slow_seconds: float = 3.0
    retry_after_seconds: int = RETRY_AFTER_SECONDS  # sent with 429 and 503

    def reaches(self, client_deadline_seconds: float) -> bool:
        """Whether a client that gives up after ``client_deadline_seconds`` gets the status at all."""
        return self.pace in {Pace.PROMPT, Pace.DRIP_BODY, Pace.FLOOD} or self.slow_seconds < client_deadline_seconds


class AnswerPlan(Protocol):
    def answer(self, request_number: int, webhook_id: str) -> Answer:
        """The answer to the receiver's ``request_number``-th request (1-based), carrying ``webhook_id``."""
        ...


@dataclass(frozen=True)
class Delivery:
    """One webhook request as the receiver saw it."""

    path: str
    headers: Mapping[str, str]  # names lower-cased
    body: bytes
    attempt: int  # how many requests with this webhook-id the receiver has seen, this one included
    signature_error: str | None  # why verification failed; None when it passed or there was no secret
    verified: bool  # the signature was checked with the secret, and matched
    answer: Answer  # how the receiver answered
    arrived: float  # time.monotonic() when the request was read

    @property
    def status(self) -> int:
        return self.answer.status

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")

    @property
    def event(self) -> dict[str, Any]:
        """The delivered event, or {} when the body is not a JSON object."""
        try:
            body = json.loads(self.body)
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def details(self) -> str:
        """The request's headers and body, indented, for ``triggers receive --verbose``."""
        headers = "".join(f"  {name}: {value}\n" for name, value in sorted(self.headers.items()))
        try:
            body = json.dumps(json.loads(self.body), indent=2, ensure_ascii=False)
        except ValueError:  # not JSON, or not UTF-8: shown as it came
            body = self.body.decode(errors="replace")
        return f"{headers}\n{textwrap.indent(body, '  ')}\n"

    def summary(self) -> str:
        """One line for a terminal; the secret and the payload stay out of it."""
        event = self.event
        if self.verified:
            signature = "signature verified"
        elif self.signature_error:
            signature = f"signature INVALID ({self.signature_error})"
        else:
            signature = "signature not checked (no --secret)"
        return (
            f"{time.strftime('%H:%M:%S')} POST {self.path} -> {self.status}  {event.get('event_type', '?')}"
            f"  event {event.get('event_id', '?')}  webhook-id {self.webhook_id or '?'}"
            f"  attempt {self.attempt}  {signature}"
        )


@dataclass(frozen=True)
class FailurePlan:
    """Answer ``status`` to the first ``times`` deliveries (every one when ``times`` is None), then 200."""

    status: int
    times: int | None = None

    def answer(self, request_number: int, webhook_id: str = "") -> Answer:
        return Answer(self.status if self.times is None or request_number <= self.times else 200)


class WebhookReceiver:
    """A threaded HTTP server; binds its port on construction (0: any free port)."""

    def __init__(
        self,
        port: int = 0,
        secret: str | None = None,
        failure: AnswerPlan | None = None,
        on_delivery: Callable[[Delivery], None] = lambda _: None,
    ) -> None:
        self._webhook = Webhook(secret) if secret else None
        self._failure = failure
        self._on_delivery = on_delivery
        self._lock = threading.Lock()
        self._requests = 0
        self._seen: Counter[str] = Counter()
        self.deliveries: list[Delivery] = []
        self._server = ThreadingHTTPServer((HOST, port), _handler_for(self))
        self._serving = ServerThread(self._server, "webhook-receiver")

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "/hooks") -> str:
        return f"http://{HOST}:{self.port}{path}"

    def start(self) -> None:
        self._serving.start()

    def stop(self) -> None:
        self._serving.stop()

    def receive(self, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """Records one request and returns how to answer it."""
        arrived = time.monotonic()
        verified, error = self._verify(headers, body)
        webhook_id = headers.get("webhook-id", "")
        with self._lock:
            self._requests += 1
            answer = self._failure.answer(self._requests, webhook_id) if self._failure else Answer()
            self._seen[webhook_id] += 1
            delivery = Delivery(path, headers, body, self._seen[webhook_id], error, verified, answer, arrived)
            self.deliveries.append(delivery)
        self._on_delivery(delivery)
        return answer

    def _verify(self, headers: Mapping[str, str], body: bytes) -> tuple[bool, str | None]:
        if self._webhook is None:
            return False, None
        try:
            self._webhook.verify(body, dict(headers))
        except (WebhookVerificationError, ValueError) as error:  # a body or header that is not even well-formed
            return False, str(error) or type(error).__name__
        return True, None


def _handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class WebhookRequestHandler(BaseHTTPRequestHandler):
        # Keep-alive, as real receivers do: the worker reuses its connections between deliveries.
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            if len(body) < length:  # the client gave up mid-request: no delivery, and no one to answer
                self.close_connection = True
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = receiver.receive(self.path, headers, body)
            try:
                self._answer(answer)
            except OSError:  # the client gave up (its deadline) and closed the connection
                self.close_connection = True

        def _answer(self, answer: Answer) -> None:
            body = _BODY_FOR_CLIENTS_THAT_READ_IT
            if answer.pace is Pace.DRIP_BODY:
                body = b"." * _DRIPPED_BODY_BYTES
            elif answer.pace is Pace.FLOOD:
                body = b""  # endless: streamed below
            head = f"{self.protocol_version} {answer.status} {self.responses.get(answer.status, ('',))[0]}\r\n"
            if answer.status in _RETRY_AFTER_STATUSES:
                head += f"retry-after: {answer.retry_after_seconds}\r\n"
            length = 1 << 40 if answer.pace is Pace.FLOOD else len(body)
            head += f"content-type: application/json\r\ncontent-length: {length}\r\n\r\n"
            if answer.pace is Pace.HANG:
                time.sleep(answer.slow_seconds)
            if answer.pace is Pace.DRIP:
                self._drip(head.encode() + body, answer.slow_seconds)
            elif answer.pace is Pace.DRIP_BODY:
                self.wfile.write(head.encode())
                self._drip(body, answer.slow_seconds)
            elif answer.pace is Pace.FLOOD:
                self.wfile.write(head.encode())
                self.close_connection = True
                chunk, until = b"x" * 65536, time.monotonic() + answer.slow_seconds
                while time.monotonic() < until:  # or until the client closes the connection
                    self.wfile.write(chunk)
            else:
                # One write: a second small one would wait for the client's delayed ACK (Nagle), 40 ms.
                self.wfile.write(head.encode() + body)

        def _drip(self, data: bytes, seconds: float) -> None:
            for offset in range(len(data)):
                self.wfile.write(data[offset : offset + 1])
                time.sleep(seconds / len(data))

        def log_message(self, format: str, *args: Any) -> None:
            pass  # each delivery is reported once, through on_delivery

    return WebhookRequestHandler
