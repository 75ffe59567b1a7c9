"""Time-ordered identifiers (UUIDv7, RFC 9562) and the write shard an event id maps to."""

from __future__ import annotations

import re
import uuid
import zlib
from datetime import UTC, datetime, timedelta

import uuid_utils

_UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_VERSION_7 = 0x7 << 76
_VARIANT_RFC = 0x2 << 62
_MAX_MS = (1 << 48) - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def new_id() -> str:
    return str(uuid_utils.uuid7())


def is_event_id(value: str) -> bool:
    return bool(_UUID_PATTERN.match(value))


def shard_of(event_id: str, shard_count: int) -> int:
    """Stable shard for an id; crc32 of the text spreads the random tail evenly."""
    return zlib.crc32(event_id.encode()) % shard_count


def _unix_ms(moment: datetime) -> int:
    # Integer arithmetic: float timestamps lose the millisecond for far-future dates.
    return min(max((moment - _EPOCH) // timedelta(milliseconds=1), 0), _MAX_MS)


def lowest_id_at(moment: datetime) -> str:
    """The smallest UUIDv7 that can be minted at ``moment``: ids from then on sort at or after it."""
    return str(uuid.UUID(int=(_unix_ms(moment) << 80) | _VERSION_7 | _VARIANT_RFC))


def highest_id_at(moment: datetime) -> str:
    """The largest UUIDv7 that can be minted within ``moment``'s millisecond."""
    ms = _unix_ms(moment)
    random_bits = ((1 << 12) - 1) << 64 | ((1 << 62) - 1)
    return str(uuid.UUID(int=(ms << 80) | _VERSION_7 | _VARIANT_RFC | random_bits))


def moment_of(uuid7: str) -> datetime:
    """When a UUIDv7 was minted (its first 48 bits are milliseconds since the epoch)."""
    return _EPOCH + timedelta(milliseconds=int(uuid7.replace("-", "")[:12], 16))
