"""GET /v1/health: no auth, no I/O."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from triggers import __version__
from triggers.http import api_handler, create_app, json_response, route
from triggers.models import Health

app = create_app()


@route(app, "GET /v1/health", 200, Health, "The API is up")
def health() -> Response[str]:
    return json_response(200, Health(status="ok", version=__version__))


lambda_handler = api_handler(app)
