"""Every price and modelling assumption the cost and projection figures rest on, named and printed.

Change a number here and both the printed assumptions and the figures follow.
"""

from __future__ import annotations

from dataclasses import dataclass

# AWS public price list, us-east-1, on-demand, as quoted in the benchmark issue (list prices
# published after the November 2024 DynamoDB on-demand price cut). Re-check before quoting them.
PRICE_SOURCE = "AWS public price list, us-east-1, on-demand (figures as of 2025)"


@dataclass(frozen=True)
class Price:
    usd: float
    per: int
    unit: str

    @property
    def each(self) -> float:
        return self.usd / self.per

    def __str__(self) -> str:
        dollars, _, fraction = f"{self.usd:.10f}".rstrip("0").partition(".")
        return f"${dollars}.{fraction.ljust(2, '0')} per {self.per:,} {self.unit}"


PRICES = {
    "api_gateway_request": Price(1.00, 1_000_000, "HTTP API requests (first 300 M a month; per 512 KB)"),
    "lambda_request": Price(0.20, 1_000_000, "Lambda requests"),
    "lambda_arm64_gb_second": Price(0.0000133334, 1, "Lambda arm64 GB-second"),
    "dynamodb_write_unit": Price(0.625, 1_000_000, "DynamoDB on-demand write request units"),
    "dynamodb_read_unit": Price(0.125, 1_000_000, "DynamoDB on-demand read request units"),
    "kms_request": Price(0.03, 10_000, "KMS requests"),
    "secrets_manager_call": Price(0.05, 10_000, "Secrets Manager API calls"),
    "logs_ingested_gib": Price(0.50, 1, "GB of CloudWatch Logs ingested (standard class; storage ignored)"),
    "sqs_request": Price(0.40, 1_000_000, "SQS standard requests (per 64 KB chunk)"),
}
GIB = 1024**3  # AWS bills data by the GB of 2^30 bytes

# Memory of the functions on the request path, as stacks/api_stack.py deploys them (arm64; the
# MicroFunction default is 512 MB). Keep in step with the stack.
FUNCTION_MEMORY_MB = {
    "authorizer": 1024,
    "health": 128,
    "ingest": 1280,
    "inbox": 512,
    "dispatcher": 512,
    "worker": 512,
}
# Lambda gives a function CPU in proportion to memory: 1,769 MB is one full vCPU. CPU time measured
# here on one core is stretched by this factor on a smaller function (taken as one vCPU ≈ one core).
LAMBDA_ONE_VCPU_MB = 1769
# One DynamoDB request/response from Lambda in the same region, client CPU excluded (a typical
# single-digit-millisecond figure; BatchWriteItem of 25 is taken at the same latency).
DYNAMODB_ROUND_TRIP_MS = 5.0
# The environment whose settings the cost figures price (its platform log level, below).
PRICED_ENVIRONMENT = "prod"
# START, END and REPORT lines Lambda writes to CloudWatch Logs for every invocation, where the
# environment's platform log level keeps them (INFO; prod's WARN keeps only timeouts and crashes).
LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION = 300
# A typical line of the API's access log (stacks/api_stack.py ACCESS_LOG_FORMAT), one per request.
ACCESS_LOG_SAMPLE = {
    "requestId": "cKBXTjGvIAMEJ4w=",
    "requestTime": "30/Nov/2026:15:02:17 +0000",
    "ip": "203.0.113.10",
    "userAgent": "python-httpx/0.28.1",
    "routeKey": "POST /v1/events",
    "status": "201",
    "protocol": "HTTP/1.1",
    "responseLength": "120",
    "responseLatency": "24",
    "integrationLatency": "19",
    "integrationError": "-",
    "authorizerError": "-",
    "tenantId": "acme",
    "keyId": "k3x9q2m7w4ab",
}
# Lambda invocations per API request: the authorizer runs on every request (no gateway cache, see
# `GATEWAY_AUTHORIZER` in triggers/routes.py), then the route function.
LAMBDA_INVOCATIONS_PER_REQUEST = 2
# Not modelled: X-Ray traces (sampling-dependent), log storage, DynamoDB storage and streams, the
# KMS calls DynamoDB and SQS make for their keys (cached by each service, not per request), data transfer.
NOT_MODELLED = "X-Ray traces, log storage, DynamoDB storage, the services' own KMS calls, data transfer"


def platform_log_bytes_per_invocation() -> int:
    from stacks.config import config_for

    level = config_for(PRICED_ENVIRONMENT).platform_log_level
    return LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION if level != "WARN" else 0


def access_log_bytes_per_request() -> int:
    """The access log line for a typical request, in the stage's own format (plus its newline)."""
    import json

    from stacks.api_stack import ACCESS_LOG_FORMAT

    assert set(ACCESS_LOG_FORMAT) == set(ACCESS_LOG_SAMPLE), "keep ACCESS_LOG_SAMPLE in step with the format"
    return len(json.dumps(ACCESS_LOG_SAMPLE)) + 1


def cpu_stretch(function: str) -> float:
    """How much longer CPU work takes in ``function`` than on one full core."""
    return max(1.0, LAMBDA_ONE_VCPU_MB / FUNCTION_MEMORY_MB[function])
