"""At most one request at a time per host (and port): the poller is a polite reader of every site,
and a slow site holds up only the feeds it serves."""

from __future__ import annotations

import contextlib

from yarl import URL

from shared_state.keyed_locks import KeyedLocks


def host_of(url: str) -> str:
    """The host and port a URL is fetched from (lower case; the whole URL when it has no host)."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        return url
    if not parsed.host:
        return url
    return f"{parsed.host.lower()}:{parsed.port}" if parsed.port else parsed.host.lower()


class HostLocks:
    """One lock per host, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks = KeyedLocks()

    def hold(self, url: str) -> contextlib.AbstractAsyncContextManager[None]:
        return self._locks.hold(host_of(url))

    def busy(self) -> int:
        """Hosts being fetched from or waited for."""
        return self._locks.busy()
