"""The follow limit holds under concurrency on both backends: 60 follows of one user at once give
exactly MAX_FOLLOWS subscriptions and no error (no deadlock on PostgreSQL)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import follows
from db.models.follows import FOLLOW_PARTNER, FOLLOW_REGION, Follow

USER, NEIGHBOUR = 601, 602


async def _count(maker: async_sessionmaker[AsyncSession], user: int) -> int:
    async with maker() as session:
        f = Follow.__table__
        query = select(func.count()).select_from(f).where(f.c.user_id == user)
        return int((await session.execute(query)).scalar_one())


async def _follow(maker: async_sessionmaker[AsyncSession], user: int, n: int) -> bool | None:
    async with maker() as session:
        # a paused old subscription makes each follow also update the user's other rows
        target = follows.FollowTarget(FOLLOW_PARTNER, f"partner-{n}", f"Партнёр {n}")
        return await follows.follow(session, user, target)


async def test_sixty_follows_at_once_give_exactly_the_limit(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:  # one already there, paused
        first = follows.FollowTarget(FOLLOW_REGION, "Калужская область", "Калужская область")
        assert await follows.follow(session, USER, first) is True
        await session.execute(Follow.__table__.update().values(paused=True))
        await session.commit()
    results = await asyncio.gather(
        *(_follow(sessionmaker, USER, n) for n in range(60)),
        *(_follow(sessionmaker, NEIGHBOUR, n) for n in range(5)),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    mine = results[:60]
    assert mine.count(True) == follows.MAX_FOLLOWS - 1
    assert mine.count(None) == 60 - (follows.MAX_FOLLOWS - 1)
    assert await _count(sessionmaker, USER) == follows.MAX_FOLLOWS
    assert await _count(sessionmaker, NEIGHBOUR) == 5
