"""Ingest: dedup by text and url, merge of two sources, articles without agreements are kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Agreement, AgreementSource, Article
from db.read.queries import by_partner, by_region, get
from db.write.ingest import ArticleIn, ingest
from extraction.models import Partner
from tests.db.helpers import line_extract, make_agreement

Maker = async_sessionmaker[AsyncSession]


async def _count(session: AsyncSession, model: type) -> int:
    return int((await session.execute(select(func.count()).select_from(model.__table__))).scalar_one())


async def test_ingest_stores_article_parties_and_sources(session: AsyncSession) -> None:
    ag = make_agreement(
        ["Калужская область"],
        [Partner("Цифровая экономика", ("АНО «Цифровая экономика»",))],
        signatories=[("Владислав Шапша", "губернатор Калужской области")],
        event="форум «Открытые инновации»",
        amount=2.5e9,
    )
    res = await ingest(
        session,
        ArticleIn(
            "Калуга подписала соглашение.", url="https://ex.ru/1", published=date(2021, 6, 4), sent_by=10**12
        ),
        [ag],
    )
    assert not res.already_known and res.new_agreements == 1
    (view,) = res.agreements
    assert view.regions == ["Калужская область"]
    assert view.partners == ["Цифровая экономика"]
    assert view.signatories[0].name == "Владислав Шапша"
    assert view.amount is not None and view.amount.value == 2.5e9
    assert view.event == "форум «Открытые инновации»"
    assert view.evidence == "Стороны подписали соглашение о сотрудничестве."
    assert [(s.url, s.published) for s in view.sources] == [("https://ex.ru/1", date(2021, 6, 4))]
    row = (await session.execute(select(Article.__table__.c.sent_by, Article.__table__.c.source))).one()
    assert tuple(row) == (10**12, "user")


async def test_same_text_twice_is_stored_once(session: AsyncSession) -> None:
    ag = make_agreement(["Тульская область"], ["Ростелеком"])
    first = await ingest(session, ArticleIn("Тула и «Ростелеком» подписали соглашение."), [ag])
    again = await ingest(session, ArticleIn("  тула и «РОСТЕЛЕКОМ»   подписали\nсоглашение. "), [ag])
    assert again.already_known and again.article_id == first.article_id
    assert again.new_agreements == 0
    assert [a.id for a in again.agreements] == [a.id for a in first.agreements]
    assert await _count(session, Article) == 1
    assert await _count(session, Agreement) == 1


async def test_same_url_twice_is_stored_once(session: AsyncSession) -> None:
    ag = make_agreement(["Тульская область"], ["Ростелеком"])
    first = await ingest(session, ArticleIn("Версия страницы утром.", url="https://news.example/a"), [ag])
    again = await ingest(
        session, ArticleIn("Версия страницы вечером, дополненная.", url="https://news.example/a"), []
    )
    assert again.already_known and again.article_id == first.article_id
    assert await _count(session, Article) == 1


async def test_same_agreement_from_two_sites_has_two_sources(session: AsyncSession) -> None:
    site_a = make_agreement(["Оренбургская область"], [Partner("МТС", ("ПАО «МТС»",))], when=(2019, 8, 23))
    site_b = make_agreement(
        ["Оренбургская область"],
        [Partner("ПАО «МТС»")],
        when=(2019, 8, 23),
        doc_type="меморандум",
        amount=1e9,
        evidence="МТС и Оренбуржье заключили соглашение.",
    )
    a = await ingest(session, ArticleIn("Текст первого сайта", url="https://a.example/n"), [site_a])
    b = await ingest(session, ArticleIn("Текст второго сайта", url="https://b.example/n"), [site_b])
    assert a.new_agreements == 1 and b.new_agreements == 0
    assert a.agreements[0].id == b.agreements[0].id
    view = await get(session, a.agreements[0].id)
    assert view is not None
    assert [s.url for s in view.sources] == ["https://a.example/n", "https://b.example/n"]
    assert view.amount is not None and view.amount.value == 1e9  # filled in by the second report
    assert await _count(session, Agreement) == 1
    assert await _count(session, AgreementSource) == 2
    # A different date is a different agreement.
    c = await ingest(
        session,
        ArticleIn("Третий текст", url="https://c.example/n"),
        [make_agreement(["Оренбургская область"], ["МТС"], when=(2020, 1, 1))],
    )
    assert c.new_agreements == 1
    assert (await by_partner(session, "МТС")).page.total == 2


async def test_article_without_agreements_is_kept(session: AsyncSession) -> None:
    res = await ingest(
        session, ArticleIn("Губернатор провёл совещание о дорогах.", url="https://x.example/1"), []
    )
    assert res.agreements == [] and res.new_agreements == 0 and not res.already_known
    assert await _count(session, Article) == 1
    again = await ingest(session, ArticleIn("Губернатор провёл совещание о дорогах."), [])
    assert again.already_known


async def test_ingest_extracts_when_no_agreements_given(session: AsyncSession) -> None:
    text = "Подписание\nрегион: Псковская область\nпартнер: Сбер\nдата: 2022-03-04\n"
    res = await ingest(session, ArticleIn(text), extract_fn=line_extract)
    assert res.new_agreements == 1
    assert (await by_region(session, "Псковская")).page.items[0].partners == ["Сбер"]


async def test_user_and_date_details_roundtrip(sessionmaker: Maker) -> None:
    async with sessionmaker() as s:
        res = await ingest(
            s,
            ArticleIn("Без года", title="Заголовок"),
            [make_agreement(["Тверская область"], ["Х"], when=(None, 8, 23))],
        )
    async with sessionmaker() as s:
        view = await get(s, res.agreements[0].id)
        assert await get(s, 10**6) is None
    assert view is not None and view.date is not None
    assert (view.date.year, view.date.month, view.date.day) == (None, 8, 23)
    assert view.sources[0].title == "Заголовок"


async def test_known_article_is_not_extracted_again(session: AsyncSession) -> None:
    calls: list[str] = []

    def counting(text: str, published: date | None) -> list:  # type: ignore[type-arg]
        calls.append(text)
        return line_extract(text, published)

    text = "Заголовок\nрегион: Ярославская область\nпартнер: Сбер\nдата: 2023-01-02\n"
    first = await ingest(session, ArticleIn(text, url="https://y.example/1"), extract_fn=counting)
    again = await ingest(
        session, ArticleIn("другой текст по той же ссылке", url="https://y.example/1"), extract_fn=counting
    )
    assert len(calls) == 1
    assert again.already_known and [a.id for a in again.agreements] == [a.id for a in first.agreements]
