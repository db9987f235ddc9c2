"""find_urls, Telegram entities (UTF-16 offsets), normalization and URL validation."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fetching import (
    AddressNotAllowedError,
    InvalidUrlError,
    collect_urls,
    find_urls,
    normalize_url,
    urls_from_entities,
    validate_url,
)


def test_find_urls_strips_punctuation_and_keeps_order() -> None:
    text = (
        "Читайте https://ria.ru/20191022/123.html, а также (https://tass.ru/ekonomika/1) "
        "и «http://kaluga.ru/news?id=5». www.kommersant.ru/doc/7!"
    )
    assert find_urls(text, max_links=10) == [
        "https://ria.ru/20191022/123.html",
        "https://tass.ru/ekonomika/1",
        "http://kaluga.ru/news?id=5",
        "http://www.kommersant.ru/doc/7",
    ]


def test_find_urls_keeps_balanced_parentheses() -> None:
    assert find_urls("см. https://ru.wikipedia.org/wiki/Калуга_(город).") == [
        "https://ru.wikipedia.org/wiki/Калуга_(город)"
    ]


def test_find_urls_deduplicates_and_caps() -> None:
    text = "https://a.ru/1 https://A.ru/1#top https://a.ru/2 https://a.ru/3 https://a.ru/4"
    assert find_urls(text) == ["https://a.ru/1", "https://a.ru/2", "https://a.ru/3"]
    assert find_urls(text, max_links=1) == ["https://a.ru/1"]


def test_find_urls_ignores_other_schemes_and_plain_text() -> None:
    assert find_urls("ftp://files.ru/a javascript:alert(1) просто текст без ссылок") == []
    assert find_urls("") == []


def test_entities_use_utf16_offsets_with_emoji() -> None:
    text = "🔥🔥 Новость: ria.ru/a/b и подробнее тут"
    # Each 🔥 takes two UTF-16 units: "ria.ru/a/b" starts at unit 14, not at code point 12.
    start = len("🔥🔥 Новость: ".encode("utf-16-le")) // 2
    assert start == 14
    entities = [
        {"type": "url", "offset": start, "length": 10},
        {"type": "text_link", "offset": 29, "length": 3, "url": "https://tass.ru/x"},
        {"type": "bold", "offset": 0, "length": 2},
    ]
    assert urls_from_entities(text, entities) == ["http://ria.ru/a/b", "https://tass.ru/x"]


def test_entities_accept_aiogram_like_objects_and_enum_types() -> None:
    class Kind:
        value = "text_link"

    entities = [
        SimpleNamespace(type="url", offset=0, length=17, url=None),
        SimpleNamespace(type=Kind(), offset=18, length=2, url="https://b.ru/"),
    ]
    assert urls_from_entities("https://a.ru/news тут", entities) == ["https://a.ru/news", "https://b.ru/"]


def test_entities_with_bad_offsets_are_skipped() -> None:
    assert urls_from_entities("abc", [{"type": "url", "offset": -1, "length": 3}, {"type": "url"}]) == []


def test_collect_urls_merges_entities_and_text() -> None:
    text = "https://a.ru/1 и ещё https://b.ru/2"
    entities = [
        {"type": "text_link", "offset": 0, "length": 1, "url": "https://c.ru/3"},
        {"type": "url", "offset": 0, "length": 14},
    ]
    assert collect_urls(text, entities) == ["https://c.ru/3", "https://a.ru/1", "https://b.ru/2"]


def test_normalize_url() -> None:
    assert normalize_url("HTTPS://Ria.RU:443") == "https://ria.ru/"
    assert normalize_url("http://ria.ru:80/a?b=1#frag") == "http://ria.ru/a?b=1"
    assert normalize_url("http://пример.рф/") == "http://xn--e1afmkfd.xn--p1ai/"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example.ru/a.txt",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "gopher://example.ru/",
        "data:text/html,<p>hi</p>",
        "ria.ru/news",
        "http://",
        "http:///path",
        "http://exa mple.ru/",
        "http://example.ru:99999/",
        "http://user:secret@example.ru/",
        "http://good.ru@evil.ru/",
        "http://bad_host!.ru/",
        "",
        "   ",
    ],
)
def test_malformed_or_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidUrlError) as info:
        validate_url(url)
    assert info.value.message_ru.startswith("Не удалось открыть ссылку")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.8.9.10:8080/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 wrapping 10.0.0.1
        "http://2130706433/",  # decimal 127.0.0.1
        "http://127.1/",
        "http://0x7f.0.0.1/",
        "http://017700000001/",
        "http://localhost:8080/",
        "http://db.internal/",
        "http://printer.local/",
        "http://intranet/",
    ],
)
def test_private_and_special_addresses_are_refused(url: str) -> None:
    with pytest.raises(AddressNotAllowedError) as info:
        validate_url(url)
    assert "внутренний" in info.value.message_ru


def test_allow_private_permits_loopback_but_never_metadata_or_numeric_tricks() -> None:
    assert validate_url("http://127.0.0.1:8080/x", allow_private=True).port == 8080
    assert validate_url("http://10.1.2.3/", allow_private=True).host == "10.1.2.3"
    for url in ("http://169.254.169.254/", "http://[fe80::1]/", "http://0.0.0.0/", "http://2130706433/"):
        with pytest.raises(AddressNotAllowedError):
            validate_url(url, allow_private=True)


def test_public_urls_pass_validation() -> None:
    assert str(validate_url("https://ria.ru/20191022/x.html")) == "https://ria.ru/20191022/x.html"
    assert validate_url("http://93.184.216.34/").host == "93.184.216.34"
    assert validate_url("http://[2a00:1450:4010:c05::8b]/").host == "2a00:1450:4010:c05::8b"


def test_entities_with_flags_and_skin_tones_before_the_link() -> None:
    text = "👍🏽 Смотрите kaluga.ru/news/1 🇷🇺 и подробности"
    start = len("👍🏽 Смотрите ".encode("utf-16-le")) // 2
    assert start == 14  # 4 units of emoji + space + 8 letters + space, not 12 code points
    flag_end = start + len("kaluga.ru/news/1 ") + 4  # 🇷🇺 is two surrogate pairs
    entities = [
        {"type": "url", "offset": start, "length": len("kaluga.ru/news/1")},
        {"type": "text_link", "offset": flag_end - 4, "length": 4, "url": "https://tass.ru/a"},
    ]
    assert urls_from_entities(text, entities) == ["http://kaluga.ru/news/1", "https://tass.ru/a"]
