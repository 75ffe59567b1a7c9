"""docs/openapi.json and the console's API types generated from it match what the API serves.

``make openapi`` rewrites both; these tests fail until it has been run after a route or model change.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from local.openapi import COMMITTED_DOCUMENT, written_document

CONSOLE = Path(__file__).resolve().parents[2] / "console"
GENERATED_TYPES = CONSOLE / "src" / "api" / "schema.d.ts"
OPENAPI_TYPESCRIPT = CONSOLE / "node_modules" / ".bin" / "openapi-typescript"
STALE = "stale: `make openapi` regenerates it"


def test_the_committed_document_is_the_one_the_api_serves() -> None:
    assert COMMITTED_DOCUMENT.read_bytes() == written_document(), f"docs/openapi.json is {STALE}"


def test_the_console_types_are_generated_from_the_committed_document() -> None:
    if not OPENAPI_TYPESCRIPT.exists():
        pytest.fail("the console's packages are not installed: `make console` installs them (make test does)")
    generated = subprocess.run(
        [OPENAPI_TYPESCRIPT, COMMITTED_DOCUMENT], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert GENERATED_TYPES.read_text() == generated, f"console/src/api/schema.d.ts is {STALE}"
