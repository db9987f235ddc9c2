"""The update queue: queueing updates, getUpdates long polling and the webhook methods."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from .errors import _ALL_UPDATE_TYPES, ApiError, _bad


class UpdatesMixin:
    """Queued updates, getUpdates and the webhook methods."""

    def _wake_pollers(self) -> None:
        self._poll_event.set()
        self._poll_event = asyncio.Event()

    def _queue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: payload})
        self.queued_at[update_id] = time.monotonic()
        self._wake_pollers()
        return payload

    def take_updates(self) -> list[dict[str, Any]]:
        """Remove and return the updates not yet fetched: to deliver them to webhooks yourself."""
        taken, self._updates = self._updates, []
        return taken

    async def _m_getupdates(self, params: dict, files: dict) -> Any:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = params["allowed_updates"] or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older long poll ends with 409, as on Telegram
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if isinstance(offset, int) and offset:
                self._confirm(offset)
            allowed = self._allowed_updates or _ALL_UPDATE_TYPES
            self._updates = [u for u in self._updates if any(k in u for k in allowed)]
            remaining = deadline - time.monotonic()
            if self._updates or remaining <= 0 or self._stopping:
                return self._updates[:limit]
            event = self._poll_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        else:
            self._updates = self._updates[offset:]

    async def _m_setwebhook(self, params: dict, files: dict) -> Any:
        url = params.get("url") or ""
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_deletewebhook(self, params: dict, files: dict) -> Any:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_getwebhookinfo(self, params: dict, files: dict) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
