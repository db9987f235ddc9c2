"""The bot's own profile: getMe, the command lists and the description methods."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import _bad


class CommandsMixin:
    """getMe, setMyCommands and the other methods about the bot itself."""

    async def _m_getme(self, params: dict, files: dict) -> Any:
        return self.bot_user

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        return json.dumps(
            [params.get("scope") or {"type": "default"}, params.get("language_code") or ""], sort_keys=True
        )

    async def _m_setmycommands(self, params: dict, files: dict) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad(
                "can't parse commands JSON object" if not isinstance(commands, list) else "too many commands"
            )
        for item in commands:
            command = item.get("command") if isinstance(item, dict) else None
            description = item.get("description") if isinstance(item, dict) else None
            if not isinstance(command, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", command):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _m_getmycommands(self, params: dict, files: dict) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def _m_deletemycommands(self, params: dict, files: dict) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _m_setmydescription(self, params: dict, files: dict) -> Any:
        return True

    _m_setmyshortdescription = _m_setmydescription
    _m_setchatmenubutton = _m_setmydescription
