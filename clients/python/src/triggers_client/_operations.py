"""Every API operation, once: what it sends and how its answer is read.

The resources (``client.events.send`` …) are these builders run by the blocking or the asyncio
transport, so their docstrings here are the methods' documentation.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from enum import Enum
from itertools import islice
from typing import Any, TypeVar

import httpx

from triggers_client._calls import (
    IDEMPOTENCY_KEY_HEADER,
    Call,
    Listing,
    Plan,
    no_content,
    query,
    reading,
    segment,
)
from triggers_client.errors import InvalidRequestError
from triggers_client.models import (
    AckRefused,
    AckResult,
    ApiKey,
    ApiKeyCreated,
    ApiKeyList,
    AttemptOutcome,
    AttemptPage,
    AuditAction,
    AuditEntry,
    AuditPage,
    BatchItemRefused,
    BatchItemStored,
    BatchResult,
    BulkAckResult,
    ErrorBody,
    Event,
    EventPage,
    EventStatus,
    EventSummary,
    Granularity,
    Health,
    InboxStatus,
    NewEvent,
    Order,
    Recovery,
    Scope,
    SecretRotated,
    SendTestResult,
    Stats,
    Subscription,
    SubscriptionAttempt,
    SubscriptionCreated,
    SubscriptionList,
    SubscriptionStatus,
)
from triggers_client.models import _Paged as Paged

X = TypeVar("X")
PageM = TypeVar("PageM", bound=Paged)

MAX_BATCH_EVENTS = 100
# The batch route takes bodies up to 4 MiB; events are measured with json.dumps' defaults (spaces,
# \u escapes), never smaller than what is sent, and the margin covers the {"events": [...]} around them.
MAX_BATCH_BYTES = 4 * 1024 * 1024 - 4 * 1024
# How a batch refusal names an event's field: events.<index>.<field>
_BATCH_ITEM_FIELD = re.compile(r"^events\.(\d+)(?:\.(.*))?$")

SendResult = BatchItemStored | BatchItemRefused


class Unchanged(Enum):
    """The default of a field that may be set to None: "leave it as it is" rather than "clear it"."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


def _given(**fields: Any) -> dict[str, Any]:
    """A JSON body of the fields that were given (the API applies its own defaults to the rest)."""
    return {name: _json(value) for name, value in fields.items() if value is not None}


def _json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return value


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def health() -> Call[Health]:
    """The API's status and version; needs no scope."""
    return Call("GET", "/v1/health", reading(Health))


# Events


def send_event(
    event_type: str,
    payload: Mapping[str, Any],
    *,
    source: str | None = None,
    tags: Sequence[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> Call[EventSummary]:
    """Send one event; it is stored before this returns.

    An ``Idempotency-Key`` is generated unless you pass one, so automatic retries never store the
    event twice; pass your own (e.g. an order id) to make resending after a crash safe too.
    """
    event = _given(event_type=event_type, payload=payload, source=source, tags=tags, metadata=metadata)
    key = idempotency_key or new_idempotency_key()
    return Call("POST", "/v1/events", reading(EventSummary), body=event, headers={IDEMPOTENCY_KEY_HEADER: key})


def send_events(events: Iterable[NewEvent]) -> Plan[list[SendResult]]:
    """Send any number of events in batches of up to 100, each batch with its own idempotency key.

    Returns one result per event, in input order, each with ``index`` its position in ``events``:
    ``BatchItemStored`` or ``BatchItemRefused``. The API validates a batch whole; when it refuses a
    batch for some of its events, those are refused here with the API's details and the rest of the
    batch is sent again, so one bad event never holds back the others. Other errors are raised; the
    batches before them are stored.
    """
    results: list[SendResult] = []
    for batch in _batches(events):
        while batch:
            call = Call(
                "POST",
                "/v1/events/batch",
                reading(BatchResult),
                body={"events": [event for _, event in batch]},
                headers={IDEMPOTENCY_KEY_HEADER: new_idempotency_key()},
            )
            try:
                answer: BatchResult = yield call
            except InvalidRequestError as error:
                refused = _refused_events(error, len(batch))
                if refused is None:
                    raise
                results += [BatchItemRefused(index=batch[i][0], error=body) for i, body in refused.items()]
                batch = [item for i, item in enumerate(batch) if i not in refused]
            else:
                results += [result.model_copy(update={"index": batch[result.index][0]}) for result in answer.results]
                batch = []
    return sorted(results, key=lambda result: result.index)


def _batches(events: Iterable[NewEvent]) -> Iterator[list[tuple[int, NewEvent]]]:
    batch: list[tuple[int, NewEvent]] = []
    size = 0
    for index, event in enumerate(events):
        event_size = len(json.dumps(event)) + 2
        if batch and (len(batch) == MAX_BATCH_EVENTS or size + event_size > MAX_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append((index, event))
        size += event_size
    if batch:
        yield batch


def _refused_events(error: InvalidRequestError, batch_size: int) -> dict[int, ErrorBody] | None:
    """The events a refused batch names, with their own details; None if it names anything else."""
    details: dict[int, list[dict[str, Any]]] = {}
    for detail in error.details:
        match = _BATCH_ITEM_FIELD.match(str(detail.get("field", "")))
        if match is None or int(match[1]) >= batch_size:
            return None
        details.setdefault(int(match[1]), []).append({**detail, "field": match[2] or ""})
    if not details:
        return None
    code = error.code or "VALIDATION_ERROR"
    return {
        index: ErrorBody(code=code, message=error.message, details=found, request_id=error.request_id)
        for index, found in details.items()
    }


def get_event(event_id: str) -> Call[Event]:
    """One event with its payload, status and delivery history."""
    return Call("GET", f"/v1/events/{segment(event_id)}", reading(Event))


def ack_event(event_id: str) -> Call[AckResult]:
    """Acknowledge an event: it leaves the inbox. Acknowledging it again returns the same result."""
    return Call("POST", f"/v1/events/{segment(event_id)}/ack", reading(AckResult), idempotent=True)


def replay_event(event_id: str) -> Call[EventSummary]:
    """Put an event back to ``pending`` and deliver it again to every matching subscription."""
    return Call("POST", f"/v1/events/{segment(event_id)}/replay", reading(EventSummary))


def delete_event(event_id: str) -> Call[None]:
    """Erase an event and its delivery records for good."""
    return Call("DELETE", f"/v1/events/{segment(event_id)}", no_content)


def list_events(
    *,
    status: EventStatus | str | None = None,
    event_type: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    order: Order | str | None = None,
    page_size: int | None = None,
    cursor: str | None = None,
) -> Listing[EventPage, Event]:
    """Every event in retention, of any status (acknowledged too), newest first (``order="asc"``: oldest
    first), fetched ``page_size`` (1-200, default 50) at a time as you iterate. ``since``/``until`` must
    be timezone-aware; ``cursor`` resumes after a page's ``pagination.next_cursor``."""
    filters = query(
        status=status, event_type=event_type, source=source, since=since, until=until, order=order, limit=page_size
    )
    return _listing("/v1/events", EventPage, filters, lambda page: page.events, cursor)


# Inbox


def list_inbox(
    *,
    status: InboxStatus | str | None = None,
    event_type: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page_size: int | None = None,
    cursor: str | None = None,
) -> Listing[EventPage, Event]:
    """Every event in the inbox with this ``status`` (default ``pending``), oldest first, fetched
    ``page_size`` (1-200, default 50) at a time as you iterate. ``since``/``until`` must be
    timezone-aware; ``cursor`` resumes after a page's ``pagination.next_cursor``."""
    filters = query(status=status, event_type=event_type, source=source, since=since, until=until, limit=page_size)
    return _listing("/v1/inbox", EventPage, filters, lambda page: page.events, cursor)


def _listing(
    path: str,
    page_model: type[PageM],
    filters: dict[str, str | int],
    items: Callable[[PageM], list[X]],
    cursor: str | None,
) -> Listing[PageM, X]:
    def page(after: str | None) -> Call[PageM]:
        return Call("GET", path, reading(page_model), params={**filters, **query(cursor=after)})

    return Listing(page, items, start=cursor)


def ack_events(event_ids: Iterable[str]) -> Plan[list[AckResult | AckRefused]]:
    """Acknowledge any number of events, 100 per request; one result per id, in input order
    (``AckRefused`` for an id that is not this tenant's)."""
    results: list[AckResult | AckRefused] = []
    for chunk in _chunks(event_ids, MAX_BATCH_EVENTS):
        answer: BulkAckResult = yield Call(
            "POST", "/v1/inbox/ack", reading(BulkAckResult), body={"event_ids": chunk}, idempotent=True
        )
        results += answer.results
    return results


def _chunks(items: Iterable[X], size: int) -> Iterator[list[X]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# Subscriptions


def create_subscription(
    target_url: str, event_types: Sequence[str], *, description: str | None = None
) -> Call[SubscriptionCreated]:
    """Subscribe a webhook URL to event types (``*`` is a wildcard: ``order.*``).

    The answer carries the ``whsec_`` signing secret this once; keep it to verify deliveries.
    """
    body = _given(target_url=target_url, event_types=event_types, description=description)
    return Call("POST", "/v1/subscriptions", reading(SubscriptionCreated), body=body)


def _subscriptions(response: httpx.Response) -> list[Subscription]:
    return SubscriptionList.model_validate_json(response.content).subscriptions


def list_subscriptions() -> Call[list[Subscription]]:
    """Every subscription of the tenant (never with its secret)."""
    return Call("GET", "/v1/subscriptions", _subscriptions)


def get_subscription(subscription_id: str) -> Call[Subscription]:
    return Call("GET", f"/v1/subscriptions/{segment(subscription_id)}", reading(Subscription))


def delete_subscription(subscription_id: str) -> Call[None]:
    """Stop delivering to this subscription and forget it."""
    return Call("DELETE", f"/v1/subscriptions/{segment(subscription_id)}", no_content)


def update_subscription(
    subscription_id: str,
    *,
    target_url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | Unchanged | None = UNCHANGED,
    status: SubscriptionStatus | str | None = None,
) -> Call[Subscription]:
    """Change only what is given: the URL, the event types, the description (``None`` clears it) or the
    status (``"disabled"`` parks matching events as skipped attempts; ``"active"`` again, even after a 410)."""
    body = _given(target_url=target_url, event_types=event_types, status=status)
    if description is not UNCHANGED:
        body["description"] = description
    path = f"/v1/subscriptions/{segment(subscription_id)}"
    # Setting fields to given values: a repeat leaves the same subscription.
    return Call("PATCH", path, reading(Subscription), body=body, idempotent=True)


def rotate_secret(subscription_id: str) -> Call[SecretRotated]:
    """A new signing secret (returned this once). For 24 hours every delivery carries both signatures, so
    receivers can switch to the new secret without missing a delivery."""
    return Call("POST", f"/v1/subscriptions/{segment(subscription_id)}/secret/rotate", reading(SecretRotated))


def send_test(subscription_id: str) -> Call[SendTestResult]:
    """Send a signed ``triggers.test`` event to the subscription's URL now and report how it answered
    (nothing is stored as an event)."""
    return Call("POST", f"/v1/subscriptions/{segment(subscription_id)}/test", reading(SendTestResult))


def list_attempts(
    subscription_id: str,
    *,
    outcome: AttemptOutcome | str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page_size: int | None = None,
    cursor: str | None = None,
) -> Listing[AttemptPage, SubscriptionAttempt]:
    """Every delivery attempt to this subscription, newest first; ``outcome`` filters succeeded, failed
    or skipped (held back while disabled)."""
    filters = query(outcome=outcome, since=since, until=until, limit=page_size)
    path = f"/v1/subscriptions/{segment(subscription_id)}/attempts"
    return _listing(path, AttemptPage, filters, lambda page: page.attempts, cursor)


def recover(subscription_id: str, since: datetime, until: datetime | None = None) -> Plan[Recovery]:
    """Deliver again every event whose delivery to this subscription failed or was skipped between
    ``since`` and ``until`` (default: now). The API recovers a bounded amount per request and says where to
    resume; this follows it to the end and returns the total queued."""
    path = f"/v1/subscriptions/{segment(subscription_id)}/recover"
    queued = 0
    start: datetime | None = since
    while start is not None:
        recovery: Recovery = yield Call("POST", path, reading(Recovery), body=query(since=start, until=until))
        queued += recovery.queued
        start = recovery.resume_since
    return Recovery(queued=queued, resume_since=None)


# Keys


def create_key(
    name: str,
    scopes: Iterable[Scope | str],
    *,
    expires_in_seconds: int | None = None,
    rate_limit_per_second: int | None = None,
) -> Call[ApiKeyCreated]:
    """Create an API key; the plaintext ``key`` is in this answer only.

    A key never grants more than the key creating it: no other scopes, no higher rate limit, no
    later expiry. Left out, the limit and expiry are the creating key's own.
    """
    body = _given(
        name=name,
        scopes=[Scope(scope) for scope in scopes],
        expires_in_seconds=expires_in_seconds,
        rate_limit_per_second=rate_limit_per_second,
    )
    return Call("POST", "/v1/keys", reading(ApiKeyCreated), body=body)


def _keys(response: httpx.Response) -> list[ApiKey]:
    return ApiKeyList.model_validate_json(response.content).keys


def list_keys() -> Call[list[ApiKey]]:
    """The tenant's keys (metadata and a hint, never the key itself)."""
    return Call("GET", "/v1/keys", _keys)


def current_key() -> Call[ApiKey]:
    """The key this client uses: its tenant, scopes, rate limit and expiry (any valid key may ask)."""
    return Call("GET", "/v1/keys/current", reading(ApiKey))


def revoke_key(key_id: str) -> Call[None]:
    """Revoke a key (within the authorizer's cache time, 60 s when deployed, it stops working)."""
    return Call("DELETE", f"/v1/keys/{segment(key_id)}", no_content)


# Stats


def get_stats(
    *, granularity: Granularity | str | None = None, since: datetime | None = None, until: datetime | None = None
) -> Call[Stats]:
    """Counts per minute, hour or day (ingested, delivered, failed, acknowledged, attempts) and delivery
    latency percentiles; empty buckets come back as zeros. The window served is in the answer."""
    return Call("GET", "/v1/stats", reading(Stats), params=query(granularity=granularity, since=since, until=until))


# Audit


def list_audit(
    *,
    action: AuditAction | str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page_size: int | None = None,
    cursor: str | None = None,
) -> Listing[AuditPage, AuditEntry]:
    """The tenant's audit log, newest first: who created or revoked keys, changed subscriptions, and
    acknowledged, replayed or erased events, with request ids and source IPs."""
    filters = query(action=action, since=since, until=until, limit=page_size)
    return _listing("/v1/audit", AuditPage, filters, lambda page: page.entries, cursor)
