"""The per-environment configuration."""

from __future__ import annotations

import re

import pytest
from aws_cdk import RemovalPolicy

from stacks.config import (
    DEFAULT_ACCOUNT_CONCURRENCY,
    ENVIRONMENTS,
    HTTP_API_ACCOUNT_BURST,
    HTTP_API_ACCOUNT_RATE,
    MIN_UNRESERVED_CONCURRENCY,
    PROD,
    AccountLimits,
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
    # Above the account's throttle, the account refuses first.
    assert config.throttle.rate_limit <= config.account.http_api_rate
    assert config.throttle.burst_limit <= config.account.http_api_burst


@pytest.mark.parametrize("config", ENVIRONMENTS.values(), ids=lambda config: config.name)
def test_concurrency_fits_the_account_the_environment_asks_for(config: EnvironmentConfig) -> None:
    concurrency = config.concurrency
    unreserved = config.account.lambda_concurrency - concurrency.total_reserved
    assert unreserved >= MIN_UNRESERVED_CONCURRENCY  # Lambda refuses reservations that leave less
    # The worker never takes more than half of what the other functions share with it.
    assert 2 <= concurrency.worker_max <= unreserved // 2
    assert 1 <= concurrency.stream_parallelization <= 10
    assert all(reserved >= 1 for reserved in concurrency.reserved.values())


def test_dev_and_staging_stay_within_aws_defaults_and_share_one_account() -> None:
    """Only prod asks for raised quotas; the others deploy to any account, even together."""
    small = [config for config in ENVIRONMENTS.values() if config is not PROD]
    assert all(config.account == AccountLimits() for config in small)
    assert PROD.account.raised
    reserved = sum(config.concurrency.total_reserved for config in small)
    assert DEFAULT_ACCOUNT_CONCURRENCY - reserved >= MIN_UNRESERVED_CONCURRENCY
    assert (AccountLimits().http_api_rate, AccountLimits().http_api_burst) == (
        HTTP_API_ACCOUNT_RATE,
        HTTP_API_ACCOUNT_BURST,
    )
