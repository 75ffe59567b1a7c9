"""Counts every AWS API call the request path makes, per event, with the DynamoDB capacity it consumes.

Requests go through the HTTP API emulator, so each one runs the authorizer and then the route
function, as in AWS. Every botocore call in the process is recorded, whatever client makes it.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from benchmarks import fixtures
from benchmarks.call_recorder import ApiCall, recording_calls
from benchmarks.fixtures import BATCH_SIZE, INBOX_PAGE_SIZE, Scenario
from benchmarks.report import per, table

# Columns always shown, so a zero proves the absence of a call rather than its omission.
_FIXED_COLUMNS = (("dynamodb", "PutItem"), ("dynamodb", "BatchWriteItem"), ("dynamodb", "UpdateItem"))
_FIXED_COLUMNS += (("dynamodb", "Query"), ("dynamodb", "GetItem"), ("kms", "*"), ("secretsmanager", "*"))
_COLUMN_NAMES = {"kms": "KMS", "secretsmanager": "SecretsMgr"}

INGEST_LOW_TRAFFIC = "ingest_single_1rps"


@dataclass
class Tally:
    """Calls and capacity of a workload: the first request of fresh containers apart from the rest."""

    requests: int = 0
    events: int = 0
    log_bytes: int = 0
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    init_calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    items_written: int = 0
    table_write_units: float = 0
    index_write_units: float = 0
    read_units: float = 0

    def add(self, calls: list[ApiCall]) -> None:
        for call in calls:
            self.calls[(call.service, call.operation)] += 1
            self.items_written += call.items_written
            self.table_write_units += call.table_write_units
            self.index_write_units += call.index_write_units
            self.read_units += call.read_units

    def per_event(self, value: float) -> float:
        return value / self.events

    def as_dict(self) -> dict[str, Any]:
        def by_operation(counter: Counter[tuple[str, str]]) -> dict[str, int]:
            return {f"{service}:{operation}": count for (service, operation), count in sorted(counter.items())}

        return {
            "requests": self.requests,
            "events": self.events,
            "calls": by_operation(self.calls),
            "calls_per_event": {k: v / self.events for k, v in by_operation(self.calls).items()},
            "container_init_calls": by_operation(self.init_calls),
            "items_written_per_event": self.per_event(self.items_written),
            "table_write_units_per_event": self.per_event(self.table_write_units),
            "index_write_units_per_event": self.per_event(self.index_write_units),
            "write_units_per_event": self.per_event(self.table_write_units + self.index_write_units),
            "read_units_per_event": self.per_event(self.read_units),
            "log_bytes_per_request": self.log_bytes / self.requests,
        }


@dataclass(frozen=True)
class Workload:
    scenario: str
    label: str
    requests: int
    events_per_request: int
    send: Callable[[int], int]  # sends request n, returns the HTTP status
    expected_status: int
    pause: Callable[[], None] = lambda: None  # untimed, before each request


def _until_next_second() -> None:
    time.sleep(math.ceil(time.time()) - time.time() + 0.01)


def _workloads(quick: bool) -> list[Workload]:
    from local.gateway_events import HttpRequest
    from local.http_api import HttpApiEmulator

    gateway = HttpApiEmulator(fixtures.REGISTRY)
    scale = 10 if quick else 1

    def client(tenant: str) -> Callable[..., int]:
        # Each workload has its own key at the default rate limit, so their lease counters are separate.
        key = fixtures.issue_key(tenant)

        def send(
            method: str, path: str, body: Any = None, query: str = "", headers: Mapping[str, str] | None = None
        ) -> int:
            all_headers = {"authorization": f"Bearer {key}", **(headers or {})}
            if body is not None:
                all_headers["content-type"] = "application/json"
            payload = json.dumps(body).encode() if body is not None else None
            return gateway.handle(HttpRequest(method, path, all_headers, query, payload)).status

        return send

    single, keyed, slow, batch, inbox = (client(name) for name in ("single", "keyed", "slow", "batch", "inbox"))
    # Enough pending events that every shard fills its part of a page.
    fixtures.seed_inbox("inbox", int(os.environ["SHARD_COUNT"]) * (INBOX_PAGE_SIZE + 10))
    auth_key = fixtures.issue_key("auth")
    auth_event, auth_context = fixtures.authorizer_request(auth_key), fixtures.lambda_context("authorizer")
    authorizer = fixtures.handler("authorizer")

    def authorize(_: int) -> int:
        return 200 if authorizer(auth_event, auth_context)["isAuthorized"] else 403

    def authorize_uncached(n: int) -> int:
        fixtures.forget_authorizer_decisions()
        return authorize(n)

    def sample_batch(n: int) -> list[dict[str, Any]]:
        return [fixtures.sample_event(n * BATCH_SIZE + i) for i in range(BATCH_SIZE)]

    return [
        Workload(Scenario.AUTHORIZER_CACHED, "authorizer only, cached", 1000 // scale, 1, authorize, 200),
        Workload(Scenario.AUTHORIZER_UNCACHED, "authorizer only, uncached", 200 // scale, 1, authorize_uncached, 200),
        Workload(
            Scenario.INGEST_SINGLE,
            "ingest 1 event",
            requests=1000 // scale,
            events_per_request=1,
            send=lambda n: single("POST", "/v1/events", fixtures.sample_event(n)),
            expected_status=201,
        ),
        Workload(
            INGEST_LOW_TRAFFIC,
            "ingest 1 event, 1 request/s",
            requests=2 if quick else 4,
            events_per_request=1,
            send=lambda n: slow("POST", "/v1/events", fixtures.sample_event(n)),
            expected_status=201,
            pause=_until_next_second,
        ),
        Workload(
            Scenario.INGEST_IDEMPOTENT,
            "ingest 1 event + Idempotency-Key",
            requests=1000 // scale,
            events_per_request=1,
            send=lambda n: keyed("POST", "/v1/events", fixtures.sample_event(n), headers={"idempotency-key": f"k-{n}"}),
            expected_status=201,
        ),
        Workload(
            Scenario.INGEST_BATCH,
            f"ingest batch of {BATCH_SIZE}",
            requests=3 if quick else 10,
            events_per_request=BATCH_SIZE,
            send=lambda n: batch("POST", "/v1/events/batch", {"events": sample_batch(n)}),
            expected_status=201,
            # Under 10 batches a second: the default limit is 1,000 events/s per key.
            pause=lambda: time.sleep(0.1),
        ),
        Workload(
            Scenario.INBOX_PAGE,
            f"inbox page of {INBOX_PAGE_SIZE}",
            requests=3 if quick else 10,
            events_per_request=INBOX_PAGE_SIZE,
            send=lambda _: inbox("GET", "/v1/inbox", query=f"limit={INBOX_PAGE_SIZE}"),
            expected_status=200,
        ),
    ]


def _run(workload: Workload) -> Tally:
    tally = Tally()
    fixtures.reset_containers()  # so the first request shows what a new container costs
    for number in range(workload.requests + 1):
        workload.pause()
        with recording_calls() as calls, fixtures.metered_stdout() as stdout:
            status = workload.send(number)
        if status != workload.expected_status:
            raise RuntimeError(f"{workload.label}: request {number} answered {status}, not {workload.expected_status}")
        if number == 0:
            tally.init_calls.update((call.service, call.operation) for call in calls)
            continue
        tally.add(calls)
        tally.requests += 1
        tally.events += workload.events_per_request
        tally.log_bytes += stdout.bytes
    return tally


def run(quick: bool) -> dict[str, Any]:
    with fixtures.emulated_aws():
        workloads = _workloads(quick)
        tallies = {workload.scenario: _run(workload) for workload in workloads}
    print(render(workloads, tallies))
    return {scenario: tally.as_dict() for scenario, tally in tallies.items()}


def render(workloads: list[Workload], tallies: Mapping[str, Tally]) -> str:
    observed = {key for tally in tallies.values() for key in tally.calls}
    extra = sorted(key for key in observed if key not in _FIXED_COLUMNS and (key[0], "*") not in _FIXED_COLUMNS)
    columns = [*_FIXED_COLUMNS, *extra]

    def count(tally: Tally, column: tuple[str, str]) -> int:
        service, operation = column
        return sum(n for (s, o), n in tally.calls.items() if s == service and operation in ("*", o))

    headers = ["per event (after the first request)", "requests", *(_COLUMN_NAMES.get(s, o) for s, o in columns)]
    rows = []
    for workload in workloads:
        tally = tallies[workload.scenario]
        rows.append([workload.label, tally.requests, *(per(count(tally, column) / tally.events) for column in columns)])
    calls = table(
        "AWS API calls per event (authorizer + route function, through the HTTP API emulator, moto)",
        headers,
        rows,
        [
            "An 'event' is one ingested or listed event; for the authorizer-only rows it is one request.",
            "UpdateItem on ingest = rate-limit leases (one per key per container per second, each leasing 10%",
            "of the key's per-second limit, default 1000/s: ~0.01 at full speed, 1 at 1 request/s), plus, with an",
            "Idempotency-Key, Powertools completing its record. Container start-up calls are listed below.",
        ],
    )
    capacity_rows = []
    for w in workloads:
        t = tallies[w.scenario]
        init = ", ".join(f"{op} {n}" for (_, op), n in sorted(t.init_calls.items())) or "-"
        capacity_rows.append(
            [
                w.label,
                per(t.per_event(t.items_written)),
                per(t.per_event(t.table_write_units)),
                per(t.per_event(t.index_write_units)),
                per(t.per_event(t.read_units)),
                f"{t.log_bytes / t.requests:.0f}",
                init,
            ]
        )
    capacity = table(
        "DynamoDB capacity per event (on-demand units) and function output",
        [
            "per event",
            "items written",
            "WRU table",
            "WRU index",
            "RRU",
            "stdout B/req",
            "first request, new containers",
        ],
        capacity_rows,
        [
            "WRU: 1 per started KB written, charged again on every GSI the item lands in (the events table's",
            "sparse inbox index holds every pending event). RRU: 0.5 per started 4 KB read, eventually consistent.",
            "stdout B/req: what the functions print per request (log lines, EMF metrics): CloudWatch Logs input.",
        ],
    )
    return calls + "\n" + capacity
