"""The read routes: GET /v1/inbox, GET /v1/events, GET /v1/events/{event_id} and GET /v1/stats."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from triggers.event_listing import EventListing
from triggers.http import api_handler, caller, create_app, json_response, route
from triggers.models import Event, EventPage, EventsQuery, InboxQuery, Stats, StatsQuery
from triggers.settings import InboxSettings, load_settings
from triggers.snapshot import preload
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.events import EventStore
from triggers.tenant_stats import TenantStats

settings = load_settings(InboxSettings)
app = create_app()


@preload
@cache
def events() -> EventStore:
    return EventStore(dynamodb_client(), settings.events_table, settings.shard_count)


@preload
@cache
def listing() -> EventListing:
    return EventListing.from_settings(settings)


@route(app, "GET /v1/inbox", 200, EventPage, "Listable events, oldest first")
def list_inbox(query: Annotated[InboxQuery, Query()]) -> Response[str]:
    return json_response(200, listing().inbox(caller(app).tenant_id, query))


@route(app, "GET /v1/events", 200, EventPage, "Every event in retention, any status, newest first by default")
def list_events(query: Annotated[EventsQuery, Query()]) -> Response[str]:
    return json_response(200, listing().history(caller(app).tenant_id, query))


@preload
@cache
def tenant_stats() -> TenantStats:
    return TenantStats.from_settings(settings)


@route(app, "GET /v1/stats", 200, Stats, "Counters and delivery latency per minute, hour or day")
def get_stats(query: Annotated[StatsQuery, Query()]) -> Response[str]:
    return json_response(200, tenant_stats().report(caller(app).tenant_id, query))


@route(app, "GET /v1/events/{event_id}", 200, Event, "The event, its status and deliveries")
def get_event(event_id: str) -> Response[str]:
    return json_response(200, events().get(caller(app).tenant_id, event_id))


lambda_handler = api_handler(app)
