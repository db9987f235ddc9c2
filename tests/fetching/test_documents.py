"""read_document: .txt/.html files sent to the bot."""

from __future__ import annotations

from datetime import date

import pytest

from fetching import (
    FetchLimits,
    NoArticleError,
    TooLargeError,
    UnsupportedDocumentError,
    read_document,
    read_document_article,
)

from .conftest import ARTICLE_MARKER, ARTICLE_PARAGRAPHS, html_page

TEXT = "Правительство Мурманской области подписало меморандум с портовой компанией 'Северная гавань'."


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "utf-8", "utf-8-sig", "utf-16"])
def test_txt_in_any_russian_encoding(encoding: str) -> None:
    body = (TEXT + "\r\n" + TEXT).encode(encoding)
    assert read_document(body, "novost.TXT") == TEXT + "\n" + TEXT


def test_html_document_is_reduced_to_its_article() -> None:
    data = html_page("<nav>МЕНЮСАЙТА</nav><article>" + ARTICLE_PARAGRAPHS + "</article>").encode("cp1251")
    text = read_document(data, "page.htm")
    assert ARTICLE_MARKER in text
    assert "МЕНЮСАЙТА" not in text and "<p>" not in text


def test_html_saved_as_txt_is_still_html() -> None:
    data = html_page("<article>" + ARTICLE_PARAGRAPHS + "</article>").encode()
    assert "<p>" not in read_document(data, "saved.txt")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7 binary", "article.txt"),
        (b"\x89PNG\r\n\x1a\n....", "photo.html"),
        (b"PK\x03\x04 docx inside", "doc.txt"),
        (b"text\x00with\x00nul bytes", "dump.txt"),
    ],
)
def test_binary_content_is_refused(data: bytes, name: str) -> None:
    with pytest.raises(UnsupportedDocumentError) as info:
        read_document(data, name)
    assert "двоичный" in info.value.message_ru


@pytest.mark.parametrize("name", ["report.pdf", "report.docx", "archive.zip", "noextension", ""])
def test_other_extensions_are_refused(name: str) -> None:
    with pytest.raises(UnsupportedDocumentError) as info:
        read_document(TEXT.encode(), name)
    assert ".txt" in info.value.message_ru


def test_too_large_document_is_refused() -> None:
    limits = FetchLimits(max_document_bytes=1000)
    with pytest.raises(TooLargeError) as info:
        read_document(b"a" * 1001, "big.txt", limits=limits)
    assert info.value.message_ru.startswith("Файл слишком большой")
    assert read_document(b"a" * 1000, "ok.txt", limits=limits) == "a" * 1000


def test_default_cap_is_one_megabyte_and_a_100k_char_article_fits() -> None:
    text = ("Длинная статья о соглашении. " * 3500)[:100_000]
    assert read_document(text.encode("utf-8"), "long.txt") == text.strip()
    with pytest.raises(TooLargeError):
        read_document(b"a" * (1024 * 1024 + 1), "huge.txt")


@pytest.mark.parametrize(("data", "name"), [(b"", "empty.txt"), (b"  \r\n\t ", "blank.txt"), (b"", "e.html")])
def test_empty_documents_are_refused(data: bytes, name: str) -> None:
    with pytest.raises(NoArticleError) as info:
        read_document(data, name)
    assert "пустой" in info.value.message_ru


def test_html_document_without_article() -> None:
    with pytest.raises(NoArticleError):
        read_document(html_page("<nav>Главная</nav>").encode(), "x.html")


def test_busy_html_document_is_refused() -> None:
    data = ("<html><body>" + "<div>x</div>" * 30_000 + "</body></html>").encode()
    with pytest.raises(NoArticleError):
        read_document(data, "busy.html")


def test_html_document_keeps_its_title_and_publication_date() -> None:
    head = '<meta property="article:published_time" content="2025-04-22T10:00:00+03:00">'
    data = html_page("<article>" + ARTICLE_PARAGRAPHS + "</article>", head=head, title="Ветропарк в Тверской").encode()
    article = read_document_article(data, "page.html")
    assert article.published == date(2025, 4, 22)
    assert article.title == "Ветропарк в Тверской"
    assert ARTICLE_MARKER in article.text
    plain = read_document_article(TEXT.encode(), "novost.txt")
    assert plain.published is None and plain.text == TEXT
