"""Per-environment settings: the one place where dev, staging and prod differ.

``app.py`` picks one with ``cdk synth -c env=dev|staging|prod``; every stack reads only this object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk.aws_codedeploy import ILambdaDeploymentConfig, LambdaDeploymentConfig
from aws_cdk.aws_logs import RetentionDays
from triggers.routes import FunctionName

# HTTP API's account-wide throttle per region (a quota a deployer can ask to raise): no stage may
# promise more, or the account refuses what the stage lets through.
HTTP_API_ACCOUNT_RATE = 10_000
HTTP_API_ACCOUNT_BURST = 5_000
# Lambda's default concurrent executions per account and region, and what it always keeps unreserved.
DEFAULT_ACCOUNT_CONCURRENCY = 1_000
MIN_UNRESERVED_CONCURRENCY = 100


@dataclass(frozen=True)
class ApiThrottle:
    """HTTP API stage throttling, shared by all clients (per-key limits are the rate limiter's job)."""

    rate_limit: int  # steady requests per second
    burst_limit: int


@dataclass(frozen=True)
class Concurrency:
    """How an environment shares the account's Lambda concurrency, so slow webhooks never starve the API.

    The request path reserves its own (a reservation is also that function's ceiling); the worker, whose
    invocations last as long as subscribers make them wait, is capped by its queue's event source; the
    dispatcher runs at most (stream shards x ``stream_parallelization``) batches at once. Everything not
    reserved shares the rest of the account. Sized to fit an account at Lambda's default limit
    (``DEFAULT_ACCOUNT_CONCURRENCY``); docs/operations.md says what to raise for more.
    """

    reserved: Mapping[FunctionName, int]
    worker_max: int  # SQS event source maximum concurrency (2-1,000)
    stream_parallelization: int  # concurrent dispatcher batches per stream shard (1-10)

    @property
    def total_reserved(self) -> int:
        return sum(self.reserved.values())


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
    retain_data: bool  # keep tables, keys, secret, queues and logs when the stack is deleted
    deletion_protection: bool
    concurrency: Concurrency
    # How CodeDeploy shifts each function's `live` alias to a new version; the function's release alarms
    # roll it back.
    deployment: ILambdaDeploymentConfig
    # Lambda SnapStart: each published version starts from a snapshot of an initialised container.
    snap_start: bool = False

    @property
    def prefix(self) -> str:
        """Prefix of every physical name, so environments can share one account."""
        return f"triggers-{self.name}"

    @property
    def removal_policy(self) -> RemovalPolicy:
        """Retained on update and delete, but not when the stack's first create fails: CloudFormation then
        deletes what it made, so a retry does not collide with a leftover table, queue or log group."""
        return RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE if self.retain_data else RemovalPolicy.DESTROY


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
    # 50 requests/s at ~40 ms per invocation is 2 concurrent; 10 each leaves room for cold starts.
    concurrency=Concurrency(
        reserved={FunctionName.AUTHORIZER: 10, FunctionName.INGEST: 10},
        worker_max=5,
        stream_parallelization=1,
    ),
    deployment=LambdaDeploymentConfig.ALL_AT_ONCE,
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
    # 500 requests/s x ~40 ms = 20 concurrent per function on the request path; reserved at 2.5x that.
    concurrency=Concurrency(
        reserved={FunctionName.AUTHORIZER: 50, FunctionName.INGEST: 50},
        worker_max=20,
        stream_parallelization=2,
    ),
    deployment=LambdaDeploymentConfig.ALL_AT_ONCE,
)

PROD = EnvironmentConfig(
    name="prod",
    event_ttl_days=30,
    shard_count=8,
    point_in_time_recovery_days=35,
    throttle=ApiThrottle(rate_limit=5000, burst_limit=HTTP_API_ACCOUNT_BURST),
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
    # 5,000 requests/s x ~40 ms (ingest's one or two DynamoDB writes; less for a cached authorizer decision)
    # is ~200 concurrent; 300 each leaves half as much again for cold starts and bcrypt on cache misses.
    # That leaves 400 of a default account to the other API functions, the dispatcher (shards x 4) and
    # the worker (at most 200: a slow subscriber holds one for its whole timeout, no more than 200 can).
    concurrency=Concurrency(
        reserved={FunctionName.AUTHORIZER: 300, FunctionName.INGEST: 300},
        worker_max=200,
        stream_parallelization=4,
    ),
    deployment=LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES,
)

ENVIRONMENTS: Mapping[str, EnvironmentConfig] = {config.name: config for config in (DEV, STAGING, PROD)}


def config_for(name: object) -> EnvironmentConfig:
    """The configuration named by ``-c env=…``; there is no default, so nothing deploys to the wrong place."""
    if not isinstance(name, str) or name not in ENVIRONMENTS:
        choices = "|".join(ENVIRONMENTS)
        raise ValueError(f"choose an environment with `-c env={choices}` (got {name!r})")
    return ENVIRONMENTS[name]
