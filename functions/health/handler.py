"""The public routes, no key and no I/O: GET /v1/health, and the API's documentation
(GET /openapi.json, GET /docs and the files Swagger UI loads)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from triggers import __version__
from triggers.api_docs import SWAGGER_UI_HTML, openapi_document, swagger_asset
from triggers.errors import NotFound
from triggers.http import api_handler, create_app, json_response, route
from triggers.models import Health

app = create_app()


@route(app, "GET /v1/health", 200, Health, "The API is up")
def health() -> Response[str]:
    return json_response(200, Health(status="ok", version=__version__))


@route(app, "GET /openapi.json", 200, None, "This document")
def openapi() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=openapi_document())


@route(app, "GET /docs", 200, None, "Swagger UI")
def docs() -> Response[str]:
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=SWAGGER_UI_HTML)


@route(app, "GET /docs/{asset}", 200, None, "A file Swagger UI loads")
def docs_asset(asset: str) -> Response[bytes]:
    found = swagger_asset(asset)
    if found is None:
        raise NotFound("No such file")
    return Response(status_code=200, content_type=found.content_type, body=found.body)


lambda_handler = api_handler(app)
