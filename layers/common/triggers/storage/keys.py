"""API keys: only a bcrypt hash of each secret is stored, keyed by the id the key itself carries.

Each tenant also has one counter item (``key_id = "tenant#<tenant>"``, never a valid key id) holding
how many of its keys are active; creating and revoking a key move it in the same transaction, so the
per-tenant cap holds exactly, even under concurrent requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from triggers.auth.apikeys import Scope, display_hint, hash_secret, new_key
from triggers.errors import LimitReached, NotFound
from triggers.models import ApiKey, ApiKeyCreated, iso_utc
from triggers.settings import DEFAULT_MAX_KEYS_PER_TENANT
from triggers.storage.dynamo import ConditionFailed, capped_count_step, storage_errors
from triggers.tables import KEYS_BY_TENANT_INDEX

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


@dataclass(frozen=True)
class KeyTerms:
    """What a new key may do and for how long."""

    name: str
    scopes: frozenset[Scope]
    expires_at: datetime | None = None
    rate_limit_per_second: int | None = None


@dataclass(frozen=True)
class StoredKey:
    """What the authorizer needs to decide on a key."""

    key: ApiKey
    secret_hash: str

    def usable_at(self, moment: datetime) -> bool:
        if self.key.revoked_at is not None:
            return False
        return self.key.expires_at is None or datetime.fromisoformat(self.key.expires_at) > moment


class KeyStore:
    def __init__(
        self, client: DynamoDBClient, table: str, max_keys_per_tenant: int = DEFAULT_MAX_KEYS_PER_TENANT
    ) -> None:
        self._client = client
        self._table = table
        self._max_keys = max_keys_per_tenant

    def create(self, tenant_id: str, terms: KeyTerms, bcrypt_rounds: int) -> ApiKeyCreated:
        """Stores a new key, or raises LimitReached when the tenant already has its maximum of active keys."""
        parts, plaintext = new_key()
        created = ApiKeyCreated(
            key_id=parts.key_id,
            tenant_id=tenant_id,
            name=terms.name,
            scopes=sorted(terms.scopes),
            hint=display_hint(plaintext),
            created_at=iso_utc(datetime.now(UTC)),
            expires_at=iso_utc(terms.expires_at) if terms.expires_at else None,
            rate_limit_per_second=terms.rate_limit_per_second,
            key=plaintext,
        )
        item: dict[str, AttributeValueTypeDef] = {
            "key_id": {"S": created.key_id},
            "tenant_id": {"S": tenant_id},
            "name": {"S": created.name},
            "scopes": {"SS": [scope.value for scope in created.scopes]},
            "hint": {"S": created.hint},
            "created_at": {"S": created.created_at},
            "secret_hash": {"S": hash_secret(parts.secret, bcrypt_rounds)},
        }
        if created.expires_at:
            item["expires_at"] = {"S": created.expires_at}
        if created.rate_limit_per_second:
            item["rate_limit_per_second"] = {"N": str(created.rate_limit_per_second)}
        try:
            with storage_errors():
                self._client.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": self._table,
                                "Item": item,
                                "ConditionExpression": "attribute_not_exists(key_id)",
                            }
                        },
                        self._count_active(tenant_id, +1),
                    ]
                )
        except ConditionFailed as failed:
            if failed.step != 1:
                raise
            raise LimitReached(
                f"This tenant has {self._max_keys} active API keys, the most it may hold; revoke one first"
            ) from failed
        return created

    def find(self, key_id: str) -> StoredKey | None:
        with storage_errors():
            item = self._client.get_item(TableName=self._table, Key={"key_id": {"S": key_id}}).get("Item")
        if not item:
            return None
        return StoredKey(key=self._from_item(item), secret_hash=item["secret_hash"]["S"])

    def list(self, tenant_id: str) -> list[ApiKey]:
        keys: list[ApiKey] = []
        with storage_errors():
            for page in self._client.get_paginator("query").paginate(
                TableName=self._table,
                IndexName=KEYS_BY_TENANT_INDEX.name,
                KeyConditionExpression="tenant_id = :tenant",
                ExpressionAttributeValues={":tenant": {"S": tenant_id}},
            ):
                keys.extend(self._from_item(item) for item in page.get("Items", []))
        return keys

    def get(self, tenant_id: str, key_id: str) -> ApiKey:
        """A key of this tenant; another tenant's key is reported as not found, never as forbidden."""
        found = self.find(key_id) if _COUNTER_PREFIX not in key_id else None
        if found is None or found.key.tenant_id != tenant_id:
            raise NotFound("API key not found")
        return found.key

    def revoke(self, tenant_id: str, key_id: str) -> None:
        """Idempotent: revoking a revoked key changes nothing (and frees no second slot)."""
        try:
            with storage_errors():
                self._client.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": self._table,
                                "Key": {"key_id": {"S": key_id}},
                                "UpdateExpression": "SET revoked_at = :now",
                                "ConditionExpression": "tenant_id = :tenant AND attribute_not_exists(revoked_at)",
                                "ExpressionAttributeValues": {
                                    ":tenant": {"S": tenant_id},
                                    ":now": {"S": iso_utc(datetime.now(UTC))},
                                },
                            }
                        },
                        self._count_active(tenant_id, -1),
                    ]
                )
        except ConditionFailed:
            self.get(tenant_id, key_id)  # already revoked is fine; another tenant's or no key is a 404

    def record_use(self, key_id: str, moment: datetime, resolution: timedelta) -> None:
        """Sets ``last_used_at``, unless it is already within ``resolution`` of ``moment`` (no write then)."""
        try:
            with storage_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key={"key_id": {"S": key_id}},
                    UpdateExpression="SET last_used_at = :now",
                    ConditionExpression="attribute_exists(key_id) AND "
                    "(attribute_not_exists(last_used_at) OR last_used_at < :stale)",
                    ExpressionAttributeValues={
                        ":now": {"S": iso_utc(moment)},
                        ":stale": {"S": iso_utc(moment - resolution)},
                    },
                )
        except ConditionFailed:
            pass  # recorded recently enough (by this or another container), or the key is gone

    def _count_active(self, tenant_id: str, change: int) -> Any:
        """The transaction step that moves the tenant's active-key count, refusing to pass the cap."""
        key = {"key_id": {"S": f"{_COUNTER_PREFIX}{tenant_id}"}}
        return capped_count_step(self._table, key, "active_keys", change, self._max_keys)

    @staticmethod
    def _from_item(item: dict[str, AttributeValueTypeDef]) -> ApiKey:
        def text(name: str) -> str | None:
            return item[name]["S"] if name in item else None

        return ApiKey(
            key_id=item["key_id"]["S"],
            tenant_id=item["tenant_id"]["S"],
            name=item["name"]["S"],
            scopes=sorted(Scope(scope) for scope in item["scopes"]["SS"]),
            hint=item["hint"]["S"],
            created_at=item["created_at"]["S"],
            expires_at=text("expires_at"),
            revoked_at=text("revoked_at"),
            rate_limit_per_second=int(item["rate_limit_per_second"]["N"]) if "rate_limit_per_second" in item else None,
            last_used_at=text("last_used_at"),
        )


_COUNTER_PREFIX = "tenant#"
