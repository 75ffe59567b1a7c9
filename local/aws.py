"""Provisions the emulated AWS resources: the same tables (from the one definition in
``triggers.tables``) and the same environment variables the CDK stacks give the functions.
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from triggers.delivery.schedule import RetrySchedule
from triggers.settings import table_env_var
from triggers.tables import ALL_TABLES, TableSpec, physical_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient

CURSOR_SECRET_NAME = "cursor-signing-key"  # noqa: S105 - a name, not a secret


def create_table_request(spec: TableSpec, name: str) -> dict[str, Any]:
    """The CreateTable request for a table spec: on-demand, streams with both images where needed."""
    key_schema = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
    if spec.sort_key:
        key_schema.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": key_schema,
        "AttributeDefinitions": [{"AttributeName": attr, "AttributeType": "S"} for attr in spec.key_attributes()],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if spec.indexes:
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in spec.indexes
        ]
    if spec.stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    return request


def create_tables(client: DynamoDBClient, prefix: str) -> dict[str, str]:
    """Creates every table; returns the table environment variables (``EVENTS_TABLE`` → name)."""
    env = {}
    for spec in ALL_TABLES:
        name = physical_name(prefix, spec.name)
        client.create_table(**create_table_request(spec, name))
        if spec.ttl_attribute:
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute}
            )
        env[table_env_var(spec.name)] = name
    return env


def create_cursor_secret(client: SecretsManagerClient, prefix: str) -> dict[str, str]:
    name = f"{prefix}-{CURSOR_SECRET_NAME}"
    client.create_secret(Name=name, SecretString=secrets.token_urlsafe(32))
    return {"CURSOR_SECRET_NAME": name}


def create_queues(
    client: SQSClient, prefix: str, schedule: RetrySchedule, visibility_timeout_seconds: int = 60
) -> dict[str, str]:
    """The delivery queue and its DLQ, with the redrive policy the delivery stack sets.

    The worker parks a job in the DLQ itself after its last attempt; the redrive policy is the
    backstop for a message whose processing keeps crashing.
    """
    dead_letters = client.create_queue(QueueName=f"{prefix}-delivery-dlq")["QueueUrl"]
    dead_letter_arn = client.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": str(schedule.redrive_max_receive_count)}
    deliveries = client.create_queue(
        QueueName=f"{prefix}-delivery",
        Attributes={"VisibilityTimeout": str(visibility_timeout_seconds), "RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    return {"DELIVERY_QUEUE_URL": deliveries, "DEAD_LETTER_QUEUE_URL": dead_letters}
