"""All stacks of one environment, wired together; used by ``app.py`` and the infrastructure tests alike."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk

from stacks.api_stack import ApiStack
from stacks.config import EnvironmentConfig
from stacks.data_stack import DataStack
from stacks.delivery_stack import DeliveryStack
from stacks.layer_bundle import LayerBundle
from stacks.monitoring_stack import MonitoringStack


@dataclass(frozen=True)
class EnvironmentStacks:
    data: DataStack
    api: ApiStack
    delivery: DeliveryStack
    monitoring: MonitoringStack


def add_environment(app: cdk.App, config: EnvironmentConfig, layer_bundle: LayerBundle) -> EnvironmentStacks:
    """Environment-agnostic stacks: they deploy into the account and region of the credentials in use,
    and synthesizing them needs no credentials at all."""
    stack_options = {"termination_protection": config.deletion_protection}
    data = DataStack(
        app,
        f"{config.prefix}-data",
        config=config,
        description="Triggers API: KMS key, tables, secret",
        **stack_options,
    )
    delivery = DeliveryStack(
        app,
        f"{config.prefix}-delivery",
        config=config,
        data=data,
        layer_bundle=layer_bundle,
        description="Triggers API: dispatcher, delivery queue, worker and dead letters",
        **stack_options,
    )
    api = ApiStack(
        app,
        f"{config.prefix}-api",
        config=config,
        data=data,
        delivery_queue=delivery.delivery_queue,  # a subscription recovery queues deliveries
        layer_bundle=layer_bundle,
        description="Triggers API: HTTP API, authorizer and route functions",
        **stack_options,
    )
    monitoring = MonitoringStack(
        app,
        f"{config.prefix}-monitoring",
        config=config,
        data=data,
        api=api,
        delivery=delivery,
        description="Triggers API: alarms, alarm topic and dashboard",
        **stack_options,
    )
    cdk.Tags.of(app).add("project", "triggers-api")
    cdk.Tags.of(app).add("environment", config.name)
    return EnvironmentStacks(data, api, delivery, monitoring)
