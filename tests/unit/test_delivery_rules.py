"""Pure delivery rules: signatures, SSRF policy, retry schedule, subscription patterns, stream filter."""

from __future__ import annotations

import ipaddress
import socket
import threading
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook
from triggers.delivery.dispatch import dispatchable
from triggers.delivery.schedule import DEFAULT_RETRY_DELAYS_SECONDS, LONGEST_RETRY_AFTER_SECONDS, RetrySchedule
from triggers.delivery.sender import parse_retry_after
from triggers.delivery.signing import new_signing_secret, webhook_headers
from triggers.delivery.targets import TargetLookupFailed, TargetPolicy, TargetRefused, embedded_ipv4
from triggers.models import pattern_matches


@given(text=st.text(max_size=2048), webhook_id=st.text(alphabet="abcdef0123456789_", min_size=1, max_size=60))
def test_signatures_verify_with_the_standard_webhooks_library(text: str, webhook_id: str) -> None:
    body = text.encode()  # webhook bodies are UTF-8 JSON
    secret = new_signing_secret()
    timestamp = int(datetime.now(UTC).timestamp())
    headers = webhook_headers(secret, webhook_id, timestamp, body)
    Webhook(secret).verify(body, headers | {"webhook-id": webhook_id}, json_parse=False)


def fixed(*addresses: str) -> TargetPolicy:
    return TargetPolicy(resolver=lambda _host, _port: list(addresses))


@pytest.mark.parametrize(
    "address",
    ["10.0.0.5", "172.16.3.4", "192.168.1.1", "127.0.0.1", "169.254.169.254", "0.0.0.0", "::1", "fe80::1",
     "fd00::1", "224.0.0.1", "100.64.0.1", "::ffff:10.0.0.1"],
)  # fmt: skip
def test_private_loopback_and_link_local_targets_are_refused(address: str) -> None:
    with pytest.raises(TargetRefused, match="private, loopback or link-local"):
        fixed(address).check("https://hooks.example.com/in")


# IPv4 addresses no webhook may reach, one from each kind of range.
NON_PUBLIC_IPV4 = ["10.1.2.3", "172.31.0.9", "192.168.0.1", "127.0.0.1", "127.9.9.9", "169.254.169.254", "0.0.0.0",
                   "100.64.0.1", "192.0.0.8", "198.18.0.1", "224.0.0.251", "240.0.0.1", "255.255.255.255"]  # fmt: skip
PUBLIC_IPV4 = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "52.94.236.248"]


def _v4(address: str) -> int:
    return int(ipaddress.IPv4Address(address))


# Every IPv6 form that carries an IPv4 address, as a function of that address.
EMBEDDINGS = {
    "ipv4-mapped ::ffff:0:0/96": lambda v4: ipaddress.IPv6Address((0xFFFF << 32) | _v4(v4)),
    "ipv4-compatible ::/96": lambda v4: ipaddress.IPv6Address(_v4(v4)),
    "siit ::ffff:0:0:0/96": lambda v4: ipaddress.IPv6Address((0xFFFF << 48) | _v4(v4)),
    "nat64 64:ff9b::/96": lambda v4: ipaddress.IPv6Address((0x64FF9B << 96) | _v4(v4)),
    "6to4 2002::/16": lambda v4: ipaddress.IPv6Address((0x2002 << 112) | (_v4(v4) << 80) | 1),
    # Teredo: server 65.54.227.120, the client's address stored inverted in the last 32 bits.
    "teredo 2001::/32": lambda v4: ipaddress.IPv6Address(
        (0x20010000 << 96) | (_v4("65.54.227.120") << 64) | (0x8000 << 48) | (_v4(v4) ^ 0xFFFFFFFF)
    ),
}


@given(form=st.sampled_from(sorted(EMBEDDINGS)), ipv4=st.sampled_from(NON_PUBLIC_IPV4))
def test_ipv6_forms_carrying_a_non_public_ipv4_address_are_refused(form: str, ipv4: str) -> None:
    address = EMBEDDINGS[form](ipv4)
    if str(address) not in {"::", "::1"}:  # IPv4-compatible 0.0.0.0 and 0.0.0.1 are IPv6's own
        assert ipv4 in {str(carried) for carried in embedded_ipv4(address)}
    with pytest.raises(TargetRefused, match="private, loopback or link-local"):
        fixed(str(address)).check("https://hooks.example.com/in")


@pytest.mark.parametrize("form", ["ipv4-mapped ::ffff:0:0/96", "nat64 64:ff9b::/96", "6to4 2002::/16"])
@pytest.mark.parametrize("ipv4", PUBLIC_IPV4)
def test_ipv6_forms_carrying_a_public_ipv4_address_are_allowed(form: str, ipv4: str) -> None:
    fixed(str(EMBEDDINGS[form](ipv4))).check("https://hooks.example.com/in")


@pytest.mark.parametrize(
    "address", ["64:ff9b:1::808:808", "64:ff9b:1:abcd::a00:1", "2001:0:4136:e378:8000:63bf:a3fe:fdd2"]
)
def test_local_use_nat64_and_teredo_addresses_are_refused_whatever_they_carry(address: str) -> None:
    with pytest.raises(TargetRefused):
        fixed(address).check("https://hooks.example.com/in")


def test_loopback_carried_in_ipv6_counts_as_loopback() -> None:
    local = TargetPolicy(allow_http=True, allow_loopback=True, resolver=lambda _h, _p: ["::ffff:127.0.0.1"])
    local.check("http://hooks.example.com/")
    with pytest.raises(TargetRefused):
        fixed("::ffff:127.0.0.1").check("https://hooks.example.com/")


def test_a_public_name_that_resolves_to_a_private_address_is_refused() -> None:
    with pytest.raises(TargetRefused):
        fixed("93.184.216.34", "10.1.2.3").check("https://rebinding.example.com/")


def test_public_https_targets_are_allowed() -> None:
    fixed("93.184.216.34").check("https://hooks.example.com/in")
    fixed("2606:4700::1111").check("https://hooks.example.com:8443/in")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/", "must use https"),
        ("ftp://hooks.example.com/", "must use https"),
        ("https:///nohost", "no host"),
        ("https://user:pw@hooks.example.com/", "credentials"),
        ("https://hooks.example.com:99999/", "invalid port"),
        ("http://[::1/", "not a valid URL"),
        ("https://[fe80::1%25eth0/", "not a valid URL"),
    ],
)
def test_malformed_or_insecure_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(TargetRefused, match=reason):
        fixed("93.184.216.34").check(url)


def failing_lookup(error: Exception) -> TargetPolicy:
    def fails(_host: str, _port: int) -> list[str]:
        raise error

    return TargetPolicy(resolver=fails)


@pytest.mark.parametrize(
    "error",
    [
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
        socket.gaierror(socket.EAI_NODATA, "No address associated with hostname"),
        UnicodeError("label empty or too long"),
    ],
)
def test_names_that_do_not_exist_are_refused_for_good(error: Exception) -> None:
    with pytest.raises(TargetRefused, match=r"does not resolve|not a valid name"):
        failing_lookup(error).check("https://nowhere.example.com/")


@pytest.mark.parametrize(
    "error",
    [
        socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
        socket.gaierror(socket.EAI_FAIL, "Non-recoverable failure in name resolution"),
        OSError("resolver unreachable"),
    ],
)
def test_transient_lookup_failures_are_not_refusals(error: Exception) -> None:
    with pytest.raises(TargetLookupFailed) as raised:
        failing_lookup(error).check("https://hooks.example.com/")
    assert not isinstance(raised.value, TargetRefused)


def test_a_lookup_that_hangs_fails_transiently_at_its_timeout() -> None:
    answered = threading.Event()

    def hangs(_host: str, _port: int) -> list[str]:
        answered.wait(10)
        return ["93.184.216.34"]

    with pytest.raises(TargetLookupFailed, match="timed out"):
        TargetPolicy(resolver=hangs).admitted_addresses("slow.example.com", 443, timeout=0.05)
    assert not answered.is_set()  # gave up while the lookup was still running
    answered.set()


def test_the_local_stack_may_deliver_to_loopback_over_http() -> None:
    policy = TargetPolicy(allow_http=True, allow_loopback=True, resolver=lambda _h, _p: ["127.0.0.1"])
    policy.check("http://127.0.0.1:9000/hooks")
    with pytest.raises(TargetRefused):
        TargetPolicy(allow_http=True, allow_loopback=True, resolver=lambda _h, _p: ["10.0.0.1"]).check("http://x/")


def test_default_schedule_spans_more_than_a_day_whatever_the_jitter() -> None:
    schedule = RetrySchedule()
    assert schedule.max_attempts == len(DEFAULT_RETRY_DELAYS_SECONDS) + 1
    assert schedule.minimum_span_seconds() >= 24 * 3600
    lowest = RetrySchedule(jitter=lambda low, _high: low)
    assert sum(lowest.delay_after(n) or 0 for n in range(1, schedule.max_attempts)) >= 24 * 3600


def test_schedule_backs_off_honours_retry_after_and_ends() -> None:
    schedule = RetrySchedule((10, 100, 1000), jitter=lambda _low, high: high)
    assert [schedule.delay_after(n) for n in (1, 2, 3, 4)] == [10, 100, 1000, None]
    assert schedule.delay_after(1, retry_after_seconds=42) == 42
    assert schedule.delay_after(1, retry_after_seconds=10**9) == LONGEST_RETRY_AFTER_SECONDS
    assert schedule.delay_after(4, retry_after_seconds=5) is None


@given(st.integers(min_value=1, max_value=9))
def test_jittered_delays_stay_within_bounds(attempt: int) -> None:
    base = DEFAULT_RETRY_DELAYS_SECONDS[attempt - 1]
    delay = RetrySchedule().delay_after(attempt)
    assert delay is not None
    assert int(base * 0.75) <= delay <= base


def test_retry_after_parsing() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Thu, 01 Jan 2026 00:01:00 GMT", now) == 60
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


@pytest.mark.parametrize(
    ("pattern", "event_type", "matches"),
    [
        ("order.*", "order.created", True),
        ("order.*", "order.", True),
        ("order.*", "orders.created", False),
        ("*", "anything:at.all", True),
        ("*.created", "order.created", True),
        ("order.created", "order.created", True),
        ("order.created", "order.created.v2", False),
        ("order.c*d", "order.cancelled", True),
    ],
)
def test_event_type_patterns(pattern: str, event_type: str, matches: bool) -> None:
    assert pattern_matches(pattern, event_type) is matches


def image(**fields: object) -> dict[str, object]:
    return {"sk": "0190", "tenant_id": "acme", "event_type": "a", "status": "pending", "generation": 0} | fields


def test_stream_records_that_dispatch() -> None:
    assert dispatchable("INSERT", image(), None) is not None
    replayed = dispatchable("MODIFY", image(generation=2), image(generation=1, status="failed"))
    assert replayed is not None
    assert replayed.generation == 2


@pytest.mark.parametrize(
    ("name", "new", "old"),
    [
        ("MODIFY", image(status="delivered"), image()),  # a status change
        ("MODIFY", image(), image()),  # bookkeeping on the same generation
        ("INSERT", image(sk="0190#attempt#0191"), None),  # a delivery-attempt record
        ("REMOVE", None, image()),  # an erased event
    ],
)
def test_stream_records_that_do_not_dispatch(name: str, new: dict[str, object] | None, old: dict[str, object]) -> None:
    assert dispatchable(name, new, old) is None
