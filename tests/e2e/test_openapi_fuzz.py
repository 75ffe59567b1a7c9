"""The OpenAPI document tells the truth: Schemathesis, driven by the served ``/openapi.json`` with all
its checks, finds no 5xx, no schema-valid request refused, no undocumented status and no response off
its schema. (405 for undeclared methods is not checked: API Gateway answers 404 there.)"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .helpers import LocalStack

ST = Path(sys.executable).with_name("st")
# Small enough for `make test`; `FUZZ_EXAMPLES=200 make e2e` searches harder.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))


def test_the_api_conforms_to_its_openapi_document(local_stack: LocalStack, tenant_key: Callable[..., str]) -> None:
    key = tenant_key("fuzz")  # its own tenant: the fuzzer's keys, events and subscriptions stay apart
    result = subprocess.run(
        [
            str(ST),
            "--no-color",
            "--config-file",
            str(Path(__file__).with_name("schemathesis.toml")),
            "run",
            f"{local_stack.base_url}/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            "unsupported_method",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            "20261130",
            "--header",
            f"Authorization: Bearer {key}",
        ],
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.e2e.schemathesis_hooks", "PYTHONPATH": str(Path.cwd())},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    summary = result.stdout[result.stdout.rfind("SUMMARY") :]
    print(summary)
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-2_000:]
