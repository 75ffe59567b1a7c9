"""The leased-token rate limiter against moto, with a controlled clock."""

from __future__ import annotations

import os

import boto3
import pytest
from triggers.errors import RateLimited
from triggers.storage.rate_limit import RateLimiter

from tests.integration.conftest import AwsCalls


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.25

    def __call__(self) -> float:
        return self.now


def limiter(clock: Clock, lease_fraction: float = 0.4) -> RateLimiter:
    return RateLimiter(boto3.client("dynamodb"), os.environ["RATE_LIMITS_TABLE"], lease_fraction, clock)


def test_budget_per_second_with_leased_writes(aws: None, aws_calls: AwsCalls) -> None:
    clock = Clock()
    container = limiter(clock)
    for _ in range(5):
        container.consume("key1", 1, limit_per_second=5)
    with pytest.raises(RateLimited) as refused:
        container.consume("key1", 1, limit_per_second=5)
    assert refused.value.retry_after_seconds == 1
    # Leases of 2 tokens: 2 + 2 + (2 refused, then the 1 still needed); the sixth request is refused
    # locally, since this container alone already admitted the whole second's budget.
    assert aws_calls.writes() == ["UpdateItem"] * 4
    clock.now += 1
    container.consume("key1", 1, limit_per_second=5)


def test_below_the_limit_one_lease_serves_many_requests(aws: None, aws_calls: AwsCalls) -> None:
    container = limiter(Clock(), lease_fraction=0.1)
    for _ in range(100):
        container.consume("key1", 1, limit_per_second=1000)
    assert aws_calls.writes() == ["UpdateItem"]


def test_quiet_keys_cost_no_counter_writes(aws: None, aws_calls: AwsCalls) -> None:
    clock = Clock()
    container = RateLimiter(boto3.client("dynamodb"), os.environ["RATE_LIMITS_TABLE"], 0.1, clock, local_allowance=3)
    for _ in range(5):
        container.consume("key1", 1, limit_per_second=100)
        clock.now += 1
    assert aws_calls.writes() == []
    for _ in range(4):  # a burst past the allowance leases as usual
        container.consume("key1", 1, limit_per_second=100)
    assert aws_calls.writes() == ["UpdateItem"]


def test_containers_share_one_budget_and_never_over_admit(aws: None) -> None:
    clock = Clock()
    containers = [limiter(clock), limiter(clock), limiter(clock)]
    admitted = 0
    for _ in range(10):
        for container in containers:
            try:
                container.consume("key1", 1, limit_per_second=10)
                admitted += 1
            except RateLimited:
                pass
    assert 0 < admitted <= 10


def test_keys_have_separate_budgets(aws: None) -> None:
    container = limiter(Clock())
    container.consume("key1", 3, limit_per_second=3)
    container.consume("key2", 3, limit_per_second=3)
    with pytest.raises(RateLimited):
        container.consume("key1", 1, limit_per_second=3)


def test_a_request_larger_than_the_budget_is_refused(aws: None) -> None:
    with pytest.raises(RateLimited):
        limiter(Clock()).consume("key1", 11, limit_per_second=10)
