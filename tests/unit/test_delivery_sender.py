"""The webhook sender over an in-memory network: where it connects (the address the SSRF policy
checked, never a second lookup's), what it tells TLS and HTTP (the URL's host), its one deadline per
attempt, its capped read, and how it reports what the subscriber did.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterable

import httpcore
import pytest
from triggers.delivery.sender import WebhookSender
from triggers.delivery.signing import new_signing_secret
from triggers.delivery.targets import TargetPolicy

SECRET = new_signing_secret()
BODY = b'{"event_id":"0190"}'
OK = [b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", b"{}"]


class RecordingStream(httpcore.NetworkStream):
    """Answers with ``chunks`` (one per read, after ``pause`` seconds) and keeps what was sent."""

    def __init__(self, chunks: Iterable[bytes], pause: float) -> None:
        self._chunks = iter(chunks)
        self._pause = pause
        self.reads = 0
        self.sent = b""
        self.tls_server_name: str | None = None

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.reads += 1
        time.sleep(self._pause)
        return next(self._chunks, b"")

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.sent += buffer

    def close(self) -> None:
        pass

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> RecordingStream:
        self.tls_server_name = server_hostname
        return self


class RecordingNetwork(httpcore.NetworkBackend):
    """Stands for the sockets: records every address it is asked to connect to."""

    def __init__(self, chunks: Iterable[bytes] = OK, pause: float = 0.0) -> None:
        self.connected: list[tuple[str, int]] = []
        self.stream = RecordingStream(chunks, pause)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        self.connected.append((host, port))
        return self.stream


class Lookups:
    """A resolver whose answers change from one lookup to the next (DNS rebinding)."""

    def __init__(self, *answers: list[str] | Exception) -> None:
        self._answers = list(answers)
        self.calls = 0

    def __call__(self, _host: str, _port: int) -> list[str]:
        answer = self._answers[min(self.calls, len(self._answers) - 1)]
        self.calls += 1
        if isinstance(answer, Exception):
            raise answer
        return answer


def sender(
    network: RecordingNetwork, lookups: Lookups, deadline: float = 5.0, cap: int = 1024, **policy: bool
) -> WebhookSender:
    return WebhookSender(TargetPolicy(resolver=lookups, **policy), deadline, cap, network=network)


def test_it_connects_to_the_address_it_checked_and_names_the_host_for_tls_and_http() -> None:
    network = RecordingNetwork()
    lookups = Lookups(["93.184.216.34"], ["127.0.0.1"])  # a second lookup would be rebound to loopback
    reply = sender(network, lookups).post("https://hooks.example.com/in?x=1", SECRET, "msg_1", BODY)
    assert reply.delivered, reply
    assert network.connected == [("93.184.216.34", 443)]
    assert lookups.calls == 1
    assert network.stream.tls_server_name == "hooks.example.com"  # SNI and certificate check
    request_head = network.stream.sent.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert request_head[0] == b"POST /in?x=1 HTTP/1.1"
    assert b"Host: hooks.example.com" in request_head
    assert b"webhook-id: msg_1" in request_head


@pytest.mark.parametrize(
    "address", ["10.0.0.7", "169.254.169.254", "::ffff:10.0.0.7", "64:ff9b::a9fe:a9fe", "2002:a00:1::1", "::127.0.0.1"]
)
def test_a_refused_address_is_never_connected_to(address: str) -> None:
    network = RecordingNetwork()
    reply = sender(network, Lookups([address])).post("https://hooks.example.com/", SECRET, "msg_1", BODY)
    assert reply.refused
    assert reply.status_code is None
    assert "private, loopback or link-local" in (reply.error or "")
    assert network.connected == []


@pytest.mark.parametrize(
    "url", ["http://hooks.example.com/", "https://user:pw@hooks.example.com/", "http://[::1/", "https:///x"]
)
def test_a_refused_url_is_never_looked_up(url: str) -> None:
    network, lookups = RecordingNetwork(), Lookups(["93.184.216.34"])
    reply = sender(network, lookups).post(url, SECRET, "msg_1", BODY)
    assert reply.refused
    assert (lookups.calls, network.connected) == (0, [])


def test_a_name_that_does_not_exist_is_refused_but_a_failing_lookup_is_not() -> None:
    missing = Lookups(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    assert sender(RecordingNetwork(), missing).post("https://gone.example.com/", SECRET, "m", BODY).refused
    flaky = Lookups(socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"))
    reply = sender(RecordingNetwork(), flaky).post("https://hooks.example.com/", SECRET, "m", BODY)
    assert not reply.refused
    assert (reply.status_code, reply.error) == (None, "target_url host could not be looked up right now, retry later")


def test_an_answer_dripped_a_byte_at_a_time_ends_at_the_deadline() -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    network = RecordingNetwork([answer[n : n + 1] for n in range(len(answer))], pause=0.05)
    reply = sender(network, Lookups(["93.184.216.34"]), deadline=0.4).post(
        "https://hooks.example.com/", SECRET, "m", BODY
    )
    assert (reply.status_code, reply.error) == (None, "no answer within 0.4 s")
    assert network.stream.reads < len(answer) / 2  # the per-read pauses alone would not have stopped it


def test_a_status_already_received_stands_when_the_body_outlasts_the_deadline() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
    network = RecordingNetwork([head, *[b"." for _ in range(1000)]], pause=0.02)
    reply = sender(network, Lookups(["93.184.216.34"]), deadline=0.3).post(
        "https://hooks.example.com/", SECRET, "m", BODY
    )
    assert reply.delivered
    assert 0 < len(reply.body_excerpt) < 1000


def test_the_response_body_is_read_only_up_to_the_cap() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n"  # 1 GiB announced
    network = RecordingNetwork([head, *(b"x" * 65536 for _ in range(16384))])
    reply = sender(network, Lookups(["93.184.216.34"]), cap=100_000).post(
        "https://hooks.example.com/", SECRET, "m", BODY
    )
    assert reply.delivered
    assert reply.body_excerpt == b"x" * 100_000
    assert network.stream.reads <= 4  # the head and two 64 KiB chunks, not a gigabyte


@pytest.mark.parametrize(
    ("status", "retry_after", "seconds"),
    [(429, "120", 120), (503, "86400", 86400), (429, "soon", None), (500, "120", None)],
)
def test_retry_after_is_read_from_429_and_503(status: int, retry_after: str, seconds: int | None) -> None:
    answer = f"HTTP/1.1 {status} X\r\nRetry-After: {retry_after}\r\nContent-Length: 0\r\n\r\n".encode()
    reply = sender(RecordingNetwork([answer]), Lookups(["93.184.216.34"])).post(
        "https://hooks.example.com/", SECRET, "m", BODY
    )
    assert (reply.status_code, reply.retry_after_seconds, reply.error) == (status, seconds, f"HTTP {status}")
    assert not reply.delivered
