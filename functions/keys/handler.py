"""POST /v1/keys, GET /v1/keys, GET /v1/keys/current, DELETE /v1/keys/{key_id} and GET /v1/audit."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from triggers.http import api_handler, caller, create_app, json_response, no_content, route
from triggers.key_management import KeyManagement
from triggers.models import ApiKey, ApiKeyCreated, ApiKeyList, AuditPage, AuditQuery, KeyCreateIn
from triggers.settings import KeysSettings, load_settings
from triggers.snapshot import preload

settings = load_settings(KeysSettings)
app = create_app()


@preload
@cache
def key_management() -> KeyManagement:
    return KeyManagement.from_settings(settings)


@route(app, "POST /v1/keys", 201, ApiKeyCreated, "The plaintext key is in this response only")
def create_key(request: Annotated[KeyCreateIn, Body()]) -> Response[str]:
    return json_response(201, key_management().create(caller(app), request))


@route(app, "GET /v1/keys", 200, ApiKeyList, "The tenant's keys, without secrets")
def list_keys() -> Response[str]:
    return json_response(200, ApiKeyList(keys=key_management().list(caller(app))))


@route(app, "GET /v1/keys/current", 200, ApiKey, "The calling key: its tenant, scopes, limits and expiry")
def current_key() -> Response[str]:
    return json_response(200, key_management().current(caller(app)))


@route(app, "GET /v1/audit", 200, AuditPage, "The tenant's audit log, newest first")
def audit_trail(query: Annotated[AuditQuery, Query()]) -> Response[str]:
    return json_response(200, key_management().audit_trail(caller(app), query))


@route(app, "DELETE /v1/keys/{key_id}", 204, None, "Revoked")
def revoke_key(key_id: str) -> Response[str]:
    key_management().revoke(caller(app), key_id)
    return no_content()


lambda_handler = api_handler(app)
