"""A soak of the push path: many events through the dispatcher, the queue and the worker while faults
hit DynamoDB, SQS and the subscriber, until every job is acknowledged and every dead letter redriven.

*Delivered* means acknowledged: the receiver answered 2xx in time for the worker to see it (a 200
sent after the worker gave up does not count, nor does any other status). The accounting is by
``webhook-id``: every job must be acknowledged, a webhook-id may arrive more than once (at-least-once)
but always with the same body, no request may carry a webhook-id no job has, and every event must end
``delivered``. Dead letters are redriven (faults paused: that is the operator's CLI) until none is left.

Runs against moto in this process (``mock_aws``, set up by the caller with the stacks' tables and
queues) with the functions' real handlers. The pollers stand for Lambda's event source mappings and
are never faulted, nor are the set-up writes, the redrive and the final accounting.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import boto3
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from triggers.models import EventIn, EventSummary, SubscriptionIn
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.events import EventStore, is_event_item
from triggers.storage.subscriptions import SubscriptionStore

from local.dead_letters import redrive
from local.lambdas import FunctionRegistry
from local.pollers import DeliveryPipeline
from local.receiver import Answer, Delivery, Pace, WebhookReceiver

if TYPE_CHECKING:
    from mypy_boto3_sqs.literals import QueueAttributeFilterType

# The functions' own calls; the pollers' (GetRecords, ReceiveMessage, DeleteMessageBatch, ...) stay clean.
FAULTED_OPERATIONS = frozenset(
    {"Query", "GetItem", "PutItem", "UpdateItem", "SendMessageBatch", "ChangeMessageVisibility"}
)
# Every botocore request goes through this method of every client: the one place to fail them.
_API_CALL = "_make_api_call"
_FAULT_CODES = ("InternalServerError", "ThrottlingException", "ServiceUnavailable")
_BATCH = 100


@dataclass(frozen=True)
class SoakPlan:
    events: int
    # How often the subscriber answers each way; the rest of the time it answers 200 at once.
    answer_mix: Mapping[str, float] = field(
        default_factory=lambda: {"500": 0.12, "429": 0.04, "timeout": 0.02, "drip": 0.02, "drip-body": 0.02}
    )
    aws_fault_rate: float = 0.03  # per faulted AWS call
    # Jobs whose subscriber fails every attempt of their first run, so the DLQ and its redrive are used.
    dead_letter_share: float = 0.05
    attempts_per_run: int = 3  # the worker's retry schedule: RETRY_DELAYS_SECONDS entries + 1
    worker_deadline_seconds: float = 1.0  # the worker's DELIVERY_DEADLINE_SECONDS; slow answers outlast it
    tenants: int = 3
    subscriptions_per_tenant: int = 2
    wave_events: int = 100  # events stored at a time, whenever the pipeline has nothing ready
    seed: int = 7
    timeout_seconds: float = 120.0

    def answer(self, kind: str) -> Answer:
        slow = self.worker_deadline_seconds + 0.5
        return {
            "500": Answer(500),
            "429": Answer(429),  # with Retry-After
            "timeout": Answer(200, Pace.HANG, slow),
            "drip": Answer(200, Pace.DRIP, slow),
            "drip-body": Answer(200, Pace.DRIP_BODY, slow),
        }[kind]


class ChaoticAnswers:
    """The receiver's answer plan: each request draws an answer from the plan's mix (each kind once
    first), except that some jobs are doomed to fail every attempt of their first run.

    The first job is always doomed, so every soak uses the DLQ. A doomed job is failed for twice a run's
    attempts: an attempt the worker could not record (an AWS fault after the POST) is made again, and
    must not let the job escape its run; what is left over may fail part of the redriven run too.
    """

    def __init__(self, plan: SoakPlan) -> None:
        self._plan = plan
        self._random = random.Random(plan.seed)
        self._lock = threading.Lock()
        self._doomed: dict[str, int] = {}  # webhook-id → failures still to answer
        self._not_yet_drawn = list(plan.answer_mix)  # each kind is answered at least once, first
        self.drawn: Counter[str] = Counter()

    def answer(self, request_number: int, webhook_id: str) -> Answer:
        with self._lock:
            if webhook_id not in self._doomed:
                doomed = not self._doomed or self._random.random() < self._plan.dead_letter_share
                self._doomed[webhook_id] = 2 * self._plan.attempts_per_run if doomed else 0
            if self._doomed[webhook_id]:
                self._doomed[webhook_id] -= 1
                self.drawn["500 (doomed run)"] += 1
                return Answer(500)
            kind = self._not_yet_drawn.pop() if self._not_yet_drawn else self._draw()
            if kind is None:
                return Answer()
            self.drawn[kind] += 1
            return self._plan.answer(kind)

    def _draw(self) -> str | None:
        roll = self._random.random()
        for kind, share in self._plan.answer_mix.items():
            if roll < share:
                return kind
            roll -= share
        return None


class AwsFaults:
    """Fails a share of the functions' AWS calls; half of those went through and only the answer was lost.

    The first faultable call to each service always fails: SQS sees few calls (jobs are queued ten to a
    request), and a soak whose dice spared it would not have tested SQS faults at all.
    """

    def __init__(self, rate: float, seed: int) -> None:
        self._rate = rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._faulted_services: set[str] = set()
        self.injected: Counter[str] = Counter()

    @contextmanager
    def injected_into_calls(self) -> Iterator[None]:
        real = vars(BaseClient)[_API_CALL]

        def maybe_failing(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            with self._lock:
                first = service not in self._faulted_services
                fails = operation in FAULTED_OPERATIONS and (first or self._random.random() < self._rate)
                if fails:
                    self._faulted_services.add(service)
                went_through = self._random.random() < 0.5
                code = self._random.choice(_FAULT_CODES)
            if not fails:
                return real(client, operation, params)
            self.injected[f"{service}:{operation}"] += 1
            if went_through:  # the caller cannot know it worked
                real(client, operation, params)
            raise ClientError({"Error": {"Code": code, "Message": "injected fault"}}, operation)

        setattr(BaseClient, _API_CALL, maybe_failing)
        try:
            yield
        finally:
            setattr(BaseClient, _API_CALL, real)


@dataclass(frozen=True)
class SoakFigures:
    events: int
    jobs: int
    requests: int  # webhook POSTs the receiver got
    acknowledged: int  # jobs with at least one 2xx the worker saw
    duplicate_acknowledgements: int  # further 2xx for an acknowledged webhook-id
    dead_lettered: int
    redriven: int
    redrive_rounds: int
    receiver_faults: dict[str, int]
    aws_faults: dict[str, int]
    wall_seconds: float
    lost: list[str]  # webhook-ids never acknowledged
    not_delivered: list[str]  # event ids whose status is not delivered
    foreign_requests: int  # requests whose webhook-id no job has
    altered: list[str]  # webhook-ids that arrived with more than one body

    @property
    def zero_loss(self) -> bool:
        return not (self.lost or self.not_delivered or self.foreign_requests or self.altered)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"zero_loss": self.zero_loss}


def run_soak(functions: FunctionRegistry, plan: SoakPlan) -> SoakFigures:
    started = time.monotonic()
    answers = ChaoticAnswers(plan)
    faults = AwsFaults(plan.aws_fault_rate, plan.seed + 1)
    receiver = WebhookReceiver(failure=answers)
    receiver.start()
    try:
        source = _EventSource(plan, receiver.url())
        pipeline = DeliveryPipeline.in_process(functions)
        dead_lettered = redriven = rounds = 0
        while True:
            with faults.injected_into_calls():
                _run_until_idle(pipeline, source, deadline=started + plan.timeout_seconds)
            parked = _messages_in(os.environ["DEAD_LETTER_QUEUE_URL"])
            if not parked:
                break
            rounds += 1
            dead_lettered += parked
            redriven += redrive(
                boto3.client("sqs"), os.environ["DEAD_LETTER_QUEUE_URL"], os.environ["DELIVERY_QUEUE_URL"]
            ).moved
    finally:
        receiver.stop()
    return _account(
        plan,
        source.jobs,
        receiver.deliveries,
        answers,
        faults,
        dead_lettered,
        redriven,
        rounds,
        time.monotonic() - started,
    )


class _EventSource:
    """The tenants' subscriptions, then their events a wave at a time, stored as the API stores them.

    Waves keep the queue about one wave deep, as steady traffic would (and moto's SQS, which walks
    every message on each call, fast).
    """

    def __init__(self, plan: SoakPlan, url: str) -> None:
        client = dynamodb_client()
        self._events = EventStore(client, os.environ["EVENTS_TABLE"], int(os.environ["SHARD_COUNT"]))
        subscriptions = SubscriptionStore(client, os.environ["SUBSCRIPTIONS_TABLE"])
        patterns = (["order.*"], ["*"], ["order.created"])
        self._subscriptions = {
            f"soak-{tenant}": [
                subscriptions.create(
                    f"soak-{tenant}", SubscriptionIn(target_url=url, event_types=patterns[n % 3])
                ).subscription_id
                for n in range(plan.subscriptions_per_tenant)
            ]
            for tenant in range(plan.tenants)
        }
        self._waves = iter(range(0, plan.events, plan.wave_events))
        self._plan = plan
        self.wave_events = plan.wave_events
        self.jobs: dict[str, str] = {}  # each job's webhook-id → its event id

    def next_wave(self) -> bool:
        """Stores the next wave of events; False when all are stored."""
        first = next(self._waves, None)
        if first is None:
            return False
        numbers = range(first, min(first + self._plan.wave_events, self._plan.events))
        for tenant_number, (tenant, subscription_ids) in enumerate(self._subscriptions.items()):
            mine = [n for n in numbers if n % self._plan.tenants == tenant_number]
            bodies = [EventIn(event_type="order.created", payload={"n": n, "tenant": tenant}) for n in mine]
            for start in range(0, len(bodies), _BATCH):
                for summary in self._events.append_many(tenant, bodies[start : start + _BATCH]):
                    assert isinstance(summary, EventSummary), summary
                    self.jobs.update({f"msg_{summary.event_id}_{sub}_0": summary.event_id for sub in subscription_ids})
        return True


def _run_until_idle(pipeline: DeliveryPipeline, source: _EventSource, deadline: float) -> None:
    """Polls, storing a wave whenever nothing is ready and less than a wave is queued, until the stream
    has nothing new, no wave is left, and the delivery queue holds nothing, hidden or delayed.
    """
    while True:
        if not pipeline.poll_once():
            queued = _messages_in(os.environ["DELIVERY_QUEUE_URL"])
            if queued < source.wave_events and source.next_wave():
                continue
            if not queued:
                return
            time.sleep(0.05)
        if time.monotonic() > deadline:
            raise TimeoutError("the soak did not settle in time")


def _messages_in(queue_url: str) -> int:
    """Messages in the queue, visible, in flight (hidden) or delayed."""
    names: list[QueueAttributeFilterType] = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
    return sum(int(count) for count in attributes.values())


def _event_statuses() -> dict[str, str]:
    """Every event's status, in one paginated scan."""
    statuses: dict[str, str] = {}
    pages = (
        dynamodb_client()
        .get_paginator("scan")
        .paginate(
            TableName=os.environ["EVENTS_TABLE"],
            ProjectionExpression="sk, #status",
            ExpressionAttributeNames={"#status": "status"},
        )
    )
    for page in pages:
        for item in page.get("Items", []):
            if is_event_item(item["sk"]["S"]):
                statuses[item["sk"]["S"]] = item["status"]["S"]
    return statuses


def _account(
    plan: SoakPlan,
    jobs: dict[str, str],
    deliveries: list[Delivery],
    answers: ChaoticAnswers,
    faults: AwsFaults,
    dead_lettered: int,
    redriven: int,
    rounds: int,
    wall_seconds: float,
) -> SoakFigures:
    acknowledgements: Counter[str] = Counter()
    bodies: dict[str, set[bytes]] = defaultdict(set)
    for delivery in deliveries:
        bodies[delivery.webhook_id].add(delivery.body)
        if 200 <= delivery.status < 300 and delivery.answer.reaches(plan.worker_deadline_seconds):
            acknowledgements[delivery.webhook_id] += 1
    statuses = _event_statuses()
    return SoakFigures(
        events=plan.events,
        jobs=len(jobs),
        requests=len(deliveries),
        acknowledged=sum(1 for webhook_id in jobs if acknowledgements[webhook_id]),
        duplicate_acknowledgements=sum(count - 1 for count in acknowledgements.values()),
        dead_lettered=dead_lettered,
        redriven=redriven,
        redrive_rounds=rounds,
        receiver_faults=dict(answers.drawn),
        aws_faults=dict(faults.injected),
        wall_seconds=round(wall_seconds, 1),
        lost=sorted(webhook_id for webhook_id in jobs if not acknowledgements[webhook_id]),
        not_delivered=sorted(event_id for event_id in set(jobs.values()) if statuses.get(event_id) != "delivered"),
        foreign_requests=sum(1 for delivery in deliveries if delivery.webhook_id not in jobs),
        altered=sorted(webhook_id for webhook_id, seen in bodies.items() if len(seen) > 1),
    )
