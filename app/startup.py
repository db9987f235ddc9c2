"""What a fresh start leaves to the background: loading the seeds into an empty base and the
extraction models. Queries of the first minute wait for the seeds (`SeedsMiddleware`, bounded, with
a progress line); articles wait for the models; these helpers say what is still loading."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from aiogram import Bot
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from intake.pool import ExtractPool

log = logging.getLogger(__name__)

SEEDING_NOTE = (
    "База ещё заполняется начальными статьями после первого запуска — "
    "повторите запрос через минуту, ответ может быть полнее."
)
SEEDS_PROGRESS = (
    "Это первый запуск: загружаю в базу начальные статьи и модели для их чтения. "
    "Отвечу, как только они загрузятся (обычно несколько секунд)…"
)
MODELS_NOTICE = (
    "Бот только что запустился и ещё загружает модели для чтения статей. "
    "Ваша статья в очереди — отвечу, как только модели загрузятся."
)


@dataclass(slots=True)
class Seeding:
    """The background load of the seeds into an empty base (first start only)."""

    task: asyncio.Task[Any] | None = None

    @property
    def active(self) -> bool:
        return self.task is not None and not self.task.done()

    async def wait(self) -> None:
        """Until the seeds are loaded (or failed to load: that is logged)."""
        if self.task is not None:
            await asyncio.shield(self.task)

    async def stop(self, timeout: float = 0.0) -> None:
        """Let the seeds finish loading for up to `timeout` seconds, then give up on them (the
        swap into the base is one transaction: nothing half-loaded stays)."""
        if self.task is not None:
            if timeout > 0 and not self.task.done():
                log.info("finishing loading the seeds before stopping (up to %.0f s)", timeout)
                with contextlib.suppress(TimeoutError, Exception):
                    await asyncio.wait_for(asyncio.shield(self.task), timeout)
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


def start_seeding(
    sessionmaker: async_sessionmaker[AsyncSession], seeds_dir: Path, pool: ExtractPool
) -> Seeding:
    """Load the seeds when the base holds no article, in the background: their extraction waits
    for the models, and commands need not wait for it (they find less meanwhile)."""
    from db.write.ingest import ensure_seeded

    async def seed() -> None:
        started = time.monotonic()
        try:
            report = await ensure_seeded(sessionmaker, seeds_dir, extract_fn=pool.run)
        except Exception:  # the bot keeps answering from what the base holds; /reload can retry
            log.exception("loading the seeds failed")
            return
        if report is not None:
            log.info(
                "seeds loaded in %.1f s: %d articles, %d agreements, %d failed",
                time.monotonic() - started, report.loaded, report.agreements, len(report.failed),
            )  # fmt: skip

    return Seeding(asyncio.create_task(seed(), name="seeding"))


async def wait_for_seeds(
    seeding: Seeding,
    bot: Bot | None,
    chat_id: int | None,
    *,
    limit: float,
    progress_after: float,
    told: set[int] | None = None,
) -> bool:
    """Wait (at most `limit` seconds) for the first load of the seeds; when it takes longer than
    `progress_after`, say so to `chat_id` (unless it is in `told`, the chats told already). True
    when the seeds are in (or none were loading)."""
    if not seeding.active:
        return True
    told = told if told is not None else set()

    async def tell() -> None:
        await asyncio.sleep(progress_after)
        if bot is not None and chat_id is not None and chat_id not in told and seeding.active:
            told.add(chat_id)
            try:
                await bot.send_message(chat_id, SEEDS_PROGRESS)
            except Exception:  # a courtesy: the answer follows anyway
                log.warning("could not send the seeding progress line", exc_info=True)

    timer = asyncio.create_task(tell())
    try:
        await asyncio.wait_for(seeding.wait(), limit)
    except TimeoutError:
        log.info("a query gave up waiting for the seeds after %.0f s", limit)
        return False
    except Exception:  # loading failed (logged there): answer from what the base holds
        return True
    finally:
        timer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await timer
    return True


def _chat_of(update: Update) -> int | None:
    if update.message is not None:
        return update.message.chat.id
    if update.callback_query is not None:
        message = update.callback_query.message
        return message.chat.id if message is not None else update.callback_query.from_user.id
    return None  # inline queries and the rest: nowhere to write a progress line


class SeedsMiddleware(BaseMiddleware):
    """While the first start loads the seeds into an empty base, an update waits for them (bounded,
    with a progress line when it takes long), so that the first /region or /start of a fresh clone
    answers from the seeded base rather than from a half-empty one. Runs before the update's
    session is opened: its reads then see the seeds."""

    def __init__(self, limit: float = 30.0, progress_after: float = 2.0) -> None:
        self.limit = limit
        self.progress_after = progress_after
        self.told: set[int] = set()  # chats that had the progress line: once is enough

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        seeding = data.get("seeding")
        if isinstance(seeding, Seeding) and seeding.active and isinstance(event, Update):
            await wait_for_seeds(
                seeding, data.get("bot"), _chat_of(event),
                limit=self.limit, progress_after=self.progress_after, told=self.told,
            )  # fmt: skip
        return await handler(event, data)


def is_seeding(data: dict[str, Any]) -> bool:
    """Whether the seeds are being loaded (from a handler's workflow data)."""
    seeding = data.get("seeding")
    return isinstance(seeding, Seeding) and seeding.active


async def announce_models(pool: ExtractPool, started: float) -> None:
    """Log when the extraction models are ready (`started`: time.monotonic() of the process start)."""
    try:
        await pool.warm_up()
    except asyncio.CancelledError:
        raise
    except Exception:  # a worker that failed to start is replaced on the next article
        log.exception("extraction workers failed to load their models")
        return
    log.info("extraction models ready %.1f s after start", time.monotonic() - started)


@dataclass(slots=True)
class ModelsNotice:
    """Tells a chat once that its article waits for the models, when that takes `after` seconds."""

    pool: ExtractPool
    after: float = 5.0
    told: set[int] = field(default_factory=set)

    @contextlib.asynccontextmanager
    async def waiting(self, bot: Bot, chat_id: int) -> AsyncIterator[None]:
        """Around the reading of one article: nothing is said unless the models are still loading
        `after` seconds later."""
        if self.pool.ready or chat_id in self.told:
            yield
            return

        async def tell() -> None:
            await asyncio.sleep(self.after)
            if not self.pool.ready and chat_id not in self.told:
                self.told.add(chat_id)
                try:
                    await bot.send_message(chat_id, MODELS_NOTICE)
                except Exception:  # a courtesy; the article's answer follows anyway
                    log.warning("could not send the models notice", exc_info=True)

        timer = asyncio.create_task(tell())
        try:
            yield
        finally:
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
