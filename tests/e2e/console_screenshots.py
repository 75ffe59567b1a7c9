"""``make screenshots``: PNGs of every console page in docs/images/, from the real local stack.

Not collected by ``make test`` (the file name does not start with ``test_``); ``make screenshots``
runs it by path. It seeds a fresh tenant with events, webhooks (one of them failing) and keys, so
the pictures show what an operator would see.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from local.receiver import FailurePlan, WebhookReceiver

from .browser import DESKTOP, PHONE, REPO, console_tab, launch_chromium
from .helpers import LocalStack

IMAGES = REPO / "docs" / "images"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def receivers() -> Iterator[tuple[WebhookReceiver, WebhookReceiver]]:
    working, failing = WebhookReceiver(), WebhookReceiver(failure=FailurePlan(500))
    for receiver in (working, failing):
        receiver.start()
    yield working, failing
    for receiver in (working, failing):
        receiver.stop()


def seed(api: httpx.Client, working: WebhookReceiver, failing: WebhookReceiver) -> str:
    """A tenant's day: orders delivered to a webhook, invoices failing at another, other events pending.

    Returns the id of a failed invoice event, whose detail shows every retry.
    """
    for target, types, description in (
        (working.url("/orders"), ["order.*"], "Fulfilment service"),
        (failing.url("/billing"), ["invoice.*"], "Billing (down for maintenance)"),
    ):
        created = api.post(
            "/v1/subscriptions", json={"target_url": target, "event_types": types, "description": description}
        )
        assert created.status_code == 201, created.text
    for name, scopes in (
        ("ci reader", ["events:read"]),
        ("checkout service", ["events:write"]),
        ("old laptop", ["events:read"]),
    ):
        created = api.post("/v1/keys", json={"name": name, "scopes": scopes})
        assert created.status_code == 201, created.text
        if name == "old laptop":
            assert api.delete(f"/v1/keys/{created.json()['key_id']}").status_code == 204
    samples = [
        ("order.created", "shop", {"order_id": "o-1042", "total": 129.9, "currency": "EUR", "items": 3}),
        ("order.paid", "payments", {"order_id": "o-1042", "amount": 129.9, "method": "card"}),
        ("invoice.issued", "billing", {"invoice_id": "inv-778", "order_id": "o-1042", "due": "2026-12-31"}),
        ("customer.updated", "crm", {"customer_id": "c-311", "changes": {"email": "new@example.com"}}),
        ("cart.abandoned", "shop", {"cart_id": "k-88", "value": 54.0, "customer_id": "c-207"}),
        ("shipment.dispatched", "warehouse", {"shipment_id": "s-5521", "carrier": "DHL", "parcels": 2}),
        ("customer.created", "crm", {"customer_id": "c-312", "plan": "pro"}),
    ]
    failed_id = ""
    for event_type, source, payload in samples:
        response = api.post(
            "/v1/events", json={"event_type": event_type, "source": source, "payload": payload, "tags": ["demo"]}
        )
        assert response.status_code == 201, response.text
        if event_type == "invoice.issued":
            failed_id = response.json()["event_id"]
    deadline = time.monotonic() + 30  # three attempts a second apart, then the dead-letter queue
    while not stats_count_failure(api):
        assert time.monotonic() < deadline, "the failing delivery never gave up, or the stats never counted it"
        time.sleep(0.2)
    return failed_id


def stats_count_failure(api: httpx.Client) -> bool:
    buckets = api.get("/v1/stats", params={"granularity": "hour"}).json()["buckets"]
    return sum(bucket["failed"] for bucket in buckets) > 0


def shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready")
    page.screenshot(path=IMAGES / f"{name}.png", full_page=full_page)


def test_screenshots(
    browser: Browser,
    local_stack: LocalStack,
    tenant_key: Callable[..., str],
    client_for: Callable[..., httpx.Client],
    receivers: tuple[WebhookReceiver, WebhookReceiver],
) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    key = tenant_key("acme")
    failed_id = seed(client_for(key), *receivers)

    with console_tab(browser, local_stack.base_url, DESKTOP) as tab:
        page = tab.page
        page.goto("/sign-in")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        shoot(page, "console-sign-in")

        tab.sign_in_quietly(key, "/overview")
        expect(page.get_by_role("region", name="Last 24 hours").locator("svg .recharts-line")).to_have_count(4)
        expect(page.get_by_role("list", name="Failing webhooks")).to_be_visible()
        shoot(page, "console-overview")

        page.goto("/events")
        expect(page.get_by_role("table")).to_be_visible()
        shoot(page, "console-events")

        page.goto(f"/events?status=failed&event={failed_id}")
        expect(page.get_by_role("list", name="Delivery attempts").get_by_role("listitem")).to_have_count(3)
        shoot(page, "console-event-detail")

        page.goto("/webhooks")
        expect(page.get_by_role("list", name="Webhooks")).to_be_visible()
        shoot(page, "console-webhooks")

        page.get_by_role("link", name=receivers[1].url("/billing")).click()
        page.get_by_role("button", name="Failed").click()
        page.get_by_role("button", name="Send test").click()
        expect(page.get_by_role("group", name="Test result")).to_contain_text("HTTP 500")
        shoot(page, "console-webhook")

        page.goto("/webhooks")
        page.get_by_role("button", name="Add webhook").first.click()
        dialog = page.get_by_role("dialog", name="Add a webhook")
        dialog.get_by_label("Endpoint URL").fill(receivers[0].url("/analytics"))
        dialog.get_by_label("Event types").fill("order.*, customer.*")
        dialog.get_by_role("button", name="Add webhook").click()
        expect(page.get_by_role("dialog", name="Webhook added")).to_be_visible()
        shoot(page, "console-webhook-secret")
        page.keyboard.press("Escape")

        page.goto("/metrics?range=1h")
        expect(page.get_by_role("figure", name="Events per minute").locator("svg .recharts-line")).to_have_count(4)
        shoot(page, "console-metrics", full_page=True)

        page.goto("/keys")
        expect(page.get_by_role("list", name="API keys")).to_be_visible()
        shoot(page, "console-keys")

        page.goto("/audit")
        expect(page.get_by_role("table")).to_be_visible()
        shoot(page, "console-audit")

    with console_tab(browser, local_stack.base_url, PHONE) as phone:
        phone.sign_in_quietly(key, "/events")
        expect(phone.page.get_by_role("table")).to_be_visible()
        shoot(phone.page, "console-events-phone", full_page=True)
        phone.page.get_by_role("button", name="Menu").click()
        expect(phone.page.get_by_role("navigation", name="Main")).to_be_visible()
        shoot(phone.page, "console-menu-phone")

    assert sorted(path.name for path in IMAGES.glob("console-*.png")) == sorted(
        f"{name}.png"
        for name in (
            "console-sign-in",
            "console-overview",
            "console-events",
            "console-event-detail",
            "console-webhooks",
            "console-webhook",
            "console-webhook-secret",
            "console-metrics",
            "console-keys",
            "console-audit",
            "console-events-phone",
            "console-menu-phone",
        )
    )
