"""Drives the push pipeline in-process: the stream poller feeds the dispatcher, the queue poller the
worker, and a webhook receiver on 127.0.0.1 answers with scripted responses.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
from triggers.routes import FunctionName

from local.lambdas import FunctionRegistry
from local.pollers import QueuePoller, StreamPoller


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def json(self) -> Any:
        return json.loads(self.body)


Reply = tuple[int, dict[str, str]] | Callable[[], tuple[int, dict[str, str]]]


@dataclass
class Receiver:
    """A webhook endpoint: records every request, replies from ``script`` then with ``default``."""

    script: list[Reply] = field(default_factory=list)
    default: Reply = (200, {})
    deliveries: list[Delivery] = field(default_factory=list)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, delivery: Delivery) -> tuple[int, dict[str, str]]:
        with self._lock:
            self.deliveries.append(delivery)
            reply = self.script.pop(0) if self.script else self.default
        return reply() if callable(reply) else reply


@contextmanager
def running_receiver(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status, headers = receiver.reply(Delivery({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class Pipeline:
    """The stream → dispatcher → queue → worker path, advanced by explicit polling."""

    def __init__(self, functions: FunctionRegistry) -> None:
        stream_arn = boto3.client("dynamodb").describe_table(TableName=os.environ["EVENTS_TABLE"])["Table"][
            "LatestStreamArn"
        ]
        # botocore now sends stream calls to account-specific hosts moto does not route; the classic one it does.
        streams = boto3.client("dynamodbstreams", endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com")
        self.stream = StreamPoller(
            streams,
            stream_arn,
            lambda event: functions.invoke(FunctionName.DISPATCHER, event),
            max_retries=10,
        )
        self.queue = QueuePoller(
            boto3.client("sqs"),
            os.environ["DELIVERY_QUEUE_URL"],
            lambda event: functions.invoke(FunctionName.WORKER, event),
        )

    def run_until(self, done: Callable[[], bool], timeout: float = 20.0) -> None:
        """Polls until ``done()``, asking it when the pipeline is idle or at least once a second."""
        deadline = time.monotonic() + timeout
        last_check = 0.0
        while True:
            moved = self.stream.poll_once() + self.queue.poll_once()
            if not moved or time.monotonic() - last_check > 1:
                if done():
                    return
                last_check = time.monotonic()
            if time.monotonic() > deadline:
                raise AssertionError("pipeline did not settle in time")
            if not moved:
                time.sleep(0.05)

    def drain(self, idle_seconds: float = 0.5) -> None:
        """Polls until nothing has moved for ``idle_seconds`` (no more work is visible)."""
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < idle_seconds:
            if self.stream.poll_once() + self.queue.poll_once():
                quiet_since = time.monotonic()
            else:
                time.sleep(0.05)


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
