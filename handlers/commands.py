"""/start and /help, and the command menu registered with setMyCommands."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import BotCommand, Message

from db import queries
from handlers.cards import plural, q

router = Router(name="commands")

COMMANDS: tuple[tuple[str, str], ...] = (
    ("region", "Соглашения региона: /region Калужская"),
    ("partner", "Соглашения партнёра: /partner МТС"),
    ("search", "Поиск по тексту: /search цифровая экономика"),
    ("recent", "Последние добавленные соглашения"),
    ("agreement", "Карточка соглашения по номеру: /agreement 1"),
    ("stats", "Статистика и диаграмма"),
    ("export", "Последний результат в CSV"),
    ("help", "Что умеет бот"),
)


async def set_commands(bot: Bot) -> None:
    """Register the command menu (the Telegram client shows it next to the input field)."""
    await bot.set_my_commands([BotCommand(command=c, description=d) for c, d in COMMANDS])


async def help_text(session: Any) -> str:
    stats = await queries.stats(session)
    top = ", ".join(q(name, 60) for name, _ in stats.regions[:3])
    agreements = plural(stats.agreements, ("соглашение", "соглашения", "соглашений"))
    articles = plural(stats.articles, ("статьи", "статей", "статей"))  # genitive after «из»
    known = f"В базе {agreements} из {articles}"
    known += f" (чаще всего: {top})." if top else "."
    return "\n".join(
        [
            "<b>Бот о соглашениях регионов России</b>",
            "Я знаю о соглашениях и меморандумах, которые подписывают регионы с компаниями, "
            "ведомствами, вузами и другими странами.",
            known,
            "",
            "<b>Что спросить</b>",
            "/region <i>регион</i> — соглашения региона, например <code>/region Калужская</code>, "
            "<code>/region Оренбуржье</code>",
            "/partner <i>партнёр</i> — соглашения партнёра, например <code>/partner МТС</code>",
            "/search <i>слова</i> — поиск по сторонам, подписантам, событиям",
            "/recent — последние добавленные",
            "/agreement <i>номер</i> — полная карточка соглашения",
            "/stats — статистика с диаграммой",
            "/export — последний результат в CSV-файле",
            "",
            "<b>Как пополнить базу</b>",
            "Перешлите мне новостной пост, вставьте текст статьи, пришлите ссылку "
            "или файл .txt/.html — я найду в нём соглашения, покажу и сохраню.",
        ]
    )


@router.message(CommandStart())
@router.message(Command("help"))
async def cmd_help(message: Message, session: Any) -> None:
    await message.answer(await help_text(session))
