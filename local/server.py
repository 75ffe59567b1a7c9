"""The local API's HTTP server: every request goes through the API Gateway emulator, verbatim (the API's
documentation too: the health function serves it, as deployed), except the web console at the root,
once ``make run`` has built it (CloudFront serves it from S3 when deployed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from local.console_site import ConsoleSite
from local.gateway_events import HttpRequest
from local.http_api import HttpApiEmulator, HttpResponse
from local.serving import ServerThread

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

access_log = logging.getLogger("local.access")

# API Gateway HTTP API refuses request bodies over 10 MB before any integration runs.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
REQUEST_TOO_LARGE = HttpResponse(413, b'{"message":"Request Entity Too Large"}', {"content-type": "application/json"})


class _VerbatimResponse(Response):
    # No Content-Type unless the function set one, as API Gateway does.
    default_mimetype = None


class _AccessLogHandler(WSGIRequestHandler):
    """One line per request on the ``local.access`` logger; werkzeug's own log stays quiet."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        access_log.info('"%s %s" %s', self.command, self.path, code)


class ApiServer:
    """A threaded HTTP server in front of the emulator; binds its port on construction."""

    def __init__(self, gateway: HttpApiEmulator, host: str, port: int) -> None:
        self._gateway = gateway
        self._console = ConsoleSite()
        self._server = make_server(host, port, self._wsgi, threaded=True, request_handler=_AccessLogHandler)
        self._serving = ServerThread(self._server, "api-server")

    @property
    def port(self) -> int:
        return self._server.server_port

    @property
    def base_url(self) -> str:
        return f"http://{self._server.host}:{self.port}"

    def start(self) -> None:
        self._serving.start()

    def stop(self) -> None:
        self._serving.stop()

    def _wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = MAX_REQUEST_BYTES
        response = self._respond(request)
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def _respond(self, request: Request) -> Response:
        console_page = self._console.respond(request)
        if console_page is not None:
            return console_page
        try:
            body = request.get_data()
        except RequestEntityTooLarge:
            return _to_werkzeug(REQUEST_TOO_LARGE)
        api_request = HttpRequest(
            method=request.method,
            path=request.path,
            headers=dict(request.headers),
            query=request.environ.get("QUERY_STRING", ""),
            body=body or None,
            source_ip=request.remote_addr or "127.0.0.1",
        )
        return _to_werkzeug(self._gateway.handle(api_request))


def _to_werkzeug(response: HttpResponse) -> Response:
    return _VerbatimResponse(response.body, status=response.status, headers=response.headers)
