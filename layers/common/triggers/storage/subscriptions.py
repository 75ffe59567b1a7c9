"""Webhook subscriptions per tenant, with their signing secrets (readable only by this store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from triggers.delivery.signing import new_signing_secret
from triggers.errors import NotFound
from triggers.ids import new_id
from triggers.models import Subscription, SubscriptionCreated, SubscriptionIn, SubscriptionStatus, iso_utc
from triggers.storage.dynamo import ConditionFailed, storage_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class SigningSubscription:
    """What the worker needs to sign a delivery: the subscription and its secret."""

    subscription: Subscription
    secret: str


class SubscriptionStore:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def create(self, tenant_id: str, request: SubscriptionIn) -> SubscriptionCreated:
        created = SubscriptionCreated(
            subscription_id=new_id(),
            tenant_id=tenant_id,
            target_url=request.target_url,
            event_types=list(dict.fromkeys(request.event_types)),
            description=request.description,
            status=SubscriptionStatus.ACTIVE,
            created_at=iso_utc(datetime.now(UTC)),
            secret=new_signing_secret(),
        )
        item: dict[str, Any] = {
            "tenant_id": {"S": tenant_id},
            "subscription_id": {"S": created.subscription_id},
            "target_url": {"S": created.target_url},
            "event_types": {"L": [{"S": pattern} for pattern in created.event_types]},
            "status": {"S": created.status.value},
            "created_at": {"S": created.created_at},
            "secret": {"S": created.secret},
        }
        if created.description:
            item["description"] = {"S": created.description}
        with storage_errors():
            self._client.put_item(TableName=self._table, Item=item)
        return created

    def for_tenant(self, tenant_id: str) -> list[Subscription]:
        return [found.subscription for found in self.with_secrets(tenant_id)]

    def with_secrets(self, tenant_id: str) -> list[SigningSubscription]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "tenant_id = :tenant",
            "ExpressionAttributeValues": {":tenant": {"S": tenant_id}},
        }
        found: list[SigningSubscription] = []
        while True:
            with storage_errors():
                response = self._client.query(**request)
            found += [self._from_item(item) for item in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def find(self, tenant_id: str, subscription_id: str) -> SigningSubscription | None:
        with storage_errors():
            item = self._client.get_item(TableName=self._table, Key=self._key(tenant_id, subscription_id)).get("Item")
        return self._from_item(item) if item else None

    def get(self, tenant_id: str, subscription_id: str) -> Subscription:
        found = self.find(tenant_id, subscription_id)
        if found is None:
            raise NotFound("Subscription not found")
        return found.subscription

    def delete(self, tenant_id: str, subscription_id: str) -> None:
        try:
            with storage_errors():
                self._client.delete_item(
                    TableName=self._table,
                    Key=self._key(tenant_id, subscription_id),
                    ConditionExpression="attribute_exists(subscription_id)",
                )
        except ConditionFailed as failed:
            raise NotFound("Subscription not found") from failed

    def disable(self, tenant_id: str, subscription_id: str) -> bool:
        """Marks the subscription disabled (the subscriber said 410 Gone); False if it already was or is gone."""
        try:
            with storage_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key=self._key(tenant_id, subscription_id),
                    UpdateExpression="SET #status = :disabled, disabled_at = :now",
                    ConditionExpression="attribute_exists(subscription_id) AND #status = :active",
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={
                        ":disabled": {"S": SubscriptionStatus.DISABLED.value},
                        ":active": {"S": SubscriptionStatus.ACTIVE.value},
                        ":now": {"S": iso_utc(datetime.now(UTC))},
                    },
                )
        except ConditionFailed:
            return False
        return True

    @staticmethod
    def _key(tenant_id: str, subscription_id: str) -> dict[str, Any]:
        return {"tenant_id": {"S": tenant_id}, "subscription_id": {"S": subscription_id}}

    @staticmethod
    def _from_item(item: dict[str, Any]) -> SigningSubscription:
        subscription = Subscription(
            subscription_id=item["subscription_id"]["S"],
            tenant_id=item["tenant_id"]["S"],
            target_url=item["target_url"]["S"],
            event_types=[pattern["S"] for pattern in item["event_types"]["L"]],
            description=item["description"]["S"] if "description" in item else None,
            status=SubscriptionStatus(item["status"]["S"]),
            created_at=item["created_at"]["S"],
            disabled_at=item["disabled_at"]["S"] if "disabled_at" in item else None,
        )
        return SigningSubscription(subscription=subscription, secret=item["secret"]["S"])
