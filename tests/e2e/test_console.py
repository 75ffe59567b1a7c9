"""The web console in a real browser (Debian's Chromium) against the real local stack.

Each test works in a fresh browser context on events, webhooks and keys of its own, checks every
page it visits with axe-core (no serious or critical finding, no sideways scrolling) and fails if
the page logged a console error. One browser serves the whole module.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from standardwebhooks import Webhook

from local.receiver import FailurePlan, WebhookReceiver

from .browser import DESKTOP, PHONE, ConsoleTab, console_tab, launch_chromium
from .helpers import KEY_PATTERN, LocalStack, event, unique_type

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# The console's promise: a new event is on screen within 3 s, without a reload.
LIVE_WITHIN_MS = 3_000
AUDIT_PAGE_SIZE = 50  # the console's page of audit entries
ATTEMPTS_PAGE_SIZE = 25  # the console's page of a webhook's attempts
ATTEMPTS_PER_EVENT = 3  # the stack runs with RETRY_DELAYS_SECONDS=1,1 (tests/e2e/conftest.py)
FAILING_EVENTS = 9  # 27 failed attempts: more than a page
STAT_TILES = ("ingested", "delivered", "acknowledged", "failed", "attempts")  # the console's order
Tab = Callable[..., ConsoleTab]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser: Browser, local_stack: LocalStack) -> Iterator[Tab]:
    """Opens console tabs (desktop unless told otherwise); each fails its test if it logged an error."""
    with ExitStack() as tabs:
        yield lambda viewport=DESKTOP: tabs.enter_context(console_tab(browser, local_stack.base_url, viewport))


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def failing_receiver() -> Iterator[WebhookReceiver]:
    """Answers 500 until FAILING_EVENTS events have used up every attempt, then 200."""
    receiver = WebhookReceiver(failure=FailurePlan(500, times=FAILING_EVENTS * ATTEMPTS_PER_EVENT))
    receiver.start()
    yield receiver
    receiver.stop()


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def post_event(api: httpx.Client, event_type: str, **fields: Any) -> str:
    response = api.post("/v1/events", json=event(event_type, **fields))
    assert response.status_code == 201, response.text
    event_id: str = response.json()["event_id"]
    return event_id


def mark_document(page: Page) -> None:
    """A flag that only survives while the page is never reloaded."""
    page.evaluate("() => { window.__notReloaded = true; }")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"


def test_sign_in_refuses_a_wrong_key_and_accepts_a_good_one(tab: Tab, local_stack: LocalStack) -> None:
    console = tab()
    page = console.page
    page.goto("/events")
    expect(page).to_have_url(re.compile(r"/sign-in$"))  # no key yet
    console.assert_accessible_and_fits()

    page.get_by_label("API key").fill("trg_000000000000_" + "x" * 38)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("refused")
    expect(page.get_by_role("alert")).to_contain_text("Request id")
    console.forgive_errors(r"status of 403")  # Chromium logs the refused request itself
    assert console.session_key() is None

    page.get_by_label("API key").fill(local_stack.demo_key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Events")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/events$"))  # back where it was headed
    expect(page.get_by_role("banner")).to_contain_text("local demo key")  # who is signed in (GET /v1/keys/current)
    expect(page.get_by_role("banner")).to_contain_text("tenant demo")
    assert console.session_key() == local_stack.demo_key
    assert page.evaluate("() => localStorage.length") == 0


def test_a_new_event_appears_at_the_top_without_a_reload(tab: Tab, api: httpx.Client, local_stack: LocalStack) -> None:
    event_type = unique_type("console-live")
    console = tab()
    console.sign_in_quietly(local_stack.demo_key, f"/events?event_type={event_type}")
    page = console.page
    expect(page.get_by_text("No events match these filters")).to_be_visible()
    console.assert_accessible_and_fits()
    mark_document(page)

    rows = page.get_by_role("row").filter(has_text=event_type)
    first_id = post_event(api, event_type, source="console-test")
    expect(rows).to_have_count(1, timeout=LIVE_WITHIN_MS)
    newest_id = post_event(api, event_type, source="console-test")
    expect(rows).to_have_count(2, timeout=LIVE_WITHIN_MS)
    expect(rows.first).to_contain_text(newest_id)  # newest first
    expect(rows.last).to_contain_text(first_id)
    expect(rows.first).to_contain_text("pending")
    assert_not_reloaded(page)
    console.assert_accessible_and_fits()

    # By keyboard: the detail opens from the link, holds the focus, and gives it back on Escape.
    link = rows.first.get_by_role("link", name=event_type)
    link.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_role("dialog", name="Event")
    expect(panel).to_contain_text(newest_id)
    assert page.evaluate("() => document.activeElement.closest('dialog') !== null")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(link).to_be_focused()


def test_event_detail_shows_payload_and_attempts_and_acks_and_replays(
    tab: Tab, api: httpx.Client, local_stack: LocalStack, receiver: WebhookReceiver
) -> None:
    event_type = unique_type("console-detail")
    subscription = api.post("/v1/subscriptions", json={"target_url": receiver.url(), "event_types": [event_type]})
    assert subscription.status_code == 201, subscription.text
    event_id = post_event(api, event_type, payload={"order_id": "o-console", "total": 12.5})

    console = tab()
    console.sign_in_quietly(local_stack.demo_key, f"/events?status=delivered&event_type={event_type}")
    page = console.page
    page.get_by_role("link", name=event_type).click(timeout=LIVE_WITHIN_MS + 5_000)  # once delivered
    panel = page.get_by_role("dialog", name="Event")
    expect(panel).to_contain_text(event_id)
    expect(panel.get_by_role("region", name="Payload")).to_contain_text('"order_id": "o-console"')
    attempts = panel.get_by_role("list", name="Delivery attempts")
    expect(attempts.get_by_role("listitem")).to_have_count(1)
    expect(attempts).to_contain_text("delivered")
    expect(attempts).to_contain_text("HTTP 200")
    console.assert_accessible_and_fits()

    panel.get_by_role("button", name="Acknowledge").click()
    expect(panel.get_by_role("status").filter(has_text="Acknowledged")).to_be_visible()
    expect(panel.get_by_text("acknowledged", exact=True)).to_be_visible()
    assert api.get(f"/v1/events/{event_id}").json()["status"] == "acknowledged"

    panel.get_by_role("button", name="Replay").click()
    expect(panel.get_by_role("status").filter(has_text="Replayed")).to_be_visible()
    expect(attempts.get_by_role("listitem")).to_have_count(2, timeout=10_000)  # delivered once more, live
    assert len(receiver.deliveries) == 2

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"event="))

    api.post(f"/v1/events/{event_id}/ack")  # the replay made it pending again
    page.get_by_label("Status").select_option("acknowledged")
    expect(page).to_have_url(re.compile(r"status=acknowledged"))
    expect(page.get_by_role("row").filter(has_text=event_id)).to_contain_text("acknowledged")


def test_deleting_an_event_asks_first(tab: Tab, api: httpx.Client, local_stack: LocalStack) -> None:
    event_id = post_event(api, unique_type("console-delete"))
    console = tab()
    console.sign_in_quietly(local_stack.demo_key, f"/events?event={event_id}")
    page = console.page
    panel = page.get_by_role("dialog", name="Event")
    panel.get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("dialog", name="Delete this event?")
    console.assert_accessible_and_fits()
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    assert api.get(f"/v1/events/{event_id}").status_code == 200

    panel.get_by_role("button", name="Delete").click()
    confirm.get_by_role("button", name="Delete event").click()
    expect(page.get_by_text("Event deleted", exact=True)).to_be_visible()
    expect(panel).to_be_hidden()
    assert api.get(f"/v1/events/{event_id}").status_code == 404


def test_a_new_webhook_shows_its_secret_once_and_it_signs_deliveries(
    tab: Tab, api: httpx.Client, local_stack: LocalStack, receiver: WebhookReceiver
) -> None:
    event_type = unique_type("console-webhook")
    console = tab()
    console.sign_in_quietly(local_stack.demo_key, "/webhooks")
    page = console.page
    expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
    page.get_by_role("button", name="Add webhook").first.click()
    form = page.get_by_role("dialog", name="Add a webhook")
    form.get_by_label("Endpoint URL").fill(receiver.url())
    form.get_by_label("Event types").fill(event_type)
    console.assert_accessible_and_fits()
    form.get_by_role("button", name="Add webhook").click()

    created = page.get_by_role("dialog", name="Webhook added")
    secret = created.get_by_label("Signing secret", exact=True).input_value()
    assert secret.startswith("whsec_")
    expect(created.get_by_role("button", name="Copy signing secret")).to_be_visible()
    console.assert_accessible_and_fits()
    created.get_by_role("button", name="I have stored the secret").click()
    expect(page.get_by_role("list", name="Webhooks")).to_contain_text(receiver.url())
    page.get_by_role("button", name="Add webhook").first.click()  # the dialog has forgotten the secret
    expect(page.get_by_role("dialog", name="Add a webhook").get_by_label("Endpoint URL")).to_have_value("")
    assert secret not in page.content()
    page.keyboard.press("Escape")

    post_event(api, event_type)
    wait_until(lambda: bool(receiver.deliveries), "the delivery")
    (delivery,) = receiver.deliveries
    assert Webhook(secret).verify(delivery.body, dict(delivery.headers))["event_type"] == event_type

    page.get_by_role("link", name=receiver.url()).click()  # its own page
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_role("dialog", name="Delete this webhook?").get_by_role("button", name="Delete webhook").click()
    expect(page).to_have_url(re.compile(r"/webhooks$"))
    expect(page.get_by_role("link", name=receiver.url())).to_have_count(0)
    urls = [item["target_url"] for item in api.get("/v1/subscriptions").json()["subscriptions"]]
    assert receiver.url() not in urls


def test_a_webhook_is_tested_disabled_enabled_recovered_and_rotated(
    tab: Tab, api: httpx.Client, local_stack: LocalStack, receiver: WebhookReceiver
) -> None:
    event_type = unique_type("console-ops")
    created = api.post("/v1/subscriptions", json={"target_url": receiver.url(), "event_types": [event_type]})
    assert created.status_code == 201, created.text
    subscription_id, first_secret = created.json()["subscription_id"], created.json()["secret"]
    console = tab()
    console.sign_in_quietly(local_stack.demo_key, f"/webhooks/{subscription_id}")
    page = console.page
    expect(page.get_by_role("heading", level=1)).to_have_text(receiver.url())
    expect(page.get_by_text("No attempts yet")).to_be_visible()
    console.assert_accessible_and_fits()
    actions = page.get_by_role("group", name="Webhook actions")
    attempts = page.get_by_role("list", name="Attempts")

    page.get_by_role("button", name="Send test").click()
    result = page.get_by_role("group", name="Test result")
    expect(result).to_contain_text("succeeded")
    expect(result).to_contain_text("HTTP 200")
    expect(result).to_contain_text('{"ok":true}')  # what the receiver answered
    (test_delivery,) = receiver.deliveries
    assert (
        Webhook(first_secret).verify(test_delivery.body, dict(test_delivery.headers))["event_type"] == "triggers.test"
    )

    actions.get_by_role("button", name="Disable").click()
    confirm = page.get_by_role("dialog", name="Disable this webhook?")
    console.assert_accessible_and_fits()
    confirm.get_by_role("button", name="Disable webhook").click()
    expect(page.get_by_text("disabled through the API")).to_be_visible()
    assert api.get(f"/v1/subscriptions/{subscription_id}").json()["status"] == "disabled"
    skipped_id = post_event(api, event_type)
    page.get_by_role("button", name="Skipped").click()
    expect(page).to_have_url(re.compile(r"outcome=skipped"))
    expect(attempts.get_by_role("listitem")).to_have_count(1, timeout=10_000)  # live, no reload
    expect(attempts).to_contain_text(skipped_id)
    console.assert_accessible_and_fits()
    assert len(receiver.deliveries) == 1  # nothing but the test while disabled

    actions.get_by_role("button", name="Enable").click()
    page.get_by_role("button", name="Recover skipped events").click()  # from when it was disabled
    recover = page.get_by_role("dialog", name="Recover deliveries")
    console.assert_accessible_and_fits()
    recover.get_by_role("button", name="Recover deliveries").click()
    expect(recover.get_by_role("status")).to_have_text("1 event queued for delivery again.")
    recover.get_by_role("button", name="Done").click()
    wait_until(lambda: len(receiver.deliveries) == 2, "the recovered delivery")
    assert receiver.deliveries[1].event["event_id"] == skipped_id
    page.get_by_role("button", name="Succeeded").click()
    expect(attempts.get_by_role("listitem")).to_have_count(1, timeout=LIVE_WITHIN_MS)

    actions.get_by_role("button", name="Rotate secret").click()
    page.get_by_role("dialog", name="Rotate the signing secret?").get_by_role("button", name="Rotate secret").click()
    rotated = page.get_by_role("dialog", name="Secret rotated")
    new_secret = rotated.get_by_label("New signing secret", exact=True).input_value()
    assert new_secret.startswith("whsec_")
    assert new_secret != first_secret
    expect(rotated).to_contain_text("The previous secret keeps working until")
    expect(rotated.get_by_role("button", name="Copy new signing secret")).to_be_visible()
    console.assert_accessible_and_fits()
    rotated.get_by_role("button", name="I have stored the secret").click()
    expect(page.get_by_role("region", name="Settings")).to_contain_text("the previous secret also signs until")
    assert new_secret not in page.content()  # shown once

    post_event(api, event_type)
    wait_until(lambda: len(receiver.deliveries) == 3, "a delivery after the rotation")
    signed = receiver.deliveries[2]
    for secret in (new_secret, first_secret):  # both signatures, while the old secret is in grace
        Webhook(secret).verify(signed.body, dict(signed.headers))

    phone = tab(PHONE)
    phone.sign_in_quietly(local_stack.demo_key, f"/webhooks/{subscription_id}")
    expect(phone.page.get_by_role("list", name="Attempts").get_by_role("listitem")).to_have_count(3)
    phone.assert_accessible_and_fits()


def test_failed_attempts_page_and_recover_and_an_edit_sends_only_what_changed(
    tab: Tab, api: httpx.Client, local_stack: LocalStack, failing_receiver: WebhookReceiver
) -> None:
    event_type = unique_type("console-failing")
    created = api.post(
        "/v1/subscriptions",
        json={"target_url": failing_receiver.url(), "event_types": [event_type], "description": "Billing"},
    )
    assert created.status_code == 201, created.text
    subscription_id = created.json()["subscription_id"]
    event_ids = [post_event(api, event_type) for _ in range(FAILING_EVENTS)]
    wait_until(
        lambda: all(api.get(f"/v1/events/{event_id}").json()["status"] == "failed" for event_id in event_ids),
        "every delivery to give up",
    )

    console = tab()
    console.sign_in_quietly(local_stack.demo_key, f"/webhooks/{subscription_id}?outcome=failed")
    page = console.page
    attempts = page.get_by_role("list", name="Attempts").get_by_role("listitem")
    expect(page.get_by_role("button", name="Failed")).to_have_attribute("aria-pressed", "true")
    expect(attempts).to_have_count(ATTEMPTS_PAGE_SIZE)
    expect(attempts.first).to_contain_text("HTTP 500")
    console.assert_accessible_and_fits()
    page.get_by_role("button", name="Load more").click()
    expect(attempts).to_have_count(FAILING_EVENTS * ATTEMPTS_PER_EVENT)
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)
    expect(attempts.filter(has_text="will retry")).to_have_count(FAILING_EVENTS * (ATTEMPTS_PER_EVENT - 1))
    page.get_by_role("button", name="Succeeded").click()
    expect(page.get_by_text("No succeeded attempts")).to_be_visible()

    actions = page.get_by_role("group", name="Webhook actions")
    actions.get_by_role("button", name="Recover").click()
    recover = page.get_by_role("dialog", name="Recover deliveries")
    recover.get_by_role("button", name="Recover deliveries").click()  # the last 24 hours
    expect(recover.get_by_role("status")).to_have_text(f"{FAILING_EVENTS} events queued for delivery again.")
    recover.get_by_role("button", name="Done").click()
    expect(attempts).to_have_count(FAILING_EVENTS, timeout=10_000)  # the receiver answers 200 now
    assert {delivery.event["event_id"] for delivery in failing_receiver.deliveries[-FAILING_EVENTS:]} == set(event_ids)

    patches: list[Any] = []
    page.on("request", lambda request: patches.append(request.post_data_json) if request.method == "PATCH" else None)
    for description in ("Billing v2", ""):
        actions.get_by_role("button", name="Edit").click()
        form = page.get_by_role("dialog", name="Edit webhook")
        expect(form.get_by_label("Endpoint URL")).to_have_value(failing_receiver.url())
        form.get_by_label("Description (optional)").fill(description)
        console.assert_accessible_and_fits()
        form.get_by_role("button", name="Save changes").click()
        expect(form).to_be_hidden()
    assert patches == [{"description": "Billing v2"}, {"description": None}]  # only what changed; blank clears
    stored = api.get(f"/v1/subscriptions/{subscription_id}").json()
    assert stored["description"] is None
    assert stored["event_types"] == [event_type]


def test_a_new_key_is_shown_once_with_its_scopes_and_can_be_revoked(
    tab: Tab, local_stack: LocalStack, client_for: Callable[..., httpx.Client]
) -> None:
    name = f"console reader {uuid.uuid4().hex[:6]}"
    console = tab()
    console.sign_in_quietly(local_stack.demo_key, "/keys")
    page = console.page
    own = page.get_by_role("list", name="API keys").get_by_role("listitem").filter(has_text="this session")
    expect(own).to_contain_text("last used")
    page.get_by_role("button", name="Create key").first.click()
    form = page.get_by_role("dialog", name="Create an API key")
    form.get_by_label("Name").fill(name)
    form.get_by_role("checkbox", name=re.compile("events:read")).check()
    form.get_by_role("checkbox", name=re.compile("subscriptions:manage")).check()
    console.assert_accessible_and_fits()
    form.get_by_role("button", name="Create key").click()

    created = page.get_by_role("dialog", name="API key created")
    key = created.get_by_label("API key", exact=True).input_value()
    assert KEY_PATTERN.fullmatch(key)
    expect(created).to_contain_text("events:read, subscriptions:manage")
    created.get_by_role("button", name="I have stored the key").click()
    item = page.get_by_role("list", name="API keys").get_by_role("listitem").filter(has_text=name)
    expect(item).to_contain_text("never used")
    new_key = client_for(key)
    assert new_key.get("/v1/subscriptions").status_code == 200
    assert new_key.post("/v1/events", json=event("e2e.scope")).status_code == 403  # a scope it was not given

    page.get_by_role("button", name=f"Revoke key {name}").click()
    page.get_by_role("dialog", name="Revoke this key?").get_by_role("button", name="Revoke key").click()
    expect(item).to_contain_text("revoked")
    expect(page.get_by_role("button", name=f"Revoke key {name}")).to_have_count(0)
    assert new_key.get("/v1/subscriptions").status_code == 403


def test_what_a_key_may_not_do_is_not_offered(
    tab: Tab, api: httpx.Client, tenant_key: Callable[..., str], local_stack: LocalStack
) -> None:
    console = tab()
    page = console.page
    nav = page.get_by_role("navigation", name="Main")
    page.goto("/sign-in")
    page.get_by_label("API key").fill(tenant_key("console-scoped", "subscriptions:manage"))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/webhooks$"))  # the first page this key opens
    expect(page.get_by_text("No webhooks yet")).to_be_visible()
    expect(nav.get_by_role("link")).to_have_text(["Webhooks", re.compile("API docs")])
    page.goto("/events")  # typed by hand: refused by the console, never asked of the API
    expect(page.get_by_text("This key may not open this page")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("events:read")
    console.assert_accessible_and_fits()

    created = api.post("/v1/keys", json={"name": "console auditor", "scopes": ["events:read", "keys:manage"]})
    assert created.status_code == 201, created.text
    event_id = post_event(api, unique_type("console-scoped"))
    console.sign_in_quietly(created.json()["key"], f"/events?event={event_id}")
    expect(nav.get_by_role("link")).to_have_text(
        ["Overview", "Events", "Metrics", "API keys", "Audit log", re.compile("API docs")]
    )
    panel = page.get_by_role("dialog", name="Event")
    expect(panel.get_by_role("button", name="Acknowledge")).to_be_enabled()
    expect(panel.get_by_role("button", name="Replay")).to_have_count(0)
    expect(panel.get_by_role("button", name="Delete")).to_have_count(0)
    expect(panel).to_contain_text("need the events:write scope")
    page.keyboard.press("Escape")
    nav.get_by_role("link", name="API keys").click()
    page.get_by_role("button", name="Create key").first.click()
    form = page.get_by_role("dialog", name="Create an API key")
    expect(form.get_by_role("checkbox", name=re.compile("events:read"))).to_be_enabled()
    expect(form.get_by_role("checkbox", name=re.compile("events:write"))).to_be_disabled()
    expect(form.get_by_role("checkbox", name=re.compile("subscriptions:manage"))).to_be_disabled()
    console.assert_accessible_and_fits()
    page.keyboard.press("Escape")
    nav.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("region", name="Failing webhooks")).to_contain_text("needs the subscriptions:manage scope")
    expect(page.get_by_role("region", name="Failed events")).to_be_visible()
    # No 403 anywhere: the tab's console errors are checked when it closes.


def test_the_audit_log_pages_and_filters_by_action_and_time(
    tab: Tab, tenant_key: Callable[..., str], client_for: Callable[..., httpx.Client]
) -> None:
    key = tenant_key("console-audit")
    api = client_for(key)
    event_id = post_event(api, unique_type("console-audit"))
    for _ in range(AUDIT_PAGE_SIZE):
        assert api.post(f"/v1/events/{event_id}/replay").status_code == 202
    assert api.delete(f"/v1/events/{event_id}").status_code == 204

    console = tab()
    console.sign_in_quietly(key, "/audit")
    page = console.page
    rows = page.get_by_role("table").get_by_role("row").filter(has_text=event_id)
    expect(rows).to_have_count(AUDIT_PAGE_SIZE)
    expect(rows.first).to_contain_text("Event deleted")  # newest first
    console.assert_accessible_and_fits()
    page.get_by_role("button", name="Load more").click()
    expect(rows).to_have_count(AUDIT_PAGE_SIZE + 1)
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)

    page.get_by_label("Action").select_option("event.deleted")
    expect(rows).to_have_count(1)
    (entry,) = api.get("/v1/audit", params={"action": "event.deleted"}).json()["entries"]
    expect(rows).to_contain_text(entry["request_id"])
    expect(rows).to_contain_text(f"{entry['actor_key_id']} (this session)")

    page.get_by_label("After").fill("2099-06-01T00:00")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"action=event.deleted&since=2099"))
    expect(page.get_by_text("No entries match these filters")).to_be_visible()
    page.get_by_role("button", name="Clear").click()
    expect(rows).to_have_count(AUDIT_PAGE_SIZE + 1)  # both pages, as loaded before


def test_the_overview_and_the_metrics_show_what_happened(
    tab: Tab,
    tenant_key: Callable[..., str],
    client_for: Callable[..., httpx.Client],
    failing_receiver: WebhookReceiver,
    receiver: WebhookReceiver,
) -> None:
    key = tenant_key("console-stats")
    api = client_for(key)
    failing = api.post("/v1/subscriptions", json={"target_url": failing_receiver.url(), "event_types": ["invoice.*"]})
    parked = api.post("/v1/subscriptions", json={"target_url": receiver.url(), "event_types": ["nothing.*"]})
    assert failing.status_code == parked.status_code == 201
    parked_id = parked.json()["subscription_id"]
    assert api.patch(f"/v1/subscriptions/{parked_id}", json={"status": "disabled"}).status_code == 200
    failed_ids = [post_event(api, "invoice.issued") for _ in range(3)]
    for _ in range(2):
        post_event(api, "order.created")  # no webhook wants these

    def totals() -> dict[str, int]:
        buckets = api.get("/v1/stats", params={"granularity": "hour"}).json()["buckets"]
        return {name: sum(bucket[name] for bucket in buckets) for name in STAT_TILES}

    settled = {
        "ingested": 5,
        "delivered": 0,
        "acknowledged": 0,
        "failed": 3,
        "attempts": 3 * ATTEMPTS_PER_EVENT,
    }  # retried, then given up
    wait_until(lambda: totals() == settled, "the stats to count every event and attempt")

    console = tab()
    console.sign_in_quietly(key, "/")
    page = console.page
    expect(page).to_have_url(re.compile(r"/overview$"))  # the start page of a key that reads events
    last_day = page.get_by_role("region", name="Last 24 hours")
    expect(last_day.get_by_role("definition")).to_have_text([str(settled[name]) for name in STAT_TILES])
    expect(last_day.locator("svg .recharts-line")).to_have_count(4)  # the chart, loaded lazily
    failing_list = page.get_by_role("list", name="Failing webhooks")
    expect(failing_list.get_by_role("listitem")).to_have_count(2)
    expect(failing_list.get_by_role("listitem").filter(has_text=failing_receiver.url())).to_contain_text("HTTP 500")
    expect(failing_list.get_by_role("listitem").filter(has_text=receiver.url())).to_contain_text("disabled")
    expect(page.get_by_role("list", name="Failed events").get_by_role("link")).to_have_count(len(failed_ids))
    console.assert_accessible_and_fits()

    page.get_by_role("link", name="All metrics").click()
    expect(page).to_have_url(re.compile(r"/metrics$"))
    page.get_by_role("button", name="1 hour").click()
    expect(page).to_have_url(re.compile(r"range=1h"))
    events_chart = page.get_by_role("figure", name="Events per minute")
    expect(events_chart.locator("svg .recharts-line")).to_have_count(4)
    expect(
        page.get_by_role("figure", name="Delivery attempts per minute").locator(".recharts-bar-rectangle")
    ).not_to_have_count(0)
    events_chart.get_by_text("The numbers").click()
    ingested = events_chart.get_by_role("row").locator("td:nth-child(2)").all_inner_texts()
    assert len(ingested) in {60, 61}  # a minute each, quiet ones as zeros
    assert sum(int(count) for count in ingested) == settled["ingested"]
    console.assert_accessible_and_fits()
    page.get_by_role("button", name="7 days").click()
    expect(page).to_have_url(re.compile(r"range=7d"))
    week = page.get_by_role("region", name="Totals over the last 7 days")
    expect(week.get_by_role("definition")).to_have_text([str(settled[name]) for name in STAT_TILES])


def test_sign_out_forgets_the_key(tab: Tab, local_stack: LocalStack) -> None:
    console = tab()
    console.sign_in_quietly(local_stack.demo_key, "/keys")
    page = console.page
    expect(page.get_by_role("heading", name="API keys")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    assert console.session_key() is None
    page.goto("/webhooks")
    expect(page).to_have_url(re.compile(r"/sign-in$"))


@pytest.mark.parametrize(
    "path", ["/overview", "/events", "/webhooks", "/metrics?range=1h", "/keys", "/audit", "/no-such-page"]
)
def test_every_page_works_on_a_phone(tab: Tab, local_stack: LocalStack, path: str) -> None:
    console = tab(PHONE)
    console.sign_in_quietly(local_stack.demo_key, path)
    page = console.page
    nav = page.get_by_role("navigation", name="Main")
    expect(page.get_by_role("heading", level=1)).to_be_attached()
    expect(nav).to_be_hidden()  # folded behind the Menu button
    console.assert_accessible_and_fits()
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Webhooks")).to_be_visible()
    console.assert_accessible_and_fits()
    nav.get_by_role("link", name="Webhooks").click()
    expect(page).to_have_url(re.compile(r"/webhooks$"))
    expect(nav).to_be_hidden()  # folded again on the next page


def test_the_console_keeps_the_api_and_sends_strict_security_headers(anonymous: httpx.Client) -> None:
    page = anonymous.get("/events/deep/link")  # any page path gets the app, to route in the browser
    assert page.status_code == 200
    assert '<div id="root">' in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert anonymous.get("/v1/nothing-here").headers["content-type"] == "application/json"  # still the API
    assert anonymous.get("/assets/missing.js").status_code == 404
    assert anonymous.get("/.vite/manifest.json").status_code == 404
