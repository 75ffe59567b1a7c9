"""The pull side: cursor-paged inbox listing across shards."""

from __future__ import annotations

from triggers.cursor import CursorCodec, query_fingerprint
from triggers.metric_names import MetricName
from triggers.models import InboxPage, InboxQuery, Pagination
from triggers.observability import metrics
from triggers.storage.events import EventStore


class Inbox:
    def __init__(self, store: EventStore, cursors: CursorCodec) -> None:
        self._store = store
        self._cursors = cursors

    def page(self, tenant_id: str, query: InboxQuery) -> InboxPage:
        # The cursor is bound to the tenant and the filters; only `limit` may change between pages.
        fingerprint = query_fingerprint(
            tenant_id, query.status.value, query.event_type, query.source, query.since, query.until
        )
        after = self._cursors.decode(query.cursor, fingerprint) if query.cursor else None
        page = self._store.page(tenant_id, query, after)
        next_cursor = (
            self._cursors.encode(page.events[-1].event_id, fingerprint) if page.has_more and page.events else None
        )
        metrics.add_metric(name=MetricName.INBOX_READS, unit="Count", value=1)
        return InboxPage(
            events=page.events,
            pagination=Pagination(limit=query.limit, next_cursor=next_cursor, has_more=page.has_more),
        )
