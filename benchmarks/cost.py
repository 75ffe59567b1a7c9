"""AWS cost per million events, from the counted calls (aws_calls), the measured CPU per request
(warm_latency, zero-latency pass) and the list prices and assumptions in `assumptions`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from benchmarks import assumptions
from benchmarks.assumptions import PRICES
from benchmarks.aws_calls import INGEST_LOW_TRAFFIC
from benchmarks.fixtures import Scenario
from benchmarks.report import table, usd

# Costed scenarios, with the warm-latency case whose CPU cost they share.
COSTED = {
    Scenario.INGEST_SINGLE: ("ingest 1 event", Scenario.INGEST_SINGLE),
    INGEST_LOW_TRAFFIC: ("ingest 1 event, 1 request/s", Scenario.INGEST_SINGLE),
    Scenario.INGEST_IDEMPOTENT: ("ingest 1 event + Idempotency-Key", Scenario.INGEST_IDEMPOTENT),
    Scenario.INGEST_BATCH: ("ingest batch of 100", Scenario.INGEST_BATCH),
}


@dataclass(frozen=True)
class CostPerMillionEvents:
    api_gateway: float
    lambda_requests: float
    lambda_compute: float
    dynamodb: float
    kms: float
    secrets_manager: float
    logs: float
    authorizer_billed_ms: int
    route_billed_ms: int

    @property
    def total(self) -> float:
        parts = (self.api_gateway, self.lambda_requests, self.lambda_compute, self.dynamodb, self.kms)
        return sum((*parts, self.secrets_manager, self.logs))

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "total": self.total}


def _calls_per_event(counts: dict[str, Any], service: str) -> float:
    return sum(value for name, value in counts["calls_per_event"].items() if name.startswith(f"{service}:"))


def cost_per_million_events(
    counts: dict[str, Any], route_cpu_us: float, authorizer_cpu_us: float
) -> CostPerMillionEvents:
    requests = 1_000_000 * counts["requests"] / counts["events"]
    # The route function waits on its DynamoDB calls one after another; the cached authorizer makes none.
    dynamodb_calls_per_request = _calls_per_event(counts, "dynamodb") * counts["events"] / counts["requests"]
    route_ms = math.ceil(
        route_cpu_us / 1000 * assumptions.cpu_stretch("ingest")
        + dynamodb_calls_per_request * assumptions.DYNAMODB_ROUND_TRIP_MS
    )
    authorizer_ms = math.ceil(authorizer_cpu_us / 1000 * assumptions.cpu_stretch("authorizer"))
    memory = assumptions.FUNCTION_MEMORY_MB
    gigabyte_ms = (route_ms * memory["ingest"] + authorizer_ms * memory["authorizer"]) / 1024
    log_bytes = (
        counts["log_bytes_per_request"]
        + assumptions.LAMBDA_INVOCATIONS_PER_REQUEST * assumptions.platform_log_bytes_per_invocation()
        + assumptions.access_log_bytes_per_request()
    )
    return CostPerMillionEvents(
        api_gateway=requests * PRICES["api_gateway_request"].each,
        lambda_requests=requests * assumptions.LAMBDA_INVOCATIONS_PER_REQUEST * PRICES["lambda_request"].each,
        lambda_compute=requests * gigabyte_ms / 1000 * PRICES["lambda_arm64_gb_second"].each,
        dynamodb=1_000_000
        * (
            counts["write_units_per_event"] * PRICES["dynamodb_write_unit"].each
            + counts["read_units_per_event"] * PRICES["dynamodb_read_unit"].each
        ),
        kms=1_000_000 * _calls_per_event(counts, "kms") * PRICES["kms_request"].each,
        secrets_manager=1_000_000 * _calls_per_event(counts, "secretsmanager") * PRICES["secrets_manager_call"].each,
        logs=requests * log_bytes / assumptions.GIB * PRICES["logs_ingested_gib"].each,
        authorizer_billed_ms=authorizer_ms,
        route_billed_ms=route_ms,
    )


def run(results: dict[str, Any]) -> dict[str, Any]:
    zero = results["warm_latency"]["zero_latency"]
    authorizer_cpu = zero[Scenario.AUTHORIZER_CACHED]["handler"]["p50_us"]
    costs = {
        scenario: cost_per_million_events(
            results["aws_calls"][scenario], zero[cpu_case]["handler"]["p50_us"], authorizer_cpu
        )
        for scenario, (_, cpu_case) in COSTED.items()
    }
    print(render(costs))
    return {
        "per_million_events_usd": {scenario: cost.as_dict() for scenario, cost in costs.items()},
        "prices": {name: str(price) for name, price in PRICES.items()},
        "price_source": assumptions.PRICE_SOURCE,
        "assumptions": _assumptions(),
    }


def _assumptions() -> dict[str, Any]:
    return {
        "function_memory_mb": assumptions.FUNCTION_MEMORY_MB,
        "dynamodb_round_trip_ms": assumptions.DYNAMODB_ROUND_TRIP_MS,
        "lambda_invocations_per_request": assumptions.LAMBDA_INVOCATIONS_PER_REQUEST,
        "lambda_platform_log_bytes_per_invocation": assumptions.LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION,
        "not_modelled": assumptions.NOT_MODELLED,
    }


def render(costs: dict[str, CostPerMillionEvents]) -> str:
    memory = assumptions.FUNCTION_MEMORY_MB
    rows = [
        [
            COSTED[scenario][0],
            usd(cost.api_gateway),
            usd(cost.lambda_requests),
            usd(cost.lambda_compute),
            usd(cost.dynamodb),
            usd(cost.kms),
            usd(cost.secrets_manager),
            usd(cost.logs),
            usd(cost.total),
            f"{cost.authorizer_billed_ms}+{cost.route_billed_ms}",
        ]
        for scenario, cost in costs.items()
    ]
    return table(
        "AWS cost per million events (USD)",
        [
            "scenario",
            "API GW",
            "Lambda req",
            "Lambda GB-s",
            "DynamoDB",
            "KMS",
            "SecretsMgr",
            "Logs",
            "total",
            "billed ms",
        ],
        rows,
        [
            f"Prices: {assumptions.PRICE_SOURCE}:",
            *(f"  {price}" for price in PRICES.values()),
            f"Lambda: arm64, {assumptions.LAMBDA_INVOCATIONS_PER_REQUEST} invocations per request: the authorizer"
            f" ({memory['authorizer']} MB) on every request, then ingest ({memory['ingest']} MB).",
            "  billed ms (authorizer+ingest), each rounded up to 1 ms = zero-latency CPU p50 x 1,769 MB / memory",
            f"  (CPU share) + DynamoDB calls per request x {assumptions.DYNAMODB_ROUND_TRIP_MS:g} ms.",
            "DynamoDB: counted write and read request units per event (table and index writes) at on-demand prices.",
            "KMS, Secrets Manager: counted calls per event (container start-up calls amortize to ~0).",
            f"Logs: measured function output per request + the API's access log line"
            f" ({assumptions.access_log_bytes_per_request()} B) + the platform's lines per invocation in"
            f" {assumptions.PRICED_ENVIRONMENT}",
            f"  ({assumptions.platform_log_bytes_per_invocation()} B: its platform log level).",
            "HTTP API meters requests per 512 KB: a batch of 100 typical events (~30 KB) is one request.",
            f"Not modelled: {assumptions.NOT_MODELLED}.",
        ],
    )
