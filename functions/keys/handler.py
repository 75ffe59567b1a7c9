"""POST /v1/keys, GET /v1/keys and DELETE /v1/keys/{key_id}."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from triggers.http import api_handler, caller, create_app, documented, json_response, no_content
from triggers.key_management import KeyManagement
from triggers.models import ApiKeyCreated, ApiKeyList, KeyCreateIn
from triggers.settings import KeysSettings, load_settings
from triggers.storage.audit import AuditLog
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.keys import KeyStore

settings = load_settings(KeysSettings)
app = create_app()


@cache
def key_management() -> KeyManagement:
    client = dynamodb_client()
    return KeyManagement(
        KeyStore(client, settings.api_keys_table), AuditLog(client, settings.audit_table), settings.bcrypt_rounds
    )


@app.post("/v1/keys", responses=documented(201, ApiKeyCreated, "The plaintext key is in this response only"))
def create_key(request: Annotated[KeyCreateIn, Body()]) -> Response[str]:
    return json_response(201, key_management().create(caller(app), request))


@app.get("/v1/keys", responses=documented(200, ApiKeyList, "The tenant's keys, without secrets"))
def list_keys() -> Response[str]:
    return json_response(200, ApiKeyList(keys=key_management().list(caller(app))))


@app.delete("/v1/keys/<key_id>", responses={204: {"description": "Revoked"}})
def revoke_key(key_id: str) -> Response[str]:
    key_management().revoke(caller(app), key_id)
    return no_content()


lambda_handler = api_handler(app)
