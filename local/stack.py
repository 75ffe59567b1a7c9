"""The embedded local stack: AWS emulated by moto, the functions' environment, and the HTTP API.

Everything runs in one process. boto3 reaches moto through ``AWS_ENDPOINT_URL``, so the layer and
the handlers run unchanged. Background services start in order and stop in reverse; the
event-source pollers will join them the same way, between AWS and the API server.

A small state file (per API port, in the temp directory, never holding a key) tells
``triggers keys create`` where the running stack's AWS endpoint is.
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
from typing import Protocol, TypeVar

import boto3
from moto.server import ThreadedMotoServer
from triggers.auth.apikeys import Scope
from triggers.metric_names import NAMESPACE
from triggers.models import ApiKeyCreated, KeyCreateIn
from triggers.settings import KeysSettings, load_settings
from triggers.storage.audit import AuditLog
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.keys import KeyStore
from triggers.tables import TableName, physical_name

from local.aws import create_cursor_secret, create_tables

HOST = "127.0.0.1"
REGION = "us-east-1"
PREFIX = "triggers-local"
DEMO_TENANT = "demo"
DEFAULT_API_PORT = 8080
# The audit log's actor for keys made outside the API (the demo key, `triggers keys create`).
LOCAL_OPERATOR = "local-operator"

# Function settings the local stack chooses; anything already in the environment wins.
LOCAL_FUNCTION_DEFAULTS = {
    "POWERTOOLS_SERVICE_NAME": "triggers-local",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    # EMF lines on stdout mean nothing without CloudWatch; POWERTOOLS_METRICS_DISABLED=false shows them.
    "POWERTOOLS_METRICS_DISABLED": "true",
    "SHARD_COUNT": "4",
    # Local keys guard nothing; cheap hashing keeps key creation instant.
    "BCRYPT_ROUNDS": "4",
}


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
    pid: int

    @staticmethod
    def path_for(api_port: int) -> Path:
        return Path(tempfile.gettempdir()) / f"triggers-local-{api_port}.json"

    @classmethod
    def load(cls, api_port: int) -> StackState | None:
        path = cls.path_for(api_port)
        return cls(**json.loads(path.read_text())) if path.exists() else None

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


def configure_functions(resources: dict[str, str]) -> None:
    """The environment the CDK stacks give the functions: resource names plus local defaults."""
    for name, value in LOCAL_FUNCTION_DEFAULTS.items():
        os.environ.setdefault(name, value)
    os.environ.update(resources)
    os.environ["POWERTOOLS_METRICS_NAMESPACE"] = NAMESPACE
    os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"  # no X-Ray daemon to send segments to


def provision(prefix: str) -> dict[str, str]:
    """Creates the tables and the cursor secret; returns the environment variables naming them."""
    resources = create_tables(dynamodb_client(), prefix)
    resources.update(create_cursor_secret(boto3.client("secretsmanager"), prefix))
    return resources


def issue_key(state: StackState, tenant: str, scopes: list[Scope], name: str) -> ApiKeyCreated:
    """Creates a key outside the API, audited like one made through it."""
    client = dynamodb_client()  # the functions' client: bounded timeouts, so a dead stack fails fast
    keys = KeyStore(client, physical_name(state.prefix, TableName.API_KEYS))
    created = keys.create(tenant, KeyCreateIn(name=name, scopes=scopes), state.bcrypt_rounds)
    AuditLog(client, physical_name(state.prefix, TableName.AUDIT)).record(
        tenant, "key.created", created.key_id, LOCAL_OPERATOR
    )
    return created


@contextmanager
def running_stack(config: StackConfig) -> Iterator[RunningStack]:
    """Starts everything, yields the stack's state and demo key, and stops everything on exit."""
    _ensure_free(config.api_port, "TRIGGERS_PORT")
    _ensure_free(config.aws_port, "TRIGGERS_AWS_PORT")
    with ExitStack() as services:
        aws = _start(services, AwsEmulator(config.aws_port))
        use_aws_emulator(aws.endpoint)
        configure_functions(provision(PREFIX))

        # Function code reads its environment when imported, as in Lambda; the emulator shares the
        # functions' observability singletons, so it is imported only once the environment is set.
        from local.http_api import HttpApiEmulator
        from local.lambdas import FunctionRegistry
        from local.server import ApiServer

        api = _start(services, ApiServer(HttpApiEmulator(FunctionRegistry()), HOST, config.api_port))
        state = StackState(
            api_port=api.port,
            base_url=api.base_url,
            aws_endpoint=aws.endpoint,
            prefix=PREFIX,
            bcrypt_rounds=load_settings(KeysSettings).bcrypt_rounds,
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
