"""The delivery stack: the stream feeds the dispatcher, the queue feeds the worker, and what cannot be
dispatched or delivered ends in a queue of its own."""

from __future__ import annotations

from typing import Any

import pytest
from triggers.delivery.schedule import RetrySchedule
from triggers.routes import FunctionName

from stacks.delivery_stack import STREAM_MAX_RECORD_AGE
from tests.infrastructure.conftest import Synthesized
from tests.infrastructure.functions import alias_of, function_of
from tests.infrastructure.templates import as_list, statements

pytestmark = pytest.mark.xdist_group("cdk")

ALL_QUEUES = ["delivery", "delivery-dlq", "dispatch-failures"]
# Queues that carry event references a tenant owns: encrypted with the customer-managed data key.
DATA_QUEUES = ["delivery", "delivery-dlq"]


def queues(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    """Queue properties by name without the environment prefix."""
    resources = synthesized.assembly.resources(synthesized.delivery, "AWS::SQS::Queue").values()
    prefix = f"{synthesized.config.prefix}-"
    return {queue["Properties"]["QueueName"].removeprefix(prefix): queue["Properties"] for queue in resources}


def event_source_of(synthesized: Synthesized, function: FunctionName) -> dict[str, Any]:
    """The function's event source mapping; it invokes the function's ``live`` alias (CDK names it
    ``<function name>:live``, taken apart from the alias ARN)."""
    _, alias_id, _ = alias_of(synthesized, function)
    mappings = synthesized.assembly.resources(synthesized.delivery, "AWS::Lambda::EventSourceMapping").values()
    (mapping,) = (m["Properties"] for m in mappings if {"Ref": alias_id} in _parts(m["Properties"]["FunctionName"]))
    assert mapping["FunctionName"]["Fn::Join"][1][-1] == ":live"
    return mapping


def _parts(value: Any) -> list[Any]:
    """Every nested value of an intrinsic, itself included."""
    if isinstance(value, dict):
        return [value, *(part for item in value.values() for part in _parts(item))]
    if isinstance(value, list):
        return [part for item in value for part in _parts(item)]
    return [value]


def queue(synthesized: Synthesized, name: str) -> str:
    return f"AWS::SQS::Queue {synthesized.config.prefix}-{name}"


def test_the_dispatcher_reads_every_new_event_from_the_events_stream(synthesized: Synthesized) -> None:
    mapping = event_source_of(synthesized, FunctionName.DISPATCHER)
    source = synthesized.assembly.render(synthesized.delivery, mapping["EventSourceArn"])
    assert source == f"AWS::DynamoDB::Table {synthesized.config.prefix}-events.StreamArn"
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert "FilterCriteria" not in mapping  # the dispatcher alone decides what is dispatchable


def test_stream_batches_the_dispatcher_gives_up_on_are_kept(synthesized: Synthesized) -> None:
    mapping = event_source_of(synthesized, FunctionName.DISPATCHER)
    destination = mapping["DestinationConfig"]["OnFailure"]["Destination"]
    assert synthesized.assembly.render(synthesized.delivery, destination) == queue(synthesized, "dispatch-failures")
    assert 0 < mapping["MaximumRetryAttempts"] <= 10


def test_the_dispatcher_runs_batches_of_a_shard_side_by_side(synthesized: Synthesized) -> None:
    mapping = event_source_of(synthesized, FunctionName.DISPATCHER)
    assert mapping["ParallelizationFactor"] == synthesized.config.concurrency.stream_parallelization


def test_a_stuck_stream_record_gives_way_while_it_can_still_be_replayed(synthesized: Synthesized) -> None:
    mapping = event_source_of(synthesized, FunctionName.DISPATCHER)
    stream_retention = 24 * 3600
    assert mapping["MaximumRecordAgeInSeconds"] == STREAM_MAX_RECORD_AGE.to_seconds()
    # Hours are left to replay the record from the stream (docs/operations.md#dispatch-failures).
    assert stream_retention - mapping["MaximumRecordAgeInSeconds"] >= 12 * 3600


def test_worker_concurrency_is_capped_by_its_event_source(synthesized: Synthesized) -> None:
    mapping = event_source_of(synthesized, FunctionName.WORKER)
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": synthesized.config.concurrency.worker_max}


def test_redrive_needs_are_stack_outputs(synthesized: Synthesized) -> None:
    outputs = synthesized.assembly.templates[synthesized.delivery]["Outputs"]
    for key, name, attribute in [
        ("DeadLetterQueueUrl", "delivery-dlq", "Ref"),  # a queue's Ref is its URL
        ("DeadLetterQueueArn", "delivery-dlq", "Fn::GetAtt"),
        ("DeliveryQueueArn", "delivery", "Fn::GetAtt"),
    ]:
        value = outputs[key]["Value"]
        assert attribute in value
        assert synthesized.assembly.render(synthesized.delivery, value) == queue(synthesized, name)


def test_the_worker_consumes_the_delivery_queue_reporting_each_failed_job(synthesized: Synthesized) -> None:
    mapping = event_source_of(synthesized, FunctionName.WORKER)
    assert synthesized.assembly.render(synthesized.delivery, mapping["EventSourceArn"]) == queue(
        synthesized, "delivery"
    )
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_sqs_dead_letters_a_job_only_after_the_workers_whole_retry_schedule(synthesized: Synthesized) -> None:
    redrive = queues(synthesized)["delivery"]["RedrivePolicy"]
    assert synthesized.assembly.render(synthesized.delivery, redrive["deadLetterTargetArn"]) == queue(
        synthesized, "delivery-dlq"
    )
    assert redrive["maxReceiveCount"] > RetrySchedule().max_attempts


def test_jobs_outlive_the_retry_schedule_and_dead_letters_outlive_jobs(synthesized: Synthesized) -> None:
    by_name = queues(synthesized)
    delivery = by_name["delivery"]["MessageRetentionPeriod"]
    assert delivery > sum(RetrySchedule().delays_seconds)
    assert by_name["delivery-dlq"]["MessageRetentionPeriod"] >= delivery


def test_a_job_stays_hidden_while_the_worker_may_still_be_running(synthesized: Synthesized) -> None:
    _, _, worker = function_of(synthesized, FunctionName.WORKER)
    assert queues(synthesized)["delivery"]["VisibilityTimeout"] >= 6 * worker["Properties"]["Timeout"]


@pytest.mark.parametrize("name", DATA_QUEUES)
def test_queue_is_encrypted_with_the_data_key(synthesized: Synthesized, name: str) -> None:
    key = queues(synthesized)[name]["KmsMasterKeyId"]
    (data_key,) = synthesized.assembly.resources(synthesized.data, "AWS::KMS::Key")
    assert synthesized.assembly.render(synthesized.delivery, key) == f"AWS::KMS::Key {data_key}"


def test_dispatch_failures_hold_no_event_data_and_are_encrypted_by_sqs(synthesized: Synthesized) -> None:
    assert queues(synthesized)["dispatch-failures"]["SqsManagedSseEnabled"] is True


@pytest.mark.parametrize("name", ALL_QUEUES)
def test_queue_refuses_requests_without_tls(synthesized: Synthesized, name: str) -> None:
    policies = synthesized.assembly.resources(synthesized.delivery, "AWS::SQS::QueuePolicy").values()
    denials = [
        statement
        for policy in policies
        if queue(synthesized, name)
        in {synthesized.assembly.render(synthesized.delivery, q) for q in policy["Properties"]["Queues"]}
        for statement in statements(policy["Properties"]["PolicyDocument"])
        if statement["Effect"] == "Deny"
    ]
    assert any(
        statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} and "sqs:*" in as_list(statement["Action"])
        for statement in denials
    )
