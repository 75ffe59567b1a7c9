"""Verifying the webhooks the Triggers API delivers, for receivers.

Each delivery is signed per the Standard Webhooks spec (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``) with the subscription's ``whsec_`` secret; the check itself is the
``standardwebhooks`` library's. After a secret rotation a delivery carries two signatures
(``v1,<new> v1,<old>``) and any one that verifies is enough, so a receiver may switch secrets at its
own pace; a receiver that holds both secrets may pass both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import standardwebhooks

from triggers_client.errors import WebhookVerificationError

__all__ = ["Headers", "WebhookVerificationError", "verify"]


class Headers(Protocol):
    """Any request headers: a dict, or a web framework's headers (Flask, Django, Starlette)."""

    def items(self) -> Iterable[tuple[str, str]]: ...


def verify(body: bytes | str, headers: Headers, secret: str | Iterable[str]) -> dict[str, Any]:
    """The delivered event as a dict, once its signature verifies with ``secret`` (or any of several).

    ``body`` must be the raw request body, exactly as received: parse it only after this returns.
    Raises :class:`WebhookVerificationError` for a bad or missing signature, or a timestamp more than
    five minutes away from now (a replayed delivery).
    """
    secrets = [secret] if isinstance(secret, str) else list(secret)
    if not secrets:
        raise ValueError("pass the subscription's whsec_ secret")
    plain_headers = dict(headers.items())  # standardwebhooks takes a dict
    failure = "No signature verifies"
    for each in secrets:
        try:
            event: dict[str, Any] = standardwebhooks.Webhook(each).verify(body, plain_headers)
        except standardwebhooks.WebhookVerificationError as error:
            failure = str(error)
        except ValueError:
            # A malformed signature header (no "v1," or bad base64) is as untrustworthy as a wrong one.
            failure = "Malformed webhook-signature header"
        else:
            return event
    raise WebhookVerificationError(failure)
