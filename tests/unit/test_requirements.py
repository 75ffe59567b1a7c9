"""The locks: `make run` installs requirements/run.lock alone, so it must hold what the local stack needs
and nothing that only tests, lint or the CDK need; dev.lock adds those with the same pins."""

from __future__ import annotations

import re
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)
DEV_ONLY = {"pytest", "pytest-xdist", "hypothesis", "schemathesis", "ruff", "mypy", "aws-cdk-lib", "cdk-nag"}
DEV_ONLY |= {"cfn-lint", "playwright", "boto3-stubs", "sympy", "networkx"}  # the last two came with moto[server]


def pins(lock: str) -> dict[str, str]:
    return {name.lower(): version for name, version in _PIN.findall((REQUIREMENTS / lock).read_text())}


def test_the_run_lock_pins_what_the_dev_lock_pins() -> None:
    run, dev = pins("run.lock"), pins("dev.lock")
    assert run
    assert {name: dev.get(name) for name in run} == run


def test_the_layer_lock_pins_what_the_run_lock_pins() -> None:
    run, layer = pins("run.lock"), pins("layer.lock")
    assert layer
    assert {name: run.get(name) for name in layer} == layer


def test_the_run_lock_leaves_tests_lint_and_the_cdk_to_the_dev_lock() -> None:
    assert pins("dev.lock").keys() >= DEV_ONLY
    assert not DEV_ONLY & pins("run.lock").keys()
