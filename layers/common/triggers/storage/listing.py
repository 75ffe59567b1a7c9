"""Pages merged across write shards: the inbox (its sparse index) and the event history (the table's own
key ranges), and any other listing whose sort keys are UUIDv7 ids spread over ``<tenant>#<shard>``.

Ids are globally time-ordered, so "everything after (or before) the last id returned" is one consistent
position in every shard: pages never skip or repeat an item. Each shard first reads its expected share
of the page (all shards in parallel); a shard that runs dry while it still has items is read further,
so a skewed shard costs a round trip, never a wrong page. A page ends at its item limit or before its
response would outgrow Lambda's payload limit, whichever comes first.

A filter (type, source, status, outcome) can make a shard read far for few items: a rare event type in
a month of events would read the month. So each shard reads at most ``MAX_READS_PER_SHARD`` times per
page. A shard that spends them without finding an item stops the page at the position it reached: the
page holds every match before that position (possibly none) and says ``has_more``, and the next page
resumes there. No match is skipped, and no page costs more than a bounded read, whoever asks.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from triggers.ids import highest_id_at, lowest_id_at
from triggers.models import Order
from triggers.storage.dynamo import storage_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

Item = dict[str, Any]  # a DynamoDB item in the low-level client's attribute-value format

# Sort-key bounds: ids are 36 lowercase hex-and-dash characters, so "0" sorts before all and "~" after.
BEFORE_ALL_IDS = "0"
AFTER_ALL_IDS = "~"
# Each shard first reads its even share of a page plus this margin, which covers the usual skew.
_SHARE_SLACK = 1.5
# A filtered read goes on in larger steps, and a shard reads at most this often for one page.
FILTERED_READ_ITEMS = 250
MAX_READS_PER_SHARD = 4
# Lambda answers at most 6 MB, and a page's JSON is escaped once more inside the proxy response.
MAX_PAGE_WIRE_BYTES = 5_000_000
# An event's fields besides its payload and metadata, at their longest (ids, type, source, 20 tags...).
_FIELDS_WIRE_BYTES = 4_096


def wire_size(item: Item) -> int:
    """An upper bound of the bytes an item adds to a Lambda proxy response.

    ``json.dumps`` of stored JSON text is exactly how long that text becomes once the page (which
    embeds it) is itself embedded as a string in the proxy response: quotes, backslashes and
    non-ASCII characters all grow there.
    """
    stored = [item[name]["S"] for name in ("payload", "metadata") if name in item]
    return _FIELDS_WIRE_BYTES + sum(len(json.dumps(text)) for text in stored)


@dataclass(frozen=True)
class IdRange:
    """The ids a page may hold: a time window, narrowed to after (or before) the last page's last id."""

    low: str
    high: str

    @classmethod
    def of(cls, since: datetime | None, until: datetime | None, after: str | None, order: Order) -> IdRange:
        low = lowest_id_at(since) if since else BEFORE_ALL_IDS
        high = highest_id_at(until) if until else AFTER_ALL_IDS
        if after is not None and order is Order.ASC:
            low = max(low, after + " ")  # a space sorts below every id character: the next string after `after`
        elif after is not None:
            high = min(high, after)  # inclusive: the reader drops `after` itself
        return cls(low, high)


T = TypeVar("T")


@dataclass(frozen=True)
class Slice(Generic[T]):
    """One page of a listing. ``resume_after`` is where the next page starts when that is not the last
    item's position: a read that stopped at its budget continues from where it got to."""

    items: list[T]
    has_more: bool
    resume_after: str | None = None


class _ShardReader:
    """One shard's items in sort-key order, read a page at a time as the merge consumes them."""

    def __init__(self, client: DynamoDBClient, request: QueryInputTypeDef, skip: str | None, order_by: str) -> None:
        self._client = client
        self._request = request
        self._skip = skip  # the previous page's last id, which an inclusive bound lets back in
        self._order_by = order_by
        self._items: deque[Item] = deque()
        self._exhausted = False
        self._reads = 0
        self.position: str | None = None  # the last sort key read, matched or not

    def fill(self) -> None:
        """Reads until a read yields items (a filter can empty one), the shard is exhausted, or the page's
        reads are spent: then the shard is ``stalled`` at ``position``."""
        while not self._items and not self._exhausted and self._reads < MAX_READS_PER_SHARD:
            with storage_errors():
                response = self._client.query(**self._request)
            self._reads += 1
            self._items.extend(item for item in response.get("Items", []) if self.id_of(item) != self._skip)
            if "LastEvaluatedKey" in response:
                self._request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
                self.position = self.id_of(response["LastEvaluatedKey"])
                if "FilterExpression" in self._request:
                    self._request["Limit"] = max(self._request.get("Limit", 0), FILTERED_READ_ITEMS)
            else:
                self._exhausted = True

    @property
    def stalled(self) -> bool:
        """Out of reads for this page with nothing in hand, and more of the shard unread."""
        return not self._items and not self._exhausted

    def id_of(self, item: Item) -> str:
        return str(item[self._order_by]["S"])

    def head_id(self) -> str | None:
        self.fill()
        return self.id_of(self._items[0]) if self._items else None

    def head(self) -> Item:
        return self._items[0]

    def take(self) -> Item:
        return self._items.popleft()


ShardQuery = Callable[[int, int], "QueryInputTypeDef"]  # (shard, items to read first) -> the shard's Query


def merged_page(
    client: DynamoDBClient,
    pool: ThreadPoolExecutor | None,  # None: one shard, read in this thread
    shard_count: int,
    shard_query: ShardQuery,
    limit: int,
    order: Order,
    after: str | None,
    order_by: str = "sk",
) -> Slice[Item]:
    """Up to ``limit`` items across every shard, merged by their ``order_by`` attribute (an id) in ``order``."""
    wanted = limit + 1  # one extra tells whether another page exists
    share = min(wanted, math.ceil(wanted * _SHARE_SLACK / shard_count) + 1)
    skip = after if order is Order.DESC else None
    shards = [_ShardReader(client, shard_query(shard, share), skip, order_by) for shard in range(shard_count)]
    list((pool.map if pool else map)(_ShardReader.fill, shards))
    # heapq pops the smallest: newest first inverts the ids (each character's complement sorts in reverse).
    sort_key = _ascending if order is Order.ASC else _descending
    # The nearest position a stalled shard reached: nothing beyond it may be listed on this page.
    stop: tuple[str, str] | None = None

    def head_of(index: int) -> str | None:
        nonlocal stop
        reader = shards[index]
        head = reader.head_id()
        if head is None and reader.stalled and reader.position is not None:
            reached = (sort_key(reader.position), reader.position)
            stop = min(stop, reached) if stop else reached
        return head

    heads = [(sort_key(head), index) for index in range(shard_count) if (head := head_of(index))]
    heapq.heapify(heads)
    page: list[Item] = []
    size = 0
    while heads:
        ordered, index = heapq.heappop(heads)
        if stop and ordered > stop[0]:
            return Slice(page, has_more=True, resume_after=stop[1])
        reader = shards[index]
        cost = wire_size(reader.head())
        if len(page) == limit or (page and size + cost > MAX_PAGE_WIRE_BYTES):
            return Slice(page, has_more=True)
        page.append(reader.take())
        size += cost
        if next_id := head_of(index):
            heapq.heappush(heads, (sort_key(next_id), index))
    if stop:
        return Slice(page, has_more=True, resume_after=stop[1])
    return Slice(page, has_more=False)


def _ascending(item_id: str) -> str:
    return item_id


def _descending(item_id: str) -> str:
    return item_id.translate(_REVERSED)


# Ids are 36 characters of 0-9, a-f and "-": mirroring each in that alphabet reverses their order.
_ID_ALPHABET = "-0123456789abcdef"
_REVERSED = str.maketrans(_ID_ALPHABET, _ID_ALPHABET[::-1])
