"""The alert sender: a task that reads due rows of the outbox and sends each follower one message per
article, within the send limiter's pace. A row is settled only once Telegram took the message;
a 429 pauses every send for its retry_after, a user who blocked the bot (403) has their subscriptions
paused, network and server errors are retried with growing delays. Nothing is kept only in memory:
a restart goes on with the rows left in the base."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from alerts.limiter import SendLimiter
from alerts.message import alert_message
from app.middlewares import RAISE_RETRY_AFTER
from app.settings import Settings
from db import outbox
from db.history.read import news_items
from db.models.follows import FAILED, SKIPPED
from db.outbox import AlertGroup, ArticleRef
from db.read.cards import load_views
from db.read.views import AgreementView, HistoryItem

log = logging.getLogger(__name__)

Message = tuple[str, InlineKeyboardMarkup | None]  # an alert's HTML text and its buttons
MAX_BACKOFF = 600.0  # seconds between attempts, at most: a long outage is retried, never dropped


def backoff(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: 2, 4, 8, ... up to MAX_BACKOFF."""
    return min(MAX_BACKOFF, 2.0 ** min(attempts + 1, 20))


def _unreachable(exc: TelegramBadRequest) -> bool:
    """A 400 that means the chat can't be written to (deleted account, never started the bot)."""
    text = exc.message.lower()
    return "chat not found" in text or "user is deactivated" in text or "peer_id_invalid" in text


class AlertSender:
    """Started with the bot (`start`), stopped with it (`stop`); `wake` after new rows were written."""

    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        limiter: SendLimiter,
        *,
        batch: int = 100,
        poll_interval: float = 1.0,
        lease: float = 120.0,
        hold: bool = False,
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.limiter = limiter
        self.batch = max(1, batch)
        self.poll_interval = poll_interval
        self.lease = lease
        self.hold = hold  # tests only: never send (the process is killed with its rows pending)
        self.sent = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._inflight: dict[asyncio.Task[None], AlertGroup] = {}
        self._sending: set[asyncio.Task[None]] = set()
        # rows Telegram took, to be marked sent: one transaction takes whatever gathered while the
        # previous one ran (a group commit), so a busy sender does not wait on a commit per message
        self._sent_ids: list[int] = []
        self._sent_event = asyncio.Event()
        self._settler: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None and not self.hold:
            self._task = asyncio.create_task(self._run(), name="alert-sender")
            self._settler = asyncio.create_task(self._settle_sent(), name="alert-settler")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop taking rows; let messages already on their way finish (for up to `timeout` seconds)
        and hand the rest back to the base at once, so that the next start sends them."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        inflight = dict(self._inflight)
        waiting = [t for t in inflight if t not in self._sending]  # not handed to Telegram yet
        for task in waiting:
            task.cancel()
        if inflight:
            await asyncio.wait(list(inflight), timeout=timeout)
        left = [g for t, g in inflight.items() if t in waiting]  # one still sending may have gone out
        for task in inflight:
            task.cancel()
        if self._settler is not None:
            self._settler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._settler
            self._settler = None
        try:
            await self._flush_sent()
        except Exception:  # they stay leased: sent again after the lease (the one case of a repeat)
            log.warning("could not mark %d alerts sent", len(self._sent_ids), exc_info=True)
        row_ids = [i for g in left for i in g.row_ids]
        if row_ids:
            try:
                async with self.sessionmaker() as session:
                    await outbox.retry_later(session, row_ids, 0, count=False)
            except Exception:  # their lease ends anyway: they are sent after it
                log.warning("could not hand %d alert rows back", len(row_ids), exc_info=True)
        self._inflight.clear()
        with contextlib.suppress(Exception):
            await self.limiter.close()

    async def _run(self) -> None:
        while True:
            try:
                room = self.batch - len(self._inflight)
                groups: list[AlertGroup] = []
                views: dict[int, AgreementView] = {}
                articles: dict[int, ArticleRef] = {}
                items: dict[int, HistoryItem] = {}
                if room > 0:
                    async with self.sessionmaker() as session:
                        groups = await outbox.claim(session, room, self.lease)
                        if groups:  # every group of a batch usually tells of the same agreements
                            wanted = list(dict.fromkeys(i for g in groups for i in [*g.agreement_ids, *g.news]))
                            views = {v.id: v for v in await load_views(session, wanted)}
                            articles = await outbox.article_refs(session, {g.article_id for g in groups})
                            items = await news_items(session, [m for g in groups for m in g.news.values()])
                messages: dict[tuple[object, ...], Message | None] = {}
                for group in groups:
                    key = (group.article_id, *group.agreement_ids, *sorted(group.news.items()))
                    if key not in messages:  # followers of the same news get the same message
                        found = [views[i] for i in group.agreement_ids if i in views]
                        news = [(items[m], views[a]) for a, m in group.news.items() if m in items and a in views]
                        messages[key] = (
                            alert_message(found, articles.get(group.article_id), news) if found or news else None
                        )
                    task = asyncio.create_task(self._deliver(group, messages[key]))
                    self._inflight[task] = group
                    task.add_done_callback(self._done)
                if room > 0 and len(groups) == room:
                    # more may be due: take them when half of these are out
                    while len(self._inflight) > self.batch // 2:
                        await asyncio.wait(list(self._inflight), return_when=asyncio.FIRST_COMPLETED)
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:  # the base is away for a moment: try again later, never stop
                log.exception("alert sender could not read the outbox")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._inflight.pop(task, None)
        self._sending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("alert delivery failed", exc_info=task.exception())

    async def _settle_sent(self) -> None:
        while True:
            await self._sent_event.wait()
            self._sent_event.clear()
            try:
                await self._flush_sent()
            except asyncio.CancelledError:
                raise
            except Exception:  # the rows stay leased; after the lease they would go out again
                log.exception("could not mark alerts sent")
                await asyncio.sleep(1.0)

    async def _flush_sent(self) -> None:
        ids, self._sent_ids = self._sent_ids, []
        if not ids:
            return
        try:
            async with self.sessionmaker() as session:
                await outbox.settle(session, ids)
        except BaseException:
            self._sent_ids[:0] = ids  # try again with the next ones
            self._sent_event.set()
            raise

    async def _deliver(self, group: AlertGroup, message: Message | None) -> None:
        if message is None:  # hidden or deleted meanwhile: nothing to tell
            async with self.sessionmaker() as session:
                await outbox.settle(session, group.row_ids, SKIPPED)
            return
        text, markup = message
        await self.limiter.acquire(group.user_id)
        current = asyncio.current_task()
        if current is not None:
            self._sending.add(current)
        RAISE_RETRY_AFTER.set(True)
        try:
            await self.bot.send_message(group.user_id, text, reply_markup=markup)
        except TelegramRetryAfter as exc:
            await self.limiter.pause(exc.retry_after)
            await self._settle_later(group, exc.retry_after, exc.message, count=False)
        except TelegramForbiddenError as exc:
            await self._blocked(group, exc.message)
        except TelegramBadRequest as exc:
            if _unreachable(exc):
                await self._blocked(group, exc.message)
            else:  # Telegram refuses this message as it is: retrying would not help
                log.error("alert to %s refused: %s", group.user_id, exc.message)
                async with self.sessionmaker() as session:
                    await outbox.settle(session, group.row_ids, FAILED, exc.message)
        except TelegramNotFound as exc:
            log.error("alert to %s: %s", group.user_id, exc.message)
            await self._settle_later(group, backoff(group.attempts), exc.message)
        except Exception as exc:  # network, 5xx: try again later
            log.warning("alert to %s not sent (%s), retrying", group.user_id, type(exc).__name__)
            await self._settle_later(group, backoff(group.attempts), f"{type(exc).__name__}: {exc}")
        else:
            self.sent += 1
            self._sent_ids.extend(group.row_ids)
            self._sent_event.set()

    async def _settle_later(self, group: AlertGroup, delay: float, error: str, *, count: bool = True) -> None:
        async with self.sessionmaker() as session:
            await outbox.retry_later(session, group.row_ids, delay, error, count=count)

    async def _blocked(self, group: AlertGroup, error: str) -> None:
        log.info("user %s blocked the bot: their subscriptions are paused", group.user_id)
        async with self.sessionmaker() as session:
            await outbox.block_user(session, group.user_id, error)


def make_sender(
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    limiter: SendLimiter | None = None,
) -> AlertSender:
    """The sender with the pace and batch of `settings`; the pace is shared through Redis when
    ALERTS_REDIS_URL (or else REDIS_URL, which the instances share anyway) is set, else kept in this process."""
    from alerts.limiter import LocalSendLimiter, RedisSendLimiter

    redis_url = settings.alerts_redis_url or settings.redis_url
    if limiter is None and redis_url:
        limiter = RedisSendLimiter(redis_url, settings.alerts_rate, settings.alerts_chat_interval)
    return AlertSender(
        bot,
        sessionmaker,
        limiter or LocalSendLimiter(settings.alerts_rate, settings.alerts_chat_interval),
        batch=settings.alerts_batch,
        poll_interval=settings.alerts_poll_interval,
        hold=settings.alerts_hold,
    )
