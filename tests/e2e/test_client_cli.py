"""The ``triggers`` commands that work against any deployment (TRIGGERS_URL, TRIGGERS_KEY), against the
local stack: tables for people, --json for scripts, exit status 0 / 1 (API error) / 2 (usage).

Most run in this process through ``main`` (the HTTP is real; only the interpreter start is skipped);
``events tail`` runs as the installed command, stopped with Ctrl-C as a person would.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from triggers_client import TriggersClient

from local.cli import main
from local.receiver import WebhookReceiver

from .helpers import TRIGGERS, LocalStack, unique_type
from .output_lines import OutputLines

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def cli_key(tenant_key: Callable[..., str]) -> str:
    return tenant_key("cli")


@pytest.fixture
def triggers(
    local_stack: LocalStack, cli_key: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """Runs ``triggers ARGS`` against the stack; returns its exit status, stdout and stderr."""
    monkeypatch.setenv("TRIGGERS_URL", local_stack.base_url)
    monkeypatch.setenv("TRIGGERS_KEY", cli_key)

    def run(*args: str) -> tuple[int, str, str]:
        try:
            status = main(list(args))
        except SystemExit as exit:  # argparse's usage errors
            status = int(exit.code or 0)
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def test_send_list_get_and_ack(triggers: Callable[..., tuple[int, str, str]]) -> None:
    event_type = unique_type("cli")
    status, out, _ = triggers("events", "send", "--type", event_type, "--payload", '{"order_id": "o-1"}', "--json")
    assert status == 0
    event_id = json.loads(out)["event_id"]

    status, out, _ = triggers("events", "list", "--type", event_type)
    assert status == 0
    header, row = out.splitlines()
    assert header.split() == ["EVENT", "ID", "TYPE", "STATUS", "SOURCE", "RECEIVED"]
    assert row.split()[:3] == [event_id, event_type, "pending"]

    status, out, _ = triggers("events", "get", event_id)
    assert (status, '"order_id": "o-1"' in out) == (0, True)

    status, out, _ = triggers("events", "ack", event_id, "--json")
    assert status == 0
    assert [(r["event_id"], r["status"]) for r in json.loads(out)] == [(event_id, "acknowledged")]


def test_send_a_file_of_events(
    triggers: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    event_type = unique_type("cli-file")
    lines = [{"event_type": event_type, "payload": {"n": n}} for n in range(3)]
    lines[1]["event_type"] = "not a type"
    events_file = tmp_path / "events.jsonl"
    events_file.write_text("\n".join(json.dumps(line) for line in lines) + "\n")

    status, out, err = triggers("events", "send", "--file", str(events_file))

    assert status == 1  # one event was refused
    assert [line.split()[-1] for line in out.splitlines()[1:]] == ["pending", "VALIDATION_ERROR", "pending"]
    assert "event 1 refused" in err
    assert "Stored 2 of 3 events." in err
    status, out, _ = triggers("events", "list", "--type", event_type, "--order", "asc", "--json")
    assert [event["payload"]["n"] for event in json.loads(out)] == [0, 2]


def test_keys_and_subscriptions(triggers: Callable[..., tuple[int, str, str]]) -> None:
    status, out, err = triggers("keys", "create", "--name", "cli reader", "--scopes", "events:read")
    assert status == 0
    key = out.strip()
    assert key.startswith("trg_")
    assert "events:read" in err
    status, out, _ = triggers("keys", "list", "--json")
    assert "cli reader" in {found["name"] for found in json.loads(out)}
    status, out, _ = triggers("keys", "current")
    assert (status, out.splitlines()[0].split()[:3]) == (0, ["KEY", "ID", "TENANT"])
    assert out.splitlines()[1].split()[1].startswith("cli-")  # the tenant tenant_key made

    status, out, _ = triggers("subscriptions", "create", "http://127.0.0.1:9/hooks", "--types", "order.*,refund")
    assert (status, out.startswith("whsec_")) == (0, True)
    status, out, _ = triggers("subscriptions", "list")
    assert "order.*,refund" in out


def test_webhook_operations(
    triggers: Callable[..., tuple[int, str, str]], local_stack: LocalStack, cli_key: str
) -> None:
    receiver = WebhookReceiver()
    receiver.start()
    event_type = unique_type("cli-ops")
    try:
        status, out, _ = triggers("subscriptions", "create", receiver.url(), "--types", event_type, "--json")
        subscription_id = json.loads(out)["subscription_id"]

        status, out, _ = triggers("subscriptions", "test", subscription_id)
        assert (status, out.startswith("Test delivery succeeded: HTTP 200")) == (0, True)

        status, out, _ = triggers("subscriptions", "update", subscription_id, "--disable", "--json")
        assert (status, json.loads(out)["status"]) == (0, "disabled")
        with TriggersClient(local_stack.base_url, cli_key) as client:
            held = client.events.send(event_type, {"n": 1}).event_id
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            status, out, _ = triggers("subscriptions", "attempts", subscription_id, "--outcome", "skipped", "--json")
            if json.loads(out):
                break
            time.sleep(0.1)
        assert [attempt["event_id"] for attempt in json.loads(out)] == [held]

        assert triggers("subscriptions", "update", subscription_id, "--enable")[0] == 0
        status, out, _ = triggers("subscriptions", "recover", subscription_id, "--since", "5m")
        assert (status, out.strip()) == (0, "Queued 1 event(s) for delivery again.")

        status, out, err = triggers("subscriptions", "rotate", subscription_id)
        assert (status, out.startswith("whsec_"), "both the new and the previous secret" in err) == (0, True, True)
        assert triggers("subscriptions", "update", subscription_id)[0] == 2  # nothing to change
    finally:
        receiver.stop()


def test_api_errors_exit_1_with_the_request_id(
    triggers: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = triggers("events", "get", "no-such-event")
    assert status == 1
    assert "404 NOT_FOUND" in err
    assert "request id " in err

    monkeypatch.setenv("TRIGGERS_KEY", "trg_not_a_real_key")
    status, _, err = triggers("keys", "list")
    assert status == 1
    assert "403" in err
    assert "TRIGGERS_KEY" in err


def test_usage_errors_exit_2(triggers: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    assert triggers("events", "list", "--since", "yesterday")[0] == 2
    assert triggers("events", "send", "--type", "t", "--payload", "[1]")[0] == 2
    assert triggers("keys", "create", "--name", "no scopes")[0] == 2
    assert triggers("keys", "create", "--tenant", "acme", "--rate-limit", "5")[0] == 2
    monkeypatch.delenv("TRIGGERS_KEY")
    status, _, err = triggers("events", "list")
    assert (status, "TRIGGERS_KEY" in err) == (2, True)


def test_tail_prints_new_events_until_ctrl_c(local_stack: LocalStack, cli_key: str) -> None:
    event_type = unique_type("cli-tail")
    environment = {**local_stack.environment, "TRIGGERS_URL": local_stack.base_url, "TRIGGERS_KEY": cli_key}
    tail = subprocess.Popen(
        [str(TRIGGERS), "events", "tail", "--type", event_type, "--json", "--interval", "0.2"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = OutputLines(tail.stdout), OutputLines(tail.stderr)
    try:
        assert err.first(lambda line: line.startswith("Waiting for new events"), timeout=15)
        with TriggersClient(local_stack.base_url, cli_key) as client:
            sent = [client.events.send(event_type, {"n": n}).event_id for n in range(3)]
        printed = [out.first(bool, timeout=10) for _ in sent]
    finally:
        tail.send_signal(signal.SIGINT)
        returncode = tail.wait(timeout=10)
    assert [json.loads(line)["event_id"] for line in printed if line] == sent
    assert returncode == 0
