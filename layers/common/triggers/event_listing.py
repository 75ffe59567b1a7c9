"""Reading events in pages: the inbox (listable events, oldest first) and the full history.

Cursors are bound to the tenant, the listing and its filters; only ``limit`` may change between pages.
"""

from __future__ import annotations

from collections.abc import Callable

from triggers.cursor import CursorCodec, cursor_page, query_fingerprint
from triggers.metric_names import MetricName
from triggers.models import Event, EventPage, EventsQuery, InboxQuery
from triggers.observability import metrics
from triggers.settings import InboxSettings
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.event_pages import EventPages
from triggers.storage.listing import Slice


class EventListing:
    def __init__(self, pages: EventPages, cursors: CursorCodec) -> None:
        self._pages = pages
        self._cursors = cursors

    @classmethod
    def from_settings(cls, settings: InboxSettings) -> EventListing:
        pages = EventPages(dynamodb_client(), settings.events_table, settings.shard_count)
        return cls(pages, CursorCodec.from_secret(settings.cursor_secret_name))

    def inbox(self, tenant_id: str, query: InboxQuery) -> EventPage:
        fingerprint = query_fingerprint(
            "inbox", tenant_id, query.status.value, query.event_type, query.source, query.since, query.until
        )
        metrics.add_metric(name=MetricName.INBOX_READS, unit="Count", value=1)
        return self._page(
            query.limit, query.cursor, fingerprint, lambda after: self._pages.inbox(tenant_id, query, after)
        )

    def history(self, tenant_id: str, query: EventsQuery) -> EventPage:
        fingerprint = query_fingerprint(
            "events", tenant_id, query.status, query.event_type, query.source, query.since, query.until, query.order
        )
        return self._page(
            query.limit, query.cursor, fingerprint, lambda after: self._pages.history(tenant_id, query, after)
        )

    def _page(
        self, limit: int, cursor: str | None, fingerprint: str, read: Callable[[str | None], Slice[Event]]
    ) -> EventPage:
        events, pagination = cursor_page(self._cursors, cursor, fingerprint, limit, read, lambda event: event.event_id)
        return EventPage(events=events, pagination=pagination)
