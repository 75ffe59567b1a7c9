"""Capacity by arithmetic (stacks/capacity.py): prod holds 10,000 single-event POSTs a second from one
tenant with push delivery on, every environment holds its own stage rate, and the docs list the quotas
prod needs raised."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stacks.capacity import PROD_TARGET_EVENTS_PER_SECOND, capacity, planned_rate, shards_for
from stacks.config import ENVIRONMENTS, PROD, EnvironmentConfig

pytestmark = pytest.mark.xdist_group("cdk")
OPERATIONS = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()


def test_prod_holds_ten_thousand_events_a_second_from_one_tenant() -> None:
    plan = capacity(PROD, PROD_TARGET_EVENTS_PER_SECOND)
    assert plan.holds(PROD_TARGET_EVENTS_PER_SECOND), f"{plan.bottleneck.name}: {plan.bottleneck.arithmetic}"
    assert PROD.shard_count >= shards_for(PROD_TARGET_EVENTS_PER_SECOND)


@pytest.mark.parametrize("config", ENVIRONMENTS.values(), ids=lambda config: config.name)
def test_each_environment_holds_the_rate_it_is_planned_for(config: EnvironmentConfig) -> None:
    """dev and staging: their stage rate; prod: the target (its stage lets 20% more through for bursts)."""
    rate = planned_rate(config)
    plan = capacity(config, rate)
    assert plan.holds(rate), f"{plan.bottleneck.name}: {plan.bottleneck.arithmetic}"


def test_the_limits_the_arithmetic_rests_on_fail_it_when_lowered() -> None:
    """The check can fail: prod with its former 8 shards and 5,000 requests/s does not hold the target."""
    from dataclasses import replace

    from stacks.config import ApiThrottle

    for smaller in (replace(PROD, shard_count=8), replace(PROD, throttle=ApiThrottle(5_000, 5_000))):
        assert not capacity(smaller, PROD_TARGET_EVENTS_PER_SECOND).holds(PROD_TARGET_EVENTS_PER_SECOND)


def test_the_docs_list_the_quotas_prod_needs_raised() -> None:
    section = OPERATIONS.split("## Account limits", 1)[1].split("\n## ", 1)[0]
    numbers = {int(number.replace(",", "")) for number in re.findall(r"\d[\d,]*\d", section)}
    account = PROD.account
    wanted = {account.lambda_concurrency, account.http_api_rate, account.http_api_burst}
    assert wanted | {account.dynamodb_table_write_units, PROD.shard_count} <= numbers
