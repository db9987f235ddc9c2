"""A circuit breaker for a server that stopped answering (the base here, Redis in shared_state).

After a failure, calls fail at once for `pause` seconds; then one call is let through to try the
server again (the others still fail at once); its success closes the breaker. So a hung server costs
one timeout every few seconds instead of one per call, and recovery needs no restart.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


class Unavailable(ConnectionError):
    """The server did not answer a moment ago; not tried again yet."""


class Breaker:
    """Closed (calls go through) until `trip`; then open, one probe per `pause` seconds."""

    def __init__(self, name: str, pause: float = 3.0) -> None:
        self.name = name
        self.pause = pause
        self.tripped = False
        self._next_probe = 0.0

    def allow(self) -> bool:
        """Whether a call may go to the server now (always, unless tripped: then one per pause)."""
        if not self.tripped:
            return True
        now = time.monotonic()
        if now < self._next_probe:
            return False
        self._next_probe = now + self.pause  # this call is the probe; the others wait for its outcome
        return True

    def check(self) -> None:
        """Raise `Unavailable` unless a call may go through."""
        if not self.allow():
            raise Unavailable(f"{self.name} did not answer a moment ago; trying again shortly")

    def trip(self, exc: BaseException | None = None) -> None:
        if not self.tripped:
            log.warning("%s does not answer (%r): calls fail at once, one try every %.1f s", self.name, exc, self.pause)
        self.tripped = True
        self._next_probe = time.monotonic() + self.pause

    def close(self) -> None:
        if self.tripped:
            log.warning("%s answers again", self.name)
        self.tripped = False
