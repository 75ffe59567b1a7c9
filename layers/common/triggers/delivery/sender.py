"""One signed webhook POST to a subscriber: the piece the worker and a "send a test webhook" route share.

* **SSRF-safe.** The host is resolved once per connection through the ``TargetPolicy`` and the socket
  connects to an address that policy admitted; the URL's host still names the TLS server (SNI and
  certificate check) and the ``Host`` header. A DNS answer that changes between check and connect
  (rebinding) cannot redirect the request. Redirects are not followed and proxy settings are ignored.
* **One deadline per attempt.** DNS, connect, TLS, sending and reading the answer all share it: every
  socket operation waits at most what is left of it, so a subscriber that drips its answer a byte at
  a time is cut off at the deadline, not after one timeout per read.
* **A bounded read.** At most ``max_response_bytes`` of the response body are read, streamed; the rest
  is never fetched (the connection is then closed rather than reused).

Built on httpcore (httpx's engine), whose network backends are its documented extension point.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpcore
import httpx

from triggers import __version__
from triggers.delivery.reply import WebhookReply
from triggers.delivery.signing import webhook_headers
from triggers.delivery.targets import TargetLookupFailed, TargetPolicy, TargetRefused
from triggers.observability import tracing
from triggers.settings import OutboundWebhookSettings

USER_AGENT = f"TriggersAPI-Webhooks/{__version__}"
_RETRY_AFTER_STATUSES = frozenset({429, 503})
# Whatever the transport can raise once a request is under way (timeouts, resets, TLS, bad HTTP).
_TRANSPORT_ERRORS = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError)

# When the current thread's attempt must end (time.monotonic()); the network backend reads it.
_attempt_deadline: ContextVar[float | None] = ContextVar("webhook_attempt_deadline", default=None)


def _within_deadline(timeout: float | None, expired: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` shortened to what is left of the attempt's deadline; raises ``expired`` once it passed."""
    deadline = _attempt_deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the delivery deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> _DeadlineStream:
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Opens connections only to addresses the policy admitted, from one lookup, within the deadline."""

    def __init__(self, policy: TargetPolicy, network: httpcore.NetworkBackend | None = None) -> None:
        self._policy = policy
        self._network = network or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        lookup_budget = _within_deadline(timeout, httpcore.ConnectTimeout)
        addresses = self._policy.admitted_addresses(host, port, lookup_budget or 0)
        failure: Exception | None = None
        for address in addresses:  # in the resolver's order, as a plain client would try them
            try:
                stream = self._network.connect_tcp(
                    address, port, _within_deadline(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream)
        assert failure is not None  # admitted_addresses never returns an empty list
        raise failure


def parse_retry_after(value: str | None, now: datetime) -> int | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return int(value.strip())
    try:
        return max(0, int((parsedate_to_datetime(value) - now).total_seconds()))
    except (TypeError, ValueError):
        return None


class WebhookSender:
    """Signs and POSTs webhook bodies; one per container, shared by concurrent deliveries (thread-safe)."""

    def __init__(
        self,
        policy: TargetPolicy,
        deadline_seconds: float,
        max_response_bytes: int,
        max_connections: int = 10,
        clock: Callable[[], float] = time.time,
        network: httpcore.NetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._deadline_seconds = deadline_seconds
        self._max_response_bytes = max_response_bytes
        self._clock = clock
        # Keep-alive connections are reused per origin; each was opened to an address the policy admitted.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            network_backend=PinnedBackend(policy, network),
        )

    @classmethod
    def from_settings(cls, settings: OutboundWebhookSettings, max_connections: int = 10) -> WebhookSender:
        return cls(
            TargetPolicy.from_settings(settings),
            deadline_seconds=settings.delivery_deadline_seconds,
            max_response_bytes=settings.response_body_limit_bytes,
            max_connections=max_connections,
        )

    def post(self, url: str, secrets: str | Sequence[str], webhook_id: str, body: bytes) -> WebhookReply:
        """POSTs ``body`` signed per Standard Webhooks; never raises for anything the subscriber does."""
        started = time.monotonic()
        try:
            self._policy.endpoint(url)
            request = httpx.Request("POST", url, content=body, headers=self._headers(secrets, webhook_id, body))
        except TargetRefused as refused:
            return WebhookReply(None, 0, error=refused.message, refused=True)
        except httpx.InvalidURL:
            return WebhookReply(None, 0, error="target_url is not a valid URL", refused=True)
        token = _attempt_deadline.set(started + self._deadline_seconds)
        try:
            with tracing.subsegment(request.url.host, remote=True):
                return self._exchange(request, started)
        except TargetRefused as refused:
            return WebhookReply(None, _elapsed_ms(started), error=refused.message, refused=True)
        except TargetLookupFailed as failed:
            return WebhookReply(None, _elapsed_ms(started), error=failed.message)
        except httpcore.TimeoutException:
            return WebhookReply(None, _elapsed_ms(started), error=f"no answer within {self._deadline_seconds:g} s")
        except _TRANSPORT_ERRORS as exc:
            return WebhookReply(None, _elapsed_ms(started), error=f"{type(exc).__name__}: request failed")
        finally:
            _attempt_deadline.reset(token)

    def _headers(self, secrets: str | Sequence[str], webhook_id: str, body: bytes) -> dict[str, str]:
        return webhook_headers(secrets, webhook_id, int(self._clock()), body) | {"user-agent": USER_AGENT}

    def _exchange(self, request: httpx.Request, started: float) -> WebhookReply:
        url = httpcore.URL(
            scheme=request.url.raw_scheme, host=request.url.raw_host, port=request.url.port, target=request.url.raw_path
        )
        limit = self._deadline_seconds
        timeouts = {"connect": limit, "read": limit, "write": limit, "pool": limit}
        with self._pool.stream(
            b"POST", url, headers=request.headers.raw, content=request.content, extensions={"timeout": timeouts}
        ) as response:
            excerpt = self._read_excerpt(response)
        retry_after = None
        if response.status in _RETRY_AFTER_STATUSES:
            header = next((value for name, value in response.headers if name.lower() == b"retry-after"), None)
            retry_after = parse_retry_after(header.decode("latin-1") if header else None, datetime.now(UTC))
        error = None if 200 <= response.status < 300 else f"HTTP {response.status}"
        return WebhookReply(response.status, _elapsed_ms(started), retry_after, error, body_excerpt=excerpt)

    def _read_excerpt(self, response: httpcore.Response) -> bytes:
        """Up to the cap of the body; leaving the stream early closes the connection instead of draining it."""
        excerpt = bytearray()
        try:
            for chunk in response.iter_stream():
                excerpt += chunk[: self._max_response_bytes - len(excerpt)]
                if len(excerpt) >= self._max_response_bytes:
                    break
        except _TRANSPORT_ERRORS:
            pass  # the status line was the subscriber's answer; a body cut short by the deadline changes nothing
        return bytes(excerpt)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
