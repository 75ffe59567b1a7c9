"""Small helpers the e2e tests share."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

KEY_PATTERN = re.compile(r"trg_[0-9a-z]{12}_[0-9A-Za-z]{38}")
TRIGGERS = Path(sys.executable).with_name("triggers")
REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
READY_LINE = "Press Ctrl-C to stop."


def stack_environment() -> dict[str, str]:
    """What `triggers run` gets in the e2e tests (see conftest)."""
    # Only what a shell would have: the stack must not lean on the test process's AWS settings.
    inherited = {name: os.environ[name] for name in ("PATH", "HOME", "TMPDIR", "LANG") if name in os.environ}
    return {
        **inherited,
        "PYTHONUNBUFFERED": "1",
        "TRIGGERS_PORT": "0",  # any free port; the banner says which
        "TRIGGERS_AWS_PORT": "0",
        "AUTH_CACHE_TTL_SECONDS": "0",
        "POWERTOOLS_LOG_LEVEL": "DEBUG",
        "RETRY_DELAYS_SECONDS": "1,1",
    }


def start_stack(log_path: Path, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    """Starts `triggers run`, its output into ``log_path``."""
    with log_path.open("wb") as log:
        return subprocess.Popen([str(TRIGGERS), "run"], cwd=REPO, env=environment, stdout=log, stderr=log)


def wait_for_banner(process: subprocess.Popen[bytes], log_path: Path) -> str:
    """The stack's output up to its banner, once it is ready."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if READY_LINE in text:
            return text
        if process.poll() is not None:
            pytest.fail(f"`triggers run` exited with {process.returncode}:\n{text}")
        time.sleep(0.1)
    pytest.fail(f"`triggers run` did not start within {STARTUP_SECONDS}s:\n{log_path.read_text(errors='replace')}")


@dataclass
class LocalStack:
    """A running ``triggers run`` subprocess, as the tests reach it."""

    base_url: str
    demo_key: str
    environment: dict[str, str]
    log_path: Path
    startup_log_bytes: int  # where the banner ends; everything after it is the functions' and server's logs

    def logs_since_startup(self) -> str:
        return self.logs_since(self.startup_log_bytes)

    def log_size(self) -> int:
        """Where the log ends now: ``logs_since`` of it later is what the stack logged meanwhile."""
        return self.log_path.stat().st_size

    def logs_since(self, offset: int) -> str:
        return self.log_path.read_bytes()[offset:].decode(errors="replace")

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Runs the ``triggers`` CLI against this stack."""
        return subprocess.run(
            [str(TRIGGERS), *args], env=self.environment, capture_output=True, text=True, timeout=60, check=False
        )


def unique_type(label: str) -> str:
    """An event type no other test uses, so a test can filter the shared demo inbox down to its own events."""
    return f"e2e.{label}.{uuid.uuid4().hex[:10]}"


def event(event_type: str, **fields: Any) -> dict[str, Any]:
    return {"event_type": event_type, "payload": {"order_id": "o-1", "total": 42.5}, **fields}


def pending_ids(client: httpx.Client, **params: Any) -> list[str]:
    """Every pending event id in the caller's inbox (matching ``params``), following cursors."""
    ids: list[str] = []
    query: dict[str, Any] = {"limit": 200, **params}
    while True:
        response = client.get("/v1/inbox", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        ids += [item["event_id"] for item in page["events"]]
        if not page["pagination"]["has_more"]:
            return ids
        query["cursor"] = page["pagination"]["next_cursor"]


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The house error envelope, with the request id API Gateway also returns in ``apigw-requestid``."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    assert error["request_id"] == response.headers["apigw-requestid"]
    return error
