"""Tenants managing their own API keys, audited, and reading their audit log.

A key can hand out only what it holds itself: no scope it lacks, no higher rate limit, no later
expiry. What a new key does not ask for it inherits from its creator, so a limited key can never
mint an unlimited one. A key may revoke only keys whose scopes it holds too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from triggers.auth.authorizer import Principal
from triggers.cursor import CursorCodec, cursor_page, query_fingerprint
from triggers.errors import MissingScope
from triggers.metric_names import MetricName
from triggers.models import ApiKey, ApiKeyCreated, AuditAction, AuditPage, AuditQuery, KeyCreateIn
from triggers.observability import metrics
from triggers.settings import KeysSettings
from triggers.storage.audit import AuditLog
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.keys import KeyStore, KeyTerms


class KeyManagement:
    def __init__(
        self,
        keys: KeyStore,
        audit: AuditLog,
        cursors: CursorCodec,
        bcrypt_rounds: int,
        default_rate_limit_per_second: int,
    ) -> None:
        self._keys = keys
        self._audit = audit
        self._cursors = cursors
        self._bcrypt_rounds = bcrypt_rounds
        self._default_rate_limit = default_rate_limit_per_second

    @classmethod
    def from_settings(cls, settings: KeysSettings) -> KeyManagement:
        client = dynamodb_client()
        return cls(
            KeyStore(client, settings.api_keys_table, settings.max_keys_per_tenant),
            AuditLog(client, settings.audit_table),
            CursorCodec.from_secret(settings.cursor_secret_name),
            settings.bcrypt_rounds,
            settings.default_rate_limit_per_second,
        )

    def create(self, caller: Principal, request: KeyCreateIn) -> ApiKeyCreated:
        created = self._keys.create(caller.tenant_id, self.terms_for(caller, request), self._bcrypt_rounds)
        self._audit.record(caller, AuditAction.KEY_CREATED, created.key_id)
        metrics.add_metric(name=MetricName.KEYS_CREATED, unit="Count", value=1)
        return created

    def terms_for(self, caller: Principal, request: KeyCreateIn) -> KeyTerms:
        """What the new key gets: what it asks for, within (and by default equal to) what ``caller`` holds."""
        missing = {scope.value for scope in request.scopes} - caller.scopes
        if missing:
            raise MissingScope(f"Cannot grant scopes this key does not hold: {', '.join(sorted(missing))}")

        rate_limit = request.rate_limit_per_second or caller.rate_limit_per_second
        ceiling = caller.rate_limit_per_second or self._default_rate_limit
        if rate_limit is not None and rate_limit > ceiling:
            raise MissingScope(f"Cannot grant a rate limit above this key's own ({ceiling} events per second)")

        parent_expiry = datetime.fromtimestamp(caller.expires_at, UTC) if caller.expires_at else None
        expires_at = parent_expiry
        if request.expires_in_seconds is not None:
            expires_at = datetime.now(UTC) + timedelta(seconds=request.expires_in_seconds)
            if parent_expiry is not None and expires_at > parent_expiry:
                raise MissingScope(f"Cannot grant a key that outlives this one (expiring {parent_expiry.isoformat()})")
        return KeyTerms(request.name, frozenset(request.scopes), expires_at, rate_limit)

    def list(self, caller: Principal) -> list[ApiKey]:
        return self._keys.list(caller.tenant_id)

    def current(self, caller: Principal) -> ApiKey:
        """The calling key's own metadata: the console's "who am I"."""
        return self._keys.get(caller.tenant_id, caller.key_id)

    def audit_trail(self, caller: Principal, query: AuditQuery) -> AuditPage:
        """The tenant's audit log, newest first."""
        fingerprint = query_fingerprint("audit", caller.tenant_id, query.action, query.since, query.until)
        entries, pagination = cursor_page(
            self._cursors,
            query.cursor,
            fingerprint,
            query.limit,
            lambda after: self._audit.page(caller.tenant_id, query, after),
            lambda entry: entry.entry_id,
        )
        return AuditPage(entries=entries, pagination=pagination)

    def revoke(self, caller: Principal, key_id: str) -> None:
        target = self._keys.get(caller.tenant_id, key_id)
        missing = {scope.value for scope in target.scopes} - caller.scopes
        if missing:
            raise MissingScope(f"Cannot revoke a key with scopes this key does not hold: {', '.join(sorted(missing))}")
        self._keys.revoke(caller.tenant_id, key_id)
        self._audit.record(caller, AuditAction.KEY_REVOKED, key_id)
        metrics.add_metric(name=MetricName.KEYS_REVOKED, unit="Count", value=1)
