"""The data stack: tables exactly as the local stack creates them, plus encryption, PITR, TTL and protection."""

from __future__ import annotations

from typing import Any

import pytest
from triggers.tables import ALL_TABLES, TableSpec, physical_name

from local.aws import create_table_request
from tests.infrastructure.conftest import Synthesized

pytestmark = pytest.mark.xdist_group("cdk")


def table_of(synthesized: Synthesized, spec: TableSpec) -> dict[str, Any]:
    name = physical_name(synthesized.config.prefix, spec.name)
    (table,) = (
        resource
        for resource in synthesized.assembly.resources(synthesized.data, "AWS::DynamoDB::Table").values()
        if resource["Properties"]["TableName"] == name
    )
    return table


def data_key(synthesized: Synthesized) -> str:
    (logical_id,) = synthesized.assembly.resources(synthesized.data, "AWS::KMS::Key")
    return f"AWS::KMS::Key {logical_id}"


def by_name(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


@pytest.mark.parametrize("spec", ALL_TABLES, ids=lambda spec: spec.name.value)
def test_table_has_the_keys_indexes_and_stream_the_local_stack_creates(
    synthesized: Synthesized, spec: TableSpec
) -> None:
    properties = table_of(synthesized, spec)["Properties"]
    local = create_table_request(spec, properties["TableName"])

    assert properties["KeySchema"] == local["KeySchema"]
    assert by_name(properties["AttributeDefinitions"], "AttributeName") == by_name(
        local["AttributeDefinitions"], "AttributeName"
    )
    assert properties["BillingMode"] == local["BillingMode"]
    assert by_name(properties.get("GlobalSecondaryIndexes", []), "IndexName") == by_name(
        local.get("GlobalSecondaryIndexes", []), "IndexName"
    )
    local_stream = local.get("StreamSpecification", {}).get("StreamViewType")
    assert properties.get("StreamSpecification", {}).get("StreamViewType") == local_stream


@pytest.mark.parametrize("spec", ALL_TABLES, ids=lambda spec: spec.name.value)
def test_table_expires_items_by_the_spec_ttl_attribute(synthesized: Synthesized, spec: TableSpec) -> None:
    ttl = table_of(synthesized, spec)["Properties"].get("TimeToLiveSpecification")
    expected = {"AttributeName": spec.ttl_attribute, "Enabled": True} if spec.ttl_attribute else None
    assert ttl == expected


@pytest.mark.parametrize("spec", ALL_TABLES, ids=lambda spec: spec.name.value)
def test_table_is_encrypted_with_the_data_key_and_recoverable(synthesized: Synthesized, spec: TableSpec) -> None:
    table = table_of(synthesized, spec)
    properties = table["Properties"]
    sse = properties["SSESpecification"]
    assert sse["SSEEnabled"] is True
    assert sse["SSEType"] == "KMS"
    assert synthesized.assembly.render(synthesized.data, sse["KMSMasterKeyId"]) == data_key(synthesized)
    assert properties["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True,
        "RecoveryPeriodInDays": synthesized.config.point_in_time_recovery_days,
    }


@pytest.mark.parametrize("spec", ALL_TABLES, ids=lambda spec: spec.name.value)
def test_table_protection_follows_the_environment(synthesized: Synthesized, spec: TableSpec) -> None:
    table = table_of(synthesized, spec)
    config = synthesized.config
    assert table["Properties"].get("DeletionProtectionEnabled", False) is config.deletion_protection
    assert table["DeletionPolicy"] == ("RetainExceptOnCreate" if config.retain_data else "Delete")


def test_what_an_environment_keeps_is_removed_only_when_its_first_create_fails(synthesized: Synthesized) -> None:
    """Retained on update and delete; but a failed first deploy cleans up, so retrying it does not collide
    with a leftover of the same name."""
    kept = [
        (resource["Type"], (resource["DeletionPolicy"], resource.get("UpdateReplacePolicy")))
        for _, _, resource in _all_resources(synthesized)
        if "DeletionPolicy" in resource
    ]
    data_types = {"AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::SecretsManager::Secret", "AWS::SQS::Queue"}
    assert {kind for kind, _ in kept} >= data_types | {"AWS::Logs::LogGroup"}
    expected = ("RetainExceptOnCreate", "Retain") if synthesized.config.retain_data else ("Delete", "Delete")
    assert {policies for _, policies in kept} == {expected}


def _all_resources(synthesized: Synthesized) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (stack, logical_id, resource)
        for stack, template in synthesized.assembly.templates.items()
        for logical_id, resource in template["Resources"].items()
    ]


def test_every_kms_key_rotates(synthesized: Synthesized) -> None:
    keys = list(synthesized.assembly.all_resources("AWS::KMS::Key"))
    assert keys
    for stack, logical_id, key in keys:
        assert key["Properties"]["EnableKeyRotation"] is True, f"{stack}/{logical_id}"


def test_cursor_secret_is_generated_and_encrypted_with_the_data_key(synthesized: Synthesized) -> None:
    (secret,) = synthesized.assembly.resources(synthesized.data, "AWS::SecretsManager::Secret").values()
    assert "GenerateSecretString" in secret["Properties"]
    assert "SecretString" not in secret["Properties"]
    assert synthesized.assembly.render(synthesized.data, secret["Properties"]["KmsKeyId"]) == data_key(synthesized)
