"""cdk-nag and cfn-lint over every synthesized template."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sqs as sqs

from stacks.nag import acknowledge, add_nag_checks
from tests.infrastructure.conftest import Synthesized

pytestmark = pytest.mark.xdist_group("cdk")

ACKNOWLEDGED = "aws:cdk:acknowledged-rules"
# CDK adds an explicit DependsOn from each function to its role next to the GetAtt that implies it.
CFN_LINT_IGNORED = ["W3005"]


def acknowledgments(synthesized: Synthesized) -> list[tuple[str, str, str]]:
    """(construct path, rule id, reason) of every acknowledged cdk-nag finding."""
    return [
        (path, rule.removeprefix("Annotation::"), reason)
        for stack in synthesized.assembly.templates
        for path, entries in synthesized.assembly.metadata(stack).items()
        for entry in entries
        if entry["type"] == ACKNOWLEDGED
        for rule, reason in entry["data"].items()
    ]


def test_findings_are_acknowledged_on_resources_never_on_a_whole_stack(synthesized: Synthesized) -> None:
    stack_paths = {f"/{name}" for name in synthesized.assembly.templates}
    found = acknowledgments(synthesized)
    assert found
    for path, rule, reason in found:
        assert path not in stack_paths, f"{rule} acknowledged on all of {path}"
        assert len(reason.split()) >= 5, f"{rule} on {path} needs a reason"


def test_wildcard_findings_are_acknowledged_one_finding_at_a_time(synthesized: Synthesized) -> None:
    for path, rule, _ in acknowledgments(synthesized):
        if rule.startswith("AwsSolutions-IAM5"):
            assert rule.startswith("AwsSolutions-IAM5["), f"all IAM5 findings acknowledged at once on {path}"


def test_acknowledgments_reach_the_templates_for_auditors(synthesized: Synthesized) -> None:
    audited = {
        rule["id"]
        for template in synthesized.assembly.templates.values()
        for resource in template["Resources"].values()
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    }
    assert audited == {rule for _, rule, _ in acknowledgments(synthesized)}


def test_an_unacknowledged_finding_fails_synthesis(tmp_path_factory: pytest.TempPathFactory) -> None:
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("nag")))
    sqs.Queue(cdk.Stack(app, "Careless"), "PlainQueue")  # no DLQ, no TLS-only policy
    add_nag_checks(app)
    with pytest.raises(RuntimeError, match="AwsSolutions-SQS4"):
        app.synth()


def test_acknowledging_a_whole_stack_is_refused() -> None:
    stack = cdk.Stack(cdk.App(), "Anything")
    with pytest.raises(ValueError, match="not on all of"):
        acknowledge(stack, "AwsSolutions-SQS3", "a reason long enough to be a reason")


def test_cfn_lint_passes_on_every_template(synthesized: Synthesized) -> None:
    templates = [
        str(synthesized.assembly.directory / f"{name}.template.json") for name in synthesized.assembly.templates
    ]
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    lint = subprocess.run(
        [cfn_lint, "--ignore-checks", *CFN_LINT_IGNORED, "--", *templates], capture_output=True, text=True, check=False
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
