"""Shared test setup: a fake region and credentials so nothing can reach real AWS."""

from __future__ import annotations

import os

# Set before any handler module is imported: their settings are validated at import (cold start).
os.environ.update(
    {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_METRICS_NAMESPACE": "TriggersApi",
        "POWERTOOLS_DEV": "0",
        "EVENTS_TABLE": "test-events",
        "API_KEYS_TABLE": "test-api-keys",
        "SUBSCRIPTIONS_TABLE": "test-subscriptions",
        "RATE_LIMITS_TABLE": "test-rate-limits",
        "AUDIT_TABLE": "test-audit",
        "IDEMPOTENCY_TABLE": "test-idempotency",
        "STATS_TABLE": "test-stats",
        "CURSOR_SECRET_NAME": "test-cursor-signing-key",
        "SHARD_COUNT": "4",
        "BCRYPT_ROUNDS": "4",
        "DELIVERY_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/test-delivery",
        "DEAD_LETTER_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/test-delivery-dlq",
        # Three attempts a second apart, and receivers on 127.0.0.1, so delivery tests run in seconds.
        "RETRY_DELAYS_SECONDS": "1,1",
        "ALLOW_HTTP_TARGETS": "true",
        "ALLOW_LOOPBACK_TARGETS": "true",
        "DELIVERY_DEADLINE_SECONDS": "1",
        # Revocation must show on the next request; the warm cache itself is unit-tested with a clock.
        "AUTH_CACHE_TTL_SECONDS": "0",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)
