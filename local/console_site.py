"""The built web console (``console/dist``), served at the root of the local stack as CloudFront serves it
deployed: the same origin as ``/v1``, the same security headers, and ``index.html`` for any page path so
the single-page app can route it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from werkzeug.exceptions import NotFound
from werkzeug.utils import send_from_directory

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

CONSOLE_DIR = Path(__file__).resolve().parents[1] / "console"
# Hashed file names change with their content, so browsers may keep them for good.
IMMUTABLE_PREFIX = "assets/"
# Paths the API emulator answers even where the console has no file: the console never shadows the API.
API_PREFIXES = ("/v1/", "/docs/")
API_PATHS = ("/v1", "/docs", "/openapi.json")


def security_headers(console_dir: Path = CONSOLE_DIR) -> dict[str, str]:
    """The console's response headers; the CDK console stack builds its CloudFront policy from the same file."""
    policy = json.loads((console_dir / "security-headers.json").read_text())
    return {
        "Content-Security-Policy": policy["contentSecurityPolicy"],
        "Referrer-Policy": policy["referrerPolicy"],
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }


class ConsoleSite:
    def __init__(self, dist: Path = CONSOLE_DIR / "dist") -> None:
        self._dist = dist
        self._headers = security_headers()

    @property
    def built(self) -> bool:
        return (self._dist / "index.html").is_file()

    def respond(self, request: Request) -> Response | None:
        """The console's answer to ``request``, or None when the API should answer it."""
        path = request.path
        if not self.built or request.method not in {"GET", "HEAD"}:
            return None
        if path in API_PATHS or path.startswith(API_PREFIXES):
            return None
        relative = path.lstrip("/")
        if any(part.startswith(".") for part in relative.split("/")):  # the build manifest stays private
            return None
        last_segment = relative.rsplit("/", 1)[-1]
        try:
            response = send_from_directory(self._dist, relative or "index.html", request.environ)
        except NotFound:
            if "." in last_segment:  # a missing file, not a page of the app
                return None
            response = send_from_directory(self._dist, "index.html", request.environ)
            relative = "index.html"
        immutable = relative.startswith(IMMUTABLE_PREFIX)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if immutable else "no-cache"
        response.headers.update(self._headers)
        return response
