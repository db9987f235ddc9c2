"""Full-text search: inflected forms, ranking, the index kept in step with writes, migration 0006."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import moderation
from db.engine import make_engine, make_sessionmaker
from db.migrate import current, downgrade, upgrade
from db.models import VISIBLE, Agreement
from db.read import fulltext
from db.read.fulltext import AgreementText, fts5_query, index_text, parse_query, tsquery
from db.read.queries import search
from db.write.ingest import ArticleIn, ingest, reload
from extraction.models import Partner
from tests.db.helpers import HEAD, article_text, line_extract, make_agreement

Maker = async_sessionmaker[AsyncSession]
A, T = Agreement.__table__, AgreementText.__table__


async def _store(sm: Maker, n: int, **kwargs: object) -> int:
    async with sm() as s:
        result = await ingest(s, ArticleIn(f"Статья {n}", url=f"https://news.example/{n}"), [make_agreement(**kwargs)])  # type: ignore[arg-type]
    return result.agreements[0].id if result.agreements else -1


async def _ids(sm: Maker, query: str, **kwargs: int) -> list[int]:
    async with sm() as s:
        return [v.id for v in (await search(s, query, **kwargs)).items]


async def _indexed(sm: Maker) -> set[int]:
    async with sm() as s:
        return set((await s.execute(select(T.c.agreement_id))).scalars())


def test_query_terms_are_normal_forms_without_function_words() -> None:
    query = parse_query("Соглашения с «Ростелекомом» и МТС")
    assert [t.lemmas[0] for t in query] == ["соглашение", "ростелеком", "мтс"]
    assert index_text("подписали соглашение с ростелекомом") == "подписать соглашение ростелеком"
    # an ambiguous word is indexed and looked for under each reading
    assert set(parse_query("старого")[0].lemmas) >= {"старый", "старое"}
    assert set(index_text("старого").split()) >= {"старый", "старое"}
    # a word the dictionary does not know may be the start of one; a Latin look-alike is tried in Cyrillic
    assert fts5_query(parse_query("Ростел")).endswith(' OR "ростел"*)')
    assert fts5_query(parse_query("ростелекома")) == '("ростелеком")'
    assert '"мтс"' in fts5_query(parse_query("mtc"))
    sql, params = tsquery(parse_query("ростелекома калужск"))
    assert sql == "to_tsquery('russian', :l0) && (to_tsquery('russian', :l1) || to_tsquery('simple', :p1))"
    assert params["l0"] == "'ростелеком'" and params["p1"] == "'калужск':*"
    assert parse_query("с и на %_% ") == []


async def test_inflected_forms_find_the_agreement(sessionmaker: Maker) -> None:
    rt = await _store(
        sessionmaker,
        1,
        regions=["Калужская область"],
        partners=[Partner("Ростелеком", ("ПАО «Ростелеком»",))],
        signatories=[("Владислав Шапша", "губернатор")],
        event="Петербургский международный экономический форум",
        evidence="Губернатор и Ростелеком подписали соглашение о цифровизации школ.",
    )
    other = await _store(sessionmaker, 2, regions=["Тульская область"], partners=["МТС"], when=(2022, 1, 1))
    assert await _ids(sessionmaker, "соглашения с Ростелекомом") == [rt]
    assert await _ids(sessionmaker, "Ростелекома") == [rt]
    assert await _ids(sessionmaker, "калужской области") == [rt]
    assert await _ids(sessionmaker, "на экономическом форуме") == [rt]
    assert await _ids(sessionmaker, "цифровизацию школ") == [rt]
    assert await _ids(sessionmaker, "Ростел") == [rt]  # a word it begins
    assert await _ids(sessionmaker, "mtc") == [other]  # Latin look-alikes
    assert await _ids(sessionmaker, "Ростелеком Тула") == []  # every word must match
    assert set(await _ids(sessionmaker, "соглашение", limit=10)) == {rt, other}


async def test_ranked_best_match_first_then_newest(sessionmaker: Maker) -> None:
    once = await _store(
        sessionmaker,
        1,
        regions=["Тверская область"],
        partners=["Связьинвест"],
        when=(2024, 5, 5),
        evidence="Соглашение подписано в присутствии представителей отрасли, в том числе компании "
        "Ростелеком, банков, вузов, фондов развития и отраслевых союзов региона.",
    )
    often = await _store(
        sessionmaker,
        2,
        regions=["Тверская область"],
        partners=["Ростелеком"],
        when=(2019, 1, 1),
        evidence="Ростелеком и область подписали соглашение; Ростелеком построит сеть.",
    )
    old = await _store(sessionmaker, 3, regions=["Псковская область"], partners=["Сбер"], when=(2018, 1, 1))
    new = await _store(sessionmaker, 4, regions=["Псковская область"], partners=["ВТБ"], when=(2023, 1, 1))
    # the agreement about Ростелеком outranks a newer one that names it in passing
    assert await _ids(sessionmaker, "ростелеком") == [often, once]
    # equally good matches: newest first
    assert await _ids(sessionmaker, "псковская") == [new, old]
    async with sessionmaker() as s:
        page = await search(s, "область", offset=1, limit=2)
        beyond = await search(s, "область", offset=50)
    assert page.total == beyond.total == 4 and len(page.items) == 2 and beyond.items == []


async def test_broad_query_lists_newest_added_and_stops_counting(sessionmaker: Maker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fulltext, "RANK_LIMIT", 2)
    monkeypatch.setattr(fulltext, "COUNT_LIMIT", 3)
    ids = [
        await _store(sessionmaker, n, regions=["Ивановская область"], partners=[f"Фабрика {n}"], when=(2020 - n, 1, 1))
        for n in range(5)
    ]
    async with sessionmaker() as s:
        broad = await search(s, "ивановская область", limit=2)
        second = await search(s, "ивановская область", offset=2, limit=2)
        narrow = await search(s, "фабрика 3")
    assert [v.id for v in broad.items] == ids[::-1][:2]  # not ranked: newest added first
    assert (broad.total, broad.more) == (3, True)
    assert [v.id for v in second.items] == [ids[2]]  # paging stops where counting did
    assert (narrow.total, narrow.more, [v.id for v in narrow.items]) == (1, False, [ids[3]])


async def test_index_follows_hide_restore_delete_and_reload(sessionmaker: Maker, tmp_path: Path) -> None:
    kept = await _store(sessionmaker, 1, regions=["Орловская область"], partners=["Горная тропа"])
    assert await _indexed(sessionmaker) == {kept}
    async with sessionmaker() as s:
        assert await moderation.hide(s, kept, 1) == VISIBLE
    assert await _ids(sessionmaker, "горной тропы") == [] and await _indexed(sessionmaker) == set()
    async with sessionmaker() as s:
        assert await moderation.restore(s, kept) == 1
    assert await _ids(sessionmaker, "горной тропы") == [kept] and await _indexed(sessionmaker) == {kept}
    async with sessionmaker() as s:
        await moderation.hide(s, kept, 1, delete_it=True)
    assert await _ids(sessionmaker, "горной тропы") == [] and await _indexed(sessionmaker) == set()

    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text(article_text("Курская область", "Старый завод"), "utf-8")
    await reload(sessionmaker, folder, extract_fn=line_extract)
    assert len(await _ids(sessionmaker, "старого завода")) == 1
    (folder / "a.txt").write_text(article_text("Курская область", "Новый порт"), "utf-8")
    await reload(sessionmaker, folder, extract_fn=line_extract)
    assert await _ids(sessionmaker, "старого завода") == []  # its agreement went with the old seeds
    [port] = await _ids(sessionmaker, "новым портом")
    # one index row per visible agreement, no more
    async with sessionmaker() as s:
        visible = set((await s.execute(select(A.c.id).where(A.c.hidden == VISIBLE))).scalars())
    assert await _indexed(sessionmaker) == visible == {port}


async def test_uses_the_databases_own_index(engine: AsyncEngine, sessionmaker: Maker) -> None:
    await _store(sessionmaker, 1, regions=["Калужская область"], partners=["Ростелеком"])
    async with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(
                (await conn.execute(text(
                    "EXPLAIN SELECT agreement_id FROM agreement_text "
                    "WHERE tsv @@ to_tsquery('russian', 'ростелеком')"
                ))).scalars()
            )
            assert "ix_agreement_text_tsv" in plan
            stemmed = (await conn.execute(text("SELECT tsv::text FROM agreement_text"))).scalar_one()
            assert "'ростелек'" in stemmed  # the russian configuration stems the lemmas
        else:
            hits = (await conn.execute(text("SELECT rowid FROM agreement_fts WHERE agreement_fts MATCH 'ростелеком'"))).all()
            assert len(hits) == 1
            await conn.execute(text("INSERT INTO agreement_fts(agreement_fts, rank) VALUES ('integrity-check', 1)"))


async def test_migration_indexes_existing_agreements_and_downgrades(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await upgrade(engine, "0005")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO agreement (id, key, doc_type, sort_key, evidence, search, created_at, hidden) VALUES "
                    "(7, 'k7', 'соглашение', 0, '', 'соглашение | калужская область | ростелеком', '2024-01-01', 0), "
                    "(8, 'k8', 'соглашение', 0, '', 'соглашение | тульская область | ростелеком', '2024-01-01', 1)"
                )
            )
        await upgrade(engine)
        assert await current(engine) == HEAD
        sm = make_sessionmaker(engine)
        assert await _ids(sm, "Ростелекома") == [7]  # the hidden one is not indexed
        assert await _indexed(sm) == {7}
        await downgrade(engine, "0005")
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: __import__("sqlalchemy").inspect(c).get_table_names()))
        assert "agreement_text" not in tables and "agreement_fts" not in tables
        await upgrade(engine)
        assert await _ids(sm, "ростелеком") == [7]
        async with sm() as s:
            assert (await s.execute(select(func.count()).select_from(T))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_operators_and_odd_input_are_plain_words(sessionmaker: Maker) -> None:
    mts = await _store(sessionmaker, 1, regions=["Тульская область"], partners=["МТС"])
    hostile = [
        '"', "'", "МТС\" OR \"", "NEAR(мтс тульская)", "мтс*", "^мтс", "-мтс", "мтс AND NOT тульская",
        "мтс & !тульская", "мтс | x", "мтс:*", "мтс <-> тульская", "мтс'); DROP TABLE agreement; --",
        "🙂 мтс 🙂", "м" * 5000, "\x00мтс", "мтс\u200b",
    ]
    for query in hostile:
        async with sessionmaker() as s:
            page = await search(s, query)
        assert page.total in (0, 1), query
    assert await _ids(sessionmaker, "мтс AND тульская") == []  # "and" is a word to find, not an operator
    assert await _ids(sessionmaker, "мтс*") == [mts] and await _ids(sessionmaker, "мтс\u200b") == [mts]
