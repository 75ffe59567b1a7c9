"""API keys: only a bcrypt hash of each secret is stored, keyed by the id the key itself carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from triggers.auth.apikeys import Scope, display_hint, hash_secret, new_key
from triggers.errors import NotFound
from triggers.models import ApiKey, ApiKeyCreated, KeyCreateIn, iso_utc
from triggers.storage.dynamo import is_conditional_failure, storage_errors
from triggers.tables import KEYS_BY_TENANT_INDEX

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


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
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def create(self, tenant_id: str, request: KeyCreateIn, bcrypt_rounds: int) -> ApiKeyCreated:
        parts, plaintext = new_key()
        created = ApiKeyCreated(
            key_id=parts.key_id,
            tenant_id=tenant_id,
            name=request.name,
            scopes=sorted(set(request.scopes)),
            hint=display_hint(plaintext),
            created_at=iso_utc(datetime.now(UTC)),
            expires_at=iso_utc(request.expires_at) if request.expires_at else None,
            rate_limit_per_second=request.rate_limit_per_second,
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
        with storage_errors():
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(key_id)")
        return created

    def find(self, key_id: str) -> StoredKey | None:
        with storage_errors():
            item = self._client.get_item(TableName=self._table, Key={"key_id": {"S": key_id}}).get("Item")
        if not item:
            return None
        return StoredKey(key=self._from_item(item), secret_hash=item["secret_hash"]["S"])

    def list(self, tenant_id: str) -> list[ApiKey]:
        keys: list[ApiKey] = []
        request: dict[str, object] = {
            "TableName": self._table,
            "IndexName": KEYS_BY_TENANT_INDEX.name,
            "KeyConditionExpression": "tenant_id = :tenant",
            "ExpressionAttributeValues": {":tenant": {"S": tenant_id}},
        }
        while True:
            with storage_errors():
                response = self._client.query(**request)  # type: ignore[arg-type]
            keys.extend(self._from_item(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return keys
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def revoke(self, tenant_id: str, key_id: str) -> None:
        """Idempotent; another tenant's key is reported as not found, never as forbidden."""
        try:
            with storage_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key={"key_id": {"S": key_id}},
                    UpdateExpression="SET revoked_at = if_not_exists(revoked_at, :now)",
                    ConditionExpression="tenant_id = :tenant",
                    ExpressionAttributeValues={
                        ":tenant": {"S": tenant_id},
                        ":now": {"S": iso_utc(datetime.now(UTC))},
                    },
                )
        except ClientError as exc:
            if is_conditional_failure(exc):
                raise NotFound("API key not found") from exc
            raise

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
        )
