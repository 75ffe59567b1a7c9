"""Synthesizes each environment once per test session (as `cdk synth` would, cdk-nag included);
every infrastructure test reads the result."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
import pytest

from stacks.config import EnvironmentConfig, config_for
from stacks.environment import EnvironmentStacks, add_environment
from stacks.layer_bundle import REPO_ROOT, LayerBundle, bundle_common_layer
from stacks.nag import add_nag_checks
from tests.infrastructure.templates import Assembly

# prod differs from dev in what matters most to test: retention, deletion protection, thresholds.
SYNTHESIZED_ENVIRONMENTS = ("dev", "prod")


@dataclass(frozen=True)
class Synthesized:
    config: EnvironmentConfig
    stacks: EnvironmentStacks
    assembly: Assembly
    # Stack names, the keys of assembly.templates.
    data: str
    api: str
    delivery: str
    monitoring: str


def synthesize(environment: str, outdir: Path, layer_bundle: LayerBundle) -> Synthesized:
    context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    app = cdk.App(outdir=str(outdir), context={**context, "env": environment})
    config = config_for(app.node.try_get_context("env"))
    stacks = add_environment(app, config, layer_bundle)
    add_nag_checks(app)
    try:
        app.synth()
    except RuntimeError as error:  # an unacknowledged cdk-nag finding, or an invalid construct
        report = outdir / "validation-report.json"
        pytest.fail(f"synthesis of {environment} failed: {error}\n{report.read_text() if report.exists() else ''}")
    names = [stack.stack_name for stack in (stacks.data, stacks.api, stacks.delivery, stacks.monitoring)]
    return Synthesized(config, stacks, Assembly.read(outdir, names), *names)


@pytest.fixture(scope="session")
def layer_bundle() -> LayerBundle:
    return bundle_common_layer()


@pytest.fixture(scope="session", params=SYNTHESIZED_ENVIRONMENTS)
def synthesized(
    request: pytest.FixtureRequest, layer_bundle: LayerBundle, tmp_path_factory: pytest.TempPathFactory
) -> Synthesized:
    return synthesize(request.param, tmp_path_factory.mktemp(f"cdk-{request.param}"), layer_bundle)
