"""The two clients: blocking (:class:`TriggersClient`) and asyncio (:class:`AsyncTriggersClient`)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import httpx

from triggers_client import _operations as operations
from triggers_client._retry import RetryPolicy
from triggers_client._transport import AsyncTransport, Transport
from triggers_client.models import Health
from triggers_client.resources import (
    AsyncAudit,
    AsyncEvents,
    AsyncInbox,
    AsyncKeys,
    AsyncStatsResource,
    AsyncSubscriptions,
    Audit,
    Events,
    Inbox,
    Keys,
    StatsResource,
    Subscriptions,
)

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_RETRIES = 3


class TriggersClient:
    """A client of one Triggers API deployment, authenticated with one API key.

    ``timeout`` bounds each request in seconds (or pass an ``httpx.Timeout``); ``max_retries`` bounds
    the automatic retries of a request (see the README for which requests are retried). Pass
    ``http_client`` to use your own ``httpx.Client`` (proxies, TLS settings); you close it yourself.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=timeout)
        transport = Transport(self._http, base_url, api_key, RetryPolicy(max_retries=max_retries))
        self._transport = transport
        self.events = Events(transport)
        self.inbox = Inbox(transport)
        self.subscriptions = Subscriptions(transport)
        self.keys = Keys(transport)
        self.audit = Audit(transport)
        self.stats = StatsResource(transport)

    def health(self) -> Health:
        """The API's status and version; needs no scope."""
        return self._transport.run(operations.health())

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncTriggersClient:
    """The asyncio twin of :class:`TriggersClient`: the same resources, each method awaitable and
    each listing an ``async for`` iterator."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=timeout)
        transport = AsyncTransport(self._http, base_url, api_key, RetryPolicy(max_retries=max_retries))
        self._transport = transport
        self.events = AsyncEvents(transport)
        self.inbox = AsyncInbox(transport)
        self.subscriptions = AsyncSubscriptions(transport)
        self.keys = AsyncKeys(transport)
        self.audit = AsyncAudit(transport)
        self.stats = AsyncStatsResource(transport)

    async def health(self) -> Health:
        """The API's status and version; needs no scope."""
        return await self._transport.run(operations.health())

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()
