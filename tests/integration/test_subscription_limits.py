"""What one tenant's subscriptions may cost everyone: at most MAX subscriptions (each one multiplies the
tenant's events into jobs on the dispatcher every tenant shares), counted beside them in the same transaction
as each create and delete, so exactly; and a few test sends a second (each holds the function up to the
delivery deadline)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.conftest import ApiClient, issue_key
from tests.integration.delivery_harness import Receiver, running_receiver, subscribe

CAP = 3
COUNTER_ID = "~count"


@pytest.fixture
def capped(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from functions.subscriptions import handler

    monkeypatch.setattr(handler, "settings", handler.settings.model_copy(update={"max_subscriptions_per_tenant": CAP}))
    handler.subscriptions.cache_clear()
    yield
    handler.subscriptions.cache_clear()


def create(api: ApiClient) -> Any:
    return api.post("/v1/subscriptions", {"target_url": "https://example.com/hook", "event_types": ["order.*"]})


def test_the_cap_is_a_409_and_a_delete_frees_exactly_one_slot(api: ApiClient, gateway: Any, capped: None) -> None:
    ids = [create(api).json()["subscription_id"] for _ in range(CAP)]
    refused = create(api)
    assert refused.status == 409
    assert refused.json()["error"]["code"] == "LIMIT_REACHED"
    assert create(ApiClient(gateway, issue_key("globex"))).status == 201  # another tenant has its own count
    assert api.delete(f"/v1/subscriptions/{ids[0]}").status == 204
    assert api.delete(f"/v1/subscriptions/{ids[0]}").status == 404  # a second delete frees nothing
    assert create(api).status == 201
    assert create(api).status == 409
    listed = api.get("/v1/subscriptions").json()["subscriptions"]
    assert len(listed) == CAP
    assert COUNTER_ID not in {subscription["subscription_id"] for subscription in listed}


@pytest.mark.parametrize(
    ("method", "tail", "body"),
    [
        ("GET", "", None),
        ("DELETE", "", None),
        ("PATCH", "", {"status": "disabled"}),
        ("POST", "/secret/rotate", None),
        ("POST", "/test", None),
        ("GET", "/attempts", None),
        ("POST", "/recover", {"since": "2026-01-01T00:00:00Z"}),
    ],
)
def test_the_count_is_no_subscription(
    api: ApiClient, capped: None, method: str, tail: str, body: dict[str, Any] | None
) -> None:
    create(api)  # the count now exists
    response = api.request(method, f"/v1/subscriptions/{COUNTER_ID}{tail}", body)
    assert response.status == 404, response.body
    assert response.json()["error"]["code"] == "NOT_FOUND"
    for _ in range(CAP - 1):  # and it still counts one subscription
        assert create(api).status == 201
    assert create(api).status == 409


@pytest.fixture
def one_test_a_second(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from functions.subscriptions import handler

    monkeypatch.setattr(handler, "settings", handler.settings.model_copy(update={"test_sends_per_second": 1}))
    handler.subscriptions.cache_clear()
    yield
    handler.subscriptions.cache_clear()


def test_a_tenants_test_sends_are_limited_per_second_and_not_its_neighbours(
    api: ApiClient, gateway: Any, one_test_a_second: None
) -> None:
    neighbour = ApiClient(gateway, issue_key("globex"))
    with running_receiver(Receiver()) as receiver:
        mine = subscribe(api, receiver.url)["subscription_id"]
        theirs = subscribe(neighbour, receiver.url)["subscription_id"]
        answers = [api.post(f"/v1/subscriptions/{mine}/test") for _ in range(3)]  # well within a second
        assert neighbour.post(f"/v1/subscriptions/{theirs}/test").status == 200
    assert answers[0].status == 200
    refused = [answer for answer in answers if answer.status == 429]
    assert refused, [answer.status for answer in answers]
    assert refused[0].json()["error"]["code"] == "RATE_LIMITED"
    assert int(refused[0].headers["retry-after"]) >= 1
