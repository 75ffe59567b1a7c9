"""Redrive: moves dead-lettered delivery jobs back to the delivery queue (``triggers dlq redrive``).

Each batch is sent to the delivery queue before it is deleted from the DLQ, so a job is never lost;
if the process dies in between, the job is delivered twice, which at-least-once delivery allows.
The worker takes a redriven job as a fresh one (attempt 1): when it gets through, the event's
status goes from ``failed`` to ``delivered``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from triggers.storage.dynamo import storage_errors

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

_BATCH_LIMIT = 10  # SQS's maximum per receive, send and delete
# Long enough to send and delete a batch; a job SQS refused to send reappears in the DLQ after it.
_RECEIVE_VISIBILITY_SECONDS = 30


@dataclass(frozen=True)
class Redrive:
    moved: int
    refused: int  # jobs the delivery queue did not accept; they stay in the DLQ


def redrive(
    client: SQSClient, dead_letter_queue_url: str, delivery_queue_url: str, limit: int | None = None
) -> Redrive:
    """Moves up to ``limit`` jobs, and never more than the DLQ held when it started.

    The cap matters: a job that fails again at once (its subscription was disabled) is back in the
    DLQ within a poll, and moving it again would never end.
    """
    with storage_errors():
        attributes = client.get_queue_attributes(
            QueueUrl=dead_letter_queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
    remaining = int(attributes["ApproximateNumberOfMessages"])
    if limit is not None:
        remaining = min(remaining, limit)
    moved = refused = 0
    while remaining > 0:
        with storage_errors():
            messages = client.receive_message(
                QueueUrl=dead_letter_queue_url,
                MaxNumberOfMessages=min(_BATCH_LIMIT, remaining),
                VisibilityTimeout=_RECEIVE_VISIBILITY_SECONDS,
            ).get("Messages", [])
            if not messages:
                break
            # A job is its body; the worker sets no message attributes.
            sent = client.send_message_batch(
                QueueUrl=delivery_queue_url,
                Entries=[{"Id": str(index), "MessageBody": message["Body"]} for index, message in enumerate(messages)],
            ).get("Successful", [])
            accepted = [messages[int(entry["Id"])] for entry in sent]
            if accepted:
                client.delete_message_batch(
                    QueueUrl=dead_letter_queue_url,
                    Entries=[
                        {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                        for index, message in enumerate(accepted)
                    ],
                )
        moved += len(accepted)
        refused += len(messages) - len(accepted)
        remaining -= len(messages)
    return Redrive(moved=moved, refused=refused)
