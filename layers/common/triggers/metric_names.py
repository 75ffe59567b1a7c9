"""Metric names, defined once: the functions emit them and the CDK dashboard and alarms read them."""

from __future__ import annotations

from enum import StrEnum

NAMESPACE = "TriggersApi"
SERVICE_DIMENSION = "triggers-api"


class MetricName(StrEnum):
    EVENTS_INGESTED = "EventsIngested"
    EVENTS_REJECTED = "EventsRejected"
    IDEMPOTENT_REPLAYS = "IdempotentReplays"
    INBOX_READS = "InboxReads"
    EVENTS_ACKNOWLEDGED = "EventsAcknowledged"
    EVENTS_DELETED = "EventsDeleted"
    AUTH_DENIALS = "AuthDenials"
    RATE_LIMITED = "RateLimitedRequests"
    KEYS_CREATED = "ApiKeysCreated"
    KEYS_REVOKED = "ApiKeysRevoked"
    SERVER_ERRORS = "ServerErrors"
    # Delivery pipeline (dispatcher and worker).
    JOBS_DISPATCHED = "DeliveryJobsDispatched"
    DELIVERY_ATTEMPTS = "DeliveryAttempts"
    DELIVERY_SUCCESSES = "DeliverySuccesses"
    DELIVERY_FAILURES = "DeliveryFailures"
    DEAD_LETTERED = "DeadLetteredEvents"
    # Deliveries a tenant's doing ended (subscription deleted or disabled, 410 Gone, target refused): no DLQ.
    DELIVERIES_ABANDONED = "DeliveriesAbandoned"
    DELIVERY_LATENCY = "DeliveryLatency"
    # A stream batch whose tenant stats could not be written (they are best effort; delivery is not).
    STATS_WRITE_FAILURES = "StatsWriteFailures"
