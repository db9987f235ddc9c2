"""The store under hostile input, on SQLite and PostgreSQL: ids never reused, NUL bytes, facts per
source, suspected lists hidden, moderation, and the 0003 migration over existing rows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import moderation
from db.models import Agreement, AgreementKey, AgreementSource, Article, Report
from db.read.queries import by_partner, by_region, get, recent, search, stats
from db.write.ingest import ArticleIn, ingest, reload
from db.write.store import remove_orphans
from extraction.finders.gazetteer import REGIONS
from tests.db.helpers import article_text, line_extract, make_agreement

Maker = async_sessionmaker[AsyncSession]
A, ART = Agreement.__table__, Article.__table__
LONG = " Подробности: стороны договорились о сотрудничестве в сфере энергетики и транспорта. " * 5


async def _max(session: AsyncSession, table: object) -> int:
    return int((await session.execute(select(func.max(table.c.id)))).scalar_one() or 0)  # type: ignore[attr-defined]


async def test_ids_are_never_reused(sessionmaker: Maker) -> None:
    async with sessionmaker() as s:
        await ingest(s, ArticleIn("Первая статья о соглашении"), [make_agreement(["Калужская область"], ["МТС"])])
        last = await ingest(s, ArticleIn("Вторая статья"), [make_agreement(["Тульская область"], ["Сбер"])])
        [freed] = [v.id for v in last.agreements]
        # what a reload does to an article that is gone: its agreement goes with it
        await s.execute(delete(ART).where(ART.c.id == last.article_id))
        await remove_orphans(s)
        await s.commit()
        assert await get(s, freed) is None and await _max(s, A) < freed
        new = await ingest(s, ArticleIn("Третья статья"), [make_agreement(["Курская область"], ["Почта"])])
    assert [v.id for v in new.agreements][0] > freed
    assert new.article_id > last.article_id


async def test_nul_bytes_and_invisible_characters_are_stored_clean(sessionmaker: Maker) -> None:
    agreement = make_agreement(
        ["Калужская область"], ["Рос\x00тел\u200bеком"], signatories=[("Иван\x00 Петров", "губернатор\x01")]
    )
    async with sessionmaker() as s:
        result = await ingest(s, ArticleIn("Текст\x00 с нулевым байтом", title="Заго\x00ловок"), [agreement])
        [view] = result.agreements
        assert view.partners == ["Ростелеком"] and view.signatories[0].name == "Иван Петров"
        row = (await s.execute(select(ART.c.text, ART.c.title))).one()
        assert row.text == "Текст с нулевым байтом" and row.title == "Заголовок"
        assert (await ingest(s, ArticleIn("Текст с нулевым\u200b байтом"), [])).already_known
        assert (await by_partner(s, "Ростелеком")).page.total == 1


async def test_a_sentence_naming_dozens_of_regions_is_hidden_for_review(sessionmaker: Maker) -> None:
    every = [r.name for r in REGIONS]
    async with sessionmaker() as s:
        listed = await ingest(s, ArticleIn("Все регионы и Минспорт"), [make_agreement(every, ["Минспорт"])])
        few = await ingest(
            s, ArticleIn("Три региона и Минспорт"), [make_agreement(every[:3], ["Минспорт"], when=(2022, 1, 1))]
        )
        assert listed.agreements == [] and listed.hidden == 1
        assert len(few.agreements) == 1  # several regions signing one document is real
        assert (await by_region(s, every[10])).page.total == 0
        assert (await by_partner(s, "Минспорт")).page.total == 1
        assert (await stats(s)).agreements == 1
        [group], _ = await moderation.open_reports(s)
        assert group.reasons == {"too_many_parties": 1} and group.hidden == 1
        hidden_id = group.agreement_id
        assert hidden_id is not None and await get(s, hidden_id) is None
        assert await moderation.restore(s, hidden_id) == 1
        assert (await by_region(s, every[10])).page.total == 1


async def test_facts_are_kept_per_source_and_trusted_ones_win(sessionmaker: Maker) -> None:
    def report(amount: float) -> list:  # type: ignore[type-arg]
        return [make_agreement(["Тверская область"], ["Южный берег"], amount=amount)]

    async with sessionmaker() as s:
        first = await ingest(s, ArticleIn("Пользователь прислал: 7 млрд"), report(7e9))
        [agreement_id] = [v.id for v in first.agreements]
        assert (await get(s, agreement_id)).amount.value == 7e9  # type: ignore[union-attr]
        await ingest(s, ArticleIn("Другой пользователь: 9 млрд"), report(9e9))
        assert (await get(s, agreement_id)).amount.value == 7e9  # type: ignore[union-attr]  # first stays
        await ingest(s, ArticleIn("Страница сайта: 2,5 млрд", url="https://news.example/t"), report(2.5e9))
        view = await get(s, agreement_id)
        assert view is not None and view.amount is not None and view.amount.value == 2.5e9  # the page wins
        assert sorted(src.amount.value for src in view.sources if src.amount) == [2.5e9, 7e9, 9e9]
        assert [src.kind for src in view.sources] == ["text", "text", "page"]
        await ingest(s, ArticleIn("И ещё пользователь: 1 млрд"), report(1e9))
        assert (await get(s, agreement_id)).amount.value == 2.5e9  # type: ignore[union-attr]


async def test_an_edited_copy_with_another_date_is_the_same_agreement(sessionmaker: Maker) -> None:
    original = article_text("Орловская область", "Горная тропа", "2021-05-14") + LONG
    copy = original.replace("2021-05-14", "2021-05-19")
    async with sessionmaker() as s:
        first = await ingest(s, ArticleIn(original, url="https://news.example/o"), extract_fn=line_extract)
        edited = await ingest(s, ArticleIn(copy), extract_fn=line_extract)
        [agreement_id] = [v.id for v in first.agreements]
        assert [v.id for v in edited.agreements] == [agreement_id]
        view = await get(s, agreement_id)
        assert view is not None and (view.date.year, view.date.month, view.date.day) == (2021, 5, 14)  # type: ignore[union-attr]
        assert {(d.date.day, d.kind) for d in view.sources if d.date} == {(14, "page"), (19, "text")}
        keys = (await s.execute(select(func.count()).select_from(AgreementKey.__table__))).scalar_one()
        assert keys == 2  # the copy's key now leads to the same agreement
        assert (await by_region(s, "Орловская")).page.total == 1
        # a different article of the same parties and another date stays another agreement
        other = article_text("Орловская область", "Горная тропа", "2023-02-01", extra="продление") + LONG[::-1]
        renewed = await ingest(s, ArticleIn(other), extract_fn=line_extract)
        assert [v.id for v in renewed.agreements] != [agreement_id]


async def test_hidden_and_deleted_vanish_from_every_query(sessionmaker: Maker, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text(article_text("Псковская область", "Западный мост", "2020-01-10"), "utf-8")
    (folder / "b.txt").write_text(article_text("Псковская область", "Восточный луч", "2020-02-10"), "utf-8")
    await reload(sessionmaker, folder, extract_fn=line_extract)
    async with sessionmaker() as s:
        lookup = await by_region(s, "Псковская")
        west, east = sorted(lookup.page.items, key=lambda v: v.partners)[::-1]
        assert west.partners == ["Западный мост"]
        assert await moderation.add_report(s, west.id, 42, "not_agreement") is True
        assert await moderation.add_report(s, west.id, 42, "not_agreement") is False
        assert await moderation.hide(s, west.id, 777) == 0

        async def everywhere() -> dict[str, bool]:
            return {
                "region": west.id in [v.id for v in (await by_region(s, "Псковская")).page.items],
                "partner": (await by_partner(s, "Западный мост")).page.total > 0,
                "search": (await search(s, "Западный")).total > 0,
                "recent": west.id in [v.id for v in (await recent(s, limit=50)).items],
                "stats": ("Западный мост", 1) in (await stats(s)).partners,
                "get": await get(s, west.id) is not None,
            }

        assert set((await everywhere()).values()) == {False}
        assert (await by_region(s, "Псковская")).page.total == 1  # counts agree with the page
        assert await moderation.add_report(s, west.id, 43, "wrong_parties") is None  # hidden: nothing to report
        assert await moderation.restore(s, west.id) == 1
        assert set((await everywhere()).values()) == {True}
        assert await moderation.hide(s, west.id, 777, delete_it=True) == 0
        assert set((await everywhere()).values()) == {False}
    # a reload reads its article again: the tombstone keeps it out, under the same id
    await reload(sessionmaker, folder, extract_fn=line_extract)
    async with sessionmaker() as s:
        assert (await by_region(s, "Псковская")).page.total == 1
        assert await get(s, west.id) is None and await get(s, east.id) is not None
        tombstone = (await s.execute(select(A.c.hidden).where(A.c.id == west.id))).scalar_one()
        assert tombstone == 2
        assert await moderation.restore(s, west.id) == 2  # deleted stays deleted
        report = (await s.execute(select(Report.__table__))).one()
        assert report.status == "resolved" and report.resolution == "hidden" and "Западный мост" in report.snapshot


async def test_migration_0003_keeps_and_completes_existing_rows(db_url: str) -> None:
    from db.engine import make_engine, make_sessionmaker
    from db.migrate import upgrade

    engine: AsyncEngine = make_engine(db_url)
    try:
        await upgrade(engine, "0002")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO article (id, text, url, content_hash, sent_at, source) VALUES "
                    "(1, 'Сайт сообщает', 'https://x.example/1', 'h1', '2024-01-01', 'user'), "
                    "(2, 'Сем\u200bена', NULL, 'h2', '2024-01-01', 'seed:seeds')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO agreement (id, key, doc_type, sort_key, evidence, search, created_at, "
                    "amount_value, amount_currency, year) VALUES "
                    "(5, 'k5', 'соглашение', 20200000, '', '', '2024-01-01', 1000000, 'RUB', 2020)"
                )
            )
            await conn.execute(text("INSERT INTO agreement_source (agreement_id, article_id, evidence) VALUES (5, 1, '')"))
            region = (await conn.execute(text("SELECT id FROM region ORDER BY id LIMIT 1"))).scalar_one()
            await conn.execute(
                text(f"INSERT INTO agreement_region (agreement_id, region_id, sort_key, position) VALUES (5, {region}, 20200000, 0)")
            )
        await upgrade(engine)
        async with make_sessionmaker(engine)() as s:
            kinds = dict((await s.execute(select(ART.c.id, ART.c.kind))).all())
            assert kinds == {1: "page", 2: "seed"}
            source = (await s.execute(select(AgreementSource.__table__))).one()
            assert (source.amount_value, source.year) == (1000000, 2020)
            row = (await s.execute(select(A.c.party_key, A.c.hidden, A.c.card).where(A.c.id == 5))).one()
            assert row.party_key and row.hidden == 0 and row.card  # the card is rebuilt
            assert (await s.execute(select(AgreementKey.__table__.c.agreement_id))).scalars().all() == [5]
            view = await get(s, 5)
            assert view is not None and view.sources[0].amount is not None and view.sources[0].kind == "page"
            # the article differing by an invisible character is found as known now
            assert (await ingest(s, ArticleIn("Семена"), [])).already_known
            # the next agreement gets a new id
            new = await ingest(s, ArticleIn("Новая статья"), [make_agreement(["Калужская область"], ["МТС"])])
            assert new.agreements[0].id > 5
    finally:
        await engine.dispose()
