"""The authorizer's decision logic against an in-memory key store (a fake, not a mock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from triggers.auth import authorizer as authorizer_module
from triggers.auth.apikeys import ParsedKey, Scope, display_hint, format_key, hash_secret, new_key, parse_key
from triggers.auth.authorizer import KeyAuthorizer, Principal, presented_key
from triggers.models import ApiKey, iso_utc
from triggers.storage.keys import KeyStore, StoredKey


class InMemoryKeys(KeyStore):
    def __init__(self) -> None:
        self.keys: dict[str, StoredKey] = {}
        self.lookups = 0
        self.uses: list[str] = []

    def add(self, tenant: str = "acme", **fields: object) -> str:
        parts, plaintext = new_key()
        key = ApiKey(
            key_id=parts.key_id,
            tenant_id=tenant,
            name="test",
            scopes=[Scope.EVENTS_READ],
            hint=display_hint(plaintext),
            created_at=iso_utc(datetime.now(UTC)),
        )
        self.keys[parts.key_id] = StoredKey(key=key.model_copy(update=fields), secret_hash=hash_secret(parts.secret, 4))
        return plaintext

    def find(self, key_id: str) -> StoredKey | None:
        self.lookups += 1
        return self.keys.get(key_id)

    def record_use(self, key_id: str, moment: datetime, resolution: timedelta) -> None:
        self.uses.append(key_id)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def bcrypt_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = authorizer_module.secret_matches

    def counting(secret: str, secret_hash: str) -> bool:
        calls.append(secret_hash)
        return real(secret, secret_hash)

    monkeypatch.setattr(authorizer_module, "secret_matches", counting)
    return calls


def test_valid_key_yields_its_principal() -> None:
    keys = InMemoryKeys()
    plaintext = keys.add(tenant="acme")
    principal = KeyAuthorizer(keys, 60).authorize(plaintext)
    assert principal == Principal("acme", plaintext[4:16], frozenset({"events:read"}))


def test_malformed_key_is_refused_before_any_lookup() -> None:
    keys = InMemoryKeys()
    plaintext = keys.add()
    authorizer = KeyAuthorizer(keys, 60)
    assert authorizer.authorize(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert authorizer.authorize("not-a-key") is None
    assert keys.lookups == 0


def test_wrong_secret_with_valid_checksum_is_refused() -> None:
    keys = InMemoryKeys()
    genuine = parse_key(keys.add())
    assert genuine is not None
    other_secret, _ = new_key()
    impostor = format_key(ParsedKey(genuine.key_id, other_secret.secret))  # well-formed: only bcrypt can tell
    assert KeyAuthorizer(keys, 60).authorize(impostor) is None


def test_decision_is_cached_and_bcrypt_runs_once_per_key(bcrypt_calls: list[str]) -> None:
    keys, clock = InMemoryKeys(), Clock()
    plaintext = keys.add()
    authorizer = KeyAuthorizer(keys, 60, clock=clock)
    for _ in range(5):
        assert authorizer.authorize(plaintext) is not None
    assert (keys.lookups, len(bcrypt_calls)) == (1, 1)
    clock.now += 61  # cache expired: the record is read again, bcrypt is not repeated
    assert authorizer.authorize(plaintext) is not None
    assert (keys.lookups, len(bcrypt_calls)) == (2, 1)


def test_revoked_key_stops_working_within_the_cache_ttl() -> None:
    keys, clock = InMemoryKeys(), Clock()
    plaintext = keys.add()
    authorizer = KeyAuthorizer(keys, 60, clock=clock)
    assert authorizer.authorize(plaintext) is not None
    key_id = plaintext[4:16]
    stored = keys.keys[key_id]
    keys.keys[key_id] = replace(stored, key=stored.key.model_copy(update={"revoked_at": iso_utc(datetime.now(UTC))}))
    clock.now += 30
    assert authorizer.authorize(plaintext) is not None  # still cached: documented behaviour
    clock.now += 31
    assert authorizer.authorize(plaintext) is None


def test_expired_key_is_refused() -> None:
    keys = InMemoryKeys()
    plaintext = keys.add(expires_at=iso_utc(datetime.now(UTC) - timedelta(seconds=1)))
    assert KeyAuthorizer(keys, 60).authorize(plaintext) is None


def test_simple_response_shapes() -> None:
    keys = InMemoryKeys()
    plaintext = keys.add(tenant="acme")
    authorizer = KeyAuthorizer(keys, 60)
    allowed = authorizer.simple_response({"x-api-key": plaintext})
    assert allowed["isAuthorized"] is True
    assert allowed["context"]["tenant_id"] == "acme"
    assert authorizer.simple_response({})["isAuthorized"] is False


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"authorization": "Bearer abc"}, "abc"),
        ({"authorization": "bearer  abc "}, "abc"),
        ({"x-api-key": "abc"}, "abc"),
        ({"authorization": "Basic abc"}, None),
        ({"authorization": "Bearer "}, None),
        ({}, None),
    ],
)
def test_presented_key(headers: dict[str, str], expected: str | None) -> None:
    assert presented_key(headers) == expected


def test_principal_round_trips_through_the_authorizer_context() -> None:
    principal = Principal("acme", "k1", frozenset({"events:read", "events:write"}), 50)
    assert Principal.from_context(principal.to_context()) == principal
    expiring = Principal("acme", "k1", frozenset({"events:read"}), None, expires_at=1_900_000_000)
    assert Principal.from_context(expiring.to_context()) == expiring
    assert Principal.from_context({}) is None


@pytest.mark.parametrize("seconds_left", [0.5, 5, 59])
def test_a_cached_decision_never_outlives_the_keys_expiry(seconds_left: float) -> None:
    keys = InMemoryKeys()
    wall = Clock()
    wall.now = datetime.now(UTC).timestamp()
    plaintext = keys.add(expires_at=iso_utc(datetime.fromtimestamp(wall.now + seconds_left, UTC)))
    monotonic = Clock()
    authorizer = KeyAuthorizer(keys, 60, clock=monotonic, wall_clock=wall)
    assert authorizer.authorize(plaintext) is not None
    lookups = keys.lookups
    monotonic.now += seconds_left + 0.01
    wall.now += seconds_left + 0.01
    assert authorizer.authorize(plaintext) is None
    assert keys.lookups == lookups + 1  # the cache was not trusted past the expiry


def test_a_key_expiring_after_the_ttl_is_cached_for_the_ttl() -> None:
    keys = InMemoryKeys()
    plaintext = keys.add(expires_at=iso_utc(datetime.now(UTC) + timedelta(hours=1)))
    monotonic = Clock()
    authorizer = KeyAuthorizer(keys, 60, clock=monotonic)
    authorizer.authorize(plaintext)
    monotonic.now += 59
    authorizer.authorize(plaintext)
    assert keys.lookups == 1


def test_use_is_recorded_at_most_hourly_per_key_and_container() -> None:
    keys = InMemoryKeys()
    plaintext = keys.add()
    clock = Clock()
    authorizer = KeyAuthorizer(keys, 0, clock=clock)  # no decision cache: every request re-reads the key
    for _ in range(50):
        authorizer.authorize(plaintext)
        clock.now += 60
    assert len(keys.uses) == 1
    clock.now += 3600
    authorizer.authorize(plaintext)
    assert len(keys.uses) == 2
