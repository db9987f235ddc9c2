"""Articles from users: forwarded posts, pasted text, photo captions, links and .txt/.html files."""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.types import InlineKeyboardMarkup, Message

from db.ingest import ArticleIn, ingest
from fetching import FetchError, collect_urls, read_document
from handlers.cards import pack, q, short_card
from handlers.extract_pool import ExtractPool
from handlers.keyboards import cards_keyboard
from handlers.settings import Settings
from handlers.state import LastResult, LastResults

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


@dataclass(slots=True)
class Outcome:
    """What one article produced: HTML parts to send and the agreements shown."""

    parts: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)


def looks_russian(text: str) -> str | None:
    """None when `text` reads as Russian prose, else a Russian explanation why not."""
    letters = [c for c in text if c.isalpha()]
    visible = [c for c in text if not c.isspace()]
    if len(letters) < 20 or len(letters) < 0.5 * len(visible):
        return "Это не похоже на текст статьи: в сообщении почти нет слов."
    cyrillic = sum(1 for c in letters if "а" <= c.lower() <= "я" or c in "ёЁ")
    if cyrillic < 0.5 * len(letters):
        return (
            "Это не похоже на русский текст. Я ищу соглашения только в новостях на русском языке — "
            "пришлите, пожалуйста, русскую статью."
        )
    return None


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


async def process_article(
    *,
    text: str,
    url: str | None,
    title: str | None,
    published: date | None,
    user_id: int | None,
    session: Any,
    pool: ExtractPool,
    settings: Settings,
) -> Outcome:
    """Check the text, extract off the event loop, store, and describe the result."""
    text = text.strip()
    if not text:
        return Outcome([HINT])
    if len(text) > MAX_ARTICLE_CHARS:
        return Outcome(
            [
                f"Текст слишком длинный ({_n(len(text))} символов, можно до {_n(MAX_ARTICLE_CHARS)}). "
                "Пришлите, пожалуйста, только саму статью."
            ]
        )
    problem = looks_russian(text[:20_000])
    if problem is not None and sum(c.isalpha() for c in text) >= 20:
        return Outcome([problem])  # a foreign-language sentence: say so even when it is short
    if len(text) < settings.min_article_chars:
        return Outcome(["Слишком короткий текст для статьи. " + HINT])
    if problem is not None:
        return Outcome([problem])
    notes: list[str] = []
    try:
        agreements = await pool.run(text[: settings.max_extract_chars], published)
    except Exception:
        log.exception("extraction failed")
        agreements = []
        notes.append("Не удалось разобрать текст (внутренняя ошибка), но статья сохранена.")
    if len(text) > settings.max_extract_chars:
        notes.append(
            f"Текст длинный: соглашения искал в первых {_n(settings.max_extract_chars)} символах, "
            "статья сохранена целиком."
        )
    article = ArticleIn(text=text, url=url, published=published, title=title, sent_by=user_id, source="user")
    result = await ingest(session, article, agreements)
    await session.commit()  # end the read transaction now: don't hold a pooled connection while replying
    views = result.agreements
    if result.already_known:
        head = ALREADY_KNOWN
        head += f" Соглашений в ней: {len(views)}." if views else " Соглашений в ней не нашлось."
    elif views:
        head = f"Нашёл соглашений: {len(views)}. Сохранил в базу"
        head += f" (новых: {result.new_agreements})." if result.new_agreements != len(views) else "."
    else:
        head = (
            "В этом тексте не нашлось подписанных соглашений о сотрудничестве "
            "(планы, встречи и рейтинги не считаются). Статья сохранена в базе."
        )
    parts = [head, *notes, *(short_card(v) for v in views)]
    return Outcome(parts, [v.id for v in views])


async def _reply(bot: Bot, chat_id: int, parts: list[str], markup: InlineKeyboardMarkup | None) -> None:
    chunks = pack(parts)
    for i, chunk in enumerate(chunks):
        await bot.send_message(chat_id, chunk, reply_markup=markup if i == len(chunks) - 1 else None)


async def _finish(message: Message, bot: Bot, outcome: Outcome, last_results: LastResults) -> None:
    if outcome.ids and message.from_user:
        last_results.set(message.from_user.id, LastResult(kind="ids", ids=tuple(outcome.ids)))
    await _reply(bot, message.chat.id, outcome.parts, cards_keyboard(outcome.ids))


async def _typing(bot: Bot, chat_id: int) -> None:
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except Exception:  # a cosmetic call; never fail the article over it
        log.debug("send_chat_action failed", exc_info=True)


async def handle_links(
    message: Message,
    urls: list[str],
    bot: Bot,
    session: Any,
    pool: ExtractPool,
    settings: Settings,
    fetcher: Any,
) -> Outcome:
    """Fetch every link at once, then process the pages one by one (one DB session per update)."""
    results = await asyncio.gather(*(fetcher.fetch(url) for url in urls), return_exceptions=True)
    total = Outcome()
    published = published_of(message)
    for i, (url, fetched) in enumerate(zip(urls, results, strict=True), start=1):
        header = f"<b>Ссылка {i}:</b> {q(url, 200)}" if len(urls) > 1 else f"<b>Ссылка:</b> {q(url, 200)}"
        if isinstance(fetched, FetchError):
            total.parts.append(f"{header}\n{q(fetched.message_ru, 500)}")
            continue
        if isinstance(fetched, BaseException):
            log.error("fetch of %s failed", url, exc_info=fetched)
            total.parts.append(f"{header}\nНе удалось прочитать страницу: внутренняя ошибка.")
            continue
        outcome = await process_article(
            text=fetched.text,
            url=fetched.url,
            title=fetched.title,
            published=fetched.published or published,
            user_id=message.from_user.id if message.from_user else None,
            session=session,
            pool=pool,
            settings=settings,
        )
        title = f"\n<i>{q(fetched.title, 200)}</i>" if fetched.title else ""
        total.parts.append(f"{header}{title}\n{outcome.parts[0]}" if outcome.parts else header)
        total.parts.extend(outcome.parts[1:])
        total.ids.extend(outcome.ids)
    return total


@router.message(F.document)
async def on_document(
    message: Message,
    bot: Bot,
    session: Any,
    pool: ExtractPool,
    settings: Settings,
    last_results: LastResults,
) -> None:
    doc = message.document
    assert doc is not None
    name = doc.file_name or "document"
    if not name.lower().endswith(DOCUMENT_EXTENSIONS):
        await message.answer(
            "Я читаю только файлы .txt и .html. Пришлите статью текстом, ссылкой или таким файлом."
        )
        return
    limit = settings.max_document_bytes
    if doc.file_size is not None and doc.file_size > limit:
        await message.answer(f"Файл слишком большой: больше {limit // 1024} КБ. Пришлите только саму статью.")
        return
    await _typing(bot, message.chat.id)
    buf = io.BytesIO()
    await bot.download(doc, destination=buf)
    data = buf.getvalue()
    if len(data) > limit:
        await message.answer(f"Файл слишком большой: больше {limit // 1024} КБ. Пришлите только саму статью.")
        return
    try:
        # trafilatura parses .html documents: keep that off the event loop
        text = await asyncio.to_thread(read_document, data, name, limits=settings.fetch_limits())
    except FetchError as exc:
        await message.answer(q(exc.message_ru, 1000))
        return
    outcome = await _process_own_text(message, text, name, session, pool, settings)
    await _finish(message, bot, outcome, last_results)


async def _process_own_text(
    message: Message, text: str, title: str | None, session: Any, pool: ExtractPool, settings: Settings
) -> Outcome:
    """The message's own text (or document) as an article; a forward's date is its publication date."""
    return await process_article(
        text=text,
        url=None,
        title=title,
        published=published_of(message),
        user_id=message.from_user.id if message.from_user else None,
        session=session,
        pool=pool,
        settings=settings,
    )


@router.message(F.text.startswith("/"))
async def on_unknown_command(message: Message) -> None:
    await message.answer("Не знаю такой команды. Список команд — /help.")


@router.message(F.text | F.caption)
async def on_text(
    message: Message,
    bot: Bot,
    session: Any,
    pool: ExtractPool,
    settings: Settings,
    last_results: LastResults,
    fetcher: Any,
) -> None:
    text = message.text or message.caption or ""
    entities = message.entities if message.text else message.caption_entities
    urls = collect_urls(text, entities, max_links=settings.max_links)
    rest = text
    for url in urls:
        rest = rest.replace(url, " ")
    await _typing(bot, message.chat.id)
    if urls and len(rest.strip()) < settings.min_article_chars:
        outcome = await handle_links(message, urls, bot, session, pool, settings, fetcher)
    else:
        outcome = await _process_own_text(message, text, None, session, pool, settings)
    await _finish(message, bot, outcome, last_results)


@router.message(F.photo)
async def on_bare_photo(message: Message) -> None:
    await message.answer(
        "На фото я текст не читаю. Пришлите статью текстом, подписью к фото, ссылкой или файлом."
    )


@router.message()
async def on_other(message: Message) -> None:
    """Stickers, voice, video, locations, empty messages: a hint, never silence."""
    await message.answer("Такие сообщения я не понимаю. " + HINT)
