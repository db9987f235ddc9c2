"""The record of Bot API calls: Call, and the mixin that records, lists and awaits them."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .markup import _button_datas


@dataclass
class Call:
    """One recorded Bot API request and the fake's answer."""

    index: int
    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    chat_id: int | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")

    @property
    def text(self) -> str | None:
        """Visible text (or caption) of the message the call produced, else the raw parameter."""
        if isinstance(self.result, dict) and ("text" in self.result or "caption" in self.result):
            return self.result.get("text", self.result.get("caption"))
        return self.params.get("text", self.params.get("caption"))

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data) of the inline buttons sent with this call."""
        return _button_datas(self.result) if isinstance(self.result, dict) else []


class CallsMixin:
    """Recording the bot's calls and inspecting them from tests."""

    @property
    def errors(self) -> list[Call]:
        """Calls answered with a non-2xx status."""
        return [c for c in self.calls if not c.ok]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages currently in the chat (after edits, without deleted ones)."""
        bot_id = self.bot_user["id"]
        return [
            m
            for (c, mid), m in sorted(self._messages.items())
            if c == chat_id and m["from"]["id"] == bot_id and (c, mid) not in self._deleted
        ]

    def calls_for(self, chat_id: int | None, method: str | None = None) -> list[Call]:
        """Every recorded call to `chat_id` (optionally of one method), consumed or not."""
        return [c for c in self._chat_calls.get(chat_id, []) if method is None or c.method == method]

    async def wait_for(
        self,
        chat_id: int,
        method: str | Iterable[str] | None = "sendMessage",
        count: int = 1,
        timeout: float = 10.0,
        predicate: Callable[[Call], bool] | None = None,
        *,
        ok: bool | None = True,
    ) -> list[Call]:
        """Wait for the next `count` not yet awaited calls to `chat_id` and return them.

        Each returned call is consumed: the next wait_for returns later calls. `ok=True` (default)
        matches only successful calls, False only failed ones, None both. Raises AssertionError
        with what was recorded when the calls do not come within `timeout` seconds.
        """
        methods = {method} if isinstance(method, str) else (set(method) if method is not None else None)

        def matching() -> list[Call]:
            found = []
            for c in self._chat_calls.get(chat_id, []):
                if c.index in self._consumed or (methods is not None and c.method not in methods):
                    continue
                if (ok is not None and c.ok != ok) or (predicate is not None and not predicate(c)):
                    continue
                found.append(c)
                if len(found) == count:
                    break
            return found

        deadline = time.monotonic() + timeout
        while True:
            found = matching()
            if len(found) >= count:
                self._consumed.update(c.index for c in found)
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            event = self._chat_events.setdefault(chat_id, asyncio.Event())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        seen = [
            (c.method, c.status, (c.text or c.description or "")[:80])
            for c in self._chat_calls.get(chat_id, [])
        ]
        errors = [(c.method, c.description) for c in self.errors]
        raise AssertionError(
            f"waited {timeout}s for {count} x {method} to chat {chat_id}, got {len(found)}; "
            f"calls to this chat: {seen}; errors: {errors}"
        )

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, bytes, str]],
        status: int,
        body: dict[str, Any],
        chat_id: int | None,
    ) -> None:
        call = Call(
            len(self.calls),
            method,
            params,
            status,
            body,
            chat_id,
            {name: data for name, data, _ in files.values()},
        )
        self.calls.append(call)
        self._chat_calls.setdefault(chat_id, []).append(call)
        event = self._chat_events.pop(chat_id, None)
        if event is not None:
            event.set()
