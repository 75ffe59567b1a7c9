"""The embedded local stack: AWS emulated by moto, the functions' environment, and the HTTP API.

Everything runs in one process. boto3 reaches moto through ``AWS_ENDPOINT_URL``, so the layer and
the handlers run unchanged. Background services start in order and stop in reverse: AWS, then the
event-source pollers that feed the dispatcher and the worker, then the API server.

A small state file (per API port, in the temp directory, never holding a key) tells the ``triggers``
commands where a running stack is: its API port, and for ``keys create --tenant`` and ``dlq redrive``
its AWS resources. So no command assumes port 8080: without ``TRIGGERS_PORT`` they find the stack
running on this machine.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import boto3
from moto.server import ThreadedMotoServer
from triggers.auth.apikeys import Scope
from triggers.auth.authorizer import Principal
from triggers.delivery.schedule import RetrySchedule
from triggers.metric_names import NAMESPACE
from triggers.models import ApiKeyCreated, AuditAction
from triggers.routes import FunctionName
from triggers.settings import KeysSettings, WorkerSettings, load_settings
from triggers.storage.audit import AuditLog
from triggers.storage.dynamo import client_config, dynamodb_client
from triggers.storage.keys import KeyStore, KeyTerms
from triggers.tables import TableName, physical_name

from local.aws import create_cursor_secret, create_queues, create_tables

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from local.lambdas import FunctionRegistry

HOST = "127.0.0.1"
REGION = "us-east-1"
PREFIX = "triggers-local"
DEMO_TENANT = "demo"
DEFAULT_API_PORT = 8080
_STATE_FILE_PREFIX = "triggers-local-"
# The audit log's actor for keys made outside the API (the demo key, `triggers keys create`).
LOCAL_OPERATOR = "local-operator"

# Function settings the local stack chooses; anything already in the environment wins.
LOCAL_FUNCTION_DEFAULTS = {
    "POWERTOOLS_SERVICE_NAME": "triggers-local",
    # INFO: a line per accepted event, scheduled retry and abandoned delivery; dead letters are WARNING,
    # faults ERROR with a stack trace.
    "POWERTOOLS_LOG_LEVEL": "INFO",
    # EMF lines on stdout mean nothing without CloudWatch; POWERTOOLS_METRICS_DISABLED=false shows them.
    "POWERTOOLS_METRICS_DISABLED": "true",
    "SHARD_COUNT": "4",
    # Local keys guard nothing; cheap hashing keeps key creation instant.
    "BCRYPT_ROUNDS": "4",
    # A failing receiver reaches the DLQ in seconds instead of the deployed schedule's day and a half.
    "RETRY_DELAYS_SECONDS": "1,2,4",
    # Local receivers listen on http://127.0.0.1; deployed stacks accept only public https targets.
    "ALLOW_HTTP_TARGETS": "true",
    "ALLOW_LOOPBACK_TARGETS": "true",
}
# A delivery whose invocation crashed comes back this soon; each retry sets its own visibility timeout.
LOCAL_VISIBILITY_TIMEOUT_SECONDS = 5


class BackgroundService(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


S = TypeVar("S", bound=BackgroundService)


@dataclass(frozen=True)
class StackConfig:
    api_port: int = DEFAULT_API_PORT
    aws_port: int = 0  # 0: any free port

    @classmethod
    def from_environment(cls) -> StackConfig:
        return cls(
            api_port=_port_from_environment("TRIGGERS_PORT", DEFAULT_API_PORT),
            aws_port=_port_from_environment("TRIGGERS_AWS_PORT", 0),
        )


class PortInUse(Exception):
    def __init__(self, port: int, variable: str) -> None:
        super().__init__(f"port {port} is in use; set {variable} to use another one")


def _ensure_free(port: int, variable: str) -> None:
    """Fails fast and clearly: on a taken port werkzeug exits the process, and moto's thread would hang."""
    if port == 0:
        return
    try:
        with socket.create_server((HOST, port)):
            pass
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(port, variable) from error
        raise


class NoLocalStack(Exception):
    """No running local stack to talk to, or several and none chosen."""


def configured_api_port() -> int | None:
    """``TRIGGERS_PORT`` when it names a port; None when it is unset, or 0 (which asks ``run`` for any free port)."""
    return _port_from_environment("TRIGGERS_PORT", 0) or None


def find_running_stack(api_port: int | None) -> StackState:
    """The stack running on ``api_port``, or when None, the only stack running on this machine."""
    if api_port is not None:
        state = StackState.load(api_port)
        if state is None or not state.alive:
            raise NoLocalStack(
                f"no local stack is running on port {api_port} (TRIGGERS_PORT); start one with `make run`"
            )
        return state
    running = StackState.running()
    if not running:
        raise NoLocalStack("no local stack is running on this machine; start one with `make run`")
    if len(running) > 1:
        ports = ", ".join(str(state.api_port) for state in running)
        raise NoLocalStack(f"local stacks are running on ports {ports}: set TRIGGERS_PORT to choose one")
    return running[0]


def _port_from_environment(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) > 65535:
        raise ValueError(f"{name} must be a port number, not {value!r}")
    return int(value)


@dataclass(frozen=True)
class StackState:
    """What another process needs to reach a running stack. Never holds a key or secret."""

    api_port: int
    base_url: str
    aws_endpoint: str
    prefix: str
    bcrypt_rounds: int
    delivery_queue_url: str
    dead_letter_queue_url: str
    pid: int

    @staticmethod
    def path_for(api_port: int) -> Path:
        return Path(tempfile.gettempdir()) / f"{_STATE_FILE_PREFIX}{api_port}.json"

    @classmethod
    def load(cls, api_port: int) -> StackState | None:
        return cls._read(cls.path_for(api_port))

    @classmethod
    def running(cls) -> list[StackState]:
        """Every stack whose state file is here and whose process still runs, by port."""
        found = (cls._read(path) for path in Path(tempfile.gettempdir()).glob(f"{_STATE_FILE_PREFIX}*.json"))
        return sorted((state for state in found if state is not None and state.alive), key=lambda s: s.api_port)

    @classmethod
    def _read(cls, path: Path) -> StackState | None:
        try:
            return cls(**json.loads(path.read_text()))
        except FileNotFoundError:
            return None
        except (TypeError, ValueError):  # another version of the stack wrote it, or it is half-written
            return None

    @property
    def alive(self) -> bool:
        """Whether the process that wrote this still runs: a stack killed outright leaves its file behind."""
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # it runs, as another user
            return True
        return True

    def save(self) -> None:
        self.path_for(self.api_port).write_text(json.dumps(asdict(self), indent=2))

    def remove(self) -> None:
        path = self.path_for(self.api_port)
        if StackState.load(self.api_port) == self:  # another stack may have taken the port since
            path.unlink()


@dataclass(frozen=True)
class RunningStack:
    state: StackState
    demo_key: str


class AwsEmulator:
    """moto's server on a loopback port: the AWS every boto3 client of the local stack talks to."""

    def __init__(self, port: int) -> None:
        self._server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)

    @property
    def endpoint(self) -> str:
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()


def use_aws_emulator(endpoint: str) -> None:
    """Points every boto3 client in this process at the emulator, and never at real AWS."""
    for name in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL_")]:
        del os.environ[name]  # a service-specific endpoint would win over AWS_ENDPOINT_URL
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            # A developer's ~/.aws files (profiles, ignore_configured_endpoint_urls) must not apply here.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
    )


def configure_functions() -> None:
    """The settings the CDK stacks give the functions, besides resource names, with local defaults."""
    for name, value in LOCAL_FUNCTION_DEFAULTS.items():
        os.environ.setdefault(name, value)
    os.environ["POWERTOOLS_METRICS_NAMESPACE"] = NAMESPACE
    os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"  # no X-Ray daemon to send segments to


def provision(prefix: str) -> None:
    """Creates the tables, the cursor secret and the delivery queues, and names them in the functions' environment."""
    os.environ.update(create_tables(dynamodb_client(), prefix))
    os.environ.update(create_cursor_secret(boto3.client("secretsmanager"), prefix))
    queues = create_queues(boto3.client("sqs"), prefix, _worker_retry_schedule(), LOCAL_VISIBILITY_TIMEOUT_SECONDS)
    os.environ.update(queues)


def _worker_retry_schedule() -> RetrySchedule:
    """The schedule the worker will run with, read and checked by its own settings model.

    The delivery queue's redrive policy depends on it, so it is read before the queues exist: their
    URLs are the only settings still missing, and the schedule does not depend on them.
    """
    environment = {name.lower(): value for name, value in os.environ.items()}
    queues_to_come = dict.fromkeys(("delivery_queue_url", "dead_letter_queue_url"), "")
    return RetrySchedule(WorkerSettings.model_validate(environment | queues_to_come).retry_delays)


def delivery_pollers(functions: FunctionRegistry) -> list[BackgroundService]:
    """Lambda's event source mappings: the events table's stream → dispatcher, the delivery queue → worker.

    They invoke through the API's registry, so no invocation ever overlaps another (see FunctionRegistry).
    """
    # Imported late, like the emulator: the pollers log with the functions' logger.
    from local.pollers import QueuePoller, StreamPoller

    stream_arn = dynamodb_client().describe_table(TableName=os.environ["EVENTS_TABLE"])["Table"]["LatestStreamArn"]
    return [
        StreamPoller(
            boto3.client("dynamodbstreams", config=client_config()),
            stream_arn,
            lambda event: functions.invoke(FunctionName.DISPATCHER, event),
        ),
        QueuePoller(
            boto3.client("sqs", config=client_config()),
            os.environ["DELIVERY_QUEUE_URL"],
            lambda event: functions.invoke(FunctionName.WORKER, event),
        ),
    ]


def issue_key(state: StackState, tenant: str, scopes: list[Scope], name: str) -> ApiKeyCreated:
    """Creates a key in the running stack (the demo key, `triggers keys create`)."""
    client = dynamodb_client()  # the functions' client: bounded timeouts, so a dead stack fails fast
    terms = KeyTerms(name, frozenset(scopes))
    return create_key_outside_the_api(client, state.prefix, tenant, terms, state.bcrypt_rounds, LOCAL_OPERATOR)


def create_key_outside_the_api(
    client: DynamoDBClient, prefix: str, tenant: str, terms: KeyTerms, bcrypt_rounds: int, actor: str
) -> ApiKeyCreated:
    """Writes a key into the prefix's tables, audited like one made through the API (also used against AWS)."""
    created = KeyStore(client, physical_name(prefix, TableName.API_KEYS)).create(tenant, terms, bcrypt_rounds)
    operator = Principal(tenant_id=tenant, key_id=actor, scopes=frozenset())
    AuditLog(client, physical_name(prefix, TableName.AUDIT)).record(operator, AuditAction.KEY_CREATED, created.key_id)
    return created


@contextmanager
def running_stack(config: StackConfig) -> Iterator[RunningStack]:
    """Starts everything, yields the stack's state and demo key, and stops everything on exit."""
    _ensure_free(config.api_port, "TRIGGERS_PORT")
    _ensure_free(config.aws_port, "TRIGGERS_AWS_PORT")
    with ExitStack() as services:
        aws = _start(services, AwsEmulator(config.aws_port))
        use_aws_emulator(aws.endpoint)
        configure_functions()
        provision(PREFIX)

        # Function code reads its environment when imported, as in Lambda; the emulator shares the
        # functions' observability singletons, so it is imported only once the environment is set.
        from local.http_api import HttpApiEmulator
        from local.lambdas import FunctionRegistry
        from local.server import ApiServer

        functions = FunctionRegistry()
        for poller in delivery_pollers(functions):
            _start(services, poller)
        api = _start(services, ApiServer(HttpApiEmulator(functions), HOST, config.api_port))
        state = StackState(
            api_port=api.port,
            base_url=api.base_url,
            aws_endpoint=aws.endpoint,
            prefix=PREFIX,
            bcrypt_rounds=load_settings(KeysSettings).bcrypt_rounds,
            delivery_queue_url=os.environ["DELIVERY_QUEUE_URL"],
            dead_letter_queue_url=os.environ["DEAD_LETTER_QUEUE_URL"],
            pid=os.getpid(),
        )
        demo_key = issue_key(state, DEMO_TENANT, list(Scope), "local demo key").key
        state.save()
        services.callback(state.remove)
        yield RunningStack(state, demo_key)


def _start(services: ExitStack, service: S) -> S:
    service.start()
    services.callback(service.stop)
    return service
