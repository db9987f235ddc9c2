"""Articles from users: forwarded posts, pasted text, photo captions, links and .txt/.html files.

The handlers only queue a message (`intake.queue`); consumers read it with `process_job`
off the update, in turn with other users' articles, and `intake.bursts` answers: every article is
read and stored, however many arrive at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.filters import MagicData
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.settings import Settings
from app.startup import ModelsNotice
from db.models import DATE_SENT, KIND_PAGE, KIND_TEXT
from db.write.ingest import ArticleIn
from extraction.reading.text import clean_optional, clean_text
from fetching import FetchError, collect_urls, read_document_article
from intake.bursts import BurstReplies, Outcome
from intake.ingestor import ArticleIngestor, ArticleRead, looks_russian
from intake.plain import has_relative_date, headline_of, looks_like_news, not_news_reason
from intake.pool import ExtractPool
from intake.queue import ArticleJob, ArticleQueue, FairGate
from views.cards import q, short_card

log = logging.getLogger(__name__)
router = Router(name="articles")

MSK = timezone(timedelta(hours=3))
MAX_ARTICLE_CHARS = 200_000
DOCUMENT_EXTENSIONS = (".txt", ".text", ".html", ".htm", ".xhtml")
ALREADY_KNOWN = "Эта статья уже есть в базе."

HINT = (
    "Пришлите текст новости о соглашении (можно переслать пост), ссылку на статью "
    "или файл .txt/.html — я найду в нём соглашения. Поиск по базе: /region, /partner, /search. "
    "Все команды — /help."
)
PHOTO_ONLY = "На фото я текст не читаю. Пришлите статью текстом, подписью к фото, ссылкой или файлом."
OTHER = "Такие сообщения я не понимаю. " + HINT
NOT_NEWS_TAIL = (
    " Я сохраняю только статьи: пришлите текст новости о соглашении, ссылку на неё или файл. "
    "Вопрос к базе задайте коротко, например «Калуга», «МТС» или <code>/search цифровизация</code>."
)
NOT_A_FILE = "Я читаю только файлы .txt и .html. Пришлите статью текстом, ссылкой или таким файлом."
__all__ = ["ALREADY_KNOWN", "Outcome", "looks_russian", "process_article", "process_job", "router"]


def _n(number: int) -> str:
    """1234567 -> '1 234 567'."""
    return f"{number:,}".replace(",", " ")


def published_of(message: Message) -> date | None:
    """A forward's original date is the article's publication date (Moscow time)."""
    origin = message.forward_origin
    when: datetime | None = origin.date if origin is not None else message.forward_date
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(MSK).date()


@dataclass(slots=True)
class Reader:
    """What reading a job needs: the bot (for documents), the base, the extraction pool, links."""

    bot: Bot
    sessionmaker: async_sessionmaker[AsyncSession]
    pool: ExtractPool
    fetcher: Any
    settings: Settings
    # the extraction workers, let in user by user (None: first come, first served)
    gate: FairGate | None = None
    # says once to a chat whose article waits long for the models of a fresh start
    notice: ModelsNotice | None = None
    # extraction and storing, shared with the feed poller (built from the fields above)
    ingestor: ArticleIngestor = field(init=False)

    def __post_init__(self) -> None:
        self.ingestor = ArticleIngestor(
            self.sessionmaker,
            self.pool,
            max_extract_chars=self.settings.max_extract_chars,
            gate=self.gate,
            feed_min_confidence=self.settings.feed_min_confidence,
        )


def _refused(reply: str, line: str) -> Outcome:
    return Outcome(parts=[reply], lines=[line])


async def process_article(
    *,
    text: str,
    url: str | None,
    title: str | None,
    published: date | None,
    user_id: int | None,
    reader: Reader,
    kind: str = KIND_TEXT,
    sent: date | None = None,
) -> Outcome:
    """Check the text, extract off the event loop, store, and describe the result. `sent`: the day
    the user sent a text; with no date of its own, it reads the text's relative dates ("вчера")."""
    settings = reader.settings
    text = clean_text(text).strip()  # NUL bytes, invisible characters, look-alike letters
    if not text:
        return _refused(HINT, "пустое сообщение, без текста")
    if len(text) > MAX_ARTICLE_CHARS:
        return _refused(
            f"Текст слишком длинный ({_n(len(text))} символов, можно до {_n(MAX_ARTICLE_CHARS)}). "
            "Пришлите, пожалуйста, только саму статью.",
            f"слишком длинный текст ({_n(len(text))} символов) — не сохранил",
        )
    problem = looks_russian(text[:20_000])
    if problem is not None and sum(c.isalpha() for c in text) >= 20:
        return _refused(problem, "не похоже на текст статьи на русском — не сохранил")
    if len(text) < settings.min_article_chars:
        return _refused("Слишком короткий текст для статьи. " + HINT, "слишком короткий текст — не сохранил")
    if problem is not None:
        return _refused(problem, "не похоже на текст статьи — не сохранил")
    if not looks_like_news(text):  # nonsense, a list, a question: never stored as an article
        return _refused(not_news_reason(text) + NOT_NEWS_TAIL, "не похоже на новость — не сохранил")
    basis = None
    if published is None and sent is not None and has_relative_date(text):
        published, basis = sent, DATE_SENT  # the card says the date was counted from the sending day
    article = ArticleIn(
        text=text,
        url=url,
        published=published,
        date_basis=basis,
        title=clean_optional(title) or headline_of(text),
        sent_by=user_id,
        source="user",
        kind=kind,
    )
    read = await reader.ingestor.ingest_article(article, fair_key=user_id or 0)
    return _describe(read, reader.settings)


def _describe(read: ArticleRead, settings: Settings) -> Outcome:
    """The reply (and burst summary line) for one stored article."""
    result = read.result
    notes: list[str] = []
    if read.extraction_failed:
        notes.append("Не удалось разобрать текст (внутренняя ошибка), но статья сохранена.")
    if read.truncated:
        notes.append(
            f"Текст длинный: соглашения искал в первых {_n(settings.max_extract_chars)} символах, "
            "статья сохранена целиком."
        )
    views = result.agreements
    if result.already_known:
        head = ALREADY_KNOWN
        head += f" Соглашений в ней: {len(views)}." if views else " Соглашений в ней не нашлось."
        line = f"уже была в базе, соглашений: {len(views)}" if views else "уже была в базе, соглашений нет"
    elif views:
        head = f"Нашёл соглашений: {len(views)}. Сохранил в базу"
        head += f" (новых: {result.new_agreements})." if result.new_agreements != len(views) else "."
        line = f"соглашений: {len(views)}" + (
            f" (новых: {result.new_agreements})" if result.new_agreements != len(views) else ""
        )
    elif result.hidden:
        head = "Статья сохранена в базе."
        line = "статья сохранена"
    else:
        head = (
            "В этом тексте не нашлось подписанных соглашений о сотрудничестве "
            "(планы, встречи и рейтинги не считаются). Текст похож на новость, поэтому статья "
            "сохранена в базе."
        )
        line = "соглашений не нашлось, похоже на новость — статья сохранена"
    if result.hidden:
        notes.append(
            f"Соглашений из этой статьи скрыто: {result.hidden} — их скрыл или ещё проверит администратор "
            "(например, когда в одном предложении названо слишком много регионов: это похоже на список, "
            "а не на подписание)."
        )
        line += f", скрыто до проверки: {result.hidden}"
    if read.truncated:
        line += f" (искал в первых {_n(settings.max_extract_chars)} символах)"
    cards = {v.id: short_card(v) for v in views}
    parts = [head, *notes, *cards.values()]
    return Outcome(
        parts, [v.id for v in views], [line], result.new_agreements if not result.already_known else 0, cards
    )


async def process_links(job: ArticleJob, reader: Reader) -> Outcome:
    """Fetch every link at once, then read the pages one by one."""
    urls = list(job.urls)
    results = await asyncio.gather(*(reader.fetcher.fetch(url) for url in urls), return_exceptions=True)
    total = Outcome()
    published = date.fromisoformat(job.published) if job.published else None
    for i, (url, fetched) in enumerate(zip(urls, results, strict=True), start=1):
        header = f"<b>Ссылка {i}:</b> {q(url, 200)}" if len(urls) > 1 else f"<b>Ссылка:</b> {q(url, 200)}"
        prefix = f"ссылка {i}: " if len(urls) > 1 else ""
        if isinstance(fetched, FetchError):
            total.parts.append(f"{header}\n{q(fetched.message_ru, 500)}")
            total.lines.append(f"{prefix}не прочитал: {q(fetched.message_ru, 200)}")
            continue
        if isinstance(fetched, BaseException):
            log.error("fetch of %s failed", url, exc_info=fetched)
            total.parts.append(f"{header}\nНе удалось прочитать страницу: внутренняя ошибка.")
            total.lines.append(f"{prefix}не удалось прочитать страницу: внутренняя ошибка")
            continue
        outcome = await process_article(
            text=fetched.text,
            url=fetched.url,
            title=fetched.title,
            published=fetched.published or published,
            user_id=job.user_id,
            reader=reader,
            kind=KIND_PAGE,
        )
        title = f"\n<i>{q(fetched.title, 200)}</i>" if fetched.title else ""
        total.parts.append(f"{header}{title}\n{outcome.parts[0]}" if outcome.parts else header)
        total.parts.extend(outcome.parts[1:])
        total.lines.extend(prefix + line for line in outcome.lines)
        total.ids.extend(i for i in outcome.ids if i not in total.ids)
        total.new += outcome.new
        total.cards.update(outcome.cards)
    return total


async def process_document(job: ArticleJob, reader: Reader) -> Outcome:
    """Download a .txt/.html document, read its article text, and process it."""
    name = job.file_name or "document"
    settings = reader.settings
    if not name.lower().endswith(DOCUMENT_EXTENSIONS):
        return _refused(NOT_A_FILE, "не файл .txt или .html — не прочитал")
    limit = settings.max_document_bytes
    too_big = f"Файл слишком большой: больше {limit // 1024} КБ. Пришлите только саму статью."
    too_big_line = f"файл больше {limit // 1024} КБ — не прочитал"
    if job.file_size is not None and job.file_size > limit:
        return _refused(too_big, too_big_line)
    buf = io.BytesIO()
    await reader.bot.download(job.file_id or "", destination=buf)
    data = buf.getvalue()
    if len(data) > limit:
        return _refused(too_big, too_big_line)
    try:
        # trafilatura parses .html documents: keep that off the event loop
        document = await asyncio.to_thread(read_document_article, data, name, limits=settings.fetch_limits())
    except FetchError as exc:
        return _refused(q(exc.message_ru, 1000), f"не прочитал: {q(exc.message_ru, 200)}")
    return await process_article(
        text=document.text,
        url=None,
        title=document.title or headline_of(document.text) or name,
        # the date an .html file carries in its metadata, else a forward's
        published=document.published or (date.fromisoformat(job.published) if job.published else None),
        sent=date.fromisoformat(job.sent) if job.sent else None,
        user_id=job.user_id,
        reader=reader,
    )


async def process_job(job: ArticleJob, reader: Reader) -> Outcome:
    """Read one queued message as an article (or tell why it is none)."""
    if job.kind == "photo":
        return _refused(PHOTO_ONLY, "фото без подписи — текст на картинках я не читаю")
    if job.kind == "other":
        return _refused(OTHER, "такие сообщения я не понимаю")
    await _typing(reader.bot, job.chat_id)
    notice = reader.notice.waiting(reader.bot, job.chat_id) if reader.notice else contextlib.nullcontext()
    async with notice:
        if job.kind == "document":
            return await process_document(job, reader)
        if job.kind == "links":
            return await process_links(job, reader)
        return await process_article(
            text=job.text,
            url=None,
            title=None,
            published=date.fromisoformat(job.published) if job.published else None,
            user_id=job.user_id,
            reader=reader,
            sent=date.fromisoformat(job.sent) if job.sent else None,
        )


async def _typing(bot: Bot, chat_id: int) -> None:
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except Exception:  # a cosmetic call; never fail the article over it
        log.debug("send_chat_action failed", exc_info=True)


# ---- handlers: queue the message, answer later ---------------------------------------------


def _job(message: Message, kind: str, **fields: Any) -> ArticleJob:
    published = published_of(message)
    sent = message.date.replace(tzinfo=message.date.tzinfo or UTC).astimezone(MSK).date()
    return ArticleJob(
        user_id=message.from_user.id if message.from_user else message.chat.id,
        chat_id=message.chat.id,
        message_id=message.message_id,
        kind=kind,
        published=published.isoformat() if published else None,
        sent=sent.isoformat(),
        **fields,
    )


async def submit(job: ArticleJob, article_queue: ArticleQueue, replies: BurstReplies) -> bool:
    """Queue `job`; when its user's share is full, tell them (never drop it in silence)."""
    replies.join(job)
    admission = await article_queue.put(job)
    if admission.accepted:
        await replies.accepted(job)
        return True
    replies.leave(job)
    await replies.refused(job, admission)
    return False


# Filters are async (`MagicData`), never plain magic filters such as `F.document`: aiogram runs a
# plain (sync) filter in a worker thread, and the threads finish in any order, so a user's messages
# handled as concurrent tasks would be queued out of the order they were sent in (on Python 3.13 a
# batch of documents is reordered nearly every time).
@router.message(MagicData(F.event.document))
async def on_document(
    message: Message, settings: Settings, article_queue: ArticleQueue, replies: BurstReplies
) -> None:
    doc = message.document
    assert doc is not None
    size = doc.file_size
    if size is not None:  # one byte over the limit is enough to refuse it; count no more in the share
        size = min(size, settings.max_document_bytes + 1)
    job = _job(message, "document", file_id=doc.file_id, file_name=doc.file_name, file_size=size)
    await submit(job, article_queue, replies)


@router.message(MagicData(F.event.text.startswith("/")))
async def on_unknown_command(message: Message) -> None:
    await message.answer("Не знаю такой команды. Список команд — /help.")


@router.message(MagicData(F.event.text | F.event.caption))
async def on_text(
    message: Message, settings: Settings, article_queue: ArticleQueue, replies: BurstReplies
) -> None:
    text = message.text or message.caption or ""
    entities = message.entities if message.text else message.caption_entities
    urls = collect_urls(text, entities, max_links=settings.max_links)
    rest = text
    for url in urls:
        rest = rest.replace(url, " ")
    if urls and len(rest.strip()) < settings.min_article_chars:
        job = _job(message, "links", urls=tuple(urls))
    else:
        job = _job(message, "text", text=text)
    await submit(job, article_queue, replies)


@router.message(MagicData(F.event.photo))
async def on_bare_photo(message: Message, article_queue: ArticleQueue, replies: BurstReplies) -> None:
    await submit(_job(message, "photo"), article_queue, replies)


@router.message()
async def on_other(message: Message, article_queue: ArticleQueue, replies: BurstReplies) -> None:
    """Stickers, voice, video, locations, empty messages: a hint, never silence."""
    await submit(_job(message, "other"), article_queue, replies)
