"""Delivery queue → signed webhook POSTs, a batch's jobs side by side, each retried on its own schedule.

A job to retry later is reported as a batch item failure once its message is hidden until then (or it
went out as a new message carrying its due time, and this one is deleted). Reporting partial failures
only: a batch whose every job is deferred is a normal outcome, never a Lambda error.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import AsyncBatchProcessor, EventType, async_process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from triggers.delivery.batch import BatchLimits, DeliveryBatch
from triggers.delivery.jobs import JobQueue, QueueLimits
from triggers.delivery.schedule import RetrySchedule
from triggers.delivery.worker import DeliveryWorker
from triggers.observability import logger, metrics, tracing
from triggers.settings import WorkerSettings, load_settings
from triggers.snapshot import preload
from triggers.storage.dynamo import sqs_client

settings = load_settings(WorkerSettings)
schedule = RetrySchedule(settings.retry_delays)
processor = AsyncBatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
limits = BatchLimits(
    concurrency=settings.delivery_concurrency,
    seconds_per_job=settings.delivery_deadline_seconds + settings.job_reserve_seconds,
    queue=QueueLimits(settings.delivery_queue_retention_seconds, receive_budget=schedule.max_attempts),
)


@preload
@cache
def delivery_queue() -> JobQueue:
    return JobQueue(sqs_client(), settings.delivery_queue_url)


@preload
@cache
def worker() -> DeliveryWorker:
    return DeliveryWorker.from_settings(settings)


preload(lambda: worker().preload())  # the webhook sender, which the first delivery loads otherwise


@logger.inject_lambda_context(clear_state=True)
@tracing.lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    batch = DeliveryBatch(worker(), delivery_queue(), limits, remaining_ms=context.get_remaining_time_in_millis)
    return async_process_partial_response(
        event=event, record_handler=batch.deliver_record, processor=processor, context=context
    )
