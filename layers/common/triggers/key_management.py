"""Tenants managing their own API keys, audited."""

from __future__ import annotations

from triggers.auth.authorizer import Principal
from triggers.errors import MissingScope
from triggers.metric_names import MetricName
from triggers.models import ApiKey, ApiKeyCreated, KeyCreateIn
from triggers.observability import metrics
from triggers.storage.audit import AuditLog
from triggers.storage.keys import KeyStore


class KeyManagement:
    def __init__(self, keys: KeyStore, audit: AuditLog, bcrypt_rounds: int) -> None:
        self._keys = keys
        self._audit = audit
        self._bcrypt_rounds = bcrypt_rounds

    def create(self, caller: Principal, request: KeyCreateIn) -> ApiKeyCreated:
        # A key can only hand out scopes it holds itself, so keys:manage cannot escalate.
        missing = {scope.value for scope in request.scopes} - caller.scopes
        if missing:
            raise MissingScope(f"Cannot grant scopes this key does not hold: {', '.join(sorted(missing))}")
        created = self._keys.create(caller.tenant_id, request, self._bcrypt_rounds)
        self._audit.record(caller.tenant_id, "key.created", created.key_id, caller.key_id)
        metrics.add_metric(name=MetricName.KEYS_CREATED, unit="Count", value=1)
        return created

    def list(self, caller: Principal) -> list[ApiKey]:
        return self._keys.list(caller.tenant_id)

    def revoke(self, caller: Principal, key_id: str) -> None:
        self._keys.revoke(caller.tenant_id, key_id)
        self._audit.record(caller.tenant_id, "key.revoked", key_id, caller.key_id)
        metrics.add_metric(name=MetricName.KEYS_REVOKED, unit="Count", value=1)
