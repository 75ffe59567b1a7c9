"""Event lifecycle: POST /v1/events/{event_id}/ack, POST /v1/inbox/ack, POST /v1/events/{event_id}/replay
and DELETE /v1/events/{event_id}."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from triggers.http import api_handler, caller, create_app, json_response, no_content, route
from triggers.lifecycle import EventLifecycle
from triggers.models import AckResult, BulkAckIn, BulkAckResult, EventSummary
from triggers.settings import AckSettings, load_settings
from triggers.snapshot import preload

settings = load_settings(AckSettings)
app = create_app()


@preload
@cache
def lifecycle() -> EventLifecycle:
    return EventLifecycle.from_settings(settings)


@route(app, "POST /v1/events/{event_id}/ack", 200, AckResult, "Acknowledged (again, if repeated)")
def acknowledge_event(event_id: str) -> Response[str]:
    return json_response(200, lifecycle().acknowledge(caller(app), event_id))


@route(app, "POST /v1/inbox/ack", 200, BulkAckResult, "Per-id results in input order")
def acknowledge_events(request: Annotated[BulkAckIn, Body()]) -> Response[str]:
    results = lifecycle().acknowledge_many(caller(app), request.event_ids)
    return json_response(200, BulkAckResult(results=results))


@route(app, "POST /v1/events/{event_id}/replay", 202, EventSummary, "Pending again; will be redelivered")
def replay_event(event_id: str) -> Response[str]:
    return json_response(202, lifecycle().replay(caller(app), event_id))


@route(app, "DELETE /v1/events/{event_id}", 204, None, "Erased")
def erase_event(event_id: str) -> Response[str]:
    lifecycle().erase(caller(app), event_id)
    return no_content()


lambda_handler = api_handler(app)
