"""Iterators that follow the API's cursors, fetching each page only when the previous one is used up.

    for event in client.inbox.list(event_type="order.created"):
        ...
    async for event in async_client.inbox.list():
        ...

``pages()`` gives whole pages instead, e.g. to save ``page.pagination.next_cursor`` and resume later
with ``cursor=``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Generic

from triggers_client._calls import ItemT, Listing, PageT
from triggers_client._transport import AsyncTransport, Transport


class Pager(Generic[PageT, ItemT]):
    def __init__(self, transport: Transport, listing: Listing[PageT, ItemT]) -> None:
        self._transport = transport
        self._listing = listing

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.pages():
            yield from self._listing.items(page)

    def pages(self) -> Iterator[PageT]:
        cursor = self._listing.start
        while True:
            page = self._transport.run(self._listing.page(cursor))
            yield page
            cursor = page.pagination.next_cursor
            if not page.pagination.has_more or cursor is None:
                return


class AsyncPager(Generic[PageT, ItemT]):
    def __init__(self, transport: AsyncTransport, listing: Listing[PageT, ItemT]) -> None:
        self._transport = transport
        self._listing = listing

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in self._listing.items(page):
                yield item

    async def pages(self) -> AsyncIterator[PageT]:
        cursor = self._listing.start
        while True:
            page = await self._transport.run(self._listing.page(cursor))
            yield page
            cursor = page.pagination.next_cursor
            if not page.pagination.has_more or cursor is None:
                return
