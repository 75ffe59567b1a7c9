"""The `triggers` commands find the local stack from the state file `triggers run` writes, whatever its
port: TRIGGERS_PORT when set, else the one stack whose process still runs on this machine."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from local.api_commands import api_url
from local.stack import NoLocalStack, StackState, find_running_stack

STATE = StackState(
    api_port=8080,
    base_url="http://127.0.0.1:8080",
    aws_endpoint="http://127.0.0.1:5000",
    prefix="triggers-local",
    bcrypt_rounds=4,
    delivery_queue_url="http://127.0.0.1:5000/000000000000/delivery",
    dead_letter_queue_url="http://127.0.0.1:5000/000000000000/delivery-dlq",
    pid=os.getpid(),  # a process that runs
)


def on_port(port: int, pid: int = STATE.pid) -> StackState:
    return replace(STATE, api_port=port, base_url=f"http://127.0.0.1:{port}", pid=pid)


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("TRIGGERS_URL", raising=False)
    monkeypatch.delenv("TRIGGERS_PORT", raising=False)
    return tmp_path


@pytest.fixture(scope="module")
def ended_pid() -> int:
    """The pid of a process that has ended (and been reaped), like a stack killed with SIGKILL."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_without_triggers_port_the_one_running_stack_is_found_whatever_its_port(
    state_dir: Path, ended_pid: int
) -> None:
    on_port(8080, pid=ended_pid).save()  # left behind by a stack that was killed outright
    on_port(18080).save()
    (state_dir / "triggers-local-9999.json").write_text("{not json")  # half-written

    assert find_running_stack(None) == on_port(18080)
    assert api_url(None) == "http://127.0.0.1:18080"


def test_triggers_port_chooses_among_several_stacks(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_port(8080).save()
    on_port(18080).save()
    with pytest.raises(NoLocalStack, match="ports 8080, 18080: set TRIGGERS_PORT"):
        find_running_stack(None)
    with pytest.raises(NoLocalStack):
        api_url(None)

    assert find_running_stack(18080) == on_port(18080)
    monkeypatch.setenv("TRIGGERS_PORT", "18080")
    assert api_url(None) == "http://127.0.0.1:18080"


def test_no_running_stack_is_a_clear_error(state_dir: Path, ended_pid: int) -> None:
    on_port(8080, pid=ended_pid).save()
    with pytest.raises(NoLocalStack, match="no local stack is running on this machine; start one with `make run`"):
        find_running_stack(None)
    with pytest.raises(NoLocalStack, match="no local stack is running on port 8080"):
        find_running_stack(8080)


def test_a_deployment_url_wins_over_the_local_stack(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_port(8080).save()
    assert api_url("https://api.example.com") == "https://api.example.com"
    monkeypatch.setenv("TRIGGERS_URL", "https://staging.example.com")
    assert api_url(None) == "https://staging.example.com"
