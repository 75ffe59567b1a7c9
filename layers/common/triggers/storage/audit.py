"""Append-only audit log: who did what to which key, subscription or event, when, from where, and in
which request. One item per entry (``tenant_id``, a UUIDv7 ``entry_id``), so the log reads in time
order with a Query and pages like every other listing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from triggers.ids import new_id
from triggers.models import AuditAction, AuditEntry, AuditQuery, Order, iso_utc
from triggers.storage.dynamo import storage_errors
from triggers.storage.listing import IdRange, Slice, merged_page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

_MAX_TARGETS = 100  # the most ids one entry names (a bulk acknowledgement)


class Actor(Protocol):
    """Who acted: a key (the caller of a route) or an operator outside the API."""

    @property
    def tenant_id(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    @property
    def request_id(self) -> str: ...

    @property
    def source_ip(self) -> str: ...


class AuditLog:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def record(self, actor: Actor, action: AuditAction, *targets: str) -> None:
        """Never pass secrets, keys or payloads here: the log is read by humans."""
        item: dict[str, Any] = {
            "tenant_id": {"S": actor.tenant_id},
            "entry_id": {"S": new_id()},
            "action": {"S": action.value},
            "target": {"S": targets[0] if len(targets) == 1 else f"{len(targets)} items"},
            "actor_key_id": {"S": actor.key_id},
            "at": {"S": iso_utc(datetime.now(UTC))},
        }
        if len(targets) > 1:
            item["targets"] = {"L": [{"S": target} for target in targets[:_MAX_TARGETS]]}
        if actor.request_id:
            item["request_id"] = {"S": actor.request_id}
        if actor.source_ip:
            item["source_ip"] = {"S": actor.source_ip}
        with storage_errors():
            # Entry ids are fresh UUIDv7s: the condition makes the log append-only even for a buggy caller.
            self._client.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(entry_id)"
            )

    def page(self, tenant_id: str, query: AuditQuery, after: str | None) -> Slice[AuditEntry]:
        """Newest first; ``after`` is where the previous page stopped. The log is one partition, read as a
        listing of one shard: an action filter's reads are bounded like every listing's."""
        ids = IdRange.of(query.since, query.until, after, Order.DESC)

        def partition_query(_: int, page_size: int) -> QueryInputTypeDef:
            values: dict[str, Any] = {":tenant": {"S": tenant_id}, ":low": {"S": ids.low}, ":high": {"S": ids.high}}
            request: QueryInputTypeDef = {
                "TableName": self._table,
                "KeyConditionExpression": "tenant_id = :tenant AND entry_id BETWEEN :low AND :high",
                "ExpressionAttributeValues": values,
                "ScanIndexForward": False,
                "Limit": page_size,
            }
            if query.action is not None:
                request["FilterExpression"] = "#action = :action"
                request["ExpressionAttributeNames"] = {"#action": "action"}
                values[":action"] = {"S": query.action.value}
            return request

        page = merged_page(self._client, None, 1, partition_query, query.limit, Order.DESC, after, "entry_id")
        return Slice([_entry(item) for item in page.items], page.has_more, page.resume_after)


def _entry(item: dict[str, Any]) -> AuditEntry:
    def text(name: str) -> str | None:
        return item[name]["S"] if name in item else None

    return AuditEntry(
        entry_id=item["entry_id"]["S"],
        at=item["at"]["S"],
        action=item["action"]["S"],
        target=item["target"]["S"],
        targets=[target["S"] for target in item["targets"]["L"]] if "targets" in item else [item["target"]["S"]],
        actor_key_id=item["actor_key_id"]["S"],
        request_id=text("request_id"),
        source_ip=text("source_ip"),
    )
