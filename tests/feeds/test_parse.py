"""feedparser turns RSS 2.0, RSS 1.0/RDF and Atom bytes into entries; anything else is refused."""

from __future__ import annotations

from datetime import date

import pytest

from feeds.parse import FeedParseError, html_to_text, parse_feed
from tests.feeds.samples import Item, atom, rdf, rss, story

STORY = story(0)


def test_rss_yandex_full_text_in_windows_1251() -> None:
    body = rss(
        [Item("guid-1", "http://news.example/1", STORY.title, full_text=STORY.text, summary="Коротко")],
        encoding="windows-1251",
    )
    assert "Тверской".encode("cp1251") in body  # really not UTF-8
    feed = parse_feed(body, "http://news.example/rss")
    assert feed.title == "Новости регионов" and feed.version == "rss20"
    [entry] = feed.entries
    assert entry.key == "guid-1" and entry.link == "http://news.example/1"
    assert entry.text == STORY.text and entry.summary == "Коротко"
    assert entry.published == date(2024, 6, 4)


def test_rss_content_encoded_keeps_paragraphs() -> None:
    body = rss([Item(None, "http://news.example/2", STORY.title, full_text=STORY.text)], full_text="content")
    [entry] = parse_feed(body).entries
    assert entry.key == "http://news.example/2"  # no guid: the link identifies the item
    assert entry.text == STORY.text  # one paragraph a line, as extraction wants them


def test_rdf_items_have_links_and_teasers_only() -> None:
    body = rdf([Item(None, "http://news.example/a", "Заголовок", summary="Тизер статьи")])
    feed = parse_feed(body)
    assert feed.version == "rss10"
    [entry] = feed.entries
    assert entry.link == "http://news.example/a" and entry.text is None and entry.summary == "Тизер статьи"
    assert entry.published == date(2024, 6, 4)


def test_atom_content() -> None:
    body = atom([Item("urn:item:1", "http://news.example/atom/1", STORY.title, full_text=STORY.text)])
    feed = parse_feed(body)
    assert feed.version == "atom10"
    [entry] = feed.entries
    assert entry.key == "urn:item:1" and entry.text == STORY.text


def test_relative_links_resolve_against_the_feed() -> None:
    body = rss([Item("g", "/news/1", "Заголовок", summary="Тизер")])
    [entry] = parse_feed(body, "http://news.example/rss.xml").entries
    assert entry.link == "http://news.example/news/1"


def test_item_without_link_and_text_has_no_key() -> None:
    body = rss([Item(None, None, "Только заголовок")])
    [entry] = parse_feed(body).entries
    assert entry.key is None and entry.link is None and entry.text is None


@pytest.mark.parametrize(
    "body",
    [
        b"not xml at all {",
        b"<!DOCTYPE html><html><body><p>Just a page</p></body></html>",
        b"",
        b"\x00\x01\x02binary",
    ],
)
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(FeedParseError) as err:
        parse_feed(body)
    assert "не лента RSS или Atom" in err.value.message_ru


def test_html_to_text() -> None:
    assert html_to_text("<p>Один &laquo;два&raquo;</p><p>Три <b>четыре</b></p><script>x()</script>") == (
        "Один «два»\nТри четыре"
    )
    assert html_to_text("просто текст") == "просто текст"
    assert html_to_text("") == ""


def test_entity_escaped_full_text_is_unescaped_exactly_once() -> None:
    # yandex:full-text holding HTML escaped once more and no tags: `&amp;laquo;` in the XML
    text = (
        "&laquo;Ростех&raquo; и правительство области подписали соглашение&nbsp;&mdash; сообщили в "
        "&quot;пресс-службе&quot;. Код &amp;laquo; остаётся как есть."
    )
    body = rss([Item("g", "http://news.example/1", "Соглашение", full_text=text)])
    assert b"&amp;laquo;" in body and b"&amp;amp;laquo;" in body
    [entry] = parse_feed(body).entries
    assert entry.text == (
        "«Ростех» и правительство области подписали соглашение\u00a0— сообщили в "
        '"пресс-службе". Код &laquo; остаётся как есть.'
    ).replace("\u00a0", " ")
