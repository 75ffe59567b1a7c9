"""POST /v1/events and POST /v1/events/batch."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from triggers.http import api_handler, caller, create_app, json_response, route
from triggers.ingestion import Ingestion, replay_headers
from triggers.models import MAX_BATCH_SIZE, BatchIn, BatchResult, EventIn, EventSummary, IdempotencyKey
from triggers.settings import IngestSettings, load_settings
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.events import EventStore
from triggers.storage.rate_limit import RateLimiter

settings = load_settings(IngestSettings)
app = create_app()


@cache
def ingestion() -> Ingestion:
    client = dynamodb_client()
    return Ingestion(
        store=EventStore(client, settings.events_table, settings.shard_count, settings.event_ttl_days),
        limiter=RateLimiter(
            client,
            settings.rate_limits_table,
            settings.rate_limit_lease_fraction,
            local_allowance=settings.rate_limit_local_allowance,
            largest_request=MAX_BATCH_SIZE,
        ),
        idempotency_store=DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=client),
        default_rate_limit_per_second=settings.default_rate_limit_per_second,
    )


@route(app, "POST /v1/events", 201, EventSummary, "Stored; the original response on a retry")
def ingest_event(
    event: Annotated[EventIn, Body()],
    idempotency_key: Annotated[IdempotencyKey | None, Header(alias="idempotency-key")] = None,
) -> Response[str]:
    accepted = ingestion().accept(caller(app), event, idempotency_key, app.lambda_context)
    return json_response(201, accepted.summary, replay_headers(accepted))


@route(app, "POST /v1/events/batch", 201, BatchResult, "All stored (207: some stored)")
def ingest_batch(
    batch: Annotated[BatchIn, Body()],
    idempotency_key: Annotated[IdempotencyKey | None, Header(alias="idempotency-key")] = None,
) -> Response[str]:
    accepted = ingestion().accept_batch(caller(app), batch, idempotency_key, app.lambda_context)
    return json_response(201 if accepted.result.rejected == 0 else 207, accepted.result, replay_headers(accepted))


lambda_handler = api_handler(app)
