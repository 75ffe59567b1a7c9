"""The per-environment configuration."""

from __future__ import annotations

import re

import pytest
from aws_cdk import RemovalPolicy
from triggers.routes import FunctionName

from stacks.config import (
    DEFAULT_ACCOUNT_CONCURRENCY,
    ENVIRONMENTS,
    HTTP_API_ACCOUNT_BURST,
    HTTP_API_ACCOUNT_RATE,
    MIN_UNRESERVED_CONCURRENCY,
    PROD,
    EnvironmentConfig,
    config_for,
)

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
    # ...except what a failed first deploy made, so that it can be retried.
    assert PROD.removal_policy == RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE


def test_prod_releases_to_a_canary_first_and_the_others_all_at_once() -> None:
    names = {config.name: config.deployment.deployment_config_name for config in ENVIRONMENTS.values()}
    assert names == {
        "dev": "CodeDeployDefault.LambdaAllAtOnce",
        "staging": "CodeDeployDefault.LambdaAllAtOnce",
        "prod": "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    }


@pytest.mark.parametrize("config", ENVIRONMENTS.values(), ids=lambda config: config.name)
def test_settings_fit_what_the_functions_and_aws_accept(config: EnvironmentConfig) -> None:
    assert 1 <= config.shard_count <= 64
    assert 1 <= config.point_in_time_recovery_days <= 35
    assert config.throttle.burst_limit >= config.throttle.rate_limit
    assert config.delivery_retention.to_hours() >= 24
    assert config.throttle.rate_limit <= HTTP_API_ACCOUNT_RATE
    assert config.throttle.burst_limit <= HTTP_API_ACCOUNT_BURST  # above it, the account refuses first


@pytest.mark.parametrize("config", ENVIRONMENTS.values(), ids=lambda config: config.name)
def test_concurrency_fits_an_account_at_lambdas_default_limit(config: EnvironmentConfig) -> None:
    concurrency = config.concurrency
    unreserved = DEFAULT_ACCOUNT_CONCURRENCY - concurrency.total_reserved
    assert unreserved >= MIN_UNRESERVED_CONCURRENCY  # Lambda refuses reservations that leave less
    # The worker never takes more than half of what the other functions share with it.
    assert 2 <= concurrency.worker_max <= unreserved // 2
    assert 1 <= concurrency.stream_parallelization <= 10
    assert all(reserved >= 1 for reserved in concurrency.reserved.values())


def test_all_environments_together_still_fit_one_default_account() -> None:
    """Environments may share an account (names are prefixed): their reservations add up there."""
    reserved = sum(config.concurrency.total_reserved for config in ENVIRONMENTS.values())
    assert DEFAULT_ACCOUNT_CONCURRENCY - reserved >= MIN_UNRESERVED_CONCURRENCY


@pytest.mark.parametrize("config", ENVIRONMENTS.values(), ids=lambda config: config.name)
def test_the_request_path_holds_the_stage_rate(config: EnvironmentConfig) -> None:
    """Reservations are also ceilings: at the stage's full rate, with invocations of up to 50 ms,
    neither the authorizer nor ingest may run out."""
    needed = config.throttle.rate_limit * 0.050
    for function in (FunctionName.AUTHORIZER, FunctionName.INGEST):
        assert config.concurrency.reserved[function] >= needed
