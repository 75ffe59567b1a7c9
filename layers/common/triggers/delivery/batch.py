"""One worker invocation: its SQS records delivered concurrently, and none started that cannot finish.

A slow subscriber must not make the whole batch time out, or every other tenant's job in it would be
retried for it. So the jobs of a batch run side by side (at most ``concurrency`` at once), each POST
ends at its own deadline, and a job starts only while the invocation has time left for a whole one;
any other is handed straight back to the queue, without an attempt, to be picked up again at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from triggers.delivery.jobs import DeliveryJob, JobQueue, QueueLimits, ReceivedJob
from triggers.delivery.worker import DeliveryWorker
from triggers.observability import logger

# A job handed back for lack of time is visible again this soon (to this invocation's successors).
HANDED_BACK_AFTER_SECONDS = 1


class DeliveryDeferred(Exception):
    """Reported as a batch item failure: the message stays, and SQS hands it back when it is due.

    An expected outcome, not a fault: it is logged as one INFO line where it is decided, and the batch
    processor is given no logger, so Powertools logs no warning or stack trace for it.
    """


@dataclass(frozen=True)
class BatchLimits:
    concurrency: int  # jobs in flight at once
    seconds_per_job: float  # the POST's deadline plus the reads and writes around it
    queue: QueueLimits


class DeliveryBatch:
    """Created per invocation; ``deliver_record`` is the record handler of Powertools' AsyncBatchProcessor."""

    def __init__(
        self,
        worker: DeliveryWorker,
        queue: JobQueue,
        limits: BatchLimits,
        remaining_ms: Callable[[], int],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._worker = worker
        self._queue = queue
        self._limits = limits
        self._remaining_ms = remaining_ms
        self._clock = clock
        self._invoked_at = clock()
        self._slots = asyncio.Semaphore(limits.concurrency)

    async def deliver_record(self, record: SQSRecord) -> None:
        async with self._slots:
            await asyncio.to_thread(self._deliver, self._received(record))

    def _deliver(self, received: ReceivedJob) -> None:
        if self._remaining_ms() < self._limits.seconds_per_job * 1000:
            logger.info(
                "Job handed back: too little time left to deliver it", extra={"event_id": received.job.event_id}
            )
            self._come_back(received, self._clock() + HANDED_BACK_AFTER_SECONDS)
            return
        retry = self._worker.deliver(received.job, received.receive_count)
        if retry is not None:
            job = received.job
            logger.info(
                "Delivery retry scheduled",
                extra={
                    "event_id": job.event_id,
                    "subscription_id": job.subscription_id,
                    "retry_in_seconds": round(max(0.0, retry.due_at - self._clock())),
                },
            )
            self._come_back(received, retry.due_at)

    def _come_back(self, received: ReceivedJob, due_at: float) -> None:
        if self._queue.return_later(received, due_at, self._clock(), self._limits.queue):
            raise DeliveryDeferred(f"due in {max(0, due_at - self._clock()):.0f}s")
        # Otherwise a new message carries the job: this one is done and gets deleted.

    def _received(self, record: SQSRecord) -> ReceivedJob:
        attributes = record.attributes
        return ReceivedJob.of(
            DeliveryJob.from_message(record.body),
            record.receipt_handle,
            receive_count=int(attributes.approximate_receive_count),
            sent_at=int(attributes.sent_timestamp) / 1000,
            first_received_at=int(attributes.approximate_first_receive_timestamp) / 1000,
            invoked_at=self._invoked_at,
        )
