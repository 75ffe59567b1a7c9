"""The scripts in examples/ run as documented against the local stack."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from triggers_client import TriggersClient

from .helpers import LocalStack, unique_type
from .output_lines import OutputLines

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(stack: LocalStack, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**stack.environment, "TRIGGERS_URL": stack.base_url, "TRIGGERS_KEY": key}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / args[0]), *args[1:]],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_send_then_consume_the_inbox(local_stack: LocalStack, tenant_key: Callable[..., str]) -> None:
    key = tenant_key("examples")
    sent = run_example(local_stack, key, "send_events.py", "120")
    assert sent.returncode == 0, sent.stderr
    assert "sent 120 of 120 events in batches" in sent.stdout

    consumed = run_example(local_stack, key, "consume_inbox.py", "--once")
    assert consumed.returncode == 0, consumed.stderr
    assert len(consumed.stdout.splitlines()) == 121
    assert "acknowledged 121 events" in consumed.stderr
    with TriggersClient(local_stack.base_url, key) as client:
        assert list(client.inbox.list()) == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_receiver_verifies_a_real_delivery(local_stack: LocalStack) -> None:
    port = free_port()
    event_type = unique_type("example-hook")
    with TriggersClient(local_stack.base_url, local_stack.demo_key) as client:
        subscription = client.subscriptions.create(f"http://127.0.0.1:{port}/hooks", [event_type])
        environment = {**local_stack.environment, "PORT": str(port), "TRIGGERS_WEBHOOK_SECRET": subscription.secret}
        receiver = subprocess.Popen(
            [sys.executable, str(EXAMPLES / "webhook_receiver.py")],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        lines = OutputLines(receiver.stdout)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # until Flask listens
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.1)
            event_id = client.events.send(event_type, {"order_id": "o-1"}).event_id
            # The first line about a delivery (Flask's banner comes before it).
            line = lines.first(lambda printed: printed.startswith(("verified ", "refused ")), timeout=10)
        finally:
            receiver.terminate()
            receiver.wait(timeout=10)
            client.subscriptions.delete(subscription.subscription_id)
    assert line is not None, "no delivery reached the receiver"
    assert line.startswith("verified ")
    assert line.endswith(f"{event_type} {event_id}")
