"""Webhook subscriptions per tenant, with their signing secrets (readable only by this store).

A rotation keeps the previous secret for a grace period: until it ends, deliveries carry a signature
with each secret, so a receiver can switch secrets without missing a delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from triggers.delivery.signing import new_signing_secret
from triggers.errors import LimitReached, NotFound
from triggers.ids import new_id
from triggers.models import (
    SecretRotated,
    Subscription,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionPatch,
    SubscriptionStatus,
    iso_utc,
)
from triggers.settings import DEFAULT_MAX_SUBSCRIPTIONS_PER_TENANT
from triggers.storage.dynamo import ConditionFailed, capped_count_step, storage_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ROTATION_GRACE = timedelta(hours=24)
# The tenant's subscription count lives beside its subscriptions, sorted after every id (ids are UUIDs).
_COUNTER_ID = "~count"


@dataclass(frozen=True)
class SigningSubscription:
    """What the worker needs to sign a delivery: the subscription and its secrets, newest first."""

    subscription: Subscription
    secrets: tuple[str, ...]


class SubscriptionStore:
    def __init__(
        self, client: DynamoDBClient, table: str, max_per_tenant: int = DEFAULT_MAX_SUBSCRIPTIONS_PER_TENANT
    ) -> None:
        self._client = client
        self._table = table
        self._max = max_per_tenant

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
        try:
            with storage_errors():
                self._client.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": self._table,
                                "Item": item,
                                "ConditionExpression": "attribute_not_exists(subscription_id)",
                            }
                        },
                        self._count(tenant_id, +1),
                    ]
                )
        except ConditionFailed as failed:
            if failed.step != 1:
                raise
            raise LimitReached(
                f"This tenant has {self._max} subscriptions, the most it may hold; delete one first"
            ) from failed
        return created

    def for_tenant(self, tenant_id: str) -> list[Subscription]:
        return [found.subscription for found in self.with_secrets(tenant_id)]

    def with_secrets(self, tenant_id: str) -> list[SigningSubscription]:
        paginator = self._client.get_paginator("query")
        found: list[SigningSubscription] = []
        with storage_errors():
            for page in paginator.paginate(
                TableName=self._table,
                KeyConditionExpression="tenant_id = :tenant AND subscription_id < :counter",
                ExpressionAttributeValues={":tenant": {"S": tenant_id}, ":counter": {"S": _COUNTER_ID}},
            ):
                found += [self._from_item(item) for item in page.get("Items", [])]
        return found

    def find(self, tenant_id: str, subscription_id: str) -> SigningSubscription | None:
        if subscription_id == _COUNTER_ID:
            return None
        with storage_errors():
            item = self._client.get_item(TableName=self._table, Key=self._key(tenant_id, subscription_id)).get("Item")
        return self._from_item(item) if item else None

    def get(self, tenant_id: str, subscription_id: str) -> Subscription:
        return self.signing(tenant_id, subscription_id).subscription

    def signing(self, tenant_id: str, subscription_id: str) -> SigningSubscription:
        found = self.find(tenant_id, subscription_id)
        if found is None:
            raise NotFound("Subscription not found")
        return found

    def update(self, tenant_id: str, subscription_id: str, patch: SubscriptionPatch) -> Subscription:
        """Applies the fields the patch sets; disabling records when, and enabling clears it."""
        now = iso_utc(datetime.now(UTC))
        sets: dict[str, Any] = {"updated_at": {"S": now}}
        removes: list[str] = []
        fields = patch.model_fields_set
        if "target_url" in fields and patch.target_url is not None:
            sets["target_url"] = {"S": patch.target_url}
        if "event_types" in fields and patch.event_types is not None:
            sets["event_types"] = {"L": [{"S": pattern} for pattern in dict.fromkeys(patch.event_types)]}
        if "description" in fields:
            if patch.description:
                sets["description"] = {"S": patch.description}
            else:
                removes.append("description")
        if patch.status is SubscriptionStatus.DISABLED:
            sets |= {"status": {"S": patch.status.value}, "disabled_reason": {"S": "disabled through the API"}}
            sets["disabled_at"] = {"S": now}
        elif patch.status is SubscriptionStatus.ACTIVE:
            sets["status"] = {"S": patch.status.value}
            removes += ["disabled_at", "disabled_reason"]
        return self._update(tenant_id, subscription_id, sets, removes).subscription

    def rotate_secret(self, tenant_id: str, subscription_id: str) -> SecretRotated:
        """A new secret; the current one stays valid (and signs too) for ``ROTATION_GRACE``."""
        current = self.signing(tenant_id, subscription_id)
        expires = iso_utc(datetime.now(UTC) + ROTATION_GRACE)
        secret = new_signing_secret()
        self._update(
            tenant_id,
            subscription_id,
            {
                "secret": {"S": secret},
                "previous_secret": {"S": current.secrets[0]},
                "previous_secret_expires_at": {"S": expires},
                "updated_at": {"S": iso_utc(datetime.now(UTC))},
            },
            [],
            # Only over the secret just read: two rotations at once must not both keep "the previous" one.
            condition=("secret = :current", {":current": {"S": current.secrets[0]}}),
        )
        return SecretRotated(secret=secret, previous_secret_expires_at=expires)

    def delete(self, tenant_id: str, subscription_id: str) -> None:
        try:
            with storage_errors():
                self._client.transact_write_items(
                    TransactItems=[
                        {
                            "Delete": {
                                "TableName": self._table,
                                "Key": self._key(tenant_id, subscription_id),
                                "ConditionExpression": "attribute_exists(subscription_id)",
                            }
                        },
                        self._count(tenant_id, -1),
                    ]
                )
        except ConditionFailed as failed:
            raise NotFound("Subscription not found") from failed

    def _count(self, tenant_id: str, change: int) -> Any:
        """The transaction step that moves the tenant's subscription count, refusing to pass the cap."""
        key = {"tenant_id": {"S": tenant_id}, "subscription_id": {"S": _COUNTER_ID}}
        return capped_count_step(self._table, key, "subscriptions", change, self._max)

    def disable(self, tenant_id: str, subscription_id: str, reason: str) -> bool:
        """Marks an active subscription disabled (e.g. the subscriber said 410 Gone); False if it was not active."""
        now = iso_utc(datetime.now(UTC))
        try:
            self._update(
                tenant_id,
                subscription_id,
                {
                    "status": {"S": SubscriptionStatus.DISABLED.value},
                    "disabled_at": {"S": now},
                    "disabled_reason": {"S": reason},
                },
                [],
                condition=("#status = :active", {":active": {"S": SubscriptionStatus.ACTIVE.value}}),
            )
        except (ConditionFailed, NotFound):
            return False
        return True

    def _update(
        self,
        tenant_id: str,
        subscription_id: str,
        sets: dict[str, Any],
        removes: list[str],
        condition: tuple[str, dict[str, Any]] | None = None,
    ) -> SigningSubscription:
        names = {f"#{name}": name for name in [*sets, *removes]}
        expression = "SET " + ", ".join(f"#{name} = :{name}" for name in sets)
        if removes:
            expression += " REMOVE " + ", ".join(f"#{name}" for name in removes)
        values = {f":{name}": value for name, value in sets.items()}
        check = "attribute_exists(subscription_id)"
        if condition is not None:
            check = f"{check} AND {condition[0]}"
            values |= condition[1]
            if "#status" in condition[0]:
                names.setdefault("#status", "status")
        try:
            with storage_errors():
                updated = self._client.update_item(
                    TableName=self._table,
                    Key=self._key(tenant_id, subscription_id),
                    UpdateExpression=expression,
                    ConditionExpression=check,
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )["Attributes"]
        except ConditionFailed as failed:
            if not failed.item:
                raise NotFound("Subscription not found") from failed
            raise
        return self._from_item(updated)

    @staticmethod
    def _key(tenant_id: str, subscription_id: str) -> dict[str, Any]:
        if subscription_id == _COUNTER_ID:  # the count is no subscription: nothing may read or change it by id
            raise NotFound("Subscription not found")
        return {"tenant_id": {"S": tenant_id}, "subscription_id": {"S": subscription_id}}

    @staticmethod
    def _from_item(item: dict[str, Any], now: datetime | None = None) -> SigningSubscription:
        def text(name: str) -> str | None:
            return item[name]["S"] if name in item else None

        previous_until = text("previous_secret_expires_at")
        in_grace = previous_until is not None and datetime.fromisoformat(previous_until) > (now or datetime.now(UTC))
        subscription = Subscription(
            subscription_id=item["subscription_id"]["S"],
            tenant_id=item["tenant_id"]["S"],
            target_url=item["target_url"]["S"],
            event_types=[pattern["S"] for pattern in item["event_types"]["L"]],
            description=text("description"),
            status=SubscriptionStatus(item["status"]["S"]),
            created_at=item["created_at"]["S"],
            updated_at=text("updated_at"),
            disabled_at=text("disabled_at"),
            disabled_reason=text("disabled_reason"),
            previous_secret_expires_at=previous_until if in_grace else None,
        )
        secrets = (item["secret"]["S"], *([item["previous_secret"]["S"]] if in_grace else []))
        return SigningSubscription(subscription=subscription, secrets=secrets)
