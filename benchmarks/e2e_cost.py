"""AWS cost per million events END TO END: ingest, the stream and the dispatcher, SQS, the worker's
webhook POST, every table and index write (attempts included) and the stats, counted in the running
code, for one and two subscriptions, single events and batches of 100, every delivery a first-try 2xx.

The whole pipeline runs in-process against moto (the local stack's pollers stand in for Lambda's event
source mappings, batching as they do: up to STREAM_BATCH_SIZE stream records, 10 queue messages), posting to a
receiver on 127.0.0.1. Every AWS call is recorded with the function whose invocation made it; calls the
pollers make are the event sources' (reading a DynamoDB stream for Lambda is free; the SQS queue's
receives and deletes are billed). The ingest part (API Gateway, the authorizer, ingest) is priced by
the `cost` section from its own measured CPU; this section adds what delivery costs on top.
"""

from __future__ import annotations

import math
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from benchmarks import assumptions, fixtures
from benchmarks.assumptions import PRICES
from benchmarks.call_recorder import ApiCall, recording_calls
from benchmarks.fixtures import BATCH_SIZE, Scenario
from benchmarks.report import per, table, usd

BUDGETS_USD = {"single": 5.00, "batch": 2.50}
# What one delivered event must write whatever the code does, while the inbox index lists pending and
# delivered events apart and every attempt is indexed per subscription.
_FLOOR_WRITE_UNITS = 2 + 2 + 3
EVENT_SOURCES = "event sources"
_DELIVERY_FUNCTIONS = ("dispatcher", "worker")


@dataclass
class Tally:
    invocations: int = 0
    log_bytes: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    write_units: float = 0.0
    read_units: float = 0.0
    # Per invocation: the AWS calls it made and how many records (stream) or jobs (queue) it had.
    invocation_calls: list[int] = field(default_factory=list)
    invocation_items: list[int] = field(default_factory=list)

    def add(self, calls: list[ApiCall]) -> None:
        for call in calls:
            self.calls[f"{call.service}:{call.operation}"] += 1
            self.write_units += call.table_write_units + call.index_write_units
            self.read_units += call.read_units


@dataclass(frozen=True)
class Workload:
    name: str
    mode: str  # "single" or "batch"
    subscriptions: int
    events: int

    @property
    def ingest_scenario(self) -> str:
        return Scenario.INGEST_SINGLE if self.mode == "single" else Scenario.INGEST_BATCH


def _workloads(quick: bool) -> list[Workload]:
    single, batches = (20, 1) if quick else (100, 2)
    return [
        Workload(f"{mode}, {subscriptions} subscription{'s' * (subscriptions > 1)}", mode, subscriptions, events)
        for subscriptions in (1, 2)
        for mode, events in (("single", single), ("batch", batches * BATCH_SIZE))
    ]


class _CountingRegistry:
    """Invokes the real handlers (through the shared registry) and files each invocation's AWS calls,
    output and batch size under its function."""

    def __init__(self, calls: list[ApiCall]) -> None:
        self._calls = calls
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        self._seen = 0

    def settle_unattributed(self) -> None:
        """Calls since the last invocation were the pollers': the event sources'."""
        self.tallies[EVENT_SOURCES].add(self._calls[self._seen :])
        self._seen = len(self._calls)

    def invoke(self, function: Any, event: dict[str, Any]) -> Any:
        self.settle_unattributed()
        with fixtures.metered_stdout() as stdout:
            result = fixtures.REGISTRY.invoke(function, event)
        made = self._calls[self._seen :]
        self._seen = len(self._calls)
        tally = self.tallies[function.value]
        tally.invocations += 1
        tally.log_bytes += stdout.bytes
        tally.add(made)
        tally.invocation_calls.append(len(made))
        tally.invocation_items.append(len(event.get("Records", [])))
        return result


def _measure(workload: Workload, pipeline: Any, receiver: Any) -> dict[str, Tally]:
    from triggers.models import SubscriptionIn
    from triggers.storage.dynamo import dynamodb_client
    from triggers.storage.subscriptions import SubscriptionStore

    from local.gateway_events import HttpRequest
    from local.http_api import HttpApiEmulator

    tenant = f"e2e-{workload.mode}-{workload.subscriptions}"
    key = fixtures.issue_key(tenant)
    store = SubscriptionStore(dynamodb_client(), os.environ["SUBSCRIPTIONS_TABLE"])
    for _ in range(workload.subscriptions):
        store.create(tenant, SubscriptionIn(target_url=receiver.url(), event_types=["order.*"]))
    pipeline.drain()  # nothing of an earlier workload is left
    before = len(receiver.deliveries)
    with recording_calls() as calls:
        counting = _CountingRegistry(calls)
        gateway = HttpApiEmulator(counting)  # type: ignore[arg-type]
        pipeline.stream._invoke = lambda event: counting.invoke(_function("dispatcher"), event)
        pipeline.queue._invoke = lambda event: counting.invoke(_function("worker"), event)
        headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
        if workload.mode == "single":
            bodies = [fixtures.sample_event(n) for n in range(workload.events)]
            requests = [HttpRequest("POST", "/v1/events", headers, "", _json(body)) for body in bodies]
        else:
            requests = [
                HttpRequest("POST", "/v1/events/batch", headers, "", _json({"events": _batch(start)}))
                for start in range(0, workload.events, BATCH_SIZE)
            ]
        for request in requests:
            answer = gateway.handle(request)
            assert answer.status == 201, answer.body
        pipeline.drain()
        counting.settle_unattributed()
    delivered = len(receiver.deliveries) - before
    expected = workload.events * workload.subscriptions
    if delivered != expected:
        raise RuntimeError(f"{workload.name}: {delivered} webhooks arrived, not {expected}")
    return dict(counting.tallies)


def _function(name: str) -> Any:
    from triggers.routes import FunctionName

    return FunctionName(name)


def _json(body: Any) -> bytes:
    import json

    return json.dumps(body).encode()


def _batch(start: int) -> list[dict[str, Any]]:
    return [fixtures.sample_event(start + n) for n in range(BATCH_SIZE)]


def _delivery_cost(workload: Workload, tallies: dict[str, Tally]) -> dict[str, float]:
    """USD per million events for what delivery adds to ingest: per function and event source."""
    scale = 1_000_000 / workload.events
    lambda_requests = lambda_compute = dynamodb = sqs = logs = 0.0
    for name in (*_DELIVERY_FUNCTIONS, EVENT_SOURCES):
        tally = tallies.get(name, Tally())
        dynamodb += (
            tally.write_units * PRICES["dynamodb_write_unit"].each
            + tally.read_units * PRICES["dynamodb_read_unit"].each
        )
        if name == EVENT_SOURCES:
            # One receive per batch handed to the worker, and the deletes (empty polls amortize away at load).
            receives = tallies.get("worker", Tally()).invocations
            sqs += (receives + tally.calls["sqs:DeleteMessageBatch"]) * PRICES["sqs_request"].each
            continue
        sqs += sum(n for call, n in tally.calls.items() if call.startswith("sqs:")) * PRICES["sqs_request"].each
        lambda_requests += tally.invocations * PRICES["lambda_request"].each
        gigabytes = assumptions.FUNCTION_MEMORY_MB[name] / 1024
        for calls, items in zip(tally.invocation_calls, tally.invocation_items, strict=True):
            lambda_compute += gigabytes * _billed_seconds(name, calls, items) * PRICES["lambda_arm64_gb_second"].each
        platform = tally.invocations * assumptions.platform_log_bytes_per_invocation()
        logs += (tally.log_bytes + platform) / assumptions.GIB * PRICES["logs_ingested_gib"].each
    parts = {
        "lambda_requests": lambda_requests,
        "lambda_compute": lambda_compute,
        "dynamodb": dynamodb,
        "sqs": sqs,
        "logs": logs,
    }
    return {name: value * scale for name, value in parts.items()}


def _floor_usd() -> float:
    return 1_000_000 * _FLOOR_WRITE_UNITS * PRICES["dynamodb_write_unit"].each


def _billed_seconds(function: str, calls: int, items: int) -> float:
    """An invocation's billed time: its AWS calls one after another (the worker's jobs side by side, so one
    job's calls and the subscriber's answer), plus a few ms of CPU, rounded up to the ms."""
    round_trip = assumptions.DYNAMODB_ROUND_TRIP_MS / 1000
    if function == "worker":
        from stacks.capacity import SUBSCRIBER_SECONDS

        seconds = SUBSCRIBER_SECONDS + calls / max(items, 1) * round_trip + 0.002 * items
    else:
        seconds = calls * round_trip + 0.0005 * items
    return math.ceil(seconds * 1000) / 1000


def run(results: dict[str, Any], quick: bool) -> dict[str, Any]:
    from local.pollers import DeliveryPipeline
    from local.receiver import WebhookReceiver
    from stacks.delivery_stack import STREAM_BATCH_SIZE

    # The receiver is http://127.0.0.1, which only the local stack accepts; set before the worker loads.
    os.environ.update({"ALLOW_HTTP_TARGETS": "true", "ALLOW_LOOPBACK_TARGETS": "true"})
    ingest = results["cost"]["per_million_events_usd"]
    receiver = WebhookReceiver()
    receiver.start()
    measured: dict[str, Any] = {}
    try:
        with fixtures.emulated_aws(), fixtures.metered_stdout():
            pipeline = DeliveryPipeline.in_process(fixtures.REGISTRY)
            pipeline.stream._batch_size = STREAM_BATCH_SIZE
            for workload in _workloads(quick):
                tallies = _measure(workload, pipeline, receiver)
                delivery = _delivery_cost(workload, tallies)
                ingest_total = ingest[workload.ingest_scenario]["total"]
                measured[workload.name] = {
                    "mode": workload.mode,
                    "subscriptions": workload.subscriptions,
                    "events": workload.events,
                    "ingest_usd": ingest_total,
                    "delivery_usd": delivery,
                    "total_usd": ingest_total + sum(delivery.values()),
                    "budget_usd": BUDGETS_USD[workload.mode],
                    "per_event": _per_event(workload, tallies),
                }
    finally:
        receiver.stop()
    print(render(measured))
    return measured


def _per_event(workload: Workload, tallies: dict[str, Tally]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, tally in sorted(tallies.items()):
        figures[name] = {
            "invocations": tally.invocations / workload.events,
            "write_units": tally.write_units / workload.events,
            "read_units": tally.read_units / workload.events,
            "calls": {call: n / workload.events for call, n in sorted(tally.calls.items())},
            "log_bytes": tally.log_bytes / workload.events,
        }
    return figures


def render(measured: dict[str, Any]) -> str:
    rows = []
    for name, figures in measured.items():
        per_event = figures["per_event"]
        units = {
            part: per_event.get(part, {}).get("write_units", 0.0)
            for part in ("authorizer", "ingest", "dispatcher", "worker")
        }
        delivery = figures["delivery_usd"]
        rows.append(
            [
                name,
                " + ".join(per(units[part]) for part in units),
                per(sum(per_event[part]["read_units"] for part in per_event)),
                usd(figures["ingest_usd"]),
                usd(delivery["dynamodb"]),
                usd(delivery["sqs"]),
                usd(delivery["lambda_requests"] + delivery["lambda_compute"]),
                usd(delivery["logs"]),
                usd(figures["total_usd"]),
                usd(figures["budget_usd"]),
                "met" if figures["total_usd"] <= figures["budget_usd"] else "NOT MET",
            ]
        )
    return table(
        "AWS cost per million events, end to end (ingest + dispatch + SQS + worker; USD)",
        [
            "workload",
            "WRU/event: auth+ingest+dispatch+worker",
            "RRU/event",
            "ingest",
            "+DynamoDB",
            "+SQS",
            "+Lambda",
            "+Logs",
            "total",
            "budget",
            "verdict",
        ],
        rows,
        [
            "Every delivery a first-try 2xx. WRU: table and index write units, counted from each item before and after",
            "its write (see call_recorder); the ingest column is the `cost` section's figure for the same ingest.",
            f"SQS {PRICES['sqs_request']}: the dispatcher's sends, the event source's receives (one per worker batch)",
            "and deletes; DynamoDB stream reads by Lambda are free. Lambda: the dispatcher and worker invocations;",
            "billed time = their calls one after another x 5 ms (a worker's jobs run side by side: one job's calls",
            "plus the subscriber's answer, stacks/capacity.py SUBSCRIBER_SECONDS), at their memory (512 MB).",
            "Logs: measured function output + the platform's lines per invocation in the priced environment.",
            f"Floor of this data model, writes alone: {_FLOOR_WRITE_UNITS} WRU = {usd(_floor_usd())} per million"
            " delivered events: the event and its inbox",
            "index entry (2), the attempt record and its attempts index entry (2), the status change, whose inbox",
            "index key moves (table 1 + out and in again 2). No request, Lambda or SQS charge is in it yet.",
        ],
        text_columns=2,
    )
