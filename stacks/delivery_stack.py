"""Delivery: events-table stream → dispatcher → SQS delivery queue → worker → webhooks, and the dead letters.

There is no dual write: ingest writes the events table once and its stream is the outbox. What cannot be
dispatched or delivered ends in a queue that raises an alarm, never silently.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from triggers.delivery.schedule import RetrySchedule
from triggers.routes import FunctionName
from triggers.settings import DispatcherSettings, WorkerSettings
from triggers.tables import TableName, physical_name

from stacks.config import EnvironmentConfig
from stacks.constructs.micro_function import MicroFunction, TableAccess, common_layer
from stacks.data_stack import DataStack
from stacks.layer_bundle import LayerBundle
from stacks.nag import acknowledge

WORKER_TIMEOUT = Duration.seconds(90)
# The jobs of a batch are delivered side by side (WorkerSettings.delivery_concurrency, 10), each within its
# deadline, and a job is handed back when too little time is left: ten fit the timeout, and each batch
# costs one receive and one delete.
WORKER_BATCH_SIZE = 10
# Lambda wants the queue's visibility timeout at six times the worker's; a retry sets its own visibility
# per message to follow the backoff schedule.
DELIVERY_VISIBILITY_TIMEOUT = Duration.seconds(6 * WORKER_TIMEOUT.to_seconds())
# The worker dead-letters a job itself after its last scheduled attempt; SQS's redrive only catches a
# message that keeps making the worker fail.
MAX_RECEIVE_COUNT = RetrySchedule().redrive_max_receive_count
# SQS's maximum, and no shorter than the delivery queue's: a dead letter keeps its original enqueue time.
DEAD_LETTER_RETENTION = Duration.days(14)
# One data key serves many messages: KMS calls stay off the per-job path.
DATA_KEY_REUSE = Duration.hours(1)
DISPATCHER_TIMEOUT = Duration.seconds(60)
# Up to about 100 events' records (each event leaves about four on the stream): what one batch costs in
# stats writes, subscription reads and SQS sends is shared by that many events (benchmarks: stats_writes).
# At 10,000 events/s a shard holds about 250 records per read, so batches fill; a quiet stream still
# hands over whatever one read finds, without waiting.
STREAM_BATCH_SIZE = 400
# A failing batch is halved until the bad record is alone (halving does not count as a retry), then
# retried this often before its position goes to the dispatch failures queue.
STREAM_RETRY_ATTEMPTS = 10
# A record no batch could dispatch for this long goes to the dispatch failures queue too, so one shard
# cannot stall for the stream's whole 24 h; the 18 h left are for replaying it (docs/operations.md).
STREAM_MAX_RECORD_AGE = Duration.hours(6)


class DeliveryStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        data: DataStack,
        layer_bundle: LayerBundle,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        encrypted = partial(
            sqs.Queue,
            self,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=data.key,
            data_key_reuse=DATA_KEY_REUSE,
            enforce_ssl=True,
            removal_policy=config.removal_policy,
        )
        self.dead_letter_queue = encrypted(
            "DeadLetterQueue", queue_name=f"{config.prefix}-delivery-dlq", retention_period=DEAD_LETTER_RETENTION
        )
        acknowledge(
            self.dead_letter_queue,
            "AwsSolutions-SQS3",
            "This is the dead-letter queue: its messages are replayed by hand, and any message in it raises an alarm",
        )
        self.delivery_queue = encrypted(
            "DeliveryQueue",
            queue_name=f"{config.prefix}-delivery",
            retention_period=config.delivery_retention,
            visibility_timeout=DELIVERY_VISIBILITY_TIMEOUT,
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letter_queue, max_receive_count=MAX_RECEIVE_COUNT),
        )
        # Positions of stream batches the dispatcher gave up on. They hold no event data, so SQS's own
        # encryption is enough (and keeps the data key out of the event source mapping's grants).
        self.dispatch_failures = sqs.Queue(
            self,
            "DispatchFailures",
            queue_name=f"{config.prefix}-dispatch-failures",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DEAD_LETTER_RETENTION,
            removal_policy=config.removal_policy,
        )
        acknowledge(
            self.dispatch_failures,
            "AwsSolutions-SQS3",
            "The dispatcher's on-failure destination is itself the last stop: any message in it raises an alarm",
        )
        self.functions = self._functions(config, data, common_layer(self, config, layer_bundle))
        # What a redrive needs (docs/operations.md#dead-letters): `triggers dlq redrive --env` finds the
        # queues by name; `aws sqs start-message-move-task` needs both ARNs.
        CfnOutput(self, "DeadLetterQueueUrl", value=self.dead_letter_queue.queue_url)
        CfnOutput(self, "DeadLetterQueueArn", value=self.dead_letter_queue.queue_arn)
        CfnOutput(self, "DeliveryQueueArn", value=self.delivery_queue.queue_arn)

    def _functions(
        self, config: EnvironmentConfig, data: DataStack, layer: lambda_.ILayerVersion
    ) -> dict[FunctionName, MicroFunction]:
        name = partial(physical_name, config.prefix)
        events, subscriptions = data.tables[TableName.EVENTS], data.tables[TableName.SUBSCRIPTIONS]
        dispatcher = MicroFunction(
            self,
            FunctionName.DISPATCHER,
            config=config,
            layer=layer,
            settings=DispatcherSettings(
                events_table=name(TableName.EVENTS),
                shard_count=config.shard_count,
                subscriptions_table=name(TableName.SUBSCRIPTIONS),
                delivery_queue_url=self.delivery_queue.queue_url,
                stats_table=physical_name(config.prefix, TableName.STATS),
            ),
            # Reads the tenant's subscriptions, records which ones the event owes, queues one job each.
            # UpdateItem: the ledger; PutItem: a skipped attempt for each disabled subscription that matches.
            # The stats: one aggregated UpdateItem per tenant and bucket per stream batch.
            tables=[
                TableAccess(events, ("UpdateItem", "PutItem")),
                TableAccess(subscriptions, ("Query",)),
                TableAccess(data.tables[TableName.STATS], ("UpdateItem",)),
            ],
            sends_to=[self.delivery_queue],
            timeout=DISPATCHER_TIMEOUT,
        )
        dispatcher.alias.add_event_source(
            event_sources.DynamoEventSource(
                events,
                # From the oldest record still in the stream: events stored before a deploy are dispatched too.
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=STREAM_BATCH_SIZE,
                # Batches of one shard run side by side; records of one event (same key) stay in order.
                parallelization_factor=config.concurrency.stream_parallelization,
                report_batch_item_failures=True,
                bisect_batch_on_error=True,
                retry_attempts=STREAM_RETRY_ATTEMPTS,
                max_record_age=STREAM_MAX_RECORD_AGE,
                on_failure=event_sources.SqsDlq(self.dispatch_failures),
            )
        )
        acknowledge(
            dispatcher.role.node.find_child("DefaultPolicy"),
            "AwsSolutions-IAM5",
            "dynamodb:ListStreams, which the stream's event source mapping needs, has no resource-level permissions",
            finding="Resource::*",
        )
        worker = MicroFunction(
            self,
            FunctionName.WORKER,
            config=config,
            layer=layer,
            settings=WorkerSettings(
                events_table=name(TableName.EVENTS),
                shard_count=config.shard_count,
                subscriptions_table=name(TableName.SUBSCRIPTIONS),
                delivery_queue_url=self.delivery_queue.queue_url,
                dead_letter_queue_url=self.dead_letter_queue.queue_url,
                event_ttl_days=config.event_ttl_days,
                # A wait longer than the queue keeps messages goes out anew before SQS would drop it.
                delivery_queue_retention_seconds=int(config.delivery_retention.to_seconds()),
            ),
            # Reads the event and the subscription, records each attempt and settles the event's status;
            # disables a subscription whose target answered 410 Gone.
            tables=[
                TableAccess(events, ("Query", "PutItem", "UpdateItem")),
                TableAccess(subscriptions, ("GetItem", "UpdateItem")),
            ],
            # The DLQ after the last attempt; the delivery queue for a wait longer than SQS can hide a message.
            sends_to=[self.dead_letter_queue, self.delivery_queue],
            timeout=WORKER_TIMEOUT,
        )
        worker.alias.add_event_source(
            event_sources.SqsEventSource(
                self.delivery_queue,
                batch_size=WORKER_BATCH_SIZE,
                report_batch_item_failures=True,
                # Slow subscribers hold a worker each; capped here (not by reserved concurrency, which
                # would throttle and count receives) so they never take the request path's concurrency.
                max_concurrency=config.concurrency.worker_max,
            )
        )
        return {function.logical_name: function for function in (dispatcher, worker)}
