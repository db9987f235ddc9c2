"""/reload for admins: re-read the seeds with a progress message edited as it goes."""

from __future__ import annotations

import logging
import time
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import BaseFilter, Command
from aiogram.types import Message, TelegramObject, User

from app.settings import Settings
from db.write.ingest import reload
from intake.pool import ExtractPool
from views.cards import q

log = logging.getLogger(__name__)
router = Router(name="admin")

EDIT_INTERVAL = 1.0  # seconds between progress edits (Telegram rate-limits edits)


class IsAdmin(BaseFilter):
    """Passes updates from users listed in ADMIN_IDS."""

    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


class ProgressMessage:
    """One message edited in place, at most every `interval` seconds, never with the same text."""

    def __init__(self, bot: Bot, message: Message, interval: float = EDIT_INTERVAL) -> None:
        self.bot = bot
        self.message = message
        self.interval = interval
        self.text = message.text or ""
        self._last = time.monotonic()
        self.edits = 0

    async def update(self, text: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if text == self.text or (not force and now - self._last < self.interval):
            return
        try:
            await self.bot.edit_message_text(
                text=text, chat_id=self.message.chat.id, message_id=self.message.message_id
            )
        except TelegramBadRequest as exc:  # e.g. the user deleted the message: progress is cosmetic
            log.warning("progress edit failed: %s", exc)
        self.text = text
        self._last = now
        self.edits += 1


def _bar(done: int, total: int, width: int = 10) -> str:
    filled = round(width * done / total) if total else width
    return "▓" * filled + "░" * (width - filled)


@router.message(Command("reload", ignore_case=True), IsAdmin())
async def cmd_reload(
    message: Message, bot: Bot, settings: Settings, pool: ExtractPool, sessionmaker: Any
) -> None:
    sent = await message.answer("Перезагружаю базу из папки seeds…")
    progress = ProgressMessage(bot, sent, settings.progress_interval)

    async def on_progress(done: int, total: int, name: str) -> None:
        await progress.update(
            f"Перезагружаю базу… {_bar(done, total)} {done}/{total}\n<code>{q(name, 100)}</code>"
        )

    started = time.monotonic()
    report = await reload(
        sessionmaker, settings.seeds_dir, progress=on_progress, extract_fn=pool.run,
        hold_below=settings.feed_min_confidence,
    )
    lines = [
        "<b>База перезагружена</b>",
        f"Загружено статей: {report.loaded}",
        f"Соглашений: {report.agreements}",
        f"Статей пользователей пересмотрено: {report.reextracted_user_articles}",
        f"Время: {time.monotonic() - started:.1f} с",
    ]
    if report.failed:
        lines.append(f"Не удалось загрузить файлов: {len(report.failed)}")
        lines += [f"• {q(name, 100)}: {q(reason, 200)}" for name, reason in report.failed[:10]]
    else:
        lines.append("Ошибок нет.")
    await progress.update("\n".join(lines), force=True)


@router.message(Command("reload", ignore_case=True))
async def cmd_reload_refused(message: Message) -> None:
    await message.answer("Извините, эта команда доступна только администраторам бота.")
