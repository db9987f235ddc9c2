"""Mentions of earlier agreements in the store: linked when unambiguous, kept when not, linked when
the agreement arrives later, once per source; cards show them; followers hear of a termination once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import outbox
from db.follows import FollowTarget, follow
from db.history.read import news_page
from db.models.follows import AlertOutbox
from db.models.history import Mention as MentionRow
from db.read.queries import get
from db.write.ingest import ArticleIn, ingest, reload
from extraction.history.models import Mention
from extraction.models import PartialDate, Partner
from tests.db.helpers import article_text, line_extract, make_agreement

OREN, GPN = "Оренбургская область", "Газпром нефть"


def mention(kind: str, year: int | None = 2021, partner: str = "Газпром нефти", region: str = OREN,
            sentence: str | None = None) -> Mention:
    return Mention(
        sentence=sentence or f"Соглашение с «{partner}» ({kind}).",
        kind=kind,
        regions=[region],
        partners=[Partner(partner)],
        date=PartialDate(year) if year else None,
    )


async def _mentions(session: AsyncSession) -> list[tuple[int, int | None, str]]:
    M = MentionRow.__table__
    rows = await session.execute(select(M.c.article_id, M.c.agreement_id, M.c.kind).order_by(M.c.id))
    return [tuple(r) for r in rows.all()]


async def _outbox(session: AsyncSession) -> list[tuple[int, int, int]]:
    O = AlertOutbox.__table__  # noqa: E741, N806
    rows = await session.execute(select(O.c.user_id, O.c.agreement_id, O.c.mention_id).order_by(O.c.id))
    return [tuple(r) for r in rows.all()]


async def test_termination_links_shows_on_card_and_alerts_a_follower_once(session: AsyncSession) -> None:
    signed = await ingest(session, ArticleIn("Подписано.", url="https://n.ru/1"), [make_agreement([OREN], [GPN])])
    agreement_id = signed.new_ids[0]
    assert await follow(session, 7, FollowTarget("region", OREN, OREN)) is True
    ended = await ingest(
        session, ArticleIn("Расторгнуто.", url="https://n.ru/2", published=date(2024, 5, 14)), [],
        mentions=[mention("terminated", sentence="Соглашение с «Газпром нефтью», подписанное в 2021 году, расторгнуто.")],
    )
    assert ended.alerts == 1
    assert await _mentions(session) == [(ended.article_id, agreement_id, "terminated")]
    view = await get(session, agreement_id)
    assert view is not None and view.terminated and view.history_total == 1
    assert view.history[0].published == date(2024, 5, 14) and view.history[0].url == "https://n.ru/2"
    first = await _outbox(session)
    assert first == [(7, agreement_id, (await _mention_ids(session))[0])]
    # the same article again: known, nothing stored or sent twice
    again = await ingest(session, ArticleIn("Расторгнуто.", url="https://n.ru/2"), [], mentions=[mention("terminated")])
    assert again.already_known and len(await _mentions(session)) == 1
    # another outlet reports the same end: kept as news, no second alert
    other = await ingest(session, ArticleIn("Тоже расторгнуто.", url="https://m.ru/9"), [],
                         mentions=[mention("terminated")])
    assert other.alerts == 0 and await _outbox(session) == first
    assert len(await _mentions(session)) == 2
    claimed = await outbox.claim(session)
    assert [(g.user_id, g.agreement_ids, list(g.news)) for g in claimed] == [(7, [], [agreement_id])]


async def _mention_ids(session: AsyncSession) -> list[int]:
    return list((await session.execute(select(MentionRow.__table__.c.id).order_by(MentionRow.__table__.c.id))).scalars())


async def test_tie_is_left_unlinked_and_year_decides(session: AsyncSession) -> None:
    old = await ingest(session, ArticleIn("a", url="https://n.ru/a"), [make_agreement([OREN], [GPN], when=(2019, 1, 2))])
    new = await ingest(session, ArticleIn("b", url="https://n.ru/b"), [make_agreement([OREN], [GPN])])
    await ingest(session, ArticleIn("c", url="https://n.ru/c"), [], mentions=[mention("progress", year=None)])
    await ingest(session, ArticleIn("d", url="https://n.ru/d"), [], mentions=[mention("progress", year=2019)])
    links = [agreement for _, agreement, _ in await _mentions(session)]
    assert links == [None, old.new_ids[0]]
    assert new.new_ids[0] not in links


async def test_waiting_mention_is_linked_when_the_agreement_arrives(session: AsyncSession) -> None:
    early = await ingest(session, ArticleIn("news", url="https://n.ru/e"), [], mentions=[mention("amended")])
    assert await _mentions(session) == [(early.article_id, None, "amended")]
    signed = await ingest(session, ArticleIn("signing", url="https://n.ru/s"), [make_agreement([OREN], [GPN])])
    assert await _mentions(session) == [(early.article_id, signed.new_ids[0], "amended")]
    view = await get(session, signed.new_ids[0])
    assert view is not None and view.history_total == 1 and not view.terminated
    # an agreement of another partner leaves it alone
    await ingest(session, ArticleIn("x", url="https://n.ru/x"), [make_agreement([OREN], ["Роснефть"])])
    assert [a for _, a, _ in await _mentions(session)] == [signed.new_ids[0]]


async def test_additional_agreement_links_the_one_it_amends_once_per_source(session: AsyncSession) -> None:
    base = await ingest(session, ArticleIn("base", url="https://n.ru/base"), [make_agreement([OREN], [GPN])])
    extra = make_agreement([OREN], [GPN], when=(2024, 3, 1), evidence="Подписано дополнительное соглашение.")
    signed_news = Mention("Стороны подписали дополнительное соглашение к соглашению 2021 года.", "amended",
                          [OREN], [Partner(GPN)], date=PartialDate(2021), signed=True)
    res = await ingest(session, ArticleIn("extra", url="https://n.ru/extra"), [extra],
                       mentions=[signed_news, mention("progress")])
    assert res.new_agreements == 1 and res.new_ids[0] != base.new_ids[0]  # stays an agreement
    stored = await _mentions(session)
    assert [(a, k) for _, a, k in stored] == [(base.new_ids[0], "amended"), (None, "progress")]
    items, total = await news_page(session, base.new_ids[0], 0, 10)
    assert total == 1 and items[0].kind == "amended"


async def test_mention_without_sides_or_of_another_region_stays_unlinked(session: AsyncSession) -> None:
    await ingest(session, ArticleIn("s", url="https://n.ru/s1"), [make_agreement([OREN], [GPN])])
    await ingest(session, ArticleIn("t", url="https://n.ru/t1"), [],
                 mentions=[mention("terminated", region="Тульская область"), Mention("Соглашение расторгнуто.", "terminated")])
    assert [a for _, a, _ in await _mentions(session)] == [None, None]
    count = (await session.execute(select(func.count()).select_from(AlertOutbox.__table__))).scalar_one()
    assert count == 0


async def test_reload_keeps_news_with_the_agreement_that_comes_back(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "001.txt").write_text(article_text(OREN, GPN, day="2021-06-03"), encoding="utf-8")
    await reload(sessionmaker, folder, extract_fn=line_extract)
    async with sessionmaker() as s:
        await ingest(s, ArticleIn("news", url="https://n.ru/r"), [], mentions=[mention("progress")])
        [(_, first, _)] = await _mentions(s)
        assert first is not None
    (folder / "001.txt").unlink()
    (folder / "002.txt").write_text(article_text("Тульская область", "Другая компания"), encoding="utf-8")
    await reload(sessionmaker, folder, extract_fn=line_extract)
    async with sessionmaker() as s:
        assert [a for _, a, _ in await _mentions(s)] == [None]  # its agreement went: the news waits
    (folder / "001.txt").write_text(article_text(OREN, GPN, day="2021-06-03"), encoding="utf-8")
    await reload(sessionmaker, folder, extract_fn=line_extract)
    async with sessionmaker() as s:
        [(_, again, _)] = await _mentions(s)
        view = await get(s, again)
        assert again is not None and view is not None and view.history_total == 1
