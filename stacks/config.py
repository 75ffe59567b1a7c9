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
# DynamoDB's default maximum write units per second of one on-demand table (a quota).
DYNAMODB_TABLE_WRITE_UNITS = 40_000


@dataclass(frozen=True)
class AccountLimits:
    """What an environment needs of its account and region (Service Quotas; AWS's defaults unless raised).

    docs/operations.md ("Account limits") lists what to raise before deploying an environment that needs more.
    """

    lambda_concurrency: int = DEFAULT_ACCOUNT_CONCURRENCY
    http_api_rate: int = HTTP_API_ACCOUNT_RATE
    http_api_burst: int = HTTP_API_ACCOUNT_BURST
    dynamodb_table_write_units: int = DYNAMODB_TABLE_WRITE_UNITS

    @property
    def raised(self) -> bool:
        return self != AccountLimits()


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
    reserved shares the rest of the account. Sized by stacks/capacity.py to hold the environment's stage
    rate; dev and staging fit an account at Lambda's default limit, prod needs its ``account`` raised.
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
    # Lambda's own lines per invocation (START, END and REPORT at INFO; timeouts and crashes at WARN).
    platform_log_level: str
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
    account: AccountLimits = AccountLimits()

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
    platform_log_level="INFO",
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
    platform_log_level="INFO",
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
    # Five dispatcher batches per stream shard: a quiet table has one or two shards (stacks/capacity.py).
    concurrency=Concurrency(
        reserved={FunctionName.AUTHORIZER: 50, FunctionName.INGEST: 50},
        worker_max=20,
        stream_parallelization=5,
    ),
    deployment=LambdaDeploymentConfig.ALL_AT_ONCE,
)

PROD = EnvironmentConfig(
    name="prod",
    event_ttl_days=30,
    # 10,000 events/s from one tenant at 4 writes per event on its partition keys, each key at most 70% of
    # DynamoDB's 1,000 units/s: 58 shards (stacks/capacity.py). Fixed once the table holds events.
    shard_count=64,
    point_in_time_recovery_days=35,
    # The design's 10,000 single-event POSTs a second and 20% more; the account's throttle is raised to match.
    throttle=ApiThrottle(rate_limit=12_000, burst_limit=12_000),
    auth_cache_ttl_seconds=60,
    default_rate_limit_per_second=1000,
    bcrypt_rounds=12,
    delivery_retention=Duration.days(14),
    log_level="INFO",
    # Three lines per invocation, two invocations per request: a seventh of an event's cost at 10,000 a
    # second. Durations and memory are in the Lambda metrics; timeouts and crashes (WARN) are still logged.
    platform_log_level="WARN",
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
    # Sized by stacks/capacity.py for 10,000 events/s at 70% of each limit: the request path reserves its
    # own (authorizer ~30 ms, ingest ~40 ms an invocation); 40 stream shards x 5 batches; the worker at
    # most 400 (batches of 10 delivered side by side, a subscriber answering in ~200 ms). An account at
    # AWS's defaults cannot hold this: `account` says what to raise (docs/operations.md).
    concurrency=Concurrency(
        reserved={FunctionName.AUTHORIZER: 450, FunctionName.INGEST: 600},
        worker_max=400,
        stream_parallelization=5,
    ),
    deployment=LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES,
    snap_start=True,
    account=AccountLimits(
        lambda_concurrency=3_000,
        http_api_rate=12_000,
        http_api_burst=12_000,
        dynamodb_table_write_units=60_000,
    ),
)

ENVIRONMENTS: Mapping[str, EnvironmentConfig] = {config.name: config for config in (DEV, STAGING, PROD)}


def config_for(name: object) -> EnvironmentConfig:
    """The configuration named by ``-c env=…``; there is no default, so nothing deploys to the wrong place."""
    if not isinstance(name, str) or name not in ENVIRONMENTS:
        choices = "|".join(ENVIRONMENTS)
        raise ValueError(f"choose an environment with `-c env={choices}` (got {name!r})")
    return ENVIRONMENTS[name]
