"""SSRF guard: which addresses may be connected to, and a resolver that enforces it.

The check sits in the resolver the connector uses, so the address that is actually
connected to is the one checked (no window for DNS rebinding between a check and
the connection). Literal IP hosts never reach a resolver; ``urls.validate_url``
checks them on every hop.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Refused even when private addresses are allowed: cloud metadata lives in link-local.
_ALWAYS_BLOCKED: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "169.254.0.0/16",  # link-local, 169.254.169.254 metadata
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        "::/128",
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
        "100::/64",  # discard
        "2001:db8::/32",  # documentation
        "2001:10::/28",
        "2001:20::/28",
        "fd00:ec2::254/128",  # AWS metadata over IPv6 (also inside fc00::/7)
    )
)

# Refused unless private addresses are allowed (tests against 127.0.0.1).
_PRIVATE: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",  # carrier-grade NAT
        "::1/128",
        "fc00::/7",  # unique local
    )
)

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedAddressError(OSError):
    """Raised by the resolver for a host that resolves to a refused address."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        super().__init__(f"{host} -> {address}: {reason}")
        self.host = host
        self.address = address
        self.reason = reason


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address can carry (mapped, compatible, 6to4, Teredo, NAT64)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    # Deprecated IPv4-compatible form ::a.b.c.d (but not :: and ::1).
    if int(ip) >> 32 == 0 and int(ip) > 1:
        found.append(ipaddress.IPv4Address(int(ip)))
    return found


def address_problem(ip: IPAddress | str, *, allow_private: bool = False) -> str | None:
    """Why ``ip`` must not be connected to, or None when it is fine."""
    if isinstance(ip, str):
        try:
            ip = ipaddress.ip_address(ip.split("%", 1)[0])  # drop an IPv6 zone id
        except ValueError:
            return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            # ::ffff:a.b.c.d connects to a.b.c.d, so that address decides.
            return address_problem(ip.ipv4_mapped, allow_private=allow_private)
        for inner in _embedded_ipv4(ip):
            problem = address_problem(inner, allow_private=allow_private)
            if problem:
                return f"embeds {inner} ({problem})"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_link_local:
        return "link-local"
    if any(ip in net for net in _ALWAYS_BLOCKED):
        return "reserved"
    if any(ip in net for net in _PRIVATE):
        return None if allow_private else ("loopback" if ip.is_loopback else "private")
    if ip.is_reserved:
        return "reserved"
    if ip.is_loopback:
        return None if allow_private else "loopback"
    if ip.is_private or not ip.is_global:
        return "not global"
    return None


def is_ip_address(host: str) -> bool:
    """True when ``host`` is a literal IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def is_allowed_address(ip: IPAddress | str, *, allow_private: bool = False) -> bool:
    """True when ``ip`` may be connected to."""
    return address_problem(ip, allow_private=allow_private) is None


class GuardedResolver(AbstractResolver):
    """Wraps a resolver and refuses hosts resolving to any non-allowed address.

    One bad address poisons the whole answer: a name that resolves to both a public
    and a private address is refused, so the connector can't fall back to the private one.
    """

    def __init__(self, inner: AbstractResolver | None = None, *, allow_private: bool = False) -> None:
        self._inner = inner if inner is not None else DefaultResolver()
        self.allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        check_resolved(host, (r["host"] for r in results), allow_private=self.allow_private)
        if not results:
            raise OSError(f"{host} did not resolve")
        return results

    async def close(self) -> None:
        await self._inner.close()


def check_resolved(host: str, addresses: Iterable[str], *, allow_private: bool) -> None:
    """Raise BlockedAddressError if any of ``addresses`` is refused."""
    for address in addresses:
        problem = address_problem(address, allow_private=allow_private)
        if problem:
            raise BlockedAddressError(host, address, problem)
