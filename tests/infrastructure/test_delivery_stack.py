"""The delivery stack: the stream feeds the dispatcher, the queue feeds the worker, and what cannot be
dispatched or delivered ends in a queue of its own."""

from __future__ import annotations

from typing import Any

import pytest
from triggers.delivery.schedule import RetrySchedule
from triggers.routes import FunctionName

from tests.infrastructure.conftest import Synthesized
from tests.infrastructure.functions import function_of
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
    _, logical_id, _ = function_of(synthesized, function)
    mappings = synthesized.assembly.resources(synthesized.delivery, "AWS::Lambda::EventSourceMapping").values()
    (mapping,) = (m["Properties"] for m in mappings if m["Properties"]["FunctionName"] == {"Ref": logical_id})
    return mapping


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
    assert mapping["MaximumRetryAttempts"] > 0


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
