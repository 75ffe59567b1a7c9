"""Integration fixtures: real handlers, real API Gateway v2 events, AWS emulated by moto in-process."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from moto import mock_aws
from triggers.auth.apikeys import Scope
from triggers.delivery.schedule import RetrySchedule
from triggers.storage.keys import KeyStore, KeyTerms

from local.aws import create_cursor_secret, create_queues, create_tables
from local.gateway_events import HttpRequest
from local.http_api import HttpApiEmulator, HttpResponse
from local.lambdas import FunctionRegistry

ALL_SCOPES = list(Scope)


@pytest.fixture
def aws() -> Iterator[None]:
    """A fresh moto account per test with every table and the cursor secret, as the stacks create them."""
    with mock_aws():
        create_tables(boto3.client("dynamodb"), "test")
        secret_env = create_cursor_secret(boto3.client("secretsmanager"), "test")
        assert secret_env["CURSOR_SECRET_NAME"] == os.environ["CURSOR_SECRET_NAME"]
        queues = create_queues(boto3.client("sqs"), "test", RetrySchedule((1, 1)), visibility_timeout_seconds=1)
        assert all(os.environ[name] == url for name, url in queues.items())
        yield
        _reset_warm_state()


def _reset_warm_state() -> None:
    """Forget cached clients and collaborators: each test is a new set of cold containers."""
    import importlib

    from triggers.storage.dynamo import dynamodb_client, sqs_client

    dynamodb_client.cache_clear()
    sqs_client.cache_clear()
    for name in ("authorizer", "ingest", "inbox", "ack", "keys", "subscriptions", "dispatcher", "worker"):
        module = importlib.import_module(f"functions.{name}.handler")
        for attr in vars(module).values():
            if hasattr(attr, "cache_clear") and getattr(attr, "__module__", "") == module.__name__:
                attr.cache_clear()


class ApiClient:
    """Sends requests through the API Gateway emulator, as a client would over HTTP."""

    def __init__(self, gateway: HttpApiEmulator, key: str | None = None) -> None:
        self.gateway = gateway
        self.key = key

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: str = "",
        headers: dict[str, str] | None = None,
        raw_body: bytes | None = None,
        key: str | None = None,
    ) -> HttpResponse:
        all_headers = {"content-type": "application/json"} if body is not None else {}
        if (key or self.key) is not None:
            all_headers["authorization"] = f"Bearer {key or self.key}"
        all_headers.update(headers or {})
        payload = raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else None)
        return self.gateway.handle(HttpRequest(method, path, all_headers, query, payload))

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("POST", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("DELETE", path, **kwargs)


def issue_key(tenant: str, scopes: list[Scope] | None = None, **extra: Any) -> str:
    store = KeyStore(boto3.client("dynamodb"), os.environ["API_KEYS_TABLE"])
    terms = KeyTerms(name=f"{tenant} test key", scopes=frozenset(scopes or ALL_SCOPES), **extra)
    return store.create(tenant, terms, bcrypt_rounds=4).key


@pytest.fixture
def gateway(aws: None) -> HttpApiEmulator:
    return HttpApiEmulator(FunctionRegistry())


@pytest.fixture
def api(gateway: HttpApiEmulator) -> ApiClient:
    return ApiClient(gateway, issue_key("acme"))


@pytest.fixture
def other_tenant(gateway: HttpApiEmulator) -> ApiClient:
    return ApiClient(gateway, issue_key("globex"))


class AwsCalls:
    """Records every AWS API operation the code under test makes (e.g. ``PutItem``)."""

    WRITES = frozenset({"PutItem", "BatchWriteItem", "UpdateItem", "DeleteItem", "TransactWriteItems"})

    def __init__(self) -> None:
        self.operations: list[str] = []

    def clear(self) -> None:
        self.operations.clear()

    def writes(self) -> list[str]:
        return [operation for operation in self.operations if operation in self.WRITES]


@pytest.fixture
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> AwsCalls:
    calls = AwsCalls()
    real = BaseClient._make_api_call

    def recording(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls.operations.append(operation_name)
        return real(client, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return calls


def event_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"event_type": "order.created", "payload": {"order_id": "o-1", "total": 42.5}}
    body.update(overrides)
    return body
