"""Webhook target URLs, checked against server-side request forgery (SSRF).

A target must be ``https://`` (plain ``http://`` only where the deployment allows it, i.e. the local
stack), and every address its host resolves to must be public: private, loopback, link-local,
multicast, reserved and unspecified addresses are refused, so a tenant cannot make the worker call
the VPC, the instance metadata service or localhost. IPv6 forms that carry an IPv4 address (mapped,
compatible, SIIT-translated, NAT64, 6to4, Teredo) are judged by the IPv4 address they lead to.

The check runs when a subscription is created and again for every delivery, where the sender then
connects to exactly the addresses it checked (see ``triggers.delivery.sender``): a DNS answer that
changes between check and connect cannot take the request anywhere else.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookupTimedOut
from dataclasses import dataclass
from urllib.parse import urlsplit

from triggers.errors import StorageUnavailable, ValidationFailed
from triggers.settings import OutboundWebhookSettings

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# How long a subscription request waits for DNS; a delivery waits at most what its deadline has left.
LOOKUP_TIMEOUT_SECONDS = 5.0
# getaddrinfo answers that say the name has no address; any other failure may pass (a resolver timeout).
_NO_SUCH_NAME = frozenset(
    code
    for code in (getattr(socket, name, None) for name in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY"))
    if code is not None
)
# getaddrinfo cannot be interrupted, so it runs here and the caller stops waiting at its deadline; with
# more threads than a batch has jobs in flight by default, one slow name server does not queue the rest.
_lookups = ThreadPoolExecutor(max_workers=16, thread_name_prefix="dns")

# IPv6 ranges whose last 32 bits are an IPv4 address the packet ends up at.
_IPV4_IN_LAST_32_BITS = (
    ipaddress.IPv6Network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # SIIT IPv4-translated (RFC 6145)
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64 well-known prefix (RFC 6052)
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated)
)
# Never a public destination: NAT64 local-use (RFC 8215), whose IPv4 position depends on the operator.
_NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")
# Not globally reachable per IANA's special-purpose registries, listed here because the tables behind
# Python's ``is_global`` differ between Python versions. Only what is also global there passes.
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16",
        "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip


class TargetRefused(ValidationFailed):
    """The target may not receive webhooks, or its host does not exist: a tenant must change it."""


class TargetUnresolvable(TargetRefused):
    """The target's host name does not exist (DNS says so): no delivery can reach it as it stands."""


class TargetLookupFailed(StorageUnavailable):
    """DNS did not answer in time or failed transiently: try again later."""

    default_message = "target_url host could not be looked up right now, retry later"


def resolve(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, per the transition mechanism its prefix names."""
    translated = _translated_ipv4(address)
    if translated is not None:
        return [translated]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)  # the Teredo server and the client behind it
    return []


def _translated_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a packet to ``address`` is delivered to, for forms that only wrap one."""
    if address in (ipaddress.IPv6Address("::"), ipaddress.IPv6Address("::1")):
        return None  # the IPv6 unspecified and loopback addresses, not IPv4-compatible ones
    if any(address in network for network in _IPV4_IN_LAST_32_BITS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class TargetPolicy:
    allow_http: bool = False
    allow_loopback: bool = False  # the local stack delivers to receivers on 127.0.0.1
    resolver: Resolver = resolve

    @classmethod
    def from_settings(cls, settings: OutboundWebhookSettings) -> TargetPolicy:
        return cls(allow_http=settings.allow_http_targets, allow_loopback=settings.allow_loopback_targets)

    def check(self, url: str) -> None:
        """Raises TargetRefused naming why ``url`` may not receive webhooks (TargetLookupFailed: DNS failed)."""
        host, port = self.endpoint(url)
        self.admitted_addresses(host, port, LOOKUP_TIMEOUT_SECONDS)

    def endpoint(self, url: str) -> tuple[str, int]:
        """The host and port of an acceptable URL; raises TargetRefused for a scheme, host or userinfo refused."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:  # e.g. an unclosed IPv6 bracket
            raise _refused("target_url is not a valid URL") from exc
        allowed_schemes = {"https", "http"} if self.allow_http else {"https"}
        if parts.scheme not in allowed_schemes:
            raise _refused(f"target_url must use {' or '.join(sorted(allowed_schemes))}")
        if not parts.hostname:
            raise _refused("target_url has no host")
        if parts.username or parts.password:
            raise _refused("target_url must not carry credentials")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise _refused("target_url has an invalid port") from exc
        return parts.hostname, port

    def admitted_addresses(self, host: str, port: int, timeout: float) -> list[str]:
        """Resolves ``host`` once and returns its addresses if every one of them may be called.

        Waits at most ``timeout`` seconds. Raises TargetRefused for a refused address or a name that
        does not exist, TargetLookupFailed when DNS failed in a way that may pass.
        """
        try:
            addresses = _lookups.submit(self.resolver, host, port).result(timeout=max(timeout, 0.001))
        except LookupTimedOut as exc:
            raise TargetLookupFailed("target_url host lookup timed out") from exc
        except socket.gaierror as exc:
            if exc.errno in _NO_SUCH_NAME:
                raise _refused("target_url host does not resolve", TargetUnresolvable) from exc
            raise TargetLookupFailed() from exc
        except (UnicodeError, ValueError) as exc:
            raise _refused("target_url host is not a valid name") from exc
        except OSError as exc:
            raise TargetLookupFailed() from exc
        if not addresses:
            raise _refused("target_url host does not resolve", TargetUnresolvable)
        for address in addresses:
            if not self.admits(ipaddress.ip_address(address.split("%")[0])):
                raise _refused("target_url resolves to a private, loopback or link-local address")
        return addresses

    def admits(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address):
            if address in _NAT64_LOCAL_USE or not all(self.admits(ipv4) for ipv4 in embedded_ipv4(address)):
                return False
            if _translated_ipv4(address) is not None:
                return True  # the IPv4 address just admitted is where the packets go
            # 6to4 and Teredo addresses must also be public IPv6 addresses in their own right.
        if address.is_loopback:
            return self.allow_loopback
        return address.is_global and not any(address in network for network in _NOT_PUBLIC)


def _refused(message: str, kind: type[TargetRefused] = TargetRefused) -> TargetRefused:
    return kind(message, details=[{"field": "target_url", "in": "body", "message": message}])
