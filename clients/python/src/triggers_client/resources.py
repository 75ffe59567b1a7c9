"""The client's resources: each method is an operation from ``_operations`` run by the client's
transport, with the operation's own signature and documentation (blocking, or awaitable)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

from triggers_client import _operations as operations
from triggers_client._calls import ItemT, Listing, PageT
from triggers_client._transport import AsyncTransport, Operation, Transport
from triggers_client.pagination import AsyncPager, Pager

P = ParamSpec("P")
T = TypeVar("T")


class Resource:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport


class AsyncResource:
    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport


def blocking(build: Callable[P, Operation[T]]) -> Callable[Concatenate[Resource, P], T]:
    @functools.wraps(build)
    def method(self: Resource, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._transport.run(build(*args, **kwargs))

    return method


def awaitable(build: Callable[P, Operation[T]]) -> Callable[Concatenate[AsyncResource, P], Coroutine[Any, Any, T]]:
    @functools.wraps(build)
    async def method(self: AsyncResource, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._transport.run(build(*args, **kwargs))

    return method


def paged(build: Callable[P, Listing[PageT, ItemT]]) -> Callable[Concatenate[Resource, P], Pager[PageT, ItemT]]:
    @functools.wraps(build)
    def method(self: Resource, /, *args: P.args, **kwargs: P.kwargs) -> Pager[PageT, ItemT]:
        return Pager(self._transport, build(*args, **kwargs))

    return method


def async_paged(
    build: Callable[P, Listing[PageT, ItemT]],
) -> Callable[Concatenate[AsyncResource, P], AsyncPager[PageT, ItemT]]:
    @functools.wraps(build)
    def method(self: AsyncResource, /, *args: P.args, **kwargs: P.kwargs) -> AsyncPager[PageT, ItemT]:
        return AsyncPager(self._transport, build(*args, **kwargs))

    return method


class Events(Resource):
    """Send, list, read, acknowledge, replay and erase events."""

    send = blocking(operations.send_event)
    send_many = blocking(operations.send_events)
    list = paged(operations.list_events)
    get = blocking(operations.get_event)
    ack = blocking(operations.ack_event)
    replay = blocking(operations.replay_event)
    delete = blocking(operations.delete_event)


class AsyncEvents(AsyncResource):
    """Send, list, read, acknowledge, replay and erase events."""

    send = awaitable(operations.send_event)
    send_many = awaitable(operations.send_events)
    list = async_paged(operations.list_events)
    get = awaitable(operations.get_event)
    ack = awaitable(operations.ack_event)
    replay = awaitable(operations.replay_event)
    delete = awaitable(operations.delete_event)


class Inbox(Resource):
    """Pull events that are waiting, and acknowledge them in bulk."""

    list = paged(operations.list_inbox)
    ack = blocking(operations.ack_events)


class AsyncInbox(AsyncResource):
    """Pull events that are waiting, and acknowledge them in bulk."""

    list = async_paged(operations.list_inbox)
    ack = awaitable(operations.ack_events)


class Subscriptions(Resource):
    """Webhook subscriptions: where events are pushed, and the operations that keep them working."""

    create = blocking(operations.create_subscription)
    list = blocking(operations.list_subscriptions)
    get = blocking(operations.get_subscription)
    update = blocking(operations.update_subscription)
    delete = blocking(operations.delete_subscription)
    rotate_secret = blocking(operations.rotate_secret)
    test = blocking(operations.send_test)
    attempts = paged(operations.list_attempts)
    recover = blocking(operations.recover)


class AsyncSubscriptions(AsyncResource):
    """Webhook subscriptions: where events are pushed, and the operations that keep them working."""

    create = awaitable(operations.create_subscription)
    list = awaitable(operations.list_subscriptions)
    get = awaitable(operations.get_subscription)
    update = awaitable(operations.update_subscription)
    delete = awaitable(operations.delete_subscription)
    rotate_secret = awaitable(operations.rotate_secret)
    test = awaitable(operations.send_test)
    attempts = async_paged(operations.list_attempts)
    recover = awaitable(operations.recover)


class Keys(Resource):
    """API keys of the tenant."""

    create = blocking(operations.create_key)
    list = blocking(operations.list_keys)
    current = blocking(operations.current_key)
    revoke = blocking(operations.revoke_key)


class Audit(Resource):
    """The tenant's audit log."""

    list = paged(operations.list_audit)


class StatsResource(Resource):
    """The tenant's counts and delivery latency over time."""

    get = blocking(operations.get_stats)


class AsyncKeys(AsyncResource):
    """API keys of the tenant."""

    create = awaitable(operations.create_key)
    list = awaitable(operations.list_keys)
    current = awaitable(operations.current_key)
    revoke = awaitable(operations.revoke_key)


class AsyncAudit(AsyncResource):
    """The tenant's audit log."""

    list = async_paged(operations.list_audit)


class AsyncStatsResource(AsyncResource):
    """The tenant's counts and delivery latency over time."""

    get = awaitable(operations.get_stats)
