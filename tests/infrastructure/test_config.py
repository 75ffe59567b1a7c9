"""The per-environment configuration."""

from __future__ import annotations

import re

import pytest

from stacks.config import ENVIRONMENTS, PROD, EnvironmentConfig, config_for

pytestmark = pytest.mark.xdist_group("cdk")


@pytest.mark.parametrize("name", [None, "", "production", 3])
def test_an_unknown_or_missing_environment_is_refused(name: object) -> None:
    with pytest.raises(ValueError, match=re.escape("-c env=dev|staging|prod")):
        config_for(name)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_each_environment_is_selected_by_its_name(name: str) -> None:
    assert config_for(name).name == name
    assert config_for(name).prefix == f"triggers-{name}"


def test_prod_keeps_its_data() -> None:
    assert PROD.retain_data
    assert PROD.deletion_protection


@pytest.mark.parametrize("config", ENVIRONMENTS.values(), ids=lambda config: config.name)
def test_settings_fit_what_the_functions_and_aws_accept(config: EnvironmentConfig) -> None:
    assert 1 <= config.shard_count <= 64
    assert 1 <= config.point_in_time_recovery_days <= 35
    assert config.throttle.burst_limit >= config.throttle.rate_limit
    assert config.delivery_retention.to_hours() >= 24
