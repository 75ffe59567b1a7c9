"""Status changes a tenant makes to its own events: acknowledge, replay and erase, each audited."""

from __future__ import annotations

from triggers.auth.authorizer import Principal
from triggers.errors import DomainError
from triggers.metric_names import MetricName
from triggers.models import AckRefused, AckResult, AuditAction, ErrorBody, EventSummary
from triggers.observability import metrics
from triggers.settings import AckSettings
from triggers.storage.audit import AuditLog
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.events import EventStore


class EventLifecycle:
    def __init__(self, store: EventStore, audit: AuditLog) -> None:
        self._store = store
        self._audit = audit

    @classmethod
    def from_settings(cls, settings: AckSettings) -> EventLifecycle:
        client = dynamodb_client()
        return cls(
            EventStore(client, settings.events_table, settings.shard_count), AuditLog(client, settings.audit_table)
        )

    def acknowledge(self, caller: Principal, event_id: str) -> AckResult:
        result = self._store.acknowledge(caller.tenant_id, event_id)
        self._audit.record(caller, AuditAction.EVENT_ACKNOWLEDGED, event_id)
        metrics.add_metric(name=MetricName.EVENTS_ACKNOWLEDGED, unit="Count", value=1)
        return result

    def acknowledge_many(self, caller: Principal, event_ids: list[str]) -> list[AckResult | AckRefused]:
        """Per-id results in input order: the acknowledgement, or the error for that id."""
        results = self._store.acknowledge_many(caller.tenant_id, event_ids)
        acknowledged = [result.event_id for result in results if isinstance(result, AckResult)]
        if acknowledged:
            # One entry for the request, naming every event it acknowledged.
            self._audit.record(caller, AuditAction.EVENT_ACKNOWLEDGED, *acknowledged)
            metrics.add_metric(name=MetricName.EVENTS_ACKNOWLEDGED, unit="Count", value=len(acknowledged))
        return [
            AckRefused(event_id=event_id, error=ErrorBody.of(result)) if isinstance(result, DomainError) else result
            for event_id, result in zip(event_ids, results, strict=True)
        ]

    def replay(self, caller: Principal, event_id: str) -> EventSummary:
        """Back to pending under a new generation: the stream dispatches it to every matching subscription."""
        replayed = self._store.replay(caller.tenant_id, event_id)
        self._audit.record(caller, AuditAction.EVENT_REPLAYED, event_id)
        return EventSummary.model_validate(replayed.model_dump(include=set(EventSummary.model_fields)))

    def erase(self, caller: Principal, event_id: str) -> None:
        """Right to be forgotten: the item goes at once; the audit log keeps only the id, never the payload."""
        self._store.delete(caller.tenant_id, event_id)
        self._audit.record(caller, AuditAction.EVENT_DELETED, event_id)
        metrics.add_metric(name=MetricName.EVENTS_DELETED, unit="Count", value=1)
