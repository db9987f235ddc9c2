"""Answers to articles, one per burst: a forward of many posts gets one summary, not a message each.

A burst is the run of a chat's articles that overlap in time: it opens with the first accepted job
and closes `window` seconds after its last job is done with none left. A burst of one article is
answered as always (the agreements found, with card buttons); a longer one gets a progress message,
edited as the articles are read, and then one summary of every article, so the bot stays within
Telegram's pace of about one message a second per chat. Refused jobs (the user's share of the queue
is full) are told in one notice per moment, listing each; nothing is dropped in silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from intake.queue import CLOSED, TOTAL, USER_CHARS, USER_JOBS, Admission, ArticleJob
from shared_state.last_results import LastResult, LastResults
from views.cards import pack, plural, q
from views.keyboards import cards_keyboard

log = logging.getLogger(__name__)

SUMMARY_CARDS = 10  # short cards shown in a burst summary; the rest are buttons and /export
NOTICE_LABELS = 20
ARTICLES = ("статью", "статьи", "статей")


@dataclass(slots=True)
class Outcome:
    """What one job produced: the reply when it is alone (`parts`), one line per article or link
    for a summary (`lines`), the agreements shown, and how many of them are new."""

    parts: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    new: int = 0
    cards: dict[int, str] = field(default_factory=dict)  # agreement id -> its short card


def job_label(job: ArticleJob, limit: int = 60) -> str:
    """A few words that let the user recognize the message: its first words, file name or link."""
    if job.kind == "document":
        return f"файл {q(job.file_name or 'без имени', limit)}"
    if job.kind == "links":
        first = q(job.urls[0], limit) if job.urls else ""
        return f"ссылка {first}" + (f" и ещё {len(job.urls) - 1}" if len(job.urls) > 1 else "")
    if job.kind == "photo":
        return "фото без подписи"
    words = " ".join(job.text.split())
    if not words:
        return "сообщение без текста"
    cut = words if len(words) <= limit else words[:limit].rsplit(" ", 1)[0] + "…"
    return f"«{q(cut, limit + 20)}»"


@dataclass(slots=True)
class _Burst:
    jobs: list[ArticleJob] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    open: int = 0
    last_accept: float = 0.0
    refused: int = 0
    progress_id: int | None = None
    progress_text: str = ""
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    flusher: asyncio.Task[None] | None = None
    ticker: asyncio.Task[None] | None = None


@dataclass(slots=True)
class _Refusals:
    items: list[tuple[str, Admission]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    last_sent: float = float("-inf")


class BurstReplies:
    """Collects job outcomes per chat and answers each burst once (in-process)."""

    def __init__(
        self,
        last_results: LastResults,
        *,
        window: float = 0.5,
        progress_interval: float = 3.0,
        notice_delay: float = 1.0,
        notice_interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.last_results = last_results
        self.window = window
        self.progress_interval = progress_interval
        self.notice_delay = notice_delay
        self.notice_interval = notice_interval
        self.clock = clock
        self.bot: Bot | None = None
        self._bursts: dict[int, _Burst] = {}
        self._refusals: dict[int, _Refusals] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self.sent_summaries = 0

    def bind(self, bot: Bot) -> None:
        self.bot = bot

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
        return lock

    # ---- the handler side ----------------------------------------------------------------

    def join(self, job: ArticleJob) -> None:
        """`job` is about to be queued: it joins its chat's burst. Called before the queue may hand
        it to a worker, so that its outcome always finds its burst; `leave` undoes it."""
        chat = job.chat_id
        burst = self._bursts.get(chat)
        if burst is None:
            burst = self._bursts[chat] = _Burst()
        if burst.flusher is not None:  # it was about to answer: this article belongs to it too
            burst.flusher.cancel()
            burst.flusher = None
        burst.jobs.append(job)
        burst.open += 1
        burst.last_accept = self.clock()

    def leave(self, job: ArticleJob) -> None:
        """`job` was not queued after all."""
        burst = self._bursts.get(job.chat_id)
        if burst is None or job not in burst.jobs:
            return
        burst.jobs.remove(job)
        burst.open -= 1
        if burst.open <= 0:
            if burst.jobs:
                burst.flusher = asyncio.create_task(self._flush_later(job.chat_id, burst, self.window))
            else:
                del self._bursts[job.chat_id]
                burst.closed.set()

    async def accepted(self, job: ArticleJob) -> None:
        """`job` was queued: a burst of two or more gets its progress message."""
        chat = job.chat_id
        burst = self._bursts.get(chat)
        if burst is None or job not in burst.jobs or burst.progress_id is not None or burst.ticker:
            return
        if len(burst.jobs) >= 2 and burst.open >= 2:
            burst.ticker = asyncio.create_task(self._tick(chat, burst))
            async with self._lock(chat):
                await self._show_progress(chat, burst)

    async def refused(self, job: ArticleJob, admission: Admission) -> None:
        """`job` was not queued: the user is told (one notice for the refusals of a moment)."""
        chat = job.chat_id
        refusals = self._refusals.setdefault(chat, _Refusals())
        refusals.items.append((job_label(job), admission))
        burst = self._bursts.get(chat)
        if burst is not None:
            burst.refused += 1
        if refusals.task is None or refusals.task.done():
            wait = max(self.notice_delay, refusals.last_sent + self.notice_interval - self.clock())
            refusals.task = asyncio.create_task(self._send_refusals(chat, refusals, wait))

    async def idle(self, chat_id: int) -> None:
        """Wait until the chat's articles are all answered (the console reads the next line then)."""
        while (burst := self._bursts.get(chat_id)) is not None:
            await burst.closed.wait()
        refusals = self._refusals.get(chat_id)
        if refusals is not None and refusals.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await refusals.task

    # ---- the worker side -----------------------------------------------------------------

    async def finished(self, job: ArticleJob, outcome: Outcome) -> None:
        """`job` is read: answer now when it closes its burst (after the window), else keep it."""
        burst = self._bursts.get(job.chat_id)
        if burst is None or job not in burst.jobs:  # its burst was answered already (a shutdown flush)
            burst = _Burst(jobs=[job], open=1, last_accept=self.clock())
            if job.chat_id in self._bursts:  # a newer burst is open: answer this one on its own
                burst.outcomes[job.job_id] = outcome
                await self._answer(job.chat_id, burst)
                return
            self._bursts[job.chat_id] = burst
        burst.outcomes[job.job_id] = outcome
        burst.open -= 1
        if burst.open <= 0:
            wait = burst.last_accept + self.window - self.clock()
            burst.flusher = asyncio.create_task(self._flush_later(job.chat_id, burst, wait))

    async def _flush_later(self, chat: int, burst: _Burst, wait: float) -> None:
        if wait > 0:
            await asyncio.sleep(wait)
        if burst.open > 0 or self._bursts.get(chat) is not burst:
            return
        burst.flusher = None  # from here on the answer goes out: a new article opens a new burst
        del self._bursts[chat]
        try:
            await self._answer(chat, burst)
        finally:
            burst.closed.set()

    async def flush_all(self) -> None:
        """Answer every burst now with what is done (shutting down)."""
        for chat, burst in list(self._bursts.items()):
            if burst.flusher is not None:
                burst.flusher.cancel()
            self._bursts.pop(chat, None)
            burst.jobs = [j for j in burst.jobs if j.job_id in burst.outcomes]
            try:
                if burst.jobs:
                    await self._answer(chat, burst)
            finally:
                burst.closed.set()
        for refusals in self._refusals.values():
            if refusals.task is not None and not refusals.task.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await refusals.task

    async def lost(self, jobs: list[ArticleJob]) -> None:
        """Tell users about jobs that were accepted but could not be read before shutdown."""
        by_chat: dict[int, list[ArticleJob]] = {}
        for job in jobs:
            by_chat.setdefault(job.chat_id, []).append(job)
        for chat, chat_jobs in by_chat.items():
            labels = [job_label(j) for j in chat_jobs]
            text = (
                f"Бот перезапускается и не успел прочитать {plural(len(labels), ARTICLES)} — "
                "пришлите, пожалуйста, ещё раз:\n" + _listing(labels)
            )
            await self._send(chat, [text], None)

    # ---- sending ---------------------------------------------------------------------------

    async def _answer(self, chat: int, burst: _Burst) -> None:
        async with self._lock(chat):
            if burst.ticker is not None:
                burst.ticker.cancel()
            outcomes = [burst.outcomes[j.job_id] for j in burst.jobs if j.job_id in burst.outcomes]
            ids = list(dict.fromkeys(i for o in outcomes for i in o.ids))
            user = burst.jobs[0].user_id if burst.jobs else chat
            if ids:
                await self.last_results.set(user, LastResult(kind="ids", ids=tuple(ids)))
            if len(outcomes) == 1 and burst.progress_id is None:
                await self._send(chat, outcomes[0].parts, cards_keyboard(ids))
                return
            if burst.progress_id is not None:
                await self._edit(chat, burst, f"Прочитал все статьи ({len(outcomes)}) — сводка ниже.")
            await self._send(chat, summary(burst.jobs, burst.outcomes, burst.refused), cards_keyboard(ids))
            self.sent_summaries += 1

    async def _show_progress(self, chat: int, burst: _Burst) -> None:
        if self.bot is None or burst.progress_id is not None:
            return
        text = _progress_text(burst)
        try:
            sent = await self.bot.send_message(chat, text)
        except Exception:  # the progress message is a courtesy; the summary still comes
            log.warning("could not send the progress message to %s", chat, exc_info=True)
            return
        burst.progress_id = sent.message_id
        burst.progress_text = text

    async def _tick(self, chat: int, burst: _Burst) -> None:
        while not burst.closed.is_set():
            await asyncio.sleep(self.progress_interval)
            if burst.closed.is_set() or self._bursts.get(chat) is not burst:
                return
            text = _progress_text(burst)
            if text != burst.progress_text:
                async with self._lock(chat):
                    if self._bursts.get(chat) is burst:
                        await self._edit(chat, burst, text)

    async def _edit(self, chat: int, burst: _Burst, text: str) -> None:
        if self.bot is None or burst.progress_id is None or text == burst.progress_text:
            return
        try:
            await self.bot.edit_message_text(text=text, chat_id=chat, message_id=burst.progress_id)
            burst.progress_text = text
        except Exception:  # deleted by the user, or unchanged: progress is cosmetic
            log.info("could not edit the progress message in %s", chat, exc_info=True)

    async def _send_refusals(self, chat: int, refusals: _Refusals, wait: float) -> None:
        await asyncio.sleep(max(0.0, wait))
        items, refusals.items = refusals.items, []
        refusals.last_sent = self.clock()
        if items:
            async with self._lock(chat):
                await self._send(chat, [refusal_text(items)], None)

    async def notice(self, chat: int, text: str) -> None:
        """A message of its own to `chat`, between the burst's answers (best effort)."""
        async with self._lock(chat):
            await self._send(chat, [text], None)

    async def _send(self, chat: int, parts: list[str], markup: InlineKeyboardMarkup | None) -> None:
        if self.bot is None:
            return
        chunks = pack(parts)
        for i, chunk in enumerate(chunks):
            try:
                await self.bot.send_message(
                    chat, chunk, reply_markup=markup if i == len(chunks) - 1 else None
                )
            except Exception:  # blocked the bot, chat gone: nothing more to tell this chat
                log.warning("could not answer chat %s", chat, exc_info=True)
                return


def _progress_text(burst: _Burst) -> str:
    done = len(burst.outcomes)
    return (
        f"Принял {plural(len(burst.jobs), ARTICLES)}. Читаю по очереди, прочитано: {done}. "
        "Когда прочитаю все, пришлю одну сводку."
    )


def _listing(labels: list[str]) -> str:
    lines = [f"{i}. {label}" for i, label in enumerate(labels[:NOTICE_LABELS], start=1)]
    if len(labels) > NOTICE_LABELS:
        lines.append(f"… и ещё {len(labels) - NOTICE_LABELS}")
    return "\n".join(lines)


_WHY = {
    USER_JOBS: "у вас уже {articles} в очереди — больше одновременно я не принимаю",
    USER_CHARS: "в очереди уже слишком много вашего текста (можно до {limit} символов сразу)",
    TOTAL: "бот сейчас перегружен статьями от многих пользователей",
    CLOSED: "бот перезапускается",
}


def refusal_text(items: list[tuple[str, Admission]]) -> str:
    """One notice for refused jobs, grouped by the reason."""
    by_reason: dict[str | None, list[tuple[str, Admission]]] = {}
    for label, admission in items:
        by_reason.setdefault(admission.reason, []).append((label, admission))
    blocks = []
    for reason, group in by_reason.items():
        limit = group[0][1].limit
        why = _WHY.get(reason or "", "очередь заполнена").format(
            limit=f"{limit:,}".replace(",", " "), articles=plural(limit, ("статья", "статьи", "статей"))
        )
        blocks.append(
            f"Не принял {plural(len(group), ARTICLES)}: {why}. Я их не сохранил — пришлите их снова, "
            "когда я отвечу на предыдущие:\n" + _listing([label for label, _ in group])
        )
    return "\n\n".join(blocks)


def summary(jobs: list[ArticleJob], outcomes: dict[str, Outcome], refused: int = 0) -> list[str]:
    """The burst's summary as HTML parts: totals, a line per article, short cards of what was found."""
    done = [(job, outcomes[job.job_id]) for job in jobs if job.job_id in outcomes]
    ids = list(dict.fromkeys(i for _, o in done for i in o.ids))
    new = sum(o.new for _, o in done)
    head = f"<b>Прочитал {plural(len(done), ARTICLES)}</b>\n"
    if ids:
        head += f"Нашёл соглашений: {len(ids)}" + (f" (новых: {new})." if new != len(ids) else ".")
    else:
        head += "Подписанных соглашений в них не нашлось."
    lines = []
    for n, (job, outcome) in enumerate(done, start=1):
        status = "; ".join(outcome.lines) or "готово"
        lines.append(f"{n}. {job_label(job)} — {status}")
    # a line per article, in as many parts as needed (a hundred lines exceed one message)
    parts = [head, *pack(lines, limit=3500, sep="\n")]
    if refused:
        parts.append(f"Не принял ещё {plural(refused, ARTICLES)} — список я прислал отдельным сообщением.")
    views: dict[int, str] = {}
    for _, outcome in done:
        for card_id, card in outcome.cards.items():
            views.setdefault(card_id, card)
    cards = [views[i] for i in ids[:SUMMARY_CARDS] if i in views]
    parts.extend(cards)
    if len(ids) > len(cards):
        parts.append(
            f"Остальные {len(ids) - len(cards)} — кнопками ниже (первые 30) или все сразу в /export."
        )
    return parts
