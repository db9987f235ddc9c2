"""/follow, /following, /unfollow and their buttons: subscriptions to a region, partner or country."""

from __future__ import annotations

import contextlib
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from app.middlewares import release
from db import follows
from db.follows import FollowRow, FollowTarget
from db.models.follows import FOLLOW_COUNTRY, FOLLOW_PARTNER, FOLLOW_REGION
from db.normalize import org_key
from db.read.names import Target
from views.cards import q, user_query
from views.keyboards import QueryStore, RowId, decode_query, encode_query

router = Router(name="follow")

MAX_QUERY_CHARS = 200
MAX_CHOICES = 8
# the kind word in the case its phrase needs: "подписал вас на партнёра «МТС»", but "• партнёр «МТС»"
WHAT = {FOLLOW_REGION: "регион", FOLLOW_PARTNER: "партнёра", FOLLOW_COUNTRY: "страну"}  # accusative
WHAT_NOM = {FOLLOW_REGION: "регион", FOLLOW_PARTNER: "партнёр", FOLLOW_COUNTRY: "страна"}
USAGE = (
    "Напишите, на что подписаться, например: <code>/follow Калужская</code>, "
    "<code>/follow МТС</code> или <code>/follow Беларусь</code>. Когда у региона, партнёра или страны "
    "появится новое соглашение, я пришлю его сюда."
)
NONE_YET = "Вы пока ни на что не подписаны. Подписаться: <code>/follow Калужская</code> или <code>/follow МТС</code>."
CONSOLE_ALERTS = (
    "В консоли оповещения печатаются прямо здесь, между ответами: о соглашениях из лент новостей "
    "(FEEDS_FILE) и из чужих статей. О статьях, которые присылаете вы, оповещений нет — их показывает ответ."
)
RESUMED = "Подписки снова включены: раньше я не смог доставить вам сообщение и приостановил их."


class FollowCB(CallbackData, prefix="fw"):
    """Follow the name-index target (`k` r/o/c, row `id`) offered among several."""

    k: str
    id: RowId


class FollowNameCB(CallbackData, prefix="fn"):
    """Follow a suggested name (inline, or '#<key>' in QueryStore)."""

    q: str


class UnfollowCB(CallbackData, prefix="uf"):
    """Drop the subscription `id` (a /following list button)."""

    id: RowId


def _label(target: FollowTarget | FollowRow, what: dict[str, str] = WHAT) -> str:
    return f"{what.get(target.kind, '')} «{q(target.name, 200)}»".strip()


def following_text(rows: list[FollowRow]) -> tuple[str, InlineKeyboardMarkup | None]:
    """The /following list with an «отписаться» button each."""
    if not rows:
        return NONE_YET, None
    lines = ["<b>Ваши подписки</b>"]
    for row in rows:
        lines.append(f"• {_label(row, WHAT_NOM)}" + (" — приостановлена" if row.paused else ""))
    lines.append("\nНовые соглашения по ним я пришлю сюда. Подписаться ещё: /follow <i>название</i>.")
    buttons = [
        [
            InlineKeyboardButton(
                text=f"Отписаться: {row.name[:40]}", callback_data=UnfollowCB(id=row.id).pack()
            )
        ]
        for row in rows
    ]
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=buttons)


async def _subscribe(session: Any, user_id: int, target: FollowTarget, *, new: bool = False) -> str:
    """Follow `target` and say how it went; `new`: a company the base does not know yet."""
    result = await follows.follow(session, user_id, target)
    await release(session)
    if result is None:
        return f"У вас уже {follows.MAX_FOLLOWS} подписок — это предел. Отпишитесь от лишних: /following."
    if result is False:
        tail = ", которого пока нет в базе." if new else ". Все подписки: /following."
        return f"Вы уже подписаны на {_label(target)}{tail}"
    if new:
        return (
            f"Подписал вас на {_label(target)}, хотя его пока нет в базе: когда появится его первое "
            "соглашение, я пришлю его сюда. Подписка сработает, если в новости компания названа так же "
            "(с «ПАО», «АО» и кавычками или без них). Все подписки: /following."
        )
    return (
        f"Готово: подписал вас на {_label(target)}. Когда появится новое соглашение, я пришлю его сюда.\n"
        "Все подписки: /following."
    )


async def follow_text(
    session: Any, user_id: int, text: str, qstore: QueryStore
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Resolve `text` and subscribe to it; or offer choices or near names as buttons."""
    text = user_query(text, MAX_QUERY_CHARS)
    resolution, found = await follows.resolve(session, text)
    if len(resolution.targets) == 1:
        return await _subscribe(session, user_id, resolution.targets[0]), None
    await release(session)
    if resolution.targets:
        buttons = [
            [InlineKeyboardButton(text=t.name[:60], callback_data=FollowCB(k=k, id=i).pack())]
            for t, (k, i) in zip(resolution.targets[:MAX_CHOICES], found[:MAX_CHOICES], strict=False)
        ]
        return (
            f"«{q(text, 100)}» подходит к нескольким названиям. На что подписаться? Нажмите на кнопку:",
            InlineKeyboardMarkup(inline_keyboard=buttons),
        )
    reply = f"Не нашёл региона, партнёра или страны «{q(text, 100)}»."
    if not resolution.suggestions:
        new = new_company(text)
        if new is None:
            return reply + "\nПроверьте написание или посмотрите /stats — там список регионов и партнёров.", None
        return reply[:-1] + " в базе. " + await _subscribe(session, user_id, new, new=True), None
    probe = FollowNameCB(q="")
    buttons = [
        [
            InlineKeyboardButton(
                text=name[:60], callback_data=FollowNameCB(q=await encode_query(qstore, name, probe)).pack()
            )
        ]
        for name in resolution.suggestions
    ]
    return reply + "\nВозможно, вы имели в виду (нажмите, чтобы подписаться):", InlineKeyboardMarkup(
        inline_keyboard=buttons
    )


_REGION_WORDS = ("област", "край", "республик", "округ", "регион")
MAX_NEW_NAME_WORDS = 6


def new_company(text: str) -> FollowTarget | None:
    """A company the base does not know yet, to follow by its name: its first agreement will alert.
    None for what cannot be one (no letters, too long, a region's words)."""
    words = text.split()
    folded = text.casefold()
    if not any(c.isalpha() for c in text) or len(words) > MAX_NEW_NAME_WORDS:
        return None
    if any(word.startswith(_REGION_WORDS) for word in folded.split()):
        return None  # a misspelt region is no company
    key = org_key(text)
    return FollowTarget(FOLLOW_PARTNER, key, text) if key else None


def _user(message: Message) -> int:
    return message.from_user.id if message.from_user else message.chat.id


@router.message(Command("follow", ignore_case=True))
async def cmd_follow(
    message: Message, command: CommandObject, session: Any, qstore: QueryStore, bot: Bot
) -> None:
    from app.console import CONSOLE_TOKEN

    arg = (command.args or "").strip()
    if not arg:
        await message.answer(USAGE)
        return
    text, markup = await follow_text(session, _user(message), arg, qstore)
    if bot.token == CONSOLE_TOKEN:
        text += "\n" + CONSOLE_ALERTS
    await message.answer(text, reply_markup=markup)


@router.message(Command("following", ignore_case=True))
async def cmd_following(message: Message, session: Any) -> None:
    user_id = _user(message)
    resumed = await follows.resume(session, user_id)  # they are writing to the bot: reachable again
    text, markup = following_text(await follows.following(session, user_id))
    await release(session)
    await message.answer((RESUMED + "\n\n" if resumed else "") + text, reply_markup=markup)


@router.message(Command("unfollow", ignore_case=True))
async def cmd_unfollow(message: Message, command: CommandObject, session: Any) -> None:
    user_id = _user(message)
    arg = user_query(command.args or "", MAX_QUERY_CHARS)
    if not arg:
        text, markup = following_text(await follows.following(session, user_id))
        await release(session)
        if markup is not None:
            text = (
                "От чего отписаться? Нажмите на кнопку или напишите <code>/unfollow название</code>.\n\n"
                + text
            )
        await message.answer(text, reply_markup=markup)
        return
    resolution, _ = await follows.resolve(session, arg)
    removed = await follows.unfollow(session, user_id, resolution.targets) if resolution.targets else []
    if not removed:  # a name as it stands in the list ("Калужская область") or part of it
        folded = arg.casefold()
        rows = [r for r in await follows.following(session, user_id) if folded in r.name.casefold()]
        for row in rows[:1]:
            name = await follows.unfollow_id(session, user_id, row.id)
            removed += [name] if name else []
    await release(session)
    if removed:
        names = ", ".join(f"«{q(n, 200)}»" for n in removed)
        await message.answer(f"Подписка {names} отменена." if len(removed) == 1 else f"Подписки {names} отменены.")
        return
    await message.answer(f"Вы не подписаны на «{q(arg, 100)}». Ваши подписки: /following.")


@router.callback_query(FollowCB.filter())
async def on_follow_choice(callback: CallbackQuery, callback_data: FollowCB, bot: Bot, session: Any) -> None:
    target: Target = (callback_data.k, callback_data.id)
    chosen = await follows.target_of(session, target) if callback_data.k in ("r", "o", "c") else None
    if chosen is None:
        await release(session)
        await callback.answer("Эта кнопка устарела, повторите /follow.", show_alert=True)
        return
    text = await _subscribe(session, callback.from_user.id, chosen)
    await callback.answer()
    await bot.send_message(_chat(callback), text)


@router.callback_query(FollowNameCB.filter())
async def on_follow_name(
    callback: CallbackQuery, callback_data: FollowNameCB, bot: Bot, session: Any, qstore: QueryStore
) -> None:
    name = await decode_query(qstore, callback_data.q)
    if name is None:
        await callback.answer("Эта подсказка устарела, повторите /follow.", show_alert=True)
        return
    text, markup = await follow_text(session, callback.from_user.id, name, qstore)
    await callback.answer()
    await bot.send_message(_chat(callback), text, reply_markup=markup)


@router.callback_query(UnfollowCB.filter())
async def on_unfollow(callback: CallbackQuery, callback_data: UnfollowCB, session: Any) -> None:
    user_id = callback.from_user.id
    name = await follows.unfollow_id(session, user_id, callback_data.id)
    rows = await follows.following(session, user_id)
    await release(session)
    if name is None:
        await callback.answer("Этой подписки уже нет.")
        return
    await callback.answer(f"Подписка «{name[:150]}» отменена")
    if isinstance(callback.message, Message):
        text, markup = following_text(rows)
        with contextlib.suppress(TelegramBadRequest):  # the message is too old to edit: the answer said it
            await callback.message.edit_text(text, reply_markup=markup)


def _chat(callback: CallbackQuery) -> int:
    return callback.message.chat.id if callback.message is not None else callback.from_user.id
