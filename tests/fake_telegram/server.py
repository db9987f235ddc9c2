"""The FakeTelegram server: its state, the aiohttp app and routing of calls to the method mixins."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from .callbacks import CallbacksMixin
from .calls import Call, CallsMixin
from .commands import CommandsMixin
from .errors import _RAW_STRING_FIELDS, DEFAULT_TOKEN, ApiError
from .files import StoredFile
from .files_api import FilesMixin
from .inline import InlineMixin
from .messages import MessagesMixin
from .updates import UpdatesMixin
from .users import UsersMixin, _Chat


class FakeTelegram(
    UsersMixin,
    CallbacksMixin,
    InlineMixin,
    CallsMixin,
    UpdatesMixin,
    MessagesMixin,
    FilesMixin,
    CommandsMixin,
):
    """The fake Bot API server. ``async with FakeTelegram() as fake: ...``"""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "agreements_test_bot",
        bot_name: str = "Соглашения (тест)",
        strict_chats: bool = True,
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.strict_chats = strict_chats
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._bots: list[Bot] = []
        self._stopping = False
        self.reset()

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        self._stopping = True
        self._wake_pollers()
        for bot in self._bots:
            # Close the plain-HTTP client session directly: AiohttpSession.close() sleeps 250 ms
            # for TLS connections to settle, which only slows tests here.
            client = getattr(bot.session, "_session", None)
            if client is not None and not client.closed:
                await client.close()
            else:
                await bot.session.close()
        self._bots.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def api_server(self) -> TelegramAPIServer:
        return TelegramAPIServer.from_base(self.base_url)

    def make_bot(self, token: str | None = None, **kwargs: Any) -> Bot:
        """An aiogram Bot talking to this server (its session is closed by stop())."""
        bot = Bot(token or self.token, session=AiohttpSession(api=self.api_server()), **kwargs)
        self._bots.append(bot)
        return bot

    def reset(self) -> None:
        """Forget every update, call, message, file and rule; users, ids and the server stay.

        Update, message and callback ids keep counting up (as on Telegram), so a running
        dispatcher's getUpdates offset stays valid across a reset.
        """
        if not hasattr(self, "_chats"):
            self._chats: dict[int, _Chat] = {}
            self._update_ids = itertools.count(1)
            self._query_ids = itertools.count(1)
            self._file_ids = itertools.count(1)
            self._poll_generation = 0
            self._poll_event = asyncio.Event()
            self._chat_events: dict[int | None, asyncio.Event] = {}
        for event in self._chat_events.values():
            event.set()  # waiters re-check against the emptied state
        self._chat_events = {}
        self.calls: list[Call] = []
        self._chat_calls: dict[int | None, list[Call]] = {}
        self._consumed: set[int] = set()
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._deleted: set[tuple[int, int]] = set()
        self._updates: list[dict[str, Any]] = []
        self._allowed_updates: list[str] | None = None
        self._queries: dict[str, int] = {}
        self._inline_queries: dict[str, int] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self._files: dict[str, StoredFile] = {}
        self._paths: dict[str, str] = {}
        self._floods: list[list[Any]] = []
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] = {}
        self.queued_at: dict[int, float] = {}

    # ---- flood control ---------------------------------------------------------------------

    def flood_next(
        self, method: str, retry_after: int = 1, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) answer 429."""
        self._floods.append([method.lower(), chat_id, retry_after, times])

    def _flood_for(self, method: str, chat_id: int | None) -> int | None:
        for rule in self._floods:
            if rule[0] == method.lower() and rule[1] in (None, chat_id) and rule[3] > 0:
                rule[3] -= 1
                return rule[2]
        return None

    # ---- HTTP plumbing ---------------------------------------------------------------------

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes, str]]]:
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes, str]] = {}
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        else:
            raw: dict[str, Any] = dict(request.query)
            if request.can_read_body:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = (value.filename, value.file.read(), value.content_type)
                    else:
                        raw[key] = value
            for key, value in raw.items():
                params[key] = value if key in _RAW_STRING_FIELDS else _maybe_json(value)
        return params, files

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        try:
            params, files = await self._read_params(request)
        except (ValueError, json.JSONDecodeError):
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: can't parse request"},
                status=400,
            )
        chat_id = params.get("chat_id") if isinstance(params.get("chat_id"), int) else None
        if method.lower() == "answercallbackquery":
            chat_id = self._queries.get(str(params.get("callback_query_id")))
        if method.lower() == "answerinlinequery":
            chat_id = self._inline_queries.get(str(params.get("inline_query_id")))
        handler = getattr(self, f"_m_{method.lower()}", None)
        try:
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            retry_after = self._flood_for(method, chat_id)
            if retry_after is not None:
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
                )
            result = await handler(params, files)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as e:
            status = e.status
            body = {"ok": False, "error_code": e.status, "description": e.description}
            if e.parameters:
                body["parameters"] = e.parameters
        if request.transport is not None and not request.transport.is_closing():
            # A long poll whose client has gone (a stopped dispatcher) saw nothing: don't record it.
            self._record(method, params, files, status, body, chat_id)
        return web.json_response(body, status=status)


def _maybe_json(value: str) -> Any:
    if value[:1] in ("{", "[") or value in ("true", "false", "null") or re.fullmatch(r"-?\d+(\.\d+)?", value):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
