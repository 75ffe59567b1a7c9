"""The API's own documentation, served by the API in every environment: the OpenAPI document and
Swagger UI.

The document is ``docs/openapi.json``, merged from every function's resolver by ``make openapi`` and
kept in step with the code by a test; the layer ships it as ``triggers/openapi.json``. Swagger UI's
assets are the copies Powertools ships, so the page works offline, and it starts from a script file
rather than an inline script, so a strict Content-Security-Policy can serve it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

TITLE = "Triggers API"

SWAGGER_UI_HTML = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{TITLE}</title>
  <link rel="stylesheet" href="/docs/swagger-ui.min.css">
</head>
<body>
  <main id="swagger-ui"></main>
  <script src="/docs/swagger-ui-bundle.min.js"></script>
  <script src="/docs/swagger-init.js"></script>
</body>
</html>
"""
_SWAGGER_INIT = b"""SwaggerUIBundle({
  url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, persistAuthorization: true
});
"""


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str


@cache
def openapi_document() -> str:
    """The document as text: a JSON response's body must be a string (Powertools would re-encode bytes)."""
    return resources.files("triggers").joinpath("openapi.json").read_text(encoding="utf-8")


@cache
def swagger_asset(name: str) -> Asset | None:
    """A file Swagger UI needs, or None for any other name."""
    shipped = resources.files("aws_lambda_powertools.event_handler.openapi.swagger_ui")
    if name == "swagger-ui.min.css":
        return Asset(shipped.joinpath(name).read_bytes(), "text/css; charset=utf-8")
    if name == "swagger-ui-bundle.min.js":
        return Asset(shipped.joinpath(name).read_bytes(), "text/javascript; charset=utf-8")
    if name == "swagger-init.js":
        return Asset(_SWAGGER_INIT, "text/javascript; charset=utf-8")
    return None
