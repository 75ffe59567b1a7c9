from __future__ import annotations

import base64

import pytest
from triggers.cursor import CursorCodec, query_fingerprint
from triggers.errors import InvalidCursor
from triggers.ids import new_id

codec = CursorCodec(b"unit-test-secret")
fingerprint = query_fingerprint("acme", "pending", None, None, None, None)


def test_round_trip() -> None:
    event_id = new_id()
    assert codec.decode(codec.encode(event_id, fingerprint), fingerprint) == event_id


def test_cursor_is_opaque() -> None:
    event_id = new_id()
    assert event_id not in codec.encode(event_id, fingerprint)


def test_cursor_from_another_query_or_tenant_is_refused() -> None:
    cursor = codec.encode(new_id(), fingerprint)
    with pytest.raises(InvalidCursor):
        codec.decode(cursor, query_fingerprint("globex", "pending", None, None, None, None))
    with pytest.raises(InvalidCursor):
        codec.decode(cursor, query_fingerprint("acme", "pending", "order.created", None, None, None))


def test_tampered_cursor_is_refused() -> None:
    cursor = codec.encode(new_id(), fingerprint)
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[12] ^= 0x01
    forged = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(InvalidCursor):
        codec.decode(forged, fingerprint)


def test_cursor_signed_with_another_secret_is_refused() -> None:
    cursor = CursorCodec(b"another-secret").encode(new_id(), fingerprint)
    with pytest.raises(InvalidCursor):
        codec.decode(cursor, fingerprint)


@pytest.mark.parametrize("garbage", ["", "x", "!!!!", "a" * 300, base64.urlsafe_b64encode(b"{}" * 20).decode()])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidCursor):
        codec.decode(garbage, fingerprint)
