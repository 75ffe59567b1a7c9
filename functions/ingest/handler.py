"""POST /v1/events and POST /v1/events/batch."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from triggers.http import api_handler, caller, create_app, json_response, route
from triggers.ingestion import Ingestion, replay_headers
from triggers.models import BatchIn, BatchResult, EventIn, EventSummary, IdempotencyKey
from triggers.settings import IngestSettings, load_settings
from triggers.snapshot import preload

settings = load_settings(IngestSettings)
app = create_app()


@preload
@cache
def ingestion() -> Ingestion:
    return Ingestion.from_settings(settings)


preload(lambda: ingestion().preload())  # idempotency, which only keyed requests load otherwise


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
