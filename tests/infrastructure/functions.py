"""Finding a micro-function in the synthesized templates, and reading back what its role may do."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aws_cdk.aws_logs import RetentionDays
from triggers.routes import FunctionName

from tests.infrastructure.conftest import Synthesized
from tests.infrastructure.templates import as_list, statements

# jsii enums carry names, not the number of days CloudFormation gets.
RETENTION_DAYS = {RetentionDays.ONE_WEEK: 7, RetentionDays.TWO_WEEKS: 14, RetentionDays.THREE_MONTHS: 90}


def function_of(synthesized: Synthesized, function: FunctionName) -> tuple[str, str, dict[str, Any]]:
    """(stack, logical id, resource) of the function, whichever stack holds it."""
    name = f"{synthesized.config.prefix}-{function.value}"
    (match,) = (
        found
        for found in synthesized.assembly.all_resources("AWS::Lambda::Function")
        if found[2]["Properties"]["FunctionName"] == name
    )
    return match


def alias_of(synthesized: Synthesized, function: FunctionName) -> tuple[str, str, dict[str, Any]]:
    """(stack, logical id, resource) of the function's ``live`` alias."""
    stack, function_id, _ = function_of(synthesized, function)
    (match,) = (
        (stack, logical_id, alias)
        for logical_id, alias in synthesized.assembly.resources(stack, "AWS::Lambda::Alias").items()
        if alias["Properties"]["FunctionName"] == {"Ref": function_id}
    )
    return match


def role_statements(synthesized: Synthesized, function: FunctionName) -> tuple[str, list[dict[str, Any]]]:
    """The function's stack, and every statement of every policy attached to the function's own role."""
    stack, _, resource = function_of(synthesized, function)
    role_id = resource["Properties"]["Role"]["Fn::GetAtt"][0]
    role = synthesized.assembly.templates[stack]["Resources"][role_id]
    assert "ManagedPolicyArns" not in role["Properties"]
    policies = synthesized.assembly.resources(stack, "AWS::IAM::Policy").values()
    attached = [policy for policy in policies if {"Ref": role_id} in policy["Properties"]["Roles"]]
    return stack, [statement for policy in attached for statement in statements(policy["Properties"]["PolicyDocument"])]


def grants(synthesized: Synthesized, function: FunctionName, service: str) -> dict[str, set[str]]:
    """One service's actions by resource, resources named without the environment prefix:
    ``{"events": {"PutItem"}, "events/index/inbox": {"Query"}, "events.StreamArn": {...}, "*": {...}}``."""
    stack, found = role_statements(synthesized, function)
    granted: dict[str, set[str]] = defaultdict(set)
    for statement in found:
        actions = [action for action in as_list(statement["Action"]) if action.startswith(f"{service}:")]
        if not actions:
            continue
        assert statement["Effect"] == "Allow"
        for resource in as_list(statement["Resource"]):
            rendered = synthesized.assembly.render(stack, resource).split(" ", 1)[-1]
            granted[rendered.removeprefix(f"{synthesized.config.prefix}-")].update(
                action.removeprefix(f"{service}:") for action in actions
            )
    return dict(granted)
