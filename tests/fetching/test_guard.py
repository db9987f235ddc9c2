"""Address policy and the guarded resolver (stub answers; no real DNS, no traffic)."""

from __future__ import annotations

import pytest

from fetching import GuardedResolver, address_problem, is_allowed_address
from fetching.guard import BlockedAddressError

from .conftest import StubResolver

REFUSED = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "100.64.0.1",
    "100.127.255.254",
    "169.254.169.254",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.251",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.10",
    "198.18.0.1",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo with client 127.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2001:db8::1",
    "not-an-ip",
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_global_addresses_are_refused(address: str) -> None:
    assert address_problem(address) is not None
    assert not is_allowed_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "5.255.255.242", "2a00:1450:4010:c05::8b", "::ffff:93.184.216.34"]
)
def test_global_addresses_are_allowed(address: str) -> None:
    assert address_problem(address) is None


def test_allow_private_opens_loopback_and_private_only() -> None:
    for address in ("127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "fd12::1", "::ffff:127.0.0.1"):
        assert is_allowed_address(address, allow_private=True), address
    for address in ("169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1", "::", "240.0.0.1"):
        assert not is_allowed_address(address, allow_private=True), address


@pytest.mark.parametrize(
    "addresses",
    [
        ["127.0.0.1"],
        ["10.0.0.1"],
        ["169.254.169.254"],
        ["::1"],
        ["::ffff:127.0.0.1"],
        ["fe80::1"],
        ["93.184.216.34", "127.0.0.1"],
    ],  # one bad answer among good ones poisons the whole answer
)
async def test_resolver_refuses_names_resolving_to_private_addresses(addresses: list[str]) -> None:
    resolver = GuardedResolver(StubResolver({"evil.test": addresses}))
    with pytest.raises(BlockedAddressError) as info:
        await resolver.resolve("evil.test", 80)
    assert info.value.host == "evil.test"
    assert info.value.address in addresses
    assert isinstance(info.value, OSError)  # aiohttp's connector wraps resolver OSErrors


async def test_resolver_passes_public_answers_through() -> None:
    stub = StubResolver({"news.test": ["93.184.216.34", "2a00:1450:4010:c05::8b"]})
    results = await GuardedResolver(stub).resolve("news.test", 443)
    assert [r["host"] for r in results] == ["93.184.216.34", "2a00:1450:4010:c05::8b"]
    assert stub.calls == ["news.test"]


async def test_resolver_with_allow_private_still_refuses_metadata() -> None:
    resolver = GuardedResolver(
        StubResolver({"a.test": ["127.0.0.1"], "b.test": ["169.254.169.254"]}), allow_private=True
    )
    assert (await resolver.resolve("a.test", 80))[0]["host"] == "127.0.0.1"
    with pytest.raises(BlockedAddressError):
        await resolver.resolve("b.test", 80)
