"""What a cold start loads, and what SnapStart's hooks do. Each case runs in a fresh interpreter, since
what is loaded is a property of the process (``sys.modules``). No timing is asserted: benchmarks time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# Loaded on first need only: the X-Ray SDK (a sampled invocation), botocore's session and HTTP stack (the
# first client), Powertools idempotency (a keyed request), httpx (a webhook), request validation.
DEFERRED = (
    "aws_xray_sdk",
    "botocore.session",
    "aws_lambda_powertools.utilities.idempotency",
    "httpx",
    "aws_lambda_powertools.event_handler.middlewares.openapi_validation",
)
# Stands in for the module Lambda's managed runtimes ship: records what is registered.
FAKE_HOOKS = """
registered = {"before": [], "after": []}
def register_before_snapshot(function, *args, **kwargs):
    registered["before"].append(function)
def register_after_restore(function, *args, **kwargs):
    registered["after"].append(function)
"""


def run(code: str, tmp_path: Path, **environment: str) -> Any:
    (tmp_path / "snapshot_restore_py.py").write_text(FAKE_HOOKS)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), **environment}
    program = textwrap.dedent(code) + "\nprint(json.dumps(result))\n"
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + program], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("function", ["ingest", "worker", "subscriptions", "authorizer"])
def test_a_cold_start_imports_only_what_every_request_needs(function: str, tmp_path: Path) -> None:
    loaded = run(
        f"""
        import sys
        import functions.{function}.handler
        result = [name for name in {DEFERRED!r} if name in sys.modules]
        """,
        tmp_path,
    )
    assert loaded == []


def test_the_x_ray_sdk_loads_for_the_first_sampled_invocation_only(tmp_path: Path) -> None:
    header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled={}"
    result = run(
        f"""
        import os, sys
        from triggers.observability import tracing

        @tracing.lambda_handler
        def handler(event, context):
            with tracing.subsegment("example.com", remote=True):
                return "ok"

        result = []
        for sampled in (0, 1):
            os.environ["_X_AMZN_TRACE_ID"] = {header!r}.format(sampled)
            result.append([handler({{}}, None), "aws_xray_sdk" in sys.modules])
        """,
        tmp_path,
        LAMBDA_TASK_ROOT=str(REPO),
        POWERTOOLS_TRACE_DISABLED="false",
        AWS_XRAY_CONTEXT_MISSING="IGNORE_ERROR",
    )
    assert result == [["ok", False], ["ok", True]]


def test_before_a_snapshot_a_function_loads_what_its_first_requests_would(tmp_path: Path) -> None:
    loaded = run(
        f"""
        import sys
        import functions.ingest.handler
        import snapshot_restore_py
        for hook in snapshot_restore_py.registered["before"]:
            hook()
        result = [name for name in {DEFERRED[:3]!r} if name in sys.modules]
        """,
        tmp_path,
        LAMBDA_TASK_ROOT=str(REPO),
        POWERTOOLS_TRACE_DISABLED="false",
    )
    assert loaded == list(DEFERRED[:3])


def test_after_a_restore_each_container_draws_random_numbers_of_its_own(tmp_path: Path) -> None:
    """Two containers restored from one snapshot start from the same generator state; the hook reseeds it."""
    result = run(
        """
        import random
        import uuid_utils
        import functions.ingest.handler
        import snapshot_restore_py
        reseeded = []
        uuid_utils.reseed_rng = lambda: reseeded.append(True)
        random.seed(7)  # the state every restored container would share
        shared = random.random()
        random.seed(7)
        for hook in snapshot_restore_py.registered["after"]:
            hook()
        result = [random.random() != shared, reseeded == [True]]
        """,
        tmp_path,
    )
    assert result == [True, True]
