"""Decides whether a presented API key may call the API, keeping bcrypt off the per-request path.

Per warm container:

* a malformed key or bad checksum is refused before any I/O;
* a decision is cached for ``cache_ttl`` seconds (this bounds how long a revoked key keeps working),
  and never past the key's own ``expires_at``;
* after that the key record is re-read (one GetItem) to see revocation and expiry, but bcrypt runs
  only once per key and stored hash: a verified (key, hash) pair is remembered.

Cache keys are SHA-256 digests, so plaintext keys are not kept in memory longer than a request.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import APIGatewayAuthorizerResponseV2

from triggers.auth.apikeys import parse_key, secret_matches
from triggers.errors import StorageUnavailable
from triggers.metric_names import MetricName
from triggers.observability import logger, metrics
from triggers.settings import AuthorizerSettings
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.keys import KeyStore

_MAX_CACHED_KEYS = 10_000
# How finely `last_used_at` is kept: each container records a key's use at most this often.
LAST_USED_RESOLUTION = timedelta(hours=1)
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    key_id: str
    scopes: frozenset[str]
    rate_limit_per_second: int | None = None
    expires_at: int | None = None  # epoch seconds; None: the key does not expire
    # The request the principal makes (set by the route function, for the audit log; not in the context).
    request_id: str = ""
    source_ip: str = ""

    def to_context(self) -> dict[str, str | int]:
        """The authorizer's context: HTTP API allows only flat string, number and boolean values."""
        return {
            "tenant_id": self.tenant_id,
            "key_id": self.key_id,
            "scopes": " ".join(sorted(self.scopes)),
            "rate_limit_per_second": self.rate_limit_per_second or 0,
            "expires_at": self.expires_at or 0,
        }

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> Principal | None:
        """The principal a route function finds in ``requestContext.authorizer.lambda``."""
        if not context.get("tenant_id"):
            return None
        return cls(
            tenant_id=str(context["tenant_id"]),
            key_id=str(context["key_id"]),
            scopes=frozenset(str(context.get("scopes", "")).split()),
            rate_limit_per_second=int(context.get("rate_limit_per_second") or 0) or None,
            expires_at=int(context.get("expires_at") or 0) or None,
        )


@dataclass(frozen=True)
class _Decision:
    principal: Principal
    valid_until: float


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key from ``Authorization: Bearer <key>`` or ``X-API-Key: <key>`` (header names are lower-case)."""
    authorization = headers.get("authorization", "")
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        return credential.strip()
    api_key = headers.get("x-api-key", "").strip()
    return api_key or None


def _key_id_of(plaintext: str) -> str | None:
    parsed = parse_key(plaintext)
    return parsed.key_id if parsed else None


class KeyAuthorizer:
    def __init__(
        self,
        keys: KeyStore,
        cache_ttl_seconds: int,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = keys
        self._cache_ttl = cache_ttl_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._decisions: dict[bytes, _Decision] = {}
        self._verified_hashes: dict[bytes, str] = {}
        self._use_recorded: dict[str, float] = {}  # key id -> when this container last recorded its use

    @classmethod
    def from_settings(cls, settings: AuthorizerSettings) -> KeyAuthorizer:
        return cls(KeyStore(dynamodb_client(), settings.api_keys_table), settings.auth_cache_ttl_seconds)

    def authorize(self, plaintext: str) -> Principal | None:
        digest = hashlib.sha256(plaintext.encode()).digest()
        cached = self._decisions.get(digest)
        if cached is not None and cached.valid_until > self._clock():
            return cached.principal
        principal, refusal = self._decide(plaintext, digest)
        if principal is None:
            # The key id is safe to log (it is not a secret); the key itself never is.
            logger.info("API key refused", extra={"reason": refusal, "key_id": _key_id_of(plaintext)})
            self._decisions.pop(digest, None)
            return None
        self._record_use(principal.key_id)
        trusted_for = float(self._cache_ttl)
        if principal.expires_at is not None:  # a cached decision never outlives the key itself
            trusted_for = min(trusted_for, principal.expires_at - self._wall_clock())
        self._remember(self._decisions, digest, _Decision(principal, self._clock() + trusted_for))
        return principal

    def simple_response(self, headers: Mapping[str, str]) -> dict[str, Any]:
        """The HTTP API simple response: allowed with the principal in the context, or denied (403)."""
        plaintext = presented_key(headers)
        principal = self.authorize(plaintext) if plaintext else None
        if principal is None:
            metrics.add_metric(name=MetricName.AUTH_DENIALS, unit="Count", value=1)
            return APIGatewayAuthorizerResponseV2(authorize=False).asdict()
        return APIGatewayAuthorizerResponseV2(authorize=True, context=principal.to_context()).asdict()

    def _decide(self, plaintext: str, digest: bytes) -> tuple[Principal | None, str]:
        """The principal, or None and why not."""
        parsed = parse_key(plaintext)
        if parsed is None:
            return None, "malformed"
        stored = self._keys.find(parsed.key_id)
        if stored is None:
            return None, "unknown"
        if not stored.usable_at(datetime.fromtimestamp(self._wall_clock(), UTC)):
            return None, "revoked or expired"
        if self._verified_hashes.get(digest) != stored.secret_hash:
            if not secret_matches(parsed.secret, stored.secret_hash):
                return None, "wrong secret"
            self._remember(self._verified_hashes, digest, stored.secret_hash)
        key = stored.key
        principal = Principal(
            tenant_id=key.tenant_id,
            key_id=key.key_id,
            scopes=frozenset(scope.value for scope in key.scopes),
            rate_limit_per_second=key.rate_limit_per_second,
            # Rounded down: the principal lapses no later than the key.
            expires_at=int(datetime.fromisoformat(key.expires_at).timestamp()) if key.expires_at else None,
        )
        return principal, ""

    def _record_use(self, key_id: str) -> None:
        """At most one write per key per hour per container, and never a refusal because of it."""
        recorded = self._use_recorded.get(key_id)
        if recorded is not None and self._clock() - recorded < LAST_USED_RESOLUTION.total_seconds():
            return
        try:
            self._keys.record_use(key_id, datetime.fromtimestamp(self._wall_clock(), UTC), LAST_USED_RESOLUTION)
        except StorageUnavailable:
            logger.warning("Key use not recorded", extra={"key_id": key_id})
            return
        self._remember(self._use_recorded, key_id, self._clock())

    @staticmethod
    def _remember(cache: dict[K, V], key: K, value: V) -> None:
        if key not in cache and len(cache) >= _MAX_CACHED_KEYS:
            cache.pop(next(iter(cache)))  # evict the oldest entry
        cache[key] = value
