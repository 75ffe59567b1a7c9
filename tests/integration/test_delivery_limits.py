"""What no subscriber can do to the worker: hold an attempt past its deadline (however it drips its
answer), make it read without end, send it to another address than the one checked, or make a whole
batch time out; what a tenant's own doing costs (no DLQ); and long Retry-After waits, honoured.

DELIVERY_DEADLINE_SECONDS=1 and RETRY_DELAYS_SECONDS=1,1 here (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from triggers.delivery.jobs import MAX_VISIBILITY_SECONDS, DeliveryJob, JobQueue
from triggers.delivery.schedule import RetrySchedule
from triggers.routes import FunctionName
from triggers.storage.subscriptions import SubscriptionStore

from local.http_api import HttpApiEmulator
from local.lambdas import LocalContext
from local.pollers import DeliveryPipeline
from local.receiver import Answer, Pace
from tests.integration.conftest import ApiClient, event_body
from tests.integration.delivery_harness import (
    Receiver,
    dead_letters,
    history,
    running_receiver,
    status_of,
    subscribe,
)

# An attempt that ends by its 1 s deadline, with room for a loaded test machine.
WITHIN_DEADLINE_MS = 2500


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver(Receiver()) as running:
        yield running


@pytest.fixture
def pipeline(gateway: HttpApiEmulator) -> DeliveryPipeline:
    return DeliveryPipeline.in_process(gateway._functions)


class Dns:
    """getaddrinfo with scripted answers for ``hooks.test``, one per lookup (the last one repeats)."""

    HOST = "hooks.test"

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: list[str | socket.gaierror] = ["127.0.0.1"]
        self.lookups = 0
        real = socket.getaddrinfo

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if host != self.HOST:
                return real(host, port, *args, **kwargs)
            answer = self.answers[min(self.lookups, len(self.answers) - 1)]
            self.lookups += 1
            if isinstance(answer, socket.gaierror):
                raise answer
            family = socket.AF_INET6 if ":" in answer else socket.AF_INET
            address = (answer, port, 0, 0) if family == socket.AF_INET6 else (answer, port)
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", address)]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def url(self, receiver: Receiver) -> str:
        return receiver.url.replace("127.0.0.1", self.HOST)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Dns:
    return Dns(monkeypatch)


def deliver_one(api: ApiClient, pipeline: DeliveryPipeline, url: str, until: str = "delivered") -> str:
    subscribe(api, url)
    event_id = str(api.post("/v1/events", event_body()).json()["event_id"])
    pipeline.run_until(lambda: status_of(api, event_id) == until, timeout=30)
    return event_id


@pytest.mark.parametrize(
    "slow", [Answer(200, Pace.DRIP, slow_seconds=6), Answer(200, Pace.HANG, slow_seconds=6)], ids=["drip", "hang"]
)
def test_an_answer_that_comes_too_slowly_ends_the_attempt_at_its_deadline(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline, slow: Answer
) -> None:
    receiver.script = [slow]
    event_id = deliver_one(api, pipeline, receiver.url)
    first, second = history(api, event_id)
    assert (first["outcome"], first["status_code"], first["error"]) == ("retrying", None, "no answer within 1 s")
    assert first["latency_ms"] < WITHIN_DEADLINE_MS
    assert (second["outcome"], second["status_code"]) == ("delivered", 200)


@pytest.mark.parametrize(
    ("answer", "ended_within_ms"),
    [
        (Answer(200, Pace.FLOOD, slow_seconds=8), 1000),  # the read stops at its cap, well before the deadline
        (Answer(200, Pace.DRIP_BODY, slow_seconds=6), WITHIN_DEADLINE_MS),
    ],
    ids=["flood", "drip-body"],
)
def test_a_body_without_end_or_dripped_does_not_hold_the_attempt(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline, answer: Answer, ended_within_ms: int
) -> None:
    receiver.default = answer
    event_id = deliver_one(api, pipeline, receiver.url)
    (attempt,) = history(api, event_id)
    assert (attempt["outcome"], attempt["status_code"]) == ("delivered", 200)  # the status was the answer
    assert attempt["latency_ms"] < ended_within_ms


def test_the_worker_connects_to_the_address_it_checked(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline, dns: Dns
) -> None:
    # Creation and the delivery's check see 127.0.0.1; any later lookup would say 127.0.0.2 (no one there).
    dns.answers = ["127.0.0.1", "127.0.0.1", "127.0.0.2"]
    event_id = deliver_one(api, pipeline, dns.url(receiver))
    assert [attempt["outcome"] for attempt in history(api, event_id)] == ["delivered"]
    (delivery,) = receiver.deliveries
    assert delivery.headers["host"] == f"{Dns.HOST}:{receiver.url.split(':')[2].split('/')[0]}"
    assert dns.lookups == 2


def test_a_transient_lookup_failure_is_retried_like_any_failed_attempt(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline, dns: Dns
) -> None:
    dns.answers = ["127.0.0.1", socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"), "127.0.0.1"]
    event_id = deliver_one(api, pipeline, dns.url(receiver))
    assert [(a["outcome"], a["error"]) for a in history(api, event_id)] == [
        ("retrying", "target_url host could not be looked up right now, retry later"),
        ("delivered", None),
    ]
    assert dead_letters() == []


def abandoned_metrics(output: str) -> tuple[int, int]:
    """(DeliveriesAbandoned, DeadLetteredEvents) summed over the EMF lines the functions printed."""
    totals = [0, 0]
    for line in output.splitlines():
        if line.startswith('{"_aws"'):
            blob = json.loads(line)
            for index, name in enumerate(("DeliveriesAbandoned", "DeadLetteredEvents")):
                value = blob.get(name, 0)
                totals[index] += int(sum(value) if isinstance(value, list) else value)
    return totals[0], totals[1]


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("gone", "HTTP 410"),
        ("deleted", "subscription deleted"),
        ("disabled", "subscription disabled: test"),
        ("no such host", "target_url host does not resolve"),
        ("refused address", "target_url resolves to a private, loopback or link-local address"),
    ],
)
def test_a_tenants_own_doing_fails_the_delivery_without_the_dlq(
    api: ApiClient,
    receiver: Receiver,
    pipeline: DeliveryPipeline,
    dns: Dns,
    capsys: pytest.CaptureFixture[str],
    action: str,
    reason: str,
) -> None:
    receiver.default = Answer(410 if action == "gone" else 200)
    subscription = subscribe(api, dns.url(receiver))
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.stream.poll_once()  # the job is queued
    subscriptions = SubscriptionStore(boto3.client("dynamodb"), os.environ["SUBSCRIPTIONS_TABLE"])
    if action == "deleted":
        assert api.delete(f"/v1/subscriptions/{subscription['subscription_id']}").status == 204
    elif action == "disabled":
        subscriptions.disable("acme", subscription["subscription_id"], "test")
    elif action == "no such host":
        dns.answers = [socket.gaierror(socket.EAI_NONAME, "Name or service not known")]
    elif action == "refused address":
        dns.answers = ["64:ff9b:1::7f00:1"]  # NAT64 local-use: never public, whatever it carries
    capsys.readouterr()
    pipeline.run_until(lambda: status_of(api, event_id) == "failed")
    pipeline.drain()

    (attempt,) = history(api, event_id)
    # A disabled subscription is parked: the attempt is skipped, so recovering the subscription sends it.
    assert (attempt["outcome"], attempt["error"]) == ("skipped" if action == "disabled" else "failed", reason)
    assert dead_letters() == []
    assert abandoned_metrics(capsys.readouterr().out) == (1, 0)
    assert len(receiver.deliveries) == (1 if action == "gone" else 0)


def test_exhausted_attempts_alone_go_to_the_dlq(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline, capsys: pytest.CaptureFixture[str]
) -> None:
    receiver.default = Answer(500)
    deliver_one(api, pipeline, receiver.url, until="failed")
    assert len(dead_letters()) == 1
    assert abandoned_metrics(capsys.readouterr().out) == (0, 1)


def queued_records(pipeline: DeliveryPipeline, count: int) -> list[dict[str, Any]]:
    """The delivery queue's next ``count`` messages, as Lambda's SQS event source hands them over."""
    messages: list[Any] = []
    while len(messages) < count:
        messages += pipeline.queue._client.receive_message(
            QueueUrl=os.environ["DELIVERY_QUEUE_URL"], MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", [])
    return [pipeline.queue._record(message) for message in messages]


def invoke_worker(gateway: HttpApiEmulator, records: list[dict[str, Any]], timeout_seconds: float = 29) -> Any:
    handler = gateway._functions.handler(FunctionName.WORKER)
    return handler({"Records": records}, LocalContext("triggers-worker", timeout_seconds=timeout_seconds))


def test_a_batch_whose_every_job_is_deferred_is_not_a_lambda_error(
    api: ApiClient, gateway: HttpApiEmulator, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    receiver.default = Answer(503)
    subscribe(api, receiver.url)
    for _ in range(3):
        api.post("/v1/events", event_body())
    pipeline.stream.poll_once()
    records = queued_records(pipeline, 3)
    result = invoke_worker(gateway, records)
    assert sorted(item["itemIdentifier"] for item in result["batchItemFailures"]) == sorted(
        record["messageId"] for record in records
    )


def test_a_dispatch_batch_that_fails_whole_is_reported_not_raised(
    api: ApiClient,
    gateway: HttpApiEmulator,
    receiver: Receiver,
    pipeline: DeliveryPipeline,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subscribe(api, receiver.url)
    api.post("/v1/events", event_body())
    outcomes: list[Any] = []
    handler = gateway._functions.handler(FunctionName.DISPATCHER)

    def recording(event: dict[str, Any]) -> Any:
        try:
            outcomes.append(handler(event, LocalContext("triggers-dispatcher")))
        except Exception as error:
            outcomes.append(error)
            raise
        return outcomes[-1]

    def refused(self: JobQueue, jobs: list[DeliveryJob], delay_seconds: int = 0) -> None:
        raise ConnectionError("SQS is down")

    monkeypatch.setattr(JobQueue, "send", refused)
    monkeypatch.setattr(pipeline.stream, "_invoke", recording)
    pipeline.stream.poll_once()
    (outcome,) = outcomes
    assert isinstance(outcome, dict), outcome
    assert len(outcome["batchItemFailures"]) == 1


def test_jobs_that_cannot_finish_in_time_are_handed_back_without_an_attempt(
    api: ApiClient, gateway: HttpApiEmulator, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    subscribe(api, receiver.url)
    event_ids = [api.post("/v1/events", event_body()).json()["event_id"] for _ in range(3)]
    pipeline.stream.poll_once()
    # 3 s left: less than a job needs (1 s deadline + JOB_RESERVE_SECONDS, 5 s by default).
    result = invoke_worker(gateway, queued_records(pipeline, 3), timeout_seconds=3)
    assert len(result["batchItemFailures"]) == 3
    assert receiver.deliveries == []
    pipeline.run_until(lambda: all(status_of(api, event_id) == "delivered" for event_id in event_ids))
    for event_id in event_ids:
        assert [attempt["attempt"] for attempt in history(api, event_id)] == [1]  # nothing was used up


def test_a_slow_subscriber_does_not_make_the_batch_time_out(
    api: ApiClient, other_tenant: ApiClient, gateway: HttpApiEmulator, pipeline: DeliveryPipeline
) -> None:
    with (
        running_receiver(Receiver(default=Answer(200, Pace.DRIP, slow_seconds=10))) as slow,
        running_receiver(Receiver()) as fast,
    ):
        subscribe(api, slow.url)
        subscribe(other_tenant, fast.url)
        slowed = api.post("/v1/events", event_body()).json()["event_id"]
        others = [other_tenant.post("/v1/events", event_body()).json()["event_id"] for _ in range(5)]
        pipeline.stream.poll_once()
        records = queued_records(pipeline, 6)
        invocation_timeout = 8  # what Lambda would allow this invocation
        results: list[Any] = []
        invocation = threading.Thread(
            target=lambda: results.append(invoke_worker(gateway, records, invocation_timeout))
        )
        invocation.start()
        invocation.join(invocation_timeout)
        assert not invocation.is_alive(), "the invocation outlived its timeout: every job in it would be retried"
        (result,) = results
        deferred = {item["itemIdentifier"] for item in result["batchItemFailures"]}
        slowed_message = next(r["messageId"] for r in records if json.loads(r["body"])["event_id"] == slowed)
        assert deferred == {slowed_message}
        for event_id in others:
            assert [a["outcome"] for a in history(other_tenant, event_id)] == ["delivered"]


def test_a_job_whose_receives_keep_crashing_is_dead_lettered_by_the_worker(
    api: ApiClient, gateway: HttpApiEmulator, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    subscribe(api, receiver.url)
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.stream.poll_once()
    (record,) = queued_records(pipeline, 1)
    # The last receive before the queue's redrive policy would park the message itself.
    record["attributes"]["ApproximateReceiveCount"] = str(RetrySchedule((1, 1)).redrive_max_receive_count)
    invoke_worker(gateway, [record])
    assert status_of(api, event_id) == "failed"
    assert [(a["outcome"], a["error"]) for a in history(api, event_id)] == [("failed", "processing kept failing")]
    assert len(dead_letters()) == 1
    assert receiver.deliveries == []


def test_a_retry_after_longer_than_sqs_can_hide_a_message_is_kept_in_the_message(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[DeliveryJob, int]] = []
    hidden: list[int] = []
    real_send, real_hide = JobQueue.send, JobQueue._hide

    def recording_send(self: JobQueue, jobs: list[DeliveryJob], delay_seconds: int = 0) -> None:
        sent.extend((job, delay_seconds) for job in jobs)
        real_send(self, jobs, delay_seconds)

    def recording_hide(self: JobQueue, receipt_handle: str, seconds: int) -> None:
        hidden.append(seconds)
        real_hide(self, receipt_handle, seconds)

    monkeypatch.setattr(JobQueue, "send", recording_send)
    monkeypatch.setattr(JobQueue, "_hide", recording_hide)
    receiver.script = [Answer(429, retry_after_seconds=86400)]  # come back tomorrow
    subscribe(api, receiver.url)
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.stream.poll_once()
    sent.clear()  # the dispatcher's own send
    asked_at = time.time()
    pipeline.queue.poll_once()

    (job, delay), *_ = sent
    assert job.due_at is not None
    assert asked_at + 86400 <= job.due_at <= time.time() + 86400
    assert delay == 900  # SQS's longest send delay; the message then waits out its due time
    assert hidden == []  # SQS would have refused 86400 s, and a refused hide leaves the default
    assert [a["outcome"] for a in history(api, event_id)] == ["retrying"]

    sqs = boto3.client("sqs")
    # Fifteen minutes later it arrives, not yet due: it hides as long as SQS allows, with no attempt.
    sqs.send_message(QueueUrl=os.environ["DELIVERY_QUEUE_URL"], MessageBody=job.to_message())
    pipeline.queue.poll_once()
    (longest,) = hidden
    assert MAX_VISIBILITY_SECONDS - 16 * 60 <= longest <= MAX_VISIBILITY_SECONDS
    assert len(receiver.deliveries) == 1
    # Once due, it is the next attempt, not the last: a long wait costs no attempts.
    sqs.send_message(QueueUrl=os.environ["DELIVERY_QUEUE_URL"], MessageBody=job.due(time.time() - 1).to_message())
    pipeline.run_until(lambda: status_of(api, event_id) == "delivered")
    assert [(a["attempt"], a["outcome"]) for a in history(api, event_id)] == [(1, "retrying"), (2, "delivered")]
