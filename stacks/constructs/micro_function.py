"""One construct builds every micro-function, so they differ only in what the stacks say: name, settings, grants.

Every function is reached through its ``live`` alias (API routes, the authorizer and the event source
mappings alike), and CodeDeploy moves that alias to each new version the way the environment says
(``EnvironmentConfig.deployment``), rolling it back when the new version's own errors or p99 duration
alarm fires. Published versions are also what SnapStart needs (``EnvironmentConfig.snap_start``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from aws_cdk import AssetHashType, Aws, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from triggers.metric_names import NAMESPACE, SERVICE_DIMENSION
from triggers.routes import FunctionName
from triggers.settings import FunctionSettings

from stacks.config import EnvironmentConfig
from stacks.layer_bundle import ARCHITECTURE, PYTHON_VERSION, REPO_ROOT, RUNTIME, LayerBundle
from stacks.nag import acknowledge
from stacks.runbook import Runbook

FUNCTIONS_DIR = REPO_ROOT / "functions"
HANDLER = "handler.lambda_handler"
DEFAULT_TIMEOUT = Duration.seconds(10)  # well inside API Gateway's 30 s integration timeout
LIVE_ALIAS = "live"
# Release alarms judge a new version minute by minute: a canary lasts minutes, not hours.
RELEASE_ALARM_PERIOD = Duration.minutes(1)
CODEDEPLOY_LAMBDA_POLICY = "service-role/AWSCodeDeployRoleForLambdaLimited"


@dataclass(frozen=True)
class TableAccess:
    """What one function may do to one table: these item actions on the table, Query on these indexes only."""

    table: dynamodb.ITable
    actions: tuple[str, ...] = ()  # e.g. ("GetItem", "PutItem")
    query_indexes: tuple[str, ...] = ()


def common_layer(scope: Construct, config: EnvironmentConfig, bundle: LayerBundle) -> lambda_.LayerVersion:
    """The ``triggers`` package and its pinned dependencies, for the functions of one stack."""
    return lambda_.LayerVersion(
        scope,
        "CommonLayer",
        layer_version_name=f"{config.prefix}-common",
        description=f"triggers package and its pinned dependencies ({bundle.digest})",
        # The digest already covers every input; CDK need not hash 20 MB of wheels again on each synth.
        code=lambda_.Code.from_asset(str(bundle.path), asset_hash=bundle.digest, asset_hash_type=AssetHashType.CUSTOM),
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
    )


def settings_environment(settings: FunctionSettings) -> dict[str, str]:
    """The inverse of ``load_settings``: each field as its upper-case environment variable."""
    return {field.upper(): str(value) for field, value in settings.model_dump().items()}


class Releases(Construct):
    """One CodeDeploy application per stack, and the one role CodeDeploy uses to shift its functions' aliases."""

    ID = "Releases"

    @classmethod
    def of(cls, scope: Construct) -> Releases:
        stack = Stack.of(scope)
        existing = stack.node.try_find_child(cls.ID)
        return existing if isinstance(existing, Releases) else cls(stack)

    def __init__(self, stack: Stack) -> None:
        super().__init__(stack, self.ID)
        self.application = codedeploy.LambdaApplication(self, "Application", application_name=stack.stack_name)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("codedeploy.amazonaws.com"),
            description=f"CodeDeploy: shifts the live aliases of {stack.stack_name} and reads their alarms",
        )
        acknowledge(
            self.role,
            "AwsSolutions-IAM4",
            "AWS's own policy for CodeDeploy Lambda deployments: reads alarms, reads and updates aliases, "
            "invokes only CodeDeployHook_* functions; it follows whatever CodeDeploy needs next",
            finding=f"Policy::arn:<AWS::Partition>:iam::aws:policy/{CODEDEPLOY_LAMBDA_POLICY}",
        )


class MicroFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        function: FunctionName,
        *,
        config: EnvironmentConfig,
        layer: lambda_.ILayerVersion,
        settings: FunctionSettings,
        tables: Sequence[TableAccess] = (),
        secrets: Sequence[secretsmanager.ISecret] = (),
        sends_to: Sequence[sqs.IQueue] = (),
        memory_size: int = 512,
        timeout: Duration = DEFAULT_TIMEOUT,
        duration_budget: Duration | None = None,
    ) -> None:
        """``duration_budget``: a new version whose p99 duration goes above it is rolled back (default: 80%
        of the timeout, i.e. a release that brings the function close to timing out)."""
        super().__init__(scope, f"{function.value.capitalize()}Function")
        self.logical_name = function
        self.name = f"{config.prefix}-{function.value}"
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{self.name}: only the grants its routes need",
        )
        log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{self.name}",
            retention=config.log_retention,
            removal_policy=config.removal_policy,
        )
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=self.name,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=HANDLER,
            code=lambda_.Code.from_asset(str(FUNCTIONS_DIR / function.value), exclude=["__pycache__", "*.pyc"]),
            layers=[layer],
            role=self.role,
            log_group=log_group,
            # JSON, so that Lambda filters by level: the function's own lines at its log level, and its
            # platform lines (START, END, REPORT) only where the environment keeps them.
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel[config.log_level],
            system_log_level_v2=lambda_.SystemLogLevel[config.platform_log_level],
            memory_size=memory_size,
            timeout=timeout,
            reserved_concurrent_executions=config.concurrency.reserved.get(function),
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if config.snap_start else None,
            environment={
                "POWERTOOLS_SERVICE_NAME": f"{SERVICE_DIMENSION}-{function.value}",
                "POWERTOOLS_METRICS_NAMESPACE": NAMESPACE,
                "POWERTOOLS_LOG_LEVEL": config.log_level,
                **settings_environment(settings),
            },
        )
        self._trace()
        self.alias = lambda_.Alias(self, "Live", alias_name=LIVE_ALIAS, version=self.function.current_version)
        self._release_by_codedeploy(config, duration_budget or Duration.millis(timeout.to_milliseconds() * 0.8))
        log_group.grant_write(self.role)
        for access in tables:
            self._grant_table(access)
        for secret in secrets:
            self._grant_secret(secret)
        for queue in sends_to:
            self._grant_send(queue)
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            f"Pinned to Python {PYTHON_VERSION}: the common layer's compiled wheels are built for exactly this "
            "version (stacks/layer_bundle.py), so runtime and layer move together",
        )

    def _release_by_codedeploy(self, config: EnvironmentConfig, duration_budget: Duration) -> None:
        """The deployment group that moves the alias, and the alarms on the new version that roll it back."""
        thresholds = config.alarms
        self.release_alarms = [
            # Any bad minute: a new version's crashes show at once.
            self._release_alarm("Errors", "Sum", thresholds.function_errors, "errors", datapoints=1),
            # Two slow minutes: the first invocations of a version are cold and few.
            self._release_alarm(
                "Duration", "p99", duration_budget.to_milliseconds(), "p99 duration (ms)", datapoints=2
            ),
        ]
        # The alarms watch the new version before the alias starts moving to it.
        self.alias.node.add_dependency(*self.release_alarms)
        releases = Releases.of(self)
        codedeploy.LambdaDeploymentGroup(
            self,
            "Deployment",
            application=releases.application,
            deployment_group_name=self.name,
            alias=self.alias,
            deployment_config=config.deployment,
            alarms=self.release_alarms,
            role=releases.role,
            auto_rollback=codedeploy.AutoRollbackConfig(failed_deployment=True, deployment_in_alarm=True),
        )

    def _release_alarm(
        self, metric_name: str, statistic: str, threshold: float, what: str, *, datapoints: int
    ) -> cloudwatch.Alarm:
        """An alarm on the version the alias is moving to, and only on it: invocations through the alias carry
        the version that ran them (``ExecutedVersion``), so a fault of the old version cannot block its fix.
        It notifies nobody: CodeDeploy rolls back and the failed deploy is the deployer's to read."""
        version = self.function.current_version
        metric = cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name=metric_name,
            dimensions_map={
                "FunctionName": self.function.function_name,
                "Resource": f"{self.function.function_name}:{LIVE_ALIAS}",
                "ExecutedVersion": version.version,
            },
            statistic=statistic,
            period=RELEASE_ALARM_PERIOD,
        )
        subject = f"{self.name} new version {what}"
        return cloudwatch.Alarm(
            self,
            f"Release{metric_name}",
            alarm_name=f"{self.name} release {what}",
            alarm_description=f"{subject} above {threshold:g}: CodeDeploy rolls the release back. "
            f"{Runbook.RELEASES.link()}",
            metric=metric,
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=2,
            datapoints_to_alarm=datapoints,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

    def _trace(self) -> None:
        """Active X-Ray tracing, with its grant in a policy of its own.

        ``tracing=ACTIVE`` would put X-Ray's unavoidable ``Resource: *`` into the role's default policy,
        where acknowledging it to cdk-nag would also hide any other wildcard granted there later.
        """
        cfn_function = cast(lambda_.CfnFunction, self.function.node.default_child)
        cfn_function.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
        tracing = iam.Policy(
            self,
            "TracingPolicy",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"])
            ],
        )
        self.function.node.add_dependency(tracing)
        acknowledge(
            tracing,
            "AwsSolutions-IAM5",
            "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions",
            finding="Resource::*",
        )

    def _grant_table(self, access: TableAccess) -> None:
        table_arn = access.table.table_arn
        if access.actions:
            self.role.add_to_principal_policy(
                iam.PolicyStatement(actions=[f"dynamodb:{action}" for action in access.actions], resources=[table_arn])
            )
        if access.query_indexes:
            self.role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=["dynamodb:Query"],
                    resources=[f"{table_arn}/index/{index}" for index in access.query_indexes],
                )
            )
        if access.table.encryption_key is not None:
            self._allow_key_via(access.table.encryption_key, "dynamodb")

    def _grant_secret(self, secret: secretsmanager.ISecret) -> None:
        # Not secret.grant_read: that also edits the key policy in the data stack, a reference back to this role.
        self.role.add_to_principal_policy(
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[secret.secret_arn])
        )
        if secret.encryption_key is not None:
            self._allow_key_via(secret.encryption_key, "secretsmanager")

    def _grant_send(self, queue: sqs.IQueue) -> None:
        self.role.add_to_principal_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[queue.queue_arn]))
        if queue.encryption_master_key is not None:
            # A producer makes the data key that encrypts its messages.
            self._allow_key_via(queue.encryption_master_key, "sqs", "kms:GenerateDataKey")

    def _allow_key_via(self, key: kms.IKey, service: str, *actions: str) -> None:
        """The service uses the key on the caller's behalf; the caller may use the key for nothing else."""
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:DescribeKey", *actions],
                resources=[key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"{service}.{Aws.REGION}.amazonaws.com"}},
            )
        )
