"""The runbook every alarm links: docs/operations.md, one section (anchor) per kind of alarm."""

from __future__ import annotations

from enum import StrEnum

RUNBOOK = "docs/operations.md"


class Runbook(StrEnum):
    """Anchors of the runbook sections, one per kind of alarm."""

    API_5XX_RATE = "api-5xx-rate"
    ROUTE_P99_LATENCY = "route-p99-latency"
    FUNCTION_ERRORS = "function-errors"
    FUNCTION_THROTTLES = "function-throttles"
    DEAD_LETTERS = "dead-letters"
    DELIVERY_BACKLOG = "delivery-backlog"
    DISPATCH_LAG = "dispatch-lag"
    DISPATCH_FAILURES = "dispatch-failures"
    DYNAMODB_THROTTLES = "dynamodb-throttles"
    AUTH_DENIALS = "auth-denials"
    RELEASES = "releases"

    def link(self) -> str:
        return f"Runbook: {RUNBOOK}#{self.value}"
