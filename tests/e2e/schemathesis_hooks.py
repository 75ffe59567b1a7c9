"""Schemathesis hooks for the OpenAPI fuzz test: what a schema cannot say about server state.

Loaded by ``st run`` through ``SCHEMATHESIS_HOOKS``. Each hook steers a schema-valid request away from
one refusal that is right and documented but depends on earlier requests rather than on the request
itself; those refusals have tests of their own (tests/integration/test_ingest.py and
test_hostile_input.py, tests/unit/test_cursor.py). Schema-invalid requests are sent as generated.
"""

from __future__ import annotations

import uuid
from typing import Any

import schemathesis

# A fresh key stays within the 255 characters an Idempotency-Key may have.
_ROOM_FOR_A_PREFIX = 255 - 32


def _fresh(key: Any) -> Any:
    if isinstance(key, str) and 0 < len(key) <= _ROOM_FOR_A_PREFIX:
        return uuid.uuid4().hex + key
    return key


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    # A cursor is valid only when the API signed it for this tenant and these filters (else 400).
    if case.query and "cursor" in case.query:
        del case.query["cursor"]
    # The fuzzer reuses short keys ("0") with other bodies: a documented 422 (or 409 while in flight).
    headers = case.headers or {}
    for name in [name for name in headers if name.lower() == "idempotency-key"]:
        headers[name] = _fresh(headers[name])
    if isinstance(case.body, dict) and isinstance(case.body.get("events"), list):
        for item in case.body["events"]:
            if isinstance(item, dict) and "idempotency_key" in item:
                item["idempotency_key"] = _fresh(item["idempotency_key"])
