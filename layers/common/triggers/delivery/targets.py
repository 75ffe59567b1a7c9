"""Webhook target URLs, checked against server-side request forgery (SSRF).

A target must be ``https://`` (plain ``http://`` only where the deployment allows it, i.e. the local
stack), and every address its host resolves to must be public: private, loopback, link-local,
multicast, reserved and unspecified addresses are refused, so a tenant cannot make the worker call
the VPC, the instance metadata service or localhost. The check runs when a subscription is created
and again before every delivery, because DNS answers can change after creation.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from triggers.errors import ValidationFailed

Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


@dataclass(frozen=True)
class TargetPolicy:
    allow_http: bool = False
    allow_loopback: bool = False  # the local stack delivers to receivers on 127.0.0.1
    resolver: Resolver = resolve

    def check(self, url: str) -> None:
        """Raises ValidationFailed naming why ``url`` may not receive webhooks."""
        parts = urlsplit(url)
        allowed_schemes = {"https", "http"} if self.allow_http else {"https"}
        if parts.scheme not in allowed_schemes:
            raise _refused(f"target_url must use {' or '.join(sorted(allowed_schemes))}")
        if not parts.hostname:
            raise _refused("target_url has no host")
        if parts.username or parts.password:
            raise _refused("target_url must not carry credentials")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses = self.resolver(parts.hostname, port)
        except (OSError, ValueError, UnicodeError) as exc:
            raise _refused("target_url host does not resolve") from exc
        if not addresses:
            raise _refused("target_url host does not resolve")
        for address in addresses:
            if not self._is_allowed(ipaddress.ip_address(address.split("%")[0])):
                raise _refused("target_url resolves to a private, loopback or link-local address")

    def _is_allowed(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address.is_loopback:
            return self.allow_loopback
        return address.is_global and not address.is_multicast


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": "target_url", "in": "body", "message": message}])
