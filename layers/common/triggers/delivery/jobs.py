"""Delivery jobs: one SQS message per (event generation, subscription), and how a job comes back later.

A job that must wait (a retry's backoff, a subscriber's Retry-After, an invocation running out of
time) is hidden with ChangeMessageVisibility when SQS allows that long, or else sent again as a new
message that carries its due time: SQS caps a message's visibility at 12 hours from the receive, and
refuses more, so a longer wait is kept in the message itself and honoured over several receives.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from triggers.storage.dynamo import error_code, storage_errors

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

SEND_BATCH_LIMIT = 10  # SQS's SendMessageBatch maximum
# SQS's limits: a message's visibility ends at most 12 h after its receive; a send delays it at most 15 min.
MAX_VISIBILITY_SECONDS = 12 * 60 * 60
MAX_SEND_DELAY_SECONDS = 15 * 60
# Lambda's poller receives a batch shortly before it invokes the function, and does not say when: this
# bounds the gap (the batching window is at most 5 min; throttled invocations are retried for a while).
RECEIVE_TO_INVOKE_ALLOWANCE_SECONDS = 15 * 60
# A message kept for a wait must still exist this long after it is due (SQS deletes it at retention).
_RETENTION_MARGIN_SECONDS = 60 * 60
# Hiding a message for less than this near the end of its window is not worth a receive: send it anew.
_SHORTEST_USEFUL_HIDE_SECONDS = 60


@dataclass(frozen=True)
class DeliveryJob:
    tenant_id: str
    event_id: str
    subscription_id: str
    generation: int
    # Attempts made by earlier runs of this job: a job redriven from the DLQ starts a new run of attempts.
    attempts_before: int = 0
    # Epoch seconds before which the job must not be attempted: a wait longer than SQS can hide a message.
    due_at: float | None = None

    @property
    def webhook_id(self) -> str:
        """Stable across retries, redrives and duplicates of this job; a replay is a new message with a new id."""
        return f"msg_{self.event_id}_{self.subscription_id}_{self.generation}"

    def due(self, at: float) -> DeliveryJob:
        return replace(self, due_at=at)

    def next_run(self, attempts_made: int) -> DeliveryJob:
        """The job as parked in the DLQ: redriven, it gets a full schedule of attempts again."""
        return replace(self, attempts_before=attempts_made, due_at=None)

    def to_message(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_message(cls, body: str) -> DeliveryJob:
        fields = json.loads(body)
        due_at = fields.get("due_at")
        return cls(
            tenant_id=str(fields["tenant_id"]),
            event_id=str(fields["event_id"]),
            subscription_id=str(fields["subscription_id"]),
            generation=int(fields["generation"]),
            attempts_before=int(fields.get("attempts_before", 0)),
            due_at=None if due_at is None else float(due_at),
        )


@dataclass(frozen=True)
class ReceivedJob:
    """A job as one receive of its SQS message handed it over."""

    job: DeliveryJob
    receipt_handle: str
    receive_count: int  # this message's ApproximateReceiveCount (a job sent anew starts again at 1)
    sent_at: float  # epoch seconds; SQS deletes the message once it is older than the queue's retention
    # Epoch seconds no later than this receive: its 12 h visibility window is measured from the receive.
    received_no_earlier_than: float

    @classmethod
    def of(
        cls,
        job: DeliveryJob,
        receipt_handle: str,
        receive_count: int,
        sent_at: float,
        first_received_at: float,
        invoked_at: float,
    ) -> ReceivedJob:
        """SQS reports when the message was *first* received; Lambda invoked us shortly after *this* receive.

        Both are lower bounds of this receive's time (the first exactly so when ``receive_count`` is 1).
        """
        received = max(first_received_at, invoked_at - RECEIVE_TO_INVOKE_ALLOWANCE_SECONDS)
        return cls(job, receipt_handle, receive_count, sent_at, received)

    def visibility_left(self, now: float) -> int:
        """The longest visibility SQS still accepts for this receive (its window closes 12 h after it)."""
        return max(0, math.floor(MAX_VISIBILITY_SECONDS - (now - self.received_no_earlier_than)))


@dataclass(frozen=True)
class Hide:
    """Keep the message: hidden for ``seconds``, SQS hands it back then."""

    seconds: int


@dataclass(frozen=True)
class SendAnew:
    """Send ``job`` as a new message delayed ``delay_seconds``; the received message is then deleted."""

    job: DeliveryJob
    delay_seconds: int


@dataclass(frozen=True)
class QueueLimits:
    """What the delivery queue tolerates of one message before it loses or parks it."""

    retention_seconds: int  # SQS deletes a message this long after it was sent, hidden or not
    receive_budget: int  # receives one message may use; the redrive policy parks it some receives later


def plan_return(received: ReceivedJob, due_at: float, now: float, limits: QueueLimits) -> Hide | SendAnew:
    """How the job comes back at ``due_at``.

    The message is kept (hidden) when its visibility window allows the wait; a message that already
    carries this due time may be hidden for what is left of the window, and wakes early to wait again.
    Otherwise the job goes out as a new message carrying the due time; so it does, whatever the wait,
    once the message has used its receive budget or would outlive the queue's retention by then.
    """
    wait = max(0, math.ceil(due_at - now))
    window = received.visibility_left(now)
    outlives = now + wait - received.sent_at > limits.retention_seconds - _RETENTION_MARGIN_SECONDS
    if received.receive_count < limits.receive_budget and not outlives:
        if wait <= window:
            return Hide(wait)
        carries_due_time = received.job.due_at is not None and received.job.due_at >= due_at
        if carries_due_time and window >= _SHORTEST_USEFUL_HIDE_SECONDS:
            return Hide(window)
    return SendAnew(received.job.due(due_at), min(wait, MAX_SEND_DELAY_SECONDS))


class JobQueueError(Exception):
    """SQS refused some messages; the caller fails the record so the whole send is retried."""


class JobQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def send(self, jobs: list[DeliveryJob], delay_seconds: int = 0) -> None:
        for start in range(0, len(jobs), SEND_BATCH_LIMIT):
            chunk = jobs[start : start + SEND_BATCH_LIMIT]
            with storage_errors():
                response = self._client.send_message_batch(
                    QueueUrl=self._queue_url,
                    Entries=[
                        {"Id": str(index), "MessageBody": job.to_message(), "DelaySeconds": delay_seconds}
                        for index, job in enumerate(chunk)
                    ],
                )
            if response.get("Failed"):
                raise JobQueueError(f"{len(response['Failed'])} of {len(chunk)} delivery jobs were not queued")

    def return_later(self, received: ReceivedJob, due_at: float, now: float, limits: QueueLimits) -> bool:
        """Makes the job come back at ``due_at``; True if the received message is kept (report it failed)."""
        plan = plan_return(received, due_at, now, limits)
        if isinstance(plan, Hide):
            try:
                self._hide(received.receipt_handle, plan.seconds)
                return True
            except ClientError as exc:
                if error_code(exc) != "InvalidParameterValue":
                    raise
                # SQS measured the window differently than we did: the wait goes into a new message.
                plan = SendAnew(received.job.due(due_at), min(plan.seconds, MAX_SEND_DELAY_SECONDS))
        self.send([plan.job], plan.delay_seconds)
        return False

    def _hide(self, receipt_handle: str, seconds: int) -> None:
        with storage_errors():
            self._client.change_message_visibility(
                QueueUrl=self._queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
            )
