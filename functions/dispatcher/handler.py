"""DynamoDB stream of the events table → one SQS delivery job per matching subscription.

Partial batch responses: a record that fails is reported alone, and the event source mapping
retries from it, then sends it to the on-failure destination, so a poison record never blocks the
shard. Partial failures only, even when every record failed (a one-record batch at low traffic): a
retried throttle is not a Lambda error; records that keep failing raise the on-failure queue's alarm.
The jobs of the whole batch are queued at its end; a record whose jobs SQS did not take fails too.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBStreamEvent
from aws_lambda_powertools.utilities.typing import LambdaContext
from triggers.delivery.dispatch import Dispatcher, with_failures
from triggers.observability import logger, metrics, tracing
from triggers.settings import DispatcherSettings, load_settings
from triggers.snapshot import preload
from triggers.tenant_stats import StreamCounter

settings = load_settings(DispatcherSettings)
processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)


@preload
@cache
def counter() -> StreamCounter:
    return StreamCounter.from_settings(settings)


@preload
@cache
def dispatcher() -> Dispatcher:
    return Dispatcher.from_settings(settings)


@logger.inject_lambda_context(clear_state=True)
@tracing.lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    batch = dispatcher().batch()
    response = process_partial_response(
        event=event, record_handler=tracing.method(batch.dispatch_record), processor=processor, context=context
    )
    response = with_failures(response, batch.send())
    counter().count_batch(DynamoDBStreamEvent(event).records, response)
    return response
