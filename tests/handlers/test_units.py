"""Small pure parts of the bot: throttling bucket, cards, callback data, console rendering, settings."""

from __future__ import annotations

from datetime import date

from aiogram.utils.text_decorations import html_decoration as hd

from app.console import html_to_text
from app.settings import Settings
from db.read.views import AgreementView, Page, SourceView
from extraction.models import Amount, PartialDate, Signatory
from handlers.articles import looks_russian
from shared_state.buckets import LocalTokenBuckets
from views.cards import MAX_MESSAGE, fmt_amount, fmt_date, full_card, pack, plural, short_card
from views.keyboards import (
    REGION,
    PageCB,
    QueryStore,
    SuggestCB,
    decode_query,
    page_keyboard,
    suggestions_keyboard,
)


def view(i: int = 1, long: bool = False) -> AgreementView:
    filler = "очень длинное название <организации> & «партнёра» " * (40 if long else 1)
    return AgreementView(
        id=i,
        doc_type="соглашение",
        date=PartialDate(2019, 8, 23),
        regions=["Оренбургская область"],
        partners=[filler],
        countries=[],
        signatories=[Signatory("Юрий Берг", "губернатор")] * (30 if long else 1),
        event=filler,
        amount=Amount(1e9, "RUB"),
        evidence=filler * 5,
        sources=[SourceView(1, "https://example.org/a?b=1&c=<2>", filler, date(2019, 8, 24))]
        * (12 if long else 1),
    )


def test_throttling_bucket_notifies_once_and_refills() -> None:
    t = LocalTokenBuckets(burst=5, rate=1.0)
    results = [t.allow(1, now=100.0) for _ in range(30)]
    assert results[:5] == [(True, False)] * 5
    assert results[5] == (False, True)  # one notice
    assert results[6:] == [(False, False)] * 24  # then silence
    assert t.allow(2, now=100.0) == (True, False)  # other users unaffected
    assert t.allow(1, now=101.1) == (True, False)  # refilled one token
    assert t.allow(1, now=101.2) == (False, False)  # still within the notice's cooldown: silence
    assert t.allow(1, now=100.0 + t.cooldown + 0.1) == (True, False)
    assert [t.allow(1, now=106.0) for _ in range(5)][-1] == (False, True)  # a later flood: one new notice


def test_cards_escape_and_fit_telegram_limits() -> None:
    for card in (short_card(view(long=True)), full_card(view(long=True))):
        assert len(card) < MAX_MESSAGE
        assert "<организации>" not in card and "&lt;организации&gt;" in card
    chunks = pack([short_card(view(i, long=True)) for i in range(20)])
    assert len(chunks) > 1 and all(len(c) <= MAX_MESSAGE for c in chunks)
    huge = pack(["<b>" + hd.quote("x & y " * 2000) + "</b>"])
    assert all(len(c) <= MAX_MESSAGE for c in huge)


def test_formatting_of_dates_and_sums() -> None:
    assert fmt_date(PartialDate(None, 8, 23)) == "23 августа (год неизвестен)"
    assert fmt_date(PartialDate(2019, 8, 23)) == "23 августа 2019"
    assert fmt_date(PartialDate(2020, None, None)) == "2020 год"
    assert fmt_date(None) == "дата неизвестна"
    assert fmt_amount(Amount(2.5e9, "RUB")) == "2,5 млрд руб."
    assert fmt_amount(Amount(8.5e9, "USD")) == "8,5 млрд долл. США"
    assert fmt_amount(Amount(750_000, "EUR")) == "750 тыс. евро"


def test_russian_plurals() -> None:
    forms = ("соглашение", "соглашения", "соглашений")
    got = [plural(n, forms) for n in (1, 2, 5, 11, 12, 21, 22, 25, 101, 111)]
    assert got == [
        "1 соглашение", "2 соглашения", "5 соглашений", "11 соглашений", "12 соглашений",
        "21 соглашение", "22 соглашения", "25 соглашений", "101 соглашение", "111 соглашений",
    ]  # fmt: skip


async def test_callback_data_stays_under_64_bytes_for_long_queries() -> None:
    store = QueryStore()
    long_query = "Ханты-Мансийский автономный округ — Югра: очень длинный запрос"
    page = Page(items=[view(i) for i in range(5)], total=10_000, offset=5, limit=5)
    markup = await page_keyboard(page, REGION, long_query, store)
    assert markup is not None
    datas = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert all(d is not None and len(d.encode()) <= 64 for d in datas)
    nxt = PageCB.unpack(next(d for d in datas if d and d.startswith("pg:")))
    assert await decode_query(store, nxt.q) == long_query
    short = PageCB.unpack(PageCB(k=REGION, o=5, q="Калужская").pack())
    assert await decode_query(store, short.q) == "Калужская"  # short queries travel inline
    sugg = await suggestions_keyboard(REGION, [long_query, "Тульская область"], store)
    assert sugg is not None
    assert [len(row) for row in sugg.inline_keyboard] == [1, 1]  # one button a row, one row a name
    decoded = [await decode_query(store, SuggestCB.unpack(row[0].callback_data or "").q) for row in sugg.inline_keyboard]
    assert decoded == [long_query, "Тульская область"]


def test_console_renders_html_as_plain_text() -> None:
    html = (
        '<b>№1</b> &amp; <a href="https://x.ru/a">Источник</a>\n<blockquote>строка 1\nстрока 2</blockquote>'
    )
    assert html_to_text(html) == "№1 & Источник (https://x.ru/a)\n  │ строка 1\n  │ строка 2"


def test_language_check() -> None:
    assert looks_russian("Губернатор области и компания подписали соглашение о сотрудничестве.") is None
    assert "русский" in (looks_russian("The governor and the company signed an agreement today.") or "")
    assert "не похоже на текст" in (looks_russian("!!!! ???? 1234 5678 #### $$$$ %%%% ^^^^ ab") or "")


def test_settings_from_env(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BOT_TOKEN", "42:abc")
    monkeypatch.setenv("ADMIN_IDS", "1, 2;3")
    monkeypatch.setenv("THROTTLE_BURST", "7")
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("WEBHOOK_PORT", "9000")
    s = Settings.from_env(env_file="/nonexistent/.env")
    assert s.bot_token == "42:abc" and s.admin_ids == frozenset({1, 2, 3})
    assert s.throttle_burst == 7 and s.webhook_port == 9000
    assert s.fetch_limits().allow_private is True


def test_start_up_settings_from_env(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("MODELS_NOTICE_AFTER", raising=False)
    monkeypatch.delenv("CONSOLE_LOG_FILE", raising=False)
    defaults = Settings.from_env(env_file="/nonexistent/.env")
    assert defaults.models_notice_after == 5.0 and defaults.console_log_file.name == "console.log"
    monkeypatch.setenv("MODELS_NOTICE_AFTER", "-3")
    monkeypatch.setenv("CONSOLE_LOG_FILE", str(tmp_path / "bot.log"))
    s = Settings.from_env(env_file="/nonexistent/.env")
    assert s.models_notice_after == 0.0 and s.console_log_file == tmp_path / "bot.log"


def test_cards_of_unsure_agreements_say_so_below_show_confidence(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    import views.cards

    monkeypatch.setattr(views.cards, "_show_confidence", 0.5)
    for render in (short_card, full_card):
        assert views.cards.UNSURE in render(replace(view(), confidence=0.49))
        assert views.cards.UNSURE not in render(replace(view(), confidence=0.5))
        assert views.cards.UNSURE not in render(view())  # 1.0 until extraction says otherwise
    views.cards.set_show_confidence(0.8)
    assert views.cards.UNSURE in short_card(replace(view(), confidence=0.5))


def test_confidence_thresholds_from_env(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert (Settings().show_confidence, Settings().feed_min_confidence) == (0.5, 0.6)
    monkeypatch.setenv("SHOW_CONFIDENCE", "0.3")
    monkeypatch.setenv("FEED_MIN_CONFIDENCE", "0.75")
    s = Settings.from_env(env_file="/nonexistent/.env")
    assert (s.show_confidence, s.feed_min_confidence) == (0.3, 0.75)
