"""How many single-event POSTs per second an environment holds from ONE tenant with push delivery on,
by arithmetic: every limit on the way is a rate, and the environment's figure is the smallest of them.

The path of one event, delivered to one subscription on its first try:

* API Gateway: the stage throttle, within the account's HTTP API throttle (a quota);
* Lambda: the authorizer and ingest, each at most its reserved concurrency (Little's law: concurrent
  executions = requests per second x seconds per invocation);
* DynamoDB: every write of the event lands on its partition key ``<tenant>#<shard>``, and the inbox
  index's on ``<tenant>#<shard>#<status>``. Sort keys are UUIDv7s, always increasing, so DynamoDB's
  split for heat cannot spread a key's writes: each key holds at most 1,000 write units a second.
  The table as a whole holds at most the account's on-demand table maximum;
* the dispatcher: (stream shards x parallelization factor) batches at once, each of ``STREAM_BATCH``
  records, several records per event (each write to the events table is one);
* the worker: at most ``worker_max`` invocations at once (the SQS event source's cap), each delivering
  its batch side by side, as long as the subscriber takes to answer.

``tests/infrastructure/test_capacity.py`` checks that prod holds ``PROD_TARGET_EVENTS_PER_SECOND``;
``make bench`` prints this table for every environment (``python -m benchmarks --only capacity``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from triggers.routes import FunctionName

from stacks.config import MIN_UNRESERVED_CONCURRENCY, EnvironmentConfig
from stacks.delivery_stack import STREAM_BATCH_SIZE as STREAM_BATCH
from stacks.delivery_stack import WORKER_BATCH_SIZE

PROD_TARGET_EVENTS_PER_SECOND = 10_000
# A planned rate uses at most this share of a limit: the rest absorbs bursts and uneven shards.
HEADROOM = 0.7

PARTITION_WRITE_UNITS_PER_SECOND = 1_000  # DynamoDB, per partition key value (no split for heat)
# Writes of one event (up to 1 KB: one write unit each) to its own partition key, delivered once:
# ingest's PutItem, the dispatcher's ledger update, the worker's attempt record (stored next to the
# event), and the worker's settle-and-roll-up (one conditional update when it settles the last pending
# subscription). benchmarks/e2e_cost.py counts the same writes in the running code.
TABLE_WRITES_PER_EVENT = 4
# Writes to the inbox index's key of the pending event ("<tenant>#<shard>#pending"): the PutItem adds
# it, the ledger update rewrites it (the index projects every attribute), the roll-up removes it.
INBOX_WRITES_PER_EVENT = 3
# Stream records per event (one per write above) and DynamoDB partitions per stream shard (about one).
STREAM_RECORDS_PER_EVENT = TABLE_WRITES_PER_EVENT

# Seconds per invocation, averaged over cache hits and misses and cold starts (assumptions, stated).
AUTHORIZER_SECONDS = 0.030
INGEST_SECONDS = 0.040
# A dispatcher batch: per event two sequential calls (ledger update, SQS send) of ~5 ms, plus CPU.
DISPATCH_SECONDS_PER_EVENT = 0.012
DISPATCH_SECONDS_PER_BATCH = 0.030  # the batch's stats writes and the invocation itself
# A worker invocation: its jobs run side by side; each is four DynamoDB calls and the POST.
SUBSCRIBER_SECONDS = 0.200  # how long a subscriber takes to answer (p50 assumption)
WORKER_SECONDS_OVERHEAD = 0.030


@dataclass(frozen=True)
class Limit:
    """One rate limit on the path: the events per second it holds (at ``HEADROOM`` of it), and why."""

    name: str
    events_per_second: float
    arithmetic: str


@dataclass(frozen=True)
class Capacity:
    environment: str
    limits: tuple[Limit, ...]
    # The smallest number of write shards that keeps each partition key within HEADROOM at the target.
    shards_needed_for_target: int
    target: int

    @property
    def events_per_second(self) -> float:
        return min(limit.events_per_second for limit in self.limits)

    @property
    def bottleneck(self) -> Limit:
        return min(self.limits, key=lambda limit: limit.events_per_second)

    def holds(self, events_per_second: float) -> bool:
        return self.events_per_second >= events_per_second


def planned_rate(config: EnvironmentConfig) -> int:
    """What an environment is sized for: prod the target, the others their stage rate."""
    return PROD_TARGET_EVENTS_PER_SECOND if config.name == "prod" else config.throttle.rate_limit


def shards_for(events_per_second: float) -> int:
    """Write shards so that the hottest partition key takes at most HEADROOM of its 1,000 units."""
    hottest = max(TABLE_WRITES_PER_EVENT, INBOX_WRITES_PER_EVENT)
    return math.ceil(events_per_second * hottest / (PARTITION_WRITE_UNITS_PER_SECOND * HEADROOM))


def stream_shards(events_per_second: float) -> int:
    """DynamoDB streams have about one shard per table partition; a table has at least one partition
    per 1,000 write units a second it takes (fewer events, fewer shards: a quiet table has one)."""
    return max(1, math.ceil(events_per_second * TABLE_WRITES_PER_EVENT / PARTITION_WRITE_UNITS_PER_SECOND))


def worker_batch_seconds() -> float:
    return SUBSCRIBER_SECONDS + WORKER_SECONDS_OVERHEAD


def capacity(config: EnvironmentConfig, target: int | None = None) -> Capacity:
    """What ``config`` holds; ``target`` (default: its planned rate) sizes the shards and the stream."""
    target = target or planned_rate(config)
    account = config.account
    reserved = config.concurrency.reserved
    shard_keys = config.shard_count * PARTITION_WRITE_UNITS_PER_SECOND * HEADROOM
    shards = stream_shards(target)
    batch_seconds = STREAM_BATCH / STREAM_RECORDS_PER_EVENT * DISPATCH_SECONDS_PER_EVENT + DISPATCH_SECONDS_PER_BATCH
    dispatch_batches = shards * config.concurrency.stream_parallelization
    limits = (
        Limit(
            "API stage throttle",
            min(config.throttle.rate_limit, account.http_api_rate) * 1.0,
            f"min(stage {config.throttle.rate_limit:,}, account {account.http_api_rate:,}) requests/s",
        ),
        Limit(
            "authorizer concurrency",
            reserved[FunctionName.AUTHORIZER] / AUTHORIZER_SECONDS * HEADROOM,
            f"{reserved[FunctionName.AUTHORIZER]:,} reserved / {AUTHORIZER_SECONDS * 1000:g} ms x {HEADROOM:g}",
        ),
        Limit(
            "ingest concurrency",
            reserved[FunctionName.INGEST] / INGEST_SECONDS * HEADROOM,
            f"{reserved[FunctionName.INGEST]:,} reserved / {INGEST_SECONDS * 1000:g} ms x {HEADROOM:g}",
        ),
        Limit(
            "events table partition keys",
            shard_keys / TABLE_WRITES_PER_EVENT,
            f"{config.shard_count} shards x 1,000 WCU x {HEADROOM:g} / {TABLE_WRITES_PER_EVENT} writes per event",
        ),
        Limit(
            "inbox index partition keys",
            shard_keys / INBOX_WRITES_PER_EVENT,
            f"{config.shard_count} shards x 1,000 WCU x {HEADROOM:g} / {INBOX_WRITES_PER_EVENT} writes per event",
        ),
        Limit(
            "events table (account maximum)",
            account.dynamodb_table_write_units * HEADROOM / TABLE_WRITES_PER_EVENT,
            f"{account.dynamodb_table_write_units:,} WCU/s x {HEADROOM:g} / {TABLE_WRITES_PER_EVENT} writes per event",
        ),
        Limit(
            "dispatcher (stream)",
            dispatch_batches * STREAM_BATCH / batch_seconds / STREAM_RECORDS_PER_EVENT * HEADROOM,
            f"{shards} stream shards x {config.concurrency.stream_parallelization} batches of {STREAM_BATCH}"
            f" records / {batch_seconds * 1000:.0f} ms / {STREAM_RECORDS_PER_EVENT} records per event x {HEADROOM:g}",
        ),
        Limit(
            "worker (SQS event source)",
            config.concurrency.worker_max * WORKER_BATCH_SIZE / worker_batch_seconds() * HEADROOM,
            f"{config.concurrency.worker_max:,} at once x {WORKER_BATCH_SIZE} jobs"
            f" / {worker_batch_seconds() * 1000:.0f} ms (subscriber {SUBSCRIBER_SECONDS * 1000:g} ms) x {HEADROOM:g}",
        ),
        Limit(
            "stats table partition key",
            PARTITION_WRITE_UNITS_PER_SECOND * HEADROOM * STREAM_BATCH / STREAM_RECORDS_PER_EVENT,
            f"one write per tenant and bucket per stream batch of {STREAM_BATCH}: 1,000 WCU x {HEADROOM:g}"
            f" batches/s x {STREAM_BATCH} / {STREAM_RECORDS_PER_EVENT} records per event",
        ),
        _account_concurrency(config, dispatch_batches),
    )
    return Capacity(config.name, limits, shards_for(target), target)


def _account_concurrency(config: EnvironmentConfig, dispatch_batches: int) -> Limit:
    """Not a rate but a fit: the reservations, the dispatcher's and the worker's caps, and what Lambda keeps
    unreserved for the other functions must all fit in the account's concurrency."""
    peak = config.concurrency.total_reserved + dispatch_batches + config.concurrency.worker_max
    peak += MIN_UNRESERVED_CONCURRENCY
    fits = peak <= config.account.lambda_concurrency
    return Limit(
        "Lambda account concurrency",
        math.inf if fits else 0.0,
        f"{config.concurrency.total_reserved:,} reserved + {dispatch_batches:,} dispatcher + "
        f"{config.concurrency.worker_max:,} worker + {MIN_UNRESERVED_CONCURRENCY} unreserved = {peak:,}"
        f" {'<=' if fits else '>'} {config.account.lambda_concurrency:,}",
    )
