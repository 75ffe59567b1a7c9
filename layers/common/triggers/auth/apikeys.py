"""API key format, scopes and hashing.

A key reads ``trg_<key id>_<secret><checksum>``:

* the key id makes the authorizer's lookup a single GetItem;
* the 6-character CRC32 checksum lets malformed or mistyped keys be refused before any I/O
  (and lets secret scanners recognise a real key);
* only a bcrypt hash of the secret is stored.
"""

from __future__ import annotations

import re
import secrets
import zlib
from dataclasses import dataclass
from enum import StrEnum

import bcrypt

PREFIX = "trg_"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_KEY_ID_LEN = 12
_SECRET_LEN = 32
_CHECKSUM_LEN = 6
_KEY_PATTERN = re.compile(rf"^{PREFIX}([0-9a-z]{{{_KEY_ID_LEN}}})_([0-9A-Za-z]{{{_SECRET_LEN + _CHECKSUM_LEN}}})$")


class Scope(StrEnum):
    EVENTS_WRITE = "events:write"
    EVENTS_READ = "events:read"
    SUBSCRIPTIONS_MANAGE = "subscriptions:manage"
    KEYS_MANAGE = "keys:manage"


ALL_SCOPES = frozenset(Scope)


@dataclass(frozen=True)
class ParsedKey:
    key_id: str
    secret: str


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def _checksum(key_id: str, secret: str) -> str:
    return _base62(zlib.crc32(f"{PREFIX}{key_id}_{secret}".encode()), _CHECKSUM_LEN)


def format_key(parts: ParsedKey) -> str:
    return f"{PREFIX}{parts.key_id}_{parts.secret}{_checksum(parts.key_id, parts.secret)}"


def new_key() -> tuple[ParsedKey, str]:
    """A fresh key: its parts and the plaintext to hand out exactly once."""
    key_id = "".join(secrets.choice(_ALPHABET[:36]).lower() for _ in range(_KEY_ID_LEN))
    secret = "".join(secrets.choice(_ALPHABET) for _ in range(_SECRET_LEN))
    parts = ParsedKey(key_id, secret)
    return parts, format_key(parts)


def parse_key(plaintext: str) -> ParsedKey | None:
    """The key's parts, or None when it is malformed or its checksum does not match: no I/O either way."""
    match = _KEY_PATTERN.match(plaintext)
    if not match:
        return None
    key_id, tail = match.groups()
    secret, checksum = tail[:_SECRET_LEN], tail[_SECRET_LEN:]
    if checksum != _checksum(key_id, secret):
        return None
    return ParsedKey(key_id, secret)


def hash_secret(secret: str, rounds: int) -> str:
    return bcrypt.hashpw(secret.encode(), bcrypt.gensalt(rounds)).decode()


def secret_matches(secret: str, secret_hash: str) -> bool:
    return bcrypt.checkpw(secret.encode(), secret_hash.encode())


def display_hint(plaintext: str) -> str:
    """What lists show instead of the key: enough to recognise it, useless to an attacker."""
    return f"{plaintext[: len(PREFIX) + _KEY_ID_LEN]}…{plaintext[-4:]}"
