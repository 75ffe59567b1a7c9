"""GET /v1/inbox and GET /v1/events/{event_id}."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.parameters import get_secret
from triggers.cursor import CursorCodec
from triggers.http import api_handler, caller, create_app, json_response, route
from triggers.inbox import Inbox
from triggers.models import Event, InboxPage, InboxQuery
from triggers.settings import InboxSettings, load_settings
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.events import EventStore

settings = load_settings(InboxSettings)
app = create_app()


@cache
def events() -> EventStore:
    return EventStore(dynamodb_client(), settings.events_table, settings.shard_count)


@cache
def inbox() -> Inbox:
    # One Secrets Manager read per container; the secret is never logged.
    return Inbox(events(), CursorCodec(str(get_secret(settings.cursor_secret_name, max_age=3600)).encode()))


@route(app, "GET /v1/inbox", 200, InboxPage, "Oldest first")
def list_inbox(query: Annotated[InboxQuery, Query()]) -> Response[str]:
    return json_response(200, inbox().page(caller(app).tenant_id, query))


@route(app, "GET /v1/events/{event_id}", 200, Event, "The event, its status and deliveries")
def get_event(event_id: str) -> Response[str]:
    return json_response(200, events().get(caller(app).tenant_id, event_id))


lambda_handler = api_handler(app)
