"""The first hour of a new user, end to end through the fake Bot API: plain questions answered as
/region, /partner or /search would; commands in capitals; only news stored as articles; a pasted
article's headline as its source; an .html file's own date."""

from __future__ import annotations

from datetime import date

import pytest
import pytest_asyncio

from db.read import queries
from db.write.ingest import ArticleIn, ingest
from extraction.models import Agreement, PartialDate, Partner
from handlers.questions import OTHER_READINGS, QUESTION_HINT
from tests.botapp import App

pytestmark = pytest.mark.asyncio(loop_scope="module")

NEWS = (
    "Калужская область и «Северный ветер» договорились о ветропарке\n"
    "Правительство Калужской области и ООО «Северный ветер» заключили соглашение о строительстве "
    "ветропарка. Соглашение подписали губернатор Калужской области Владислав Шапша и генеральный "
    "директор компании Пётр Сидоров."
)
NO_AGREEMENT = (
    "В Костромской области завершился сезон сбора урожая. Аграрии собрали больше зерна, чем в прошлом году, "
    "а губернатор поблагодарил работников сельского хозяйства за их труд на торжественном собрании."
)


async def _counts(app: App) -> tuple[int, int]:
    async with app.sessionmaker() as session:
        stats = await queries.stats(session)
    return stats.articles, stats.agreements


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def forum(app: App) -> None:
    """An agreement signed at ПМЭФ, stored directly: an event-like question finds it by full text."""
    async with app.sessionmaker() as session:
        await ingest(
            session,
            ArticleIn(text="Статья о форуме. " * 5, url="https://example.org/spief", published=date(2024, 6, 7)),
            [
                Agreement(
                    doc_type="соглашение",
                    regions=["Липецкая область"],
                    partners=[Partner(name="Липецкий станкозавод")],
                    date=PartialDate(2024, 6, 7),
                    event="ПМЭФ",
                    evidence=["На ПМЭФ Липецкая область и Липецкий станкозавод подписали соглашение."],
                )
            ],
        )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("какие соглашения подписала Калужская область?", ("Регион: Калужская область", "Артамонов")),
        ("Калуга", ("Регион: Калужская область", "Цифровая экономика")),
        ("МТС", ("Партнёр: МТС", "Оренбургская область")),
        ("/REGION Калуга", ("Регион: Калужская область", "Артамонов")),
        ("/Partner мтс", ("Партнёр: МТС", "Оренбургская область")),
    ],
)
async def test_plain_questions_are_answered_not_stored(
    app: App, uid: int, question: str, expected: tuple[str, ...]
) -> None:
    before = await _counts(app)
    await app.fake.send_text(uid, question)
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert all(part in reply.text for part in expected), reply.text
    assert "Слишком короткий" not in reply.text
    assert await _counts(app) == before


async def test_event_question_goes_to_full_text_search(app: App, forum: None, uid: int) -> None:
    await app.fake.send_text(uid, "что подписали на ПМЭФ?")
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Поиск: «ПМЭФ»" in reply.text and "Липецкий станкозавод" in reply.text


async def test_ambiguous_question_offers_the_other_readings(app: App, uid: int) -> None:
    await app.fake.send_text(uid, "Калуга и МТС")
    first, choices = await app.fake.wait_for(uid, count=2, timeout=30)
    assert "Регион: Калужская область" in first.text
    assert choices.text == OTHER_READINGS
    [(label, data)] = choices.buttons
    assert label == "Партнёр: МТС"
    await app.fake.press_button(uid, choices, data)
    [partner] = await app.fake.wait_for(uid, timeout=30)
    assert "Партнёр: МТС" in partner.text and "Оренбургская область" in partner.text


async def test_unknown_short_text_is_a_question_with_a_hint(app: App, uid: int) -> None:
    before = await _counts(app)
    await app.fake.send_text(uid, "фывапролд")
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "ничего не нашлось" in reply.text and QUESTION_HINT in reply.text
    assert await _counts(app) == before


async def test_nonsense_is_not_stored_as_an_article(app: App, uid: int) -> None:
    before = await _counts(app)
    await app.fake.send_text(uid, "фыва олдж прол дждл ывап " * 12)
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "не похоже на новость" in reply.text and "словаре" in reply.text
    assert "сохранена" not in reply.text
    assert await _counts(app) == before


async def test_news_without_agreement_is_kept_and_says_why(app: App, uid: int) -> None:
    articles, agreements = await _counts(app)
    await app.fake.send_text(uid, NO_AGREEMENT)
    [reply] = await app.fake.wait_for(uid, timeout=60)
    assert "не нашлось подписанных соглашений" in reply.text and "похож на новость" in reply.text
    assert await _counts(app) == (articles + 1, agreements)


async def test_pasted_article_shows_its_headline_as_source(app: App, uid: int) -> None:
    await app.fake.send_text(uid, NEWS)
    [reply] = await app.fake.wait_for(uid, timeout=60)
    assert "Нашёл соглашений: 1" in reply.text
    assert "Источник: Калужская область и «Северный ветер» договорились о ветропарке" in reply.text
    assert "статья №" not in reply.text.split("Источник:")[1].split("(текст")[0]


async def test_html_document_keeps_its_publication_date(app: App, uid: int) -> None:
    html = (
        "<html><head><meta charset='utf-8'><title>Тамбов и «Зелёный дом»</title>"
        "<meta property='article:published_time' content='2025-04-22T09:00:00+03:00'></head><body>"
        "<article><h1>Тамбов и «Зелёный дом»</h1><p>21 апреля правительство Тамбовской области и ООО "
        "«Зелёный дом» подписали соглашение о строительстве тепличного комплекса.</p><p>Документ "
        "подписали губернатор Тамбовской области Евгений Первышов и директор компании Олег Смирнов.</p>"
        "</article></body></html>"
    )
    await app.fake.send_document(uid, html.encode(), "tambov.html")
    [reply] = await app.fake.wait_for(uid, timeout=60)
    assert "21 апреля 2025" in reply.text and "год неизвестен" not in reply.text
    assert "Тамбов и «Зелёный дом»" in reply.text  # its title as the source, not the file's name


async def test_follow_a_company_not_in_the_base_yet(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/follow Газпром")
    [reply] = await app.fake.wait_for(uid, timeout=30)
    assert "Не нашёл региона, партнёра или страны «Газпром» в базе" in reply.text
    assert "Подписал вас на партнёра «Газпром», хотя его пока нет в базе" in reply.text
    await app.fake.send_command(uid, "/following")
    [listing] = await app.fake.wait_for(uid, timeout=30)
    assert "• партнёр «Газпром»" in listing.text  # the list names it in the nominative
    async with app.sessionmaker() as session:  # its first agreement arrives (as a feed item would)
        await ingest(
            session,
            ArticleIn(text="Статья о Газпроме. " * 5, url="https://example.org/gazprom"),
            [Agreement(doc_type="соглашение", regions=["Курганская область"], partners=[Partner("ПАО «Газпром»")])],
        )
    app.dp["alert_sender"].wake()
    [alert] = await app.fake.wait_for(uid, timeout=30, predicate=lambda c: "Курганская область" in (c.text or ""))
    assert "Газпром" in alert.text
    await app.fake.send_command(uid, "/follow Калужкий край")  # a misspelt region is no company
    [region] = await app.fake.wait_for(uid, timeout=30)
    assert "Подписал" not in region.text and "Проверьте написание" in region.text


async def test_unfollow_wording_agrees_in_case(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/follow Беларусь")
    [done] = await app.fake.wait_for(uid, timeout=30)
    assert "подписал вас на страну «Беларусь»" in done.text
    await app.fake.send_command(uid, "/unfollow Беларусь")
    [gone] = await app.fake.wait_for(uid, timeout=30)
    assert gone.text == "Подписка «Беларусь» отменена."


async def test_help_and_recent_agree_on_the_order(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/help")
    [help_] = await app.fake.wait_for(uid, timeout=30)
    assert "/recent — новые по дате подписания" in help_.text
    assert "/search <i>слова</i>" not in help_.text  # rendered
    await app.fake.send_command(uid, "/recent")
    [recent] = await app.fake.wait_for(uid, timeout=30)
    assert "Сначала новые по дате подписания" in recent.text


async def test_search_finds_an_agreement_by_its_subject(app: App, uid: int) -> None:
    article = (
        "Цифровизация школ: Смоленская область и «Школьный код» договорились\n"
        "Правительство Смоленской области и ООО «Школьный код» подписали соглашение о сотрудничестве. "
        "Документ подписали губернатор Смоленской области Василий Анохин и директор компании Анна Белова."
    )
    await app.fake.send_text(uid, article)
    [stored] = await app.fake.wait_for(uid, timeout=60)
    assert "Нашёл соглашений: 1" in stored.text
    await app.fake.send_command(uid, "/search цифровизация школ")  # said by the headline only
    [found] = await app.fake.wait_for(uid, timeout=30)
    assert "Найдено соглашений: 1" in found.text and "Школьный код" in found.text


async def test_a_dateless_text_reads_yesterday_from_the_sending_day(app: App, uid: int) -> None:
    from datetime import UTC, datetime, timedelta

    from handlers.articles import MSK
    from views.cards import MONTHS_GEN

    yesterday = datetime.now(UTC).astimezone(MSK).date() - timedelta(days=1)
    await app.fake.send_text(
        uid,
        "Вчера правительство Псковской области и ООО «Псковский лён» подписали соглашение о строительстве "
        "льнозавода. Документ подписали губернатор Псковской области Михаил Ведерников и директор компании "
        "Иван Орлов.",
    )
    [reply] = await app.fake.wait_for(uid, timeout=60)
    assert f"{yesterday.day} {MONTHS_GEN[yesterday.month - 1]} {yesterday.year}" in reply.text
    assert f"«вчера», «сегодня» отсчитаны от дня отправки, {yesterday + timedelta(days=1):%d.%m.%Y}" in reply.text
    await app.fake.send_text(  # no relative date: the sending day is not taken for a publication date
        uid,
        "12 марта правительство Новгородской области и ООО «Ильмень» подписали соглашение о строительстве "
        "причала. Документ подписали губернатор Новгородской области Александр Дронов и директор компании "
        "Олег Павлов.",
    )
    [plain] = await app.fake.wait_for(uid, timeout=60)
    assert "12 марта (год неизвестен)" in plain.text and "отсчитаны" not in plain.text
