"""End-to-end fixtures: the real local stack (`triggers run`) in a subprocess, reached over HTTP.

Each xdist worker that runs e2e tests starts one stack; the tests share the ``e2e`` xdist group so
that ``--dist loadgroup`` gives them a single worker. The stack runs with
``AUTH_CACHE_TTL_SECONDS=0`` so a revoked key is refused on the very next request (the deployed
default caches decisions for 60 s), with ``POWERTOOLS_LOG_LEVEL=DEBUG`` so the no-secrets-in-logs
tests see everything the functions can log, and with ``RETRY_DELAYS_SECONDS=1,1`` so a failing
webhook reaches the dead-letter queue after three attempts in about two seconds.
"""

from __future__ import annotations

import re
import signal
import subprocess
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from local.receiver import FailurePlan, WebhookReceiver

from .helpers import KEY_PATTERN, LocalStack, stack_environment, start_stack, wait_for_banner


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    log_path = tmp_path_factory.mktemp("local-stack") / "stack.log"
    environment = stack_environment()
    process = start_stack(log_path, environment)
    try:
        banner = wait_for_banner(process, log_path)
        base_url = re.search(r"Triggers API local stack: (http://\S+)", banner)
        demo_key = KEY_PATTERN.search(banner)
        assert base_url, banner
        assert demo_key, banner
        port = base_url.group(1).rsplit(":", 1)[1]
        stack = LocalStack(
            base_url=base_url.group(1),
            demo_key=demo_key.group(0),
            environment={**environment, "TRIGGERS_PORT": port},  # how `triggers keys create` finds this stack
            log_path=log_path,
            startup_log_bytes=len(banner.encode()),
        )
        assert httpx.get(f"{stack.base_url}/v1/health").status_code == 200
        yield stack
    finally:
        process.send_signal(signal.SIGINT)
        try:
            returncode = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail("`triggers run` did not stop within 20s of SIGINT")
    assert returncode == 0, log_path.read_text(errors="replace")
    assert "Local stack stopped." in log_path.read_text()


def _client(stack: LocalStack, key: str | None = None, header: str = "authorization") -> httpx.Client:
    headers = {}
    if key is not None:
        headers[header] = f"Bearer {key}" if header == "authorization" else key
    return httpx.Client(base_url=stack.base_url, headers=headers, timeout=30)


@pytest.fixture(scope="session")
def client_for(local_stack: LocalStack) -> Iterator[Callable[..., httpx.Client]]:
    """Clients that present a key (``Authorization: Bearer`` unless ``header="x-api-key"``), closed at the end."""
    clients: list[httpx.Client] = []

    def make(key: str | None = None, header: str = "authorization") -> httpx.Client:
        clients.append(_client(local_stack, key, header))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def api(local_stack: LocalStack, client_for: Callable[..., httpx.Client]) -> httpx.Client:
    """The demo tenant, with every scope."""
    return client_for(local_stack.demo_key)


@pytest.fixture(scope="session")
def anonymous(client_for: Callable[..., httpx.Client]) -> httpx.Client:
    return client_for()


@pytest.fixture(scope="session")
def tenant_key(local_stack: LocalStack) -> Callable[..., str]:
    """A key for a fresh tenant, made with ``triggers keys create`` while the stack runs."""

    def create(prefix: str, scopes: str | None = None) -> str:
        tenant = f"{prefix}-{uuid.uuid4().hex[:8]}"
        result = local_stack.cli("keys", "create", "--tenant", tenant, *(["--scopes", scopes] if scopes else []))
        assert result.returncode == 0, result.stderr
        key = result.stdout.strip()
        assert KEY_PATTERN.fullmatch(key), result.stdout
        return key

    return create


@pytest.fixture
def start_receiver() -> Iterator[Callable[..., WebhookReceiver]]:
    """Starts webhook receivers on free ports; stops them after the test."""
    started: list[WebhookReceiver] = []

    def start(failure: FailurePlan | None = None) -> WebhookReceiver:
        receiver = WebhookReceiver(failure=failure)
        receiver.start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()
