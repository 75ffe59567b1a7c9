"""Fault injection: random DynamoDB and SQS errors in the dispatcher and worker, and a flaky
receiver, hit a few dozen events. At the end every event is delivered, or failed with its job in the
DLQ; nothing is lost, and duplicates (allowed by at-least-once) always carry the same webhook-id.
"""

from __future__ import annotations

import os
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from triggers.storage.events import EventStore

from tests.integration.conftest import ApiClient, event_body
from tests.integration.delivery_harness import Pipeline, Receiver, dead_letters, running_receiver

EVENTS = 24
FAULT_RATE = 0.06
# The functions' calls; the pollers stand for AWS's own event source mappings and are not faulted.
FAULTED_OPERATIONS = frozenset(
    {"Query", "GetItem", "PutItem", "UpdateItem", "SendMessageBatch", "ChangeMessageVisibility"}
)


class Faults:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.enabled = False
        self.injected: dict[str, int] = defaultdict(int)

    def __call__(self, real: Any) -> Any:
        def maybe_failing(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            if not (self.enabled and operation in FAULTED_OPERATIONS and self.random.random() < FAULT_RATE):
                return real(client, operation, params)
            code = self.random.choice(["InternalServerError", "ThrottlingException", "ServiceUnavailable"])
            self.injected[operation] += 1
            if self.random.random() < 0.5:
                # The request went through but its answer was lost: the caller cannot know it worked.
                real(client, operation, params)
            raise ClientError({"Error": {"Code": code, "Message": "injected fault"}}, operation)

        return maybe_failing


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    injector = Faults(seed=4)
    monkeypatch.setattr(BaseClient, "_make_api_call", injector(BaseClient._make_api_call))
    return injector


@pytest.fixture
def flaky_receiver() -> Iterator[Receiver]:
    replies = random.Random(7)

    def flaky() -> tuple[int, dict[str, str]]:
        roll = replies.random()
        if roll < 0.25:
            return 500, {}
        if roll < 0.32:
            time.sleep(1.3)  # past the worker's 1 s read timeout (READ_TIMEOUT_SECONDS in tests)
            return 200, {}
        return 200, {}

    with running_receiver(Receiver(default=flaky)) as receiver:
        yield receiver


def test_random_faults_lose_nothing(api: ApiClient, gateway: Any, flaky_receiver: Receiver, faults: Faults) -> None:
    pipeline = Pipeline(gateway._functions)
    subscriptions = [
        api.post("/v1/subscriptions", {"target_url": flaky_receiver.url, "event_types": [pattern]}).json()
        for pattern in ("order.*", "*")
    ]
    response = api.post("/v1/events/batch", {"events": [event_body(payload={"n": n}) for n in range(EVENTS)]})
    event_ids = [result["event_id"] for result in response.json()["results"]]

    store = EventStore(boto3.client("dynamodb"), os.environ["EVENTS_TABLE"], int(os.environ["SHARD_COUNT"]))

    def statuses() -> dict[str, str]:
        faults.enabled = False
        try:
            return {event_id: store.get("acme", event_id).status.value for event_id in event_ids}
        finally:
            faults.enabled = True

    faults.enabled = True
    pipeline.run_until(lambda: set(statuses().values()) <= {"delivered", "failed"}, timeout=180)
    faults.enabled = False
    pipeline.drain(idle_seconds=1.5)  # let duplicates and late retries play out

    assert sum(faults.injected.values()) >= 5, faults.injected  # the faults did happen
    final = {event_id: store.get("acme", event_id) for event_id in event_ids}
    parked = {(job["event_id"], job["subscription_id"]) for job in dead_letters()}
    received: dict[str, set[bytes]] = defaultdict(set)
    for delivery in flaky_receiver.deliveries:
        received[delivery.webhook_id].add(delivery.body)

    expected_ids = {
        f"msg_{event_id}_{subscription['subscription_id']}_0"
        for event_id in event_ids
        for subscription in subscriptions
    }
    assert set(received) <= expected_ids, "every delivery belongs to a dispatched job"
    assert all(len(bodies) == 1 for bodies in received.values()), "duplicates carry the same webhook-id and body"
    for event_id, event in final.items():
        assert event.status.value in {"delivered", "failed"}
        assert event.delivery.pending_subscriptions == []
        for subscription in subscriptions:
            job = (event_id, subscription["subscription_id"])
            if subscription["subscription_id"] in event.delivery.failed_subscriptions:
                assert job in parked, f"failed delivery {job} is not in the DLQ"
            else:
                assert f"msg_{event_id}_{subscription['subscription_id']}_0" in received, f"{job} was lost"
        if event.status.value == "failed":
            assert event.delivery.failed_subscriptions
