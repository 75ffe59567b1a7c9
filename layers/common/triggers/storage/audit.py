"""Append-only audit log: who did what to which key, subscription or event, and when."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from triggers.ids import new_id
from triggers.models import iso_utc
from triggers.storage.dynamo import storage_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class AuditLog:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def record(self, tenant_id: str, action: str, target: str, actor_key_id: str) -> None:
        """Never pass secrets, keys or payloads here: the log is read by humans."""
        with storage_errors():
            self._client.put_item(
                TableName=self._table,
                Item={
                    "tenant_id": {"S": tenant_id},
                    "entry_id": {"S": new_id()},
                    "action": {"S": action},
                    "target": {"S": target},
                    "actor_key_id": {"S": actor_key_id},
                    "at": {"S": iso_utc(datetime.now(UTC))},
                },
                # entry ids are fresh UUIDv7s: the condition makes the log append-only even for a buggy caller.
                ConditionExpression="attribute_not_exists(entry_id)",
            )
