"""Pure delivery rules: signatures, SSRF policy, retry schedule, subscription patterns, stream filter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook
from triggers.delivery.dispatch import dispatchable
from triggers.delivery.schedule import DEFAULT_RETRY_DELAYS_SECONDS, MAX_DELAY_SECONDS, RetrySchedule
from triggers.delivery.signing import new_signing_secret, webhook_headers
from triggers.delivery.targets import TargetPolicy
from triggers.delivery.worker import parse_retry_after
from triggers.errors import ValidationFailed
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
    with pytest.raises(ValidationFailed, match="private, loopback or link-local"):
        fixed(address).check("https://hooks.example.com/in")


def test_a_public_name_that_resolves_to_a_private_address_is_refused() -> None:
    with pytest.raises(ValidationFailed):
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
    ],
)
def test_malformed_or_insecure_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(ValidationFailed, match=reason):
        fixed("93.184.216.34").check(url)


def test_unresolvable_hosts_are_refused() -> None:
    def fails(_host: str, _port: int) -> list[str]:
        raise OSError("no such host")

    with pytest.raises(ValidationFailed, match="does not resolve"):
        TargetPolicy(resolver=fails).check("https://nowhere.invalid/")


def test_the_local_stack_may_deliver_to_loopback_over_http() -> None:
    policy = TargetPolicy(allow_http=True, allow_loopback=True, resolver=lambda _h, _p: ["127.0.0.1"])
    policy.check("http://127.0.0.1:9000/hooks")
    with pytest.raises(ValidationFailed):
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
    assert schedule.delay_after(1, retry_after_seconds=10**9) == MAX_DELAY_SECONDS
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
