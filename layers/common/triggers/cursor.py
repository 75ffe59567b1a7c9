"""Opaque, tamper-proof pagination cursors.

A cursor is the last event id a page returned plus a fingerprint of the query it belongs to, signed
with HMAC-SHA256. It cannot be forged, edited, or replayed against another tenant or other filters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import TypeVar

from triggers.errors import InvalidCursor
from triggers.lazy import Lazy
from triggers.models import Pagination
from triggers.storage.listing import Slice

_SIGNATURE_BYTES = 16


class CursorCodec:
    def __init__(self, secret: bytes | Callable[[], bytes]) -> None:
        self._secret = Lazy(secret if callable(secret) else lambda: secret)

    @classmethod
    def from_secret(cls, secret_name: str) -> CursorCodec:
        """The codec keyed with a Secrets Manager secret: one read per container, never logged, made by the
        first page that needs a cursor (so a SnapStart snapshot never holds the secret)."""

        def read() -> bytes:
            from aws_lambda_powertools.utilities.parameters import get_secret  # only the listing functions need it

            return str(get_secret(secret_name, max_age=3600)).encode()

        return cls(read)

    def encode(self, last_event_id: str, query_fingerprint: str) -> str:
        body = json.dumps({"after": last_event_id, "q": query_fingerprint}, separators=(",", ":")).encode()
        token = body + self._sign(body)
        return base64.urlsafe_b64encode(token).decode().rstrip("=")

    def decode(self, cursor: str, query_fingerprint: str) -> str:
        """Returns the event id to continue after, or raises InvalidCursor."""
        try:
            token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (ValueError, TypeError) as exc:
            raise InvalidCursor() from exc
        body, signature = token[:-_SIGNATURE_BYTES], token[-_SIGNATURE_BYTES:]
        if len(token) <= _SIGNATURE_BYTES or not hmac.compare_digest(signature, self._sign(body)):
            raise InvalidCursor()
        decoded = json.loads(body)
        if decoded.get("q") != query_fingerprint:
            raise InvalidCursor("Cursor belongs to a different query; keep the same filters while paging")
        after = decoded.get("after")
        if not isinstance(after, str):
            raise InvalidCursor()
        return after

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._secret(), body, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def query_fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join("" if part is None else str(part) for part in parts).encode()).hexdigest()[:24]


T = TypeVar("T")


def cursor_page(
    codec: CursorCodec,
    cursor: str | None,
    fingerprint: str,
    limit: int,
    read: Callable[[str | None], Slice[T]],
    id_of: Callable[[T], str],
) -> tuple[list[T], Pagination]:
    """One page of a cursor-paged listing: ``read(after)`` gives the items after the cursor's position and
    whether more follow; the next cursor points past the last item returned, or past where a read that
    spent its budget got to (then a page can be short, even empty, and still have more)."""
    after = codec.decode(cursor, fingerprint) if cursor else None
    page = read(after)
    position = page.resume_after or (id_of(page.items[-1]) if page.items else None)
    next_cursor = codec.encode(position, fingerprint) if page.has_more and position else None
    return page.items, Pagination(limit=limit, next_cursor=next_cursor, has_more=page.has_more)
