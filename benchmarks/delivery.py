"""Push delivery: the worker's throughput per invocation, and ingest → webhook latency on the local stack.

* worker: ``lambda_handler`` with 10 SQS records (one delivery job each, SQS's default batch size),
  in-process against moto, posting to a receiver on 127.0.0.1 that answers 200 at once. The floor
  replays the exact DynamoDB requests the worker made for a template job, re-keyed to fresh events,
  and makes the same signed POSTs: what is left over is the worker's own CPU.
* end to end: ``triggers run`` in a subprocess; events are posted over HTTP one at a time, each timed
  from just before its POST to its arrival at the receiver, through the stream poller, the
  dispatcher, the SQS queue poller and the worker. The pollers sleep 0.2 s when idle, so each event
  waits up to that long at each of the two; posts start at random points of that cycle.
"""

from __future__ import annotations

import copy
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from botocore.client import BaseClient

from benchmarks import fixtures
from benchmarks.call_recorder import recording_calls
from benchmarks.report import ms, table
from benchmarks.timing import Stats, Timed, interleaved
from benchmarks.zero_latency import recorded, zero_latency_dynamodb

JOBS_PER_INVOCATION = 10
TENANT = "delivery-bench"
REPO = Path(__file__).resolve().parent.parent
TRIGGERS = Path(sys.executable).with_name("triggers")
STACK_STARTUP_SECONDS = 60
DELIVERY_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Request:
    client: BaseClient
    operation: str
    params: dict[str, Any]
    response: dict[str, Any]


@contextmanager
def capturing_requests() -> Iterator[list[Request]]:
    """Every botocore request made in the process, with its answer."""
    original = BaseClient._make_api_call
    requests: list[Request] = []

    def capture(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        sent = copy.deepcopy(params)
        response = original(client, operation, params)
        requests.append(Request(client, operation, sent, response))
        return response

    BaseClient._make_api_call = capture  # type: ignore[method-assign]
    try:
        yield requests
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def rekeyed(value: Any, replacements: dict[str, str]) -> Any:
    """``value`` with every string's occurrences of the replacement keys swapped (ids, partition keys)."""
    if isinstance(value, dict):
        return {key: rekeyed(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [rekeyed(item, replacements) for item in value]
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
    return value


def _sqs_record(body: str, number: int) -> dict[str, Any]:
    """What Lambda's SQS event source hands the worker for a first receive."""
    return {
        "messageId": f"bench-{number}",
        "receiptHandle": f"bench-receipt-{number}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(int(time.time() * 1000)),
            "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000)),
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:bench-delivery",
        "awsRegion": "us-east-1",
    }


class WorkerBench:
    """Fresh events and a subscription to the receiver per round, and the floor's template requests.

    Each round has a tenant of its own: moto's cost per call grows with the items in a partition,
    which would make later rounds slower than earlier ones for no reason DynamoDB shares.
    """

    def __init__(self, receiver_url: str, http: httpx.Client) -> None:
        from triggers.storage.deliveries import DeliveryLedger
        from triggers.storage.dynamo import dynamodb_client
        from triggers.storage.events import EventStore
        from triggers.storage.subscriptions import SubscriptionStore

        client, self._shards = dynamodb_client(), int(os.environ["SHARD_COUNT"])
        self._events = EventStore(client, os.environ["EVENTS_TABLE"], self._shards)
        self._ledger = DeliveryLedger(client, os.environ["EVENTS_TABLE"], self._shards)
        self._subscriptions = SubscriptionStore(client, os.environ["SUBSCRIPTIONS_TABLE"])
        self._url = receiver_url
        self._secrets: dict[str, str] = {}
        self._http = http
        self._rounds = 0
        (template,) = self._fresh_jobs(1, tenant=f"{TENANT}-template")
        with capturing_requests() as requests:
            self._invoke_worker([template])()
        self._template_job, self._template = template, requests

    def template_calls(self) -> Counter[str]:
        """The AWS calls the worker makes per job, as ``service:Operation``."""
        return Counter(f"{r.client.meta.service_model.service_name}:{r.operation}" for r in self._template)

    def invocation(self, _: int) -> Callable[[], object]:
        return self._invoke_worker(self._fresh_jobs(JOBS_PER_INVOCATION))

    def floor(self, _: int) -> Callable[[], object]:
        deliveries = [self._raw_delivery(job) for job in self._fresh_jobs(JOBS_PER_INVOCATION)]
        return lambda: [delivery() for delivery in deliveries]

    def zero_latency(self) -> tuple[Any, dict[str, bytes], dict[str, Timed]]:
        """The template job ten times over, for a run where DynamoDB answers with the template's responses.

        Returns the client to answer for, the answers (the first of each operation: the settling
        UpdateItem's, whose attributes the worker reads; the roll-up ignores its own) and the subjects.
        """
        answers: dict[str, bytes] = {}
        for request in self._template:
            answers.setdefault(request.operation, recorded(request.response))
        invocation = self._invoke_worker([self._template_job] * JOBS_PER_INVOCATION)
        delivery = self._raw_delivery(self._template_job)
        subjects: dict[str, Timed] = {
            "handler": lambda _: invocation,
            "floor": lambda _: lambda: [delivery() for _ in range(JOBS_PER_INVOCATION)],
        }
        return self._template[0].client, answers, subjects

    def _fresh_jobs(self, count: int, tenant: str | None = None) -> list[Any]:
        """A new tenant's subscription and stored events, with the jobs the dispatcher queues (untimed)."""
        from triggers.delivery.jobs import DeliveryJob
        from triggers.models import EventIn, EventSummary, SubscriptionIn

        self._rounds += 1
        tenant = tenant or f"{TENANT}-{self._rounds}"
        subscription = self._subscriptions.create(tenant, SubscriptionIn(target_url=self._url, event_types=["*"]))
        self._secrets[subscription.subscription_id] = subscription.secret
        bodies = [EventIn.model_validate(fixtures.sample_event(n)) for n in range(count)]
        jobs = []
        for summary in self._events.append_many(tenant, bodies):
            assert isinstance(summary, EventSummary), summary
            assert self._ledger.expect(tenant, summary.event_id, 0, [subscription.subscription_id])
            jobs.append(DeliveryJob(tenant, summary.event_id, subscription.subscription_id, 0))
        return jobs

    def _invoke_worker(self, jobs: list[Any]) -> Callable[[], object]:
        event = {"Records": [_sqs_record(job.to_message(), n) for n, job in enumerate(jobs)]}
        handler, context = fixtures.handler("worker"), fixtures.lambda_context("worker")
        return lambda: handler(event, context)

    def _raw_delivery(self, job: Any) -> Callable[[], object]:
        """The template's requests re-keyed to ``job``, and the POST the worker would make (prepared untimed)."""
        from triggers.delivery.signing import webhook_headers
        from triggers.delivery.worker import USER_AGENT, webhook_body
        from triggers.storage.events import event_key

        template = self._template_job
        template_partition = event_key(template.tenant_id, template.event_id, self._shards)["pk"]["S"]
        partition = event_key(job.tenant_id, job.event_id, self._shards)["pk"]["S"]
        # In this order: attempt sort keys contain the event id, partition keys contain the tenant.
        replacements = {
            template.event_id: job.event_id,
            template_partition: partition,
            template.subscription_id: job.subscription_id,
            template.tenant_id: job.tenant_id,
        }
        requests = [(r.client, r.operation, rekeyed(r.params, replacements)) for r in self._template]
        body = webhook_body(self._events.get(job.tenant_id, job.event_id))
        secret = self._secrets[job.subscription_id]
        headers = webhook_headers(secret, job.webhook_id, int(time.time()), body) | {"user-agent": USER_AGENT}

        def deliver() -> object:
            for client, operation, params in requests:
                client._make_api_call(operation, params)
            return self._http.post(self._url, content=body, headers=headers)

        return deliver


def _check_worker(subject: str, result: object) -> None:
    failed = isinstance(result, dict) and result.get("batchItemFailures")
    posts = result if isinstance(result, list) else []
    if failed or any(not isinstance(reply, httpx.Response) or reply.status_code != 200 for reply in posts):
        raise RuntimeError(f"delivery {subject} failed: {str(result)[:300]}")


def _calls_match(bench: WorkerBench) -> bool:
    """Whether the handler's calls for a round are the template's, once per job (checked once, untimed)."""
    invocation = bench.invocation(0)
    with recording_calls() as calls:
        invocation()
    made = Counter(f"{call.service}:{call.operation}" for call in calls)
    return made == Counter({op: n * JOBS_PER_INVOCATION for op, n in bench.template_calls().items()})


def _timed_deliveries(receiver: Any, subjects: dict[str, Timed], iterations: int, warmup: int) -> dict[str, Stats]:
    """Times the subjects, checking that every round posted all its jobs: a skipped one would look fast."""
    before = len(receiver.deliveries)
    timed = interleaved(subjects, iterations, warmup, verify=_check_worker)
    expected = len(subjects) * (iterations + warmup) * JOBS_PER_INVOCATION
    if len(receiver.deliveries) - before != expected:
        raise RuntimeError(f"{len(receiver.deliveries) - before} webhooks arrived, not {expected}")
    return timed


def measure_worker(quick: bool) -> dict[str, Any]:
    from local.receiver import WebhookReceiver

    # The receiver is http://127.0.0.1, which only the local stack accepts; set before the worker loads.
    os.environ.update({"ALLOW_HTTP_TARGETS": "true", "ALLOW_LOOPBACK_TARGETS": "true"})
    receiver = WebhookReceiver()
    receiver.start()
    try:
        with httpx.Client(timeout=10, follow_redirects=False) as http:  # the worker's client settings
            with fixtures.emulated_aws(), fixtures.metered_stdout():
                bench = WorkerBench(receiver.url(), http)
                subjects: dict[str, Timed] = {"handler": bench.invocation, "floor": bench.floor}
                moto = _timed_deliveries(receiver, subjects, 8 if quick else 20, warmup=3)
                matches = _calls_match(bench)
                client, answers, cheap_subjects = bench.zero_latency()
            # Outside mock_aws, so moto's own before-send handler stands aside (see zero_latency).
            with zero_latency_dynamodb(client, answers), fixtures.metered_stdout():
                zero = _timed_deliveries(receiver, cheap_subjects, 20 if quick else 60, warmup=5)
    finally:
        receiver.stop()
    return {
        "jobs_per_invocation": JOBS_PER_INVOCATION,
        "moto": {subject: stats.as_dict() for subject, stats in moto.items()},
        "zero_latency": {subject: stats.as_dict() for subject, stats in zero.items()},
        "events_per_second": {
            run: {subject: round(JOBS_PER_INVOCATION / (stats.p50_us / 1e6), 1) for subject, stats in timed.items()}
            for run, timed in (("moto", moto), ("zero_latency", zero))
        },
        "worker_cpu_per_event_us": round((zero["handler"].p50_us - zero["floor"].p50_us) / JOBS_PER_INVOCATION, 1),
        "calls_per_event": dict(bench.template_calls()) | {"http:POST": 1},
        "floor_matches_handler_calls": matches,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_stack() -> Iterator[tuple[str, str]]:
    """``triggers run`` in a subprocess; yields its base URL and a key for the benchmark's tenant."""
    from local.stack import StackState

    port = _free_port()
    inherited = {name: os.environ[name] for name in ("PATH", "HOME", "TMPDIR", "LANG") if name in os.environ}
    environment = inherited | {"TRIGGERS_PORT": str(port), "TRIGGERS_AWS_PORT": "0", "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([str(TRIGGERS), "run"], cwd=REPO, env=environment, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + STACK_STARTUP_SECONDS
            # The state file is written once everything runs, pollers included.
            while (state := StackState.load(port)) is None or state.pid != process.pid:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"`triggers run` did not start:\n{log.read().decode(errors='replace')}")
                time.sleep(0.1)
            created = subprocess.run(
                [str(TRIGGERS), "keys", "create", "--tenant", TENANT],
                env=environment,
                capture_output=True,
                text=True,
                check=True,
            )
            yield state.base_url, created.stdout.strip()
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def measure_end_to_end(quick: bool) -> dict[str, Any]:
    from local.pollers import StreamPoller
    from local.receiver import Delivery, WebhookReceiver

    arrived = threading.Event()

    def signal_arrival(_: Delivery) -> None:
        arrived.set()

    count, warmup = (12, 2) if quick else (30, 3)  # the warm-up rounds include the functions' cold starts
    idle = StreamPoller.interval
    accepted: list[int] = []
    delivered: list[int] = []
    after_response: list[int] = []
    receiver = WebhookReceiver(on_delivery=signal_arrival)
    receiver.start()
    try:
        with local_stack() as (base_url, key), httpx.Client(base_url=base_url, timeout=30) as api:
            api.headers["authorization"] = f"Bearer {key}"
            subscribed = api.post("/v1/subscriptions", json={"target_url": receiver.url(), "event_types": ["*"]})
            assert subscribed.status_code == 201, subscribed.text
            for number in range(warmup + count):
                time.sleep(random.uniform(0, idle))  # land anywhere in the pollers' idle cycle
                arrived.clear()
                sent = time.monotonic_ns()
                response = api.post("/v1/events", json=fixtures.sample_event(number))
                responded = time.monotonic_ns()
                assert response.status_code == 201, response.text
                if not arrived.wait(DELIVERY_TIMEOUT_SECONDS):
                    raise RuntimeError(f"event {number} was not delivered within {DELIVERY_TIMEOUT_SECONDS}s")
                arrival = int(receiver.deliveries[-1].arrived * 1e9)
                if number >= warmup:
                    accepted.append(responded - sent)
                    delivered.append(arrival - sent)
                    after_response.append(arrival - responded)
    finally:
        receiver.stop()
    return {
        "events": count,
        "poller_idle_interval_seconds": idle,
        "ingest_response": Stats.of(accepted).as_dict(),
        "ingest_to_delivery": Stats.of(delivered).as_dict(),
        "response_to_delivery": Stats.of(after_response).as_dict(),
    }


def run(quick: bool) -> dict[str, Any]:
    results = {"worker": measure_worker(quick), "end_to_end": measure_end_to_end(quick)}
    print(render(results))
    return results


def render(results: dict[str, Any]) -> str:
    worker, e2e = results["worker"], results["end_to_end"]
    jobs = worker["jobs_per_invocation"]
    calls = ", ".join(f"{count} {operation}" for operation, count in worker["calls_per_event"].items())
    round_trips = sum(count for call, count in worker["calls_per_event"].items() if call != "http:POST")
    checked = "" if worker["floor_matches_handler_calls"] else " (MISMATCH with the handler's calls)"
    labels = {"handler": "worker lambda_handler", "floor": "raw calls + POSTs (floor)"}
    throughput = table(
        f"Worker throughput ({jobs} jobs per invocation; ms per invocation)",
        ["DynamoDB", "subject", "p50", "p90", "p99", "events/s at p50"],
        [
            [
                run.replace("_", " "),
                labels[subject],
                ms(stats["p50_us"]),
                ms(stats["p90_us"]),
                ms(stats["p99_us"]),
                f"{worker['events_per_second'][run][subject]:,.0f}",
            ]
            for run in ("moto", "zero_latency")
            for subject, stats in worker[run].items()
        ],
        [
            f"per event: {calls}{checked};",
            "the receiver (127.0.0.1, keep-alive) answers 200 at once, in both runs.",
            "moto: fresh events each round. zero latency: the same job ten times, DynamoDB answering at once with",
            "recorded responses (see warm_latency), so only CPU and the loopback POSTs are left.",
            f"worker CPU per event = (zero-latency handler p50 - floor p50) / {jobs} ="
            f" {worker['worker_cpu_per_event_us']:,.0f} us: signing,",
            "pydantic, Powertools batch processing, metrics and the SSRF check. In AWS a job's"
            f" {round_trips} DynamoDB calls",
            f"are sequential round trips: a batch takes about {jobs} x {round_trips} DynamoDB latencies plus"
            " the subscribers' answers.",
        ],
        text_columns=2,
    )
    idle = e2e["poller_idle_interval_seconds"]
    rows = [
        ["POST /v1/events answered (201)", e2e["ingest_response"]],
        ["201 → webhook at the receiver", e2e["response_to_delivery"]],
        ["POST sent → webhook at the receiver", e2e["ingest_to_delivery"]],
    ]
    latency = table(
        f"Ingest → webhook latency on the local stack ({e2e['events']} events, one at a time; ms)",
        ["stage", "p50", "p90", "p99", "mean"],
        [[label, ms(s["p50_us"]), ms(s["p90_us"]), ms(s["p99_us"]), ms(s["mean_us"])] for label, s in rows],
        [
            "`triggers run` in a subprocess: HTTP API emulator → ingest → DynamoDB stream → stream poller →",
            "dispatcher → SQS → queue poller → worker → signed POST to a receiver in this process.",
            f"Each poller sleeps {idle:g} s when it finds nothing, so an event waits 0-{idle:g} s at each of the",
            f"two (about {idle:g} s of the p50 in all); posts start at random points of that cycle. Lambda's",
            "own pollers differ: it reads a DynamoDB stream shard four times a second and long-polls SQS.",
        ],
    )
    return throughput + "\n" + latency
