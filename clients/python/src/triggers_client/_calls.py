"""What an operation asks of the API, apart from how it is sent.

Every operation is written once, as a builder returning a :class:`Call` (one request), a
:class:`Plan` (several, e.g. ``send_many``) or a :class:`Listing` (cursor pages); the blocking and
the asyncio client run the same builders, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypeAlias, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from triggers_client.models import _Paged as Paged

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
ItemT = TypeVar("ItemT")

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
_REPEATABLE_METHODS = frozenset({"GET", "HEAD", "DELETE"})


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request, and how to read its successful answer."""

    method: str
    path: str
    decode: Callable[[httpx.Response], T]
    params: Mapping[str, str | int] = field(default_factory=dict)
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # The API answers a repeat as it answered the first (acks): safe to resend after an unknown outcome.
    idempotent: bool = False

    @property
    def safe_to_repeat(self) -> bool:
        return self.idempotent or self.method in _REPEATABLE_METHODS or IDEMPOTENCY_KEY_HEADER in self.headers


# An operation of several requests: it yields each Call and receives its decoded answer (or, thrown
# in, the TriggersError it raised), and returns its result.
Plan: TypeAlias = Generator[Call[Any], Any, T]


PageT = TypeVar("PageT", bound=Paged)


@dataclass(frozen=True)
class Listing(Generic[PageT, ItemT]):
    """A cursor-paged listing: the call that fetches the page after a cursor, and a page's items."""

    page: Callable[[str | None], Call[PageT]]
    items: Callable[[PageT], list[ItemT]]
    start: str | None = None  # a cursor saved from an earlier listing, to resume after it


def reading(model: type[M]) -> Callable[[httpx.Response], M]:
    def decode(response: httpx.Response) -> M:
        return model.model_validate_json(response.content)

    return decode


def no_content(_: httpx.Response) -> None:
    return None


def segment(value: str) -> str:
    """An id as one path segment: nothing in it can reach another route."""
    if not value:
        raise ValueError("an id may not be empty")
    return quote(value, safe="")


def query(**values: str | int | datetime | Enum | None) -> dict[str, str | int]:
    """Query parameters with the unset ones left out; times as RFC 3339 with their offset."""
    params: dict[str, str | int] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError(f"{name} needs a timezone-aware datetime, e.g. datetime.now(UTC)")
            params[name] = value.isoformat()
        elif isinstance(value, Enum):
            params[name] = str(value.value)
        else:
            params[name] = value
    return params
