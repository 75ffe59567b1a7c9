"""Data: the customer-managed key, every DynamoDB table (from ``triggers.tables``) and the cursor-signing secret."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from triggers.tables import ALL_TABLES, TableSpec, physical_name

from stacks.config import EnvironmentConfig
from stacks.nag import acknowledge


class DataStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: EnvironmentConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._config = config
        self.key = kms.Key(
            self,
            "DataKey",
            alias=f"alias/{config.prefix}-data",
            description=f"{config.prefix}: tables, delivery queues and the cursor secret",
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
        )
        self.tables = {spec.name: self._table(spec) for spec in ALL_TABLES}
        self.cursor_secret_name = f"{config.prefix}-cursor-signing-key"
        self.cursor_secret = secretsmanager.Secret(
            self,
            "CursorSigningKey",
            secret_name=self.cursor_secret_name,
            description="HMAC key that makes inbox cursors tamper-proof",
            encryption_key=self.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64, exclude_punctuation=True),
            removal_policy=config.removal_policy,
        )
        acknowledge(
            self.cursor_secret,
            "AwsSolutions-SMG4",
            "Rotating the cursor key invalidates every outstanding inbox cursor; it is rotated by hand "
            "(docs/operations.md) in a quiet window instead of on a schedule",
        )

    def _table(self, spec: TableSpec) -> dynamodb.Table:
        """The same table the local stack creates from the spec, plus what only AWS has: CMK, PITR, protection."""
        table = dynamodb.Table(
            self,
            f"{spec.name.value}-table",
            table_name=physical_name(self._config.prefix, spec.name),
            partition_key=_string_attribute(spec.partition_key),
            sort_key=_string_attribute(spec.sort_key) if spec.sort_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True,
                recovery_period_in_days=self._config.point_in_time_recovery_days,
            ),
            time_to_live_attribute=spec.ttl_attribute,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if spec.stream else None,
            deletion_protection=self._config.deletion_protection,
            removal_policy=self._config.removal_policy,
        )
        for index in spec.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_string_attribute(index.partition_key),
                sort_key=_string_attribute(index.sort_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return table


def _string_attribute(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)
