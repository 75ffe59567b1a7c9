"""Zero-latency DynamoDB: botocore still validates, serializes, signs and parses every call, but the
answer comes back at once from a recorded response instead of from the network or moto.

Timing a handler this way leaves only CPU: Powertools, pydantic, our code and botocore. Timing the
raw calls the same way leaves botocore alone, so the difference is the handler's own per-request cost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from io import BytesIO
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient

# Writes answer with an empty body unless a recording says otherwise.
_DEFAULT_BODIES = {"BatchWriteItem": b'{"UnprocessedItems":{}}'}


class _Body(BytesIO):
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


def recorded(response: Mapping[str, Any]) -> bytes:
    """The wire body of a parsed DynamoDB response (JSON protocol; our items hold no binary values)."""
    return json.dumps({key: value for key, value in response.items() if key != "ResponseMetadata"}).encode()


@contextmanager
def zero_latency_dynamodb(client: Any, bodies: Mapping[str, bytes]) -> Iterator[None]:
    """Answers every call of ``client`` with ``bodies[operation]`` at botocore's before-send hook.

    Use it outside ``mock_aws``: botocore asks every before-send handler and takes the first answer,
    so moto's handler, registered first, would otherwise still do (and win with) the slow work.
    """
    answers = {**_DEFAULT_BODIES, **bodies}

    def answer(request: Any, event_name: str, **_: Any) -> AWSResponse:
        operation = event_name.rsplit(".", 1)[-1]
        headers = {"content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "zero-latency"}
        return AWSResponse(request.url, 200, headers, _Body(answers.get(operation, b"{}")))  # type: ignore[arg-type]

    original = BaseClient._make_api_call

    def only_this_client(caller: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        # Any other client would go to the network from here (mock_aws is off): fail loudly instead.
        if caller is not client:
            raise RuntimeError(
                f"zero-latency run: unexpected {caller.meta.service_model.service_name} {operation} call"
            )
        return original(caller, operation, params)

    client.meta.events.register("before-send.dynamodb", answer, unique_id="benchmarks-zero-latency")
    BaseClient._make_api_call = only_this_client  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
        client.meta.events.unregister("before-send.dynamodb", unique_id="benchmarks-zero-latency")
