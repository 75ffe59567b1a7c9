"""A tenant holds at most MAX subscriptions: each one multiplies its events into jobs on the dispatcher every
tenant shares. The count sits beside the subscriptions and moves in the same transaction as each create and
delete, so it is exact; it is no subscription, and nothing reaches it by id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.conftest import ApiClient, issue_key

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
