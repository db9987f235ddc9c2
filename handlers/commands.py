"""/start and /help, and the command menu registered with setMyCommands."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardMarkup,
    MenuButtonWebApp,
    Message,
    WebAppInfo,
)

from app.settings import Settings
from db.read import queries
from views.cards import plural, q
from views.keyboards import web_app_button

log = logging.getLogger(__name__)

router = Router(name="commands")

COMMANDS: tuple[tuple[str, str], ...] = (
    ("region", "Соглашения региона: /region Калужская"),
    ("partner", "Соглашения партнёра: /partner МТС"),
    ("search", "Поиск по тексту: /search цифровая экономика"),
    ("recent", "Новые по дате подписания"),
    ("agreement", "Карточка соглашения по номеру: /agreement 1"),
    ("follow", "Подписаться на регион или партнёра: /follow Калужская"),
    ("following", "Мои подписки (и отписаться)"),
    ("unfollow", "Отписаться: /unfollow Калужская"),
    ("map", "Карта регионов: /map, /map 2024, /map МТС, /map сумма"),
    ("event", "Соглашения форума: /event ПМЭФ-2024"),
    ("events", "События и форумы в базе"),
    ("stats", "Статистика и диаграмма"),
    ("export", "Последний результат в CSV"),
    ("help", "Что умеет бот"),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("reports", "Жалобы пользователей на соглашения"),
    ("review", "Соглашения из лент, ждущие проверки"),
    ("delete", "Скрыть или удалить соглашение: /delete 12"),
    ("restore", "Вернуть скрытое соглашение: /restore 12"),
    ("reload", "Перечитать папку seeds"),
    ("feeds", "Ленты новостей: опросы, ошибки, удаление"),
    ("feed_add", "Добавить ленту RSS/Atom: /feed_add URL"),
    ("feed_remove", "Удалить ленту: /feed_remove 3"),
)


async def set_commands(bot: Bot, admin_ids: Iterable[int] = (), web_url: str | None = None) -> None:
    """Register the command menu (the Telegram client shows it next to the input field); admins
    get theirs with the admin commands added; with `web_url` (WEB_PUBLIC_URL) the menu button opens
    the web page."""
    await bot.set_my_commands([BotCommand(command=c, description=d) for c, d in COMMANDS])
    if web_url:
        await bot.set_chat_menu_button(menu_button=MenuButtonWebApp(text="Карта", web_app=WebAppInfo(url=web_url)))
    admin_menu = [BotCommand(command=c, description=d) for c, d in (*COMMANDS, *ADMIN_COMMANDS)]
    for admin in sorted(admin_ids):
        try:
            await bot.set_my_commands(admin_menu, scope=BotCommandScopeChat(chat_id=admin))
        except Exception as exc:  # an admin who never opened the bot: Telegram knows no such chat yet
            log.warning("could not set the admin menu for %s: %s", admin, exc)


ADMIN_HELP = [
    "",
    "<b>Для администраторов</b>",
    "/reports — жалобы пользователей: скрыть, удалить или отклонить",
    "/review — соглашения из лент, в которых извлечение не уверено: показать или скрыть",
    "/delete <i>номер</i> — скрыть соглашение (его можно вернуть) или удалить совсем",
    "/restore <i>номер</i> — вернуть скрытое соглашение",
    "/reload — перечитать папку seeds",
    "/feeds — ленты новостей: когда опрошены, сколько прочитано и найдено, ошибки; кнопка удаления",
    "/feed_add <i>адрес</i> — добавить ленту RSS или Atom: бот сам читает её новости",
    "/feed_remove <i>номер</i> — удалить ленту (найденное в ней остаётся в базе)",
]


CONSOLE_ADMIN = "В консольном режиме вы администратор бота: команды ниже доступны вам."


async def help_text(
    session: Any, *, admin: bool = False, username: str | None = None, console: bool = False
) -> str:
    """/start and /help: what the base holds, what to ask; `console`: the terminal chat, which has
    no inline mode and whose user is an admin."""
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
            "/search <i>слова</i> — поиск по сторонам, подписантам, событиям и предмету соглашения",
            "/recent — новые по дате подписания (без даты — в конце)",
            "/agreement <i>номер</i> — полная карточка соглашения (кнопка «Неверно?» под ней — "
            "сообщить об ошибке)",
            "/map — карта регионов по числу соглашений; <code>/map 2024</code>, <code>/map МТС</code>, "
            "<code>/map Беларусь</code>, <code>/map сумма</code>",
            "/event <i>событие</i> — соглашения форума, например <code>/event ПМЭФ-2024</code>; "
            "/events — все события",
            "/stats — статистика с диаграммой",
            "/export — последний результат в CSV-файле",
            "",
            "<b>Подписки</b>",
            "/follow <i>регион, партнёр или страна</i> — присылать новые соглашения, например "
            "<code>/follow Калужская</code>, <code>/follow МТС</code>",
            "/following — ваши подписки, с кнопкой «Отписаться» у каждой",
            "/unfollow <i>название</i> — отписаться",
            *(
                []
                if console
                else [
                    f"В любом чате наберите <code>@{q(username or 'имя_бота', 64)} Калуга</code> и выберите "
                    "соглашение — его карточка уйдёт прямо в разговор."
                ]
            ),
            "",
            "<b>Как пополнить базу</b>",
            "Перешлите мне новостной пост, вставьте текст статьи, пришлите ссылку "
            "или файл .txt/.html — я найду в нём соглашения, покажу и сохраню. "
            "Можно переслать сразу много постов: я прочитаю все по очереди и отвечу одной сводкой.",
            *(ADMIN_HELP if admin else []),
            *([CONSOLE_ADMIN] if admin and console else []),
        ]
    )


@router.message(CommandStart(ignore_case=True))
@router.message(Command("help", ignore_case=True))
async def cmd_help(message: Message, session: Any, settings: Settings, bot: Bot) -> None:
    admin = message.from_user is not None and message.from_user.id in settings.admin_ids
    try:
        username = (await bot.me()).username  # asked once, then cached by aiogram
    except Exception:  # the help is still useful without the name
        username = None
    from app.console import CONSOLE_TOKEN

    console = bot.token == CONSOLE_TOKEN
    web = web_app_button(settings.web_public_url) if message.chat.type == "private" else None
    markup = InlineKeyboardMarkup(inline_keyboard=[[web]]) if web is not None else None
    await message.answer(await help_text(session, admin=admin, username=username, console=console), reply_markup=markup)
