"""The Triggers API client: send events, page the inbox, manage webhooks and keys, verify deliveries.

from triggers_client import TriggersClient

with TriggersClient("https://api.example.com", api_key) as client:
    client.events.send("order.created", {"order_id": "o-1"})
    for event in client.inbox.list():
        client.events.ack(event.event_id)
"""

from triggers_client import models, webhooks
from triggers_client._client import AsyncTriggersClient, TriggersClient
from triggers_client._version import __version__
from triggers_client.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TriggersConnectionError,
    TriggersError,
    WebhookVerificationError,
)
from triggers_client.pagination import AsyncPager, Pager

__all__ = [
    "AsyncPager",
    "AsyncTriggersClient",
    "ConflictError",
    "ForbiddenError",
    "InvalidRequestError",
    "NotFoundError",
    "Pager",
    "RateLimitedError",
    "ServerError",
    "TriggersClient",
    "TriggersConnectionError",
    "TriggersError",
    "WebhookVerificationError",
    "__version__",
    "models",
    "webhooks",
]
