"""cdk-nag: the AwsSolutions pack runs on the whole app; findings are acknowledged one resource at a time."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct


def add_nag_checks(app: cdk.App) -> None:
    """Any unacknowledged finding fails synthesis (and so `cdk synth`, `cdk deploy` and the infra tests)."""
    checks = AwsSolutionsChecks(app, verbose=True, write_suppressions_to_cloud_formation=True)
    cdk.Validations.of(app).add_plugins(checks)


def acknowledge(resource: IConstruct, rule: str, reason: str, *, finding: str | None = None) -> None:
    """Acknowledge one rule (or one finding of it, e.g. ``finding="Resource::*"``) on one resource, with why."""
    if isinstance(resource, cdk.Stage | cdk.Stack):
        raise ValueError(f"acknowledge {rule} on the resource that needs it, not on all of {resource.node.path}")
    rule_id = f"{rule}[{finding}]" if finding else rule
    cdk.Validations.of(resource).acknowledge(cdk.Acknowledgment(id=rule_id, reason=reason))
