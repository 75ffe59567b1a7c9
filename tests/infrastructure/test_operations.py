"""The runbook and the operator CLI name what the templates create: stacks, resources, outputs, alarms,
and the concurrency the configuration gives each environment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from triggers.tables import TableName, physical_name

from local.deployed import ADMIN_BCRYPT_ROUNDS, ENVIRONMENT_NAMES, DeployedEnvironment
from stacks.config import ENVIRONMENTS
from stacks.layer_bundle import REPO_ROOT
from stacks.runbook import RUNBOOK
from tests.infrastructure.conftest import Synthesized

pytestmark = pytest.mark.xdist_group("cdk")

DOCS = (REPO_ROOT / RUNBOOK).read_text()


def names_in(value: Any) -> Iterator[str]:
    """Every literal ``…Name`` property value, however deep (TableName, AlarmName, DeploymentGroupName, …)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("Name") and isinstance(item, str):
                yield item
            yield from names_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from names_in(item)


def physical_names(synthesized: Synthesized) -> set[str]:
    templates = synthesized.assembly.templates
    resources = [resource for template in templates.values() for resource in template["Resources"].values()]
    return set(templates) | {name for resource in resources for name in names_in(resource.get("Properties", {}))}


def test_every_name_the_runbook_uses_is_deployed(synthesized: Synthesized) -> None:
    # Whole names only: `restored-triggers-prod-events` is a table the reader makes, not one we deploy.
    used = set(re.findall(rf"(?<![\w/-]){re.escape(synthesized.config.prefix)}-[a-z0-9-]*[a-z0-9]", DOCS))
    if synthesized.config.name == "prod":
        assert used  # the runbook's examples are for prod
    assert used <= physical_names(synthesized)


def test_alarm_names_stack_outputs_and_release_groups_in_the_runbook_exist(synthesized: Synthesized) -> None:
    prefix = synthesized.config.prefix
    templates = synthesized.assembly.templates
    names = physical_names(synthesized)
    outputs = {key for template in templates.values() for key in template.get("Outputs", {})}
    for alarm in re.findall(r'--alarm-name "([^"]+)"', DOCS):
        assert not alarm.startswith(f"{prefix} ") or alarm in names, alarm
    for output in re.findall(r"OutputKey=='(\w+)'", DOCS) + re.findall(r"\$\(output (\w+)\)", DOCS):
        assert output in outputs, output
    for stack in re.findall(r"--stack-name (\S+)", DOCS):
        assert not stack.startswith(prefix) or stack in templates, stack
    groups = {
        (
            synthesized.assembly.render(stack, group["Properties"]["ApplicationName"]).split(" ")[-1],
            group["Properties"]["DeploymentGroupName"],
        )
        for stack, _, group in synthesized.assembly.all_resources("AWS::CodeDeploy::DeploymentGroup")
    }
    assert {group for _, group in groups} == {f"{prefix}-{function}" for function in _function_names(synthesized)}
    for application, group in re.findall(r"--application-name (\S+) --deployment-group-name (\S+)", DOCS):
        assert not application.startswith(prefix) or (application, group) in groups


def test_the_cli_finds_what_the_stacks_deploy(synthesized: Synthesized) -> None:
    environment = DeployedEnvironment(synthesized.config.name)
    assert environment.prefix == synthesized.config.prefix
    queues = {
        queue["Properties"]["QueueName"]
        for queue in synthesized.assembly.resources(synthesized.delivery, "AWS::SQS::Queue").values()
    }
    assert {environment.delivery_queue, environment.dead_letter_queue} <= queues
    tables = {
        table["Properties"]["TableName"]
        for table in synthesized.assembly.resources(synthesized.data, "AWS::DynamoDB::Table").values()
    }
    assert {
        physical_name(environment.prefix, TableName.API_KEYS),
        physical_name(environment.prefix, TableName.AUDIT),
    } <= tables


def test_the_cli_knows_every_environment_and_hashes_admin_keys_as_strongly_as_any() -> None:
    assert set(ENVIRONMENT_NAMES) == set(ENVIRONMENTS)
    assert max(config.bcrypt_rounds for config in ENVIRONMENTS.values()) <= ADMIN_BCRYPT_ROUNDS


def test_the_account_limits_table_shows_the_configured_concurrency_and_shards() -> None:
    rows = {
        name: tuple(int(number.replace(",", "")) for number in re.findall(r"[\d,]+\d|\d", cells))
        for name, cells in re.findall(r"^\| `(\w+)` \|(.*)\|$", DOCS, flags=re.MULTILINE)
        if name in ENVIRONMENTS
    }
    for name, config in ENVIRONMENTS.items():
        concurrency = config.concurrency
        reserved = tuple(concurrency.reserved[function] for function in sorted(concurrency.reserved))
        assert rows[name] == (
            *reserved,
            concurrency.worker_max,
            concurrency.stream_parallelization,
            config.throttle.rate_limit,
            config.throttle.burst_limit,
            config.shard_count,
        ), name


def _function_names(synthesized: Synthesized) -> set[str]:
    prefix = f"{synthesized.config.prefix}-"
    return {
        function["Properties"]["FunctionName"].removeprefix(prefix)
        for _, _, function in synthesized.assembly.all_resources("AWS::Lambda::Function")
    }
