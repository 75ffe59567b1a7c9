"""Drives the push pipeline in-process: the stream poller feeds the dispatcher, the queue poller the
worker, and a webhook receiver on 127.0.0.1 answers as scripted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3

from local.receiver import Answer, Delivery, WebhookReceiver
from tests.integration.conftest import ApiClient


@dataclass
class Receiver:
    """A webhook endpoint that answers from ``script`` (in order), then with ``default``."""

    script: list[Answer] = field(default_factory=list)
    default: Answer = field(default_factory=Answer)
    server: WebhookReceiver | None = None

    def answer(self, request_number: int, webhook_id: str) -> Answer:
        return self.script.pop(0) if self.script else self.default

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url()

    @property
    def deliveries(self) -> list[Delivery]:
        assert self.server is not None
        return self.server.deliveries


@contextmanager
def running_receiver(receiver: Receiver) -> Iterator[Receiver]:
    receiver.server = WebhookReceiver(failure=receiver)
    receiver.server.start()
    try:
        yield receiver
    finally:
        receiver.server.stop()


def subscribe(api: ApiClient, url: str, event_types: list[str] | None = None) -> dict[str, Any]:
    response = api.post("/v1/subscriptions", {"target_url": url, "event_types": event_types or ["order.*"]})
    assert response.status == 201, response.body
    return dict(response.json())


def status_of(api: ApiClient, event_id: str) -> str:
    return str(api.get(f"/v1/events/{event_id}").json()["status"])


def history(api: ApiClient, event_id: str) -> list[dict[str, Any]]:
    return list(api.get(f"/v1/events/{event_id}").json()["delivery"]["history"])


def dead_letters() -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    jobs: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=os.environ["DEAD_LETTER_QUEUE_URL"], MaxNumberOfMessages=10, VisibilityTimeout=30
        ).get("Messages", [])
        if not messages:
            return jobs
        jobs += [json.loads(message["Body"]) for message in messages]
