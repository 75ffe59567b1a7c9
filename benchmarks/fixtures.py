"""What every benchmark section shares: the functions' environment, AWS emulated in-process by moto,
API keys, and real API Gateway HTTP API (payload 2.0) events for the handlers.

The handlers run exactly as in Lambda: imported once (the cold start), then invoked warm with an
event and a context. Nothing here reaches real AWS.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any

from triggers.settings import KeysSettings, table_env_var
from triggers.tables import ALL_TABLES, physical_name

from local.aws import CURSOR_SECRET_NAME
from local.gateway_events import HttpRequest, authorizer_event, route_event
from local.lambdas import FunctionRegistry, Handler, LocalContext

PREFIX = "bench"
# Keys are hashed as in production, so the one-off bcrypt cost measured is the real one.
PRODUCTION_BCRYPT_ROUNDS: int = KeysSettings.model_fields["bcrypt_rounds"].default
# Latency loops run faster than the default per-key limit would admit; a 429 would end the run.
UNTHROTTLED_RATE_LIMIT = 100_000
INBOX_PAGE_SIZE = 50
BATCH_SIZE = 100


class Scenario(StrEnum):
    """Scenario ids, shared by the sections and the JSON results."""

    HEALTH = "health"
    AUTHORIZER_CACHED = "authorizer_cached"
    AUTHORIZER_UNCACHED = "authorizer_uncached"
    INGEST_SINGLE = "ingest_single"
    INGEST_IDEMPOTENT = "ingest_idempotent"
    INGEST_BATCH = "ingest_batch_100"
    INBOX_PAGE = "inbox_page_50"


# The function each scenario invokes.
FUNCTION_OF = {
    Scenario.HEALTH: "health",
    Scenario.AUTHORIZER_CACHED: "authorizer",
    Scenario.AUTHORIZER_UNCACHED: "authorizer",
    Scenario.INGEST_SINGLE: "ingest",
    Scenario.INGEST_IDEMPOTENT: "ingest",
    Scenario.INGEST_BATCH: "ingest",
    Scenario.INBOX_PAGE: "inbox",
}

LABELS = {
    Scenario.HEALTH: "health (no I/O)",
    Scenario.AUTHORIZER_CACHED: "authorizer, cached decision",
    Scenario.AUTHORIZER_UNCACHED: "authorizer, uncached (GetItem)",
    Scenario.INGEST_SINGLE: "ingest 1 event",
    Scenario.INGEST_IDEMPOTENT: "ingest 1 event + Idempotency-Key",
    Scenario.INGEST_BATCH: f"ingest batch of {BATCH_SIZE}",
    Scenario.INBOX_PAGE: f"inbox page of {INBOX_PAGE_SIZE}",
}


def function_environment() -> dict[str, str]:
    """The environment the CDK stacks give the functions, with fake credentials and tracing off.

    Table names follow the local stack's naming; any other setting a function requires (a queue URL,
    say) gets a placeholder, found from the settings models so a new function needs no change here.
    """
    from triggers.settings import FunctionSettings

    env = {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_TRACE_DISABLED": "1",  # no X-Ray daemon here; the Tracer is still built at import
        "POWERTOOLS_METRICS_NAMESPACE": "TriggersApi",
        "POWERTOOLS_DEV": "0",
        "SHARD_COUNT": "4",
        "CURSOR_SECRET_NAME": f"{PREFIX}-{CURSOR_SECRET_NAME}",
    }
    env.update({table_env_var(spec.name): physical_name(PREFIX, spec.name) for spec in ALL_TABLES})
    models, found = [FunctionSettings], []
    while models:
        model = models.pop()
        found += [name for name, field in model.model_fields.items() if field.is_required()]
        models += model.__subclasses__()
    for name in found:
        env.setdefault(name.upper(), _placeholder(name))
    return env


# The queues emulated_aws creates, at the URLs moto gives them (its default account).
QUEUE_URLS = {
    "delivery_queue_url": f"https://sqs.us-east-1.amazonaws.com/123456789012/{PREFIX}-delivery",
    "dead_letter_queue_url": f"https://sqs.us-east-1.amazonaws.com/123456789012/{PREFIX}-delivery-dlq",
}


def _placeholder(setting: str) -> str:
    return QUEUE_URLS.get(setting, f"{PREFIX}-{setting.replace('_', '-')}")


def configure_process() -> None:
    """Must run before any handler module is imported: their settings are read at import."""
    os.environ.update(function_environment())
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    # Functions that emit no metric make Powertools warn on every flush; that is noise, not a finding.
    warnings.filterwarnings("ignore", message="No application metrics to publish")


@contextlib.contextmanager
def emulated_aws() -> Iterator[None]:
    """A fresh moto account with every table, the cursor secret and the delivery queues, created as the
    stacks create them."""
    import boto3
    from moto import mock_aws
    from triggers.delivery.schedule import RetrySchedule

    from local.aws import create_cursor_secret, create_queues, create_tables

    with mock_aws():
        reset_containers()
        tables = create_tables(boto3.client("dynamodb"), PREFIX)
        secret = create_cursor_secret(boto3.client("secretsmanager"), PREFIX)
        queues = create_queues(boto3.client("sqs"), PREFIX, RetrySchedule())
        expected = function_environment()
        assert all(expected[name] == value for name, value in {**tables, **secret, **queues}.items())
        yield


REGISTRY = FunctionRegistry()


def reset_containers() -> None:
    """Forgets every warm client and collaborator, as if each loaded function got a new container."""
    from triggers.storage.dynamo import dynamodb_client

    dynamodb_client.cache_clear()
    handlers = [module for name, module in sys.modules.items() if name.startswith("functions.") and module]
    for module in handlers:
        for value in vars(module).values():
            if hasattr(value, "cache_clear") and getattr(value, "__module__", "") == module.__name__:
                value.cache_clear()


def forget_authorizer_decisions() -> None:
    """Expires the warm authorizer's cached decisions but keeps its bcrypt memo: the GetItem path.

    Reaches into the authorizer's private cache on purpose: no configuration gives this state per call.
    """
    module = importlib.import_module("functions.authorizer.handler")
    module.key_authorizer()._decisions.clear()


def handler(function: str) -> Handler:
    from triggers.routes import FunctionName

    return REGISTRY.handler(FunctionName(function))


def lambda_context(function: str) -> LocalContext:
    return LocalContext(function_name=f"triggers-{function}", memory_limit_in_mb=256)


def issue_key(tenant: str, rate_limit_per_second: int | None = None) -> str:
    """A key with every scope, stored the way `POST /v1/keys` stores it (bcrypt at production rounds)."""
    from triggers.auth.apikeys import Scope
    from triggers.storage.dynamo import dynamodb_client
    from triggers.storage.keys import KeyStore, KeyTerms

    store = KeyStore(dynamodb_client(), os.environ["API_KEYS_TABLE"])
    terms = KeyTerms(f"{tenant} bench key", frozenset(Scope), rate_limit_per_second=rate_limit_per_second)
    return store.create(tenant, terms, PRODUCTION_BCRYPT_ROUNDS).key


def authorizer_request(key: str) -> dict[str, Any]:
    request = HttpRequest("POST", "/v1/events", {"authorization": f"Bearer {key}"})
    return authorizer_event(request, "POST /v1/events", identity_source=[])


def principal_context(key: str) -> dict[str, Any]:
    """The context the real authorizer hands API Gateway for this key (what the route functions read)."""
    result: dict[str, Any] = handler("authorizer")(authorizer_request(key), lambda_context("authorizer"))
    assert result["isAuthorized"], "the benchmark key was refused"
    return dict(result["context"])


def sample_event(number: int) -> dict[str, Any]:
    """A typical event: about 300 bytes of JSON, so a stored item stays under 1 KB (1 write unit)."""
    return {
        "event_type": "order.created",
        "source": "shop-backend",
        "payload": {
            "order_id": f"ord-{number:08d}",
            "customer_id": f"cus-{number % 977:05d}",
            "total": 129.9,
            "currency": "EUR",
            "lines": [{"sku": "SKU-1001", "qty": 2}, {"sku": "SKU-2002", "qty": 1}],
        },
        "tags": ["web", "eu"],
    }


def _json_request(method: str, path: str, body: Any, headers: Mapping[str, str] | None = None) -> HttpRequest:
    all_headers = {"content-type": "application/json", **(headers or {})}
    return HttpRequest(method, path, all_headers, body=json.dumps(body).encode())


def ingest_request(
    principal: Mapping[str, Any], body: dict[str, Any], idempotency_key: str | None = None
) -> dict[str, Any]:
    headers = {"idempotency-key": idempotency_key} if idempotency_key else {}
    request = _json_request("POST", "/v1/events", body, headers)
    return route_event(request, "POST /v1/events", authorizer_context=principal)


def batch_request(principal: Mapping[str, Any], bodies: list[dict[str, Any]]) -> dict[str, Any]:
    request = _json_request("POST", "/v1/events/batch", {"events": bodies})
    return route_event(request, "POST /v1/events/batch", authorizer_context=principal)


def inbox_request(principal: Mapping[str, Any], limit: int = INBOX_PAGE_SIZE) -> dict[str, Any]:
    request = HttpRequest("GET", "/v1/inbox", query=f"limit={limit}")
    return route_event(request, "GET /v1/inbox", authorizer_context=principal)


def health_request() -> dict[str, Any]:
    return route_event(HttpRequest("GET", "/v1/health"), "GET /v1/health")


def seed_inbox(tenant: str, count: int) -> None:
    """Pending events for ``tenant``, written with the layer's own batch writer (setup, not measured)."""
    from triggers.models import EventIn
    from triggers.storage.dynamo import dynamodb_client
    from triggers.storage.events import EventStore

    store = EventStore(dynamodb_client(), os.environ["EVENTS_TABLE"], int(os.environ["SHARD_COUNT"]))
    results = store.append_many(tenant, [EventIn.model_validate(sample_event(n)) for n in range(count)])
    assert all(not isinstance(result, Exception) for result in results)


class OutputMeter(io.TextIOBase):
    """Stands in for stdout while handlers run: swallows the EMF metric lines and counts their bytes
    (CloudWatch Logs bills ingestion by the byte)."""

    def __init__(self) -> None:
        self.bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.bytes += len(text.encode())
        return len(text)


@contextlib.contextmanager
def metered_stdout() -> Iterator[OutputMeter]:
    """Everything the functions print: metrics go through print(), but Powertools loggers keep the
    stdout they found when built (which is an earlier meter when they were built inside one), so their
    handlers are pointed at this meter as well."""
    meter = OutputMeter()
    named = logging.Logger.manager.loggerDict.values()
    loggers = [logging.getLogger(), *(logger for logger in named if isinstance(logger, logging.Logger))]
    stdout = sys.stdout
    handlers = [
        handler
        for logger in loggers
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
        and (handler.stream in (stdout, sys.__stdout__) or isinstance(handler.stream, OutputMeter))
    ]
    originals = [handler.stream for handler in handlers]
    with contextlib.redirect_stdout(meter):
        for handler in handlers:
            handler.setStream(meter)
        try:
            yield meter
        finally:
            for handler, original in zip(handlers, originals, strict=True):
                handler.setStream(original)


def status_of(response: object) -> int:
    return int(response["statusCode"]) if isinstance(response, dict) and "statusCode" in response else 200
