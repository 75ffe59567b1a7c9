"""How the local stack serves the built console beside the API (local/console_site.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from local.console_site import ConsoleSite, security_headers


def request(path: str, method: str = "GET") -> Request:
    return Request(EnvironBuilder(path=path, method=method).get_environ())


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / ".vite").mkdir()
    (tmp_path / "index.html").write_text("<div id=root></div>")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path / ".vite" / "manifest.json").write_text("{}")
    return tmp_path


def test_without_a_build_everything_goes_to_the_api(tmp_path: Path) -> None:
    site = ConsoleSite(tmp_path)
    assert not site.built
    assert site.respond(request("/")) is None
    assert site.respond(request("/events")) is None


@pytest.mark.parametrize("path", ["/", "/events", "/keys/", "/events/01abc"])
def test_page_paths_get_index_html_uncached(dist: Path, path: str) -> None:
    response = ConsoleSite(dist).respond(request(path))
    assert response is not None
    response.direct_passthrough = False
    assert response.get_data(as_text=True) == "<div id=root></div>"
    assert response.headers["Cache-Control"] == "no-cache"


def test_files_are_served_and_hashed_bundles_cached_for_good(dist: Path) -> None:
    site = ConsoleSite(dist)
    bundle = site.respond(request("/assets/index-abc.js"))
    assert bundle is not None
    assert bundle.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert bundle.mimetype == "text/javascript"
    icon = site.respond(request("/favicon.svg"))
    assert icon is not None
    assert icon.headers["Cache-Control"] == "no-cache"


def test_every_console_response_carries_the_security_headers(dist: Path) -> None:
    response = ConsoleSite(dist).respond(request("/events"))
    assert response is not None
    for name, value in security_headers().items():
        assert response.headers[name] == value
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/v1/inbox", "GET"),
        ("/v1", "GET"),
        ("/openapi.json", "GET"),
        ("/docs", "GET"),
        ("/docs/swagger-ui.min.css", "GET"),
        ("/events", "POST"),
        ("/assets/missing.js", "GET"),  # a missing file is not a page
        ("/.vite/manifest.json", "GET"),  # the build manifest stays private
        ("/../secret", "GET"),
    ],
)
def test_the_console_never_shadows_the_api_or_leaks_files(dist: Path, path: str, method: str) -> None:
    assert ConsoleSite(dist).respond(request(path, method)) is None
