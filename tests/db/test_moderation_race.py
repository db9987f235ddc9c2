"""Two admins acting on one agreement at the same moment, on both backends: each action sees the
state the other left (the row is locked for the time of one), so exactly one of a delete and a hide
pressed at once reports a change of its own and the agreement ends deleted."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import moderation
from db.models import DELETED, HIDDEN, VISIBLE, Agreement
from db.write.ingest import ArticleIn, ingest
from tests.db.helpers import make_agreement


async def _hide(maker: async_sessionmaker[AsyncSession], number: int, admin: int, delete_it: bool) -> int | None:
    async with maker() as session:
        return await moderation.hide(session, number, admin, delete_it=delete_it)


async def test_a_delete_and_a_hide_at_once_see_each_other(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    numbers = []
    async with sessionmaker() as session:
        for n in range(5):
            agreement = make_agreement(["Калужская область"], [f"ООО «Ромашка {n}»"])
            result = await ingest(session, ArticleIn(f"Статья номер {n} о Калуге."), [agreement])
            await session.commit()
            numbers.append(result.agreements[0].id)
    for number in numbers:
        deleted, hidden = await asyncio.gather(
            _hide(sessionmaker, number, 1, True), _hide(sessionmaker, number, 2, False)
        )
        # whichever went first found it visible; the other found what the first left
        assert (deleted, hidden) in ((VISIBLE, DELETED), (HIDDEN, VISIBLE)), (deleted, hidden)
        async with sessionmaker() as session:
            table = Agreement.__table__
            state = (await session.execute(select(table.c.hidden).where(table.c.id == number))).scalar()
        assert state == DELETED  # a hide after the delete does not bring it back to "hidden"
