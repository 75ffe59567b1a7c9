"""`triggers receive`: the secret from TRIGGERS_WEBHOOK_SECRET (so `ps` never shows it), and --verbose
prints each delivery's headers and body under its summary line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess

import httpx
import pytest

from .helpers import TRIGGERS
from .output_lines import OutputLines

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_receive_checks_the_secret_from_the_environment_and_prints_the_delivery(api: httpx.Client) -> None:
    port = free_port()
    created = api.post(
        "/v1/subscriptions", json={"target_url": f"http://127.0.0.1:{port}/hooks", "event_types": ["none.*"]}
    )
    assert created.status_code == 201, created.text
    subscription = created.json()
    environment = {**os.environ, "TRIGGERS_WEBHOOK_SECRET": subscription["secret"], "PYTHONUNBUFFERED": "1"}
    receiver = subprocess.Popen(
        [str(TRIGGERS), "receive", "--port", str(port), "--verbose"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = OutputLines(receiver.stdout)
        assert lines.first(lambda line: line == "Checking signatures with the given secret.", timeout=20)
        assert lines.first(lambda line: line.startswith("Press Ctrl-C"), timeout=5)

        tested = api.post(f"/v1/subscriptions/{subscription['subscription_id']}/test")
        assert tested.json()["outcome"] == "succeeded", tested.text

        summary = lines.first(lambda line: "POST /hooks" in line, timeout=10)
        assert summary is not None
        assert "triggers.test" in summary
        assert "signature verified" in summary
        headers = {}
        while (line := lines.first(lambda _: True, timeout=5)) not in ("", None):
            name, _, value = line.strip().partition(": ")
            headers[name] = value
        assert {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type"} <= headers.keys()
        assert headers["webhook-signature"].startswith("v1,")
        body = []
        while (line := lines.first(lambda _: True, timeout=5)) not in ("", None):
            body.append(line)
        assert json.loads("\n".join(body))["event_type"] == "triggers.test"
    finally:
        receiver.send_signal(signal.SIGINT)
        returncode = receiver.wait(timeout=10)
    assert returncode == 0
    assert subscription["secret"] not in " ".join(receiver.args)
    api.delete(f"/v1/subscriptions/{subscription['subscription_id']}")
