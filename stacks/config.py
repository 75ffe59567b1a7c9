"""Per-environment settings: the one place where dev, staging and prod differ.

``app.py`` picks one with ``cdk synth -c env=dev|staging|prod``; every stack reads only this object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk.aws_logs import RetentionDays


@dataclass(frozen=True)
class ApiThrottle:
    """HTTP API stage throttling, shared by all clients (per-key limits are the rate limiter's job)."""

    rate_limit: int  # steady requests per second
    burst_limit: int


@dataclass(frozen=True)
class AlarmThresholds:
    """Each alarm fires when its metric goes above its threshold."""

    server_error_rate_percent: float  # 5xx share of all requests, per minute
    p99_latency_ms: int  # per route, over 5 minutes
    function_errors: int  # per function, per 5 minutes
    function_throttles: int  # per function, per 5 minutes
    dynamodb_throttles: int  # read + write throttle events per table, per 5 minutes
    oldest_delivery_message_age: Duration
    dispatch_lag: Duration  # age of the oldest stream record the dispatcher has not processed
    auth_denials: int  # per 5 minutes; a spike means a leaked, revoked or brute-forced key


@dataclass(frozen=True)
class EnvironmentConfig:
    name: str
    # Events
    event_ttl_days: int
    # Fixed for the lifetime of the events table: an event's shard is derived from its id and this count.
    shard_count: int
    point_in_time_recovery_days: int
    # API
    throttle: ApiThrottle
    auth_cache_ttl_seconds: int  # how late a revoked key stops working (warm authorizer cache)
    default_rate_limit_per_second: int
    bcrypt_rounds: int
    # Delivery jobs: retention must outlast the worker's whole retry schedule (≈ 40 h by default).
    delivery_retention: Duration
    # Operations
    log_level: str
    log_retention: RetentionDays
    alarms: AlarmThresholds
    retain_data: bool  # keep tables, keys, secrets and logs when the stack is deleted
    deletion_protection: bool

    @property
    def prefix(self) -> str:
        """Prefix of every physical name, so environments can share one account."""
        return f"triggers-{self.name}"

    @property
    def removal_policy(self) -> RemovalPolicy:
        return RemovalPolicy.RETAIN if self.retain_data else RemovalPolicy.DESTROY


DEV = EnvironmentConfig(
    name="dev",
    event_ttl_days=7,
    shard_count=4,
    point_in_time_recovery_days=7,
    throttle=ApiThrottle(rate_limit=50, burst_limit=100),
    auth_cache_ttl_seconds=30,
    default_rate_limit_per_second=50,
    bcrypt_rounds=10,
    delivery_retention=Duration.days(4),
    log_level="DEBUG",
    log_retention=RetentionDays.ONE_WEEK,
    alarms=AlarmThresholds(
        server_error_rate_percent=5,
        p99_latency_ms=2000,
        function_errors=5,
        function_throttles=5,
        dynamodb_throttles=50,
        oldest_delivery_message_age=Duration.minutes(30),
        dispatch_lag=Duration.minutes(15),
        auth_denials=200,
    ),
    retain_data=False,
    deletion_protection=False,
)

STAGING = EnvironmentConfig(
    name="staging",
    event_ttl_days=14,
    shard_count=4,
    point_in_time_recovery_days=14,
    throttle=ApiThrottle(rate_limit=500, burst_limit=1000),
    auth_cache_ttl_seconds=60,
    default_rate_limit_per_second=200,
    bcrypt_rounds=12,
    delivery_retention=Duration.days(4),
    log_level="INFO",
    log_retention=RetentionDays.TWO_WEEKS,
    alarms=AlarmThresholds(
        server_error_rate_percent=2,
        p99_latency_ms=1500,
        function_errors=5,
        function_throttles=0,
        dynamodb_throttles=20,
        oldest_delivery_message_age=Duration.minutes(15),
        dispatch_lag=Duration.minutes(10),
        auth_denials=500,
    ),
    retain_data=False,
    deletion_protection=False,
)

PROD = EnvironmentConfig(
    name="prod",
    event_ttl_days=30,
    shard_count=8,
    point_in_time_recovery_days=35,
    throttle=ApiThrottle(rate_limit=5000, burst_limit=10000),
    auth_cache_ttl_seconds=60,
    default_rate_limit_per_second=1000,
    bcrypt_rounds=12,
    delivery_retention=Duration.days(14),
    log_level="INFO",
    log_retention=RetentionDays.THREE_MONTHS,
    alarms=AlarmThresholds(
        server_error_rate_percent=1,
        p99_latency_ms=1000,
        function_errors=0,
        function_throttles=0,
        dynamodb_throttles=10,
        oldest_delivery_message_age=Duration.minutes(10),
        dispatch_lag=Duration.minutes(5),
        auth_denials=1000,
    ),
    retain_data=True,
    deletion_protection=True,
)

ENVIRONMENTS: Mapping[str, EnvironmentConfig] = {config.name: config for config in (DEV, STAGING, PROD)}


def config_for(name: object) -> EnvironmentConfig:
    """The configuration named by ``-c env=…``; there is no default, so nothing deploys to the wrong place."""
    if not isinstance(name, str) or name not in ENVIRONMENTS:
        choices = "|".join(ENVIRONMENTS)
        raise ValueError(f"choose an environment with `-c env={choices}` (got {name!r})")
    return ENVIRONMENTS[name]
