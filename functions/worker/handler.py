"""Delivery queue → signed webhook POSTs, with per-message retries via the visibility timeout.

A failed delivery that should be retried is reported as a batch item failure after its visibility
timeout was set to the backoff delay: SQS hands it back then, as the next attempt.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
import httpx
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from triggers.delivery.jobs import DeliveryJob, JobQueue
from triggers.delivery.schedule import RetrySchedule
from triggers.delivery.targets import TargetPolicy
from triggers.delivery.worker import DeliveryWorker, RetryLater
from triggers.observability import logger, metrics, tracer
from triggers.settings import WorkerSettings, load_settings
from triggers.storage.deliveries import DeliveryLedger
from triggers.storage.dynamo import CLIENT_CONFIG, dynamodb_client
from triggers.storage.events import EventStore
from triggers.storage.subscriptions import SubscriptionStore

settings = load_settings(WorkerSettings)
processor = BatchProcessor(event_type=EventType.SQS)


class DeliveryDeferred(Exception):
    """Marks the record failed so SQS redelivers it when its new visibility timeout ends."""


@cache
def delivery_queue() -> JobQueue:
    return JobQueue(boto3.client("sqs", config=CLIENT_CONFIG), settings.delivery_queue_url)


@cache
def worker() -> DeliveryWorker:
    client = dynamodb_client()
    timeout = httpx.Timeout(settings.read_timeout_seconds, connect=settings.connect_timeout_seconds)
    return DeliveryWorker(
        events=EventStore(client, settings.events_table, settings.shard_count),
        subscriptions=SubscriptionStore(client, settings.subscriptions_table),
        ledger=DeliveryLedger(client, settings.events_table, settings.shard_count, settings.event_ttl_days),
        dead_letters=JobQueue(boto3.client("sqs", config=CLIENT_CONFIG), settings.dead_letter_queue_url),
        # One client per container: connection pooling across deliveries; redirects are not followed.
        http=httpx.Client(timeout=timeout, follow_redirects=False),
        targets=TargetPolicy(allow_http=settings.allow_http_targets, allow_loopback=settings.allow_loopback_targets),
        schedule=RetrySchedule(settings.retry_delays),
    )


@tracer.capture_method
def deliver_record(record: SQSRecord) -> None:
    job = DeliveryJob.from_message(record.body)
    outcome = worker().deliver(job, attempt=int(record.attributes.approximate_receive_count))
    if isinstance(outcome, RetryLater):
        delivery_queue().defer(record.receipt_handle, outcome.delay_seconds)
        raise DeliveryDeferred(f"retry in {outcome.delay_seconds}s")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=deliver_record, processor=processor, context=context)
