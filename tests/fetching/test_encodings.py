"""Russian encodings: HTTP charset, <meta> charset, detection; decode_bytes units."""

from __future__ import annotations

from aiohttp import web

from fetching import decode_bytes, fetch_article

from .conftest import LOCAL, html_page

TEXT = (
    "Губернатор Новгородской области и руководство холдинга 'Ладога-Агро' подписали соглашение "
    "о строительстве молочной фермы. Объём вложений составит полтора миллиарда рублей, на ферме "
    "появится двести рабочих мест, сообщает пресс-служба областного правительства."
)


def page(head: str = "") -> str:
    return html_page(f"<article><h1>Соглашение о ферме</h1><p>{TEXT}</p><p>{TEXT}</p></article>", head=head)


def bytes_handler(body: bytes, content_type: str):
    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type})

    return handler


async def test_windows_1251_from_http_header(serve) -> None:
    server = await serve({"/p": bytes_handler(page().encode("cp1251"), "text/html; charset=windows-1251")})
    result = await fetch_article(server.url("/p"), limits=LOCAL)
    assert TEXT in result.text


async def test_koi8r_from_meta_charset_only(serve) -> None:
    body = page('<meta charset="koi8-r">').encode("koi8_r")
    server = await serve({"/p": bytes_handler(body, "text/html")})
    result = await fetch_article(server.url("/p"), limits=LOCAL)
    assert TEXT in result.text


async def test_koi8r_from_http_equiv_meta(serve) -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R">'
    server = await serve({"/p": bytes_handler(page(head).encode("koi8_r"), "text/html")})
    assert TEXT in (await fetch_article(server.url("/p"), limits=LOCAL)).text


async def test_cp1251_without_any_declaration_is_detected(serve) -> None:
    server = await serve({"/p": bytes_handler(page().encode("cp1251"), "text/html")})
    assert TEXT in (await fetch_article(server.url("/p"), limits=LOCAL)).text


async def test_wrong_header_charset_falls_back(serve) -> None:
    # Header claims UTF-8, bytes are windows-1251 (a common misconfiguration).
    body = page('<meta charset="windows-1251">').encode("cp1251")
    server = await serve({"/p": bytes_handler(body, "text/html; charset=utf-8")})
    assert TEXT in (await fetch_article(server.url("/p"), limits=LOCAL)).text


async def test_plain_text_in_koi8r_is_detected(serve) -> None:
    server = await serve({"/t": bytes_handler(TEXT.encode("koi8_r"), "text/plain")})
    assert (await fetch_article(server.url("/t"), limits=LOCAL)).text == TEXT


def test_decode_bytes_order_and_fallbacks() -> None:
    assert decode_bytes(TEXT.encode("cp1251"), "windows-1251") == TEXT
    assert decode_bytes(TEXT.encode("cp1251"), "win-1251") == TEXT  # alias Python doesn't know
    assert decode_bytes(TEXT.encode("koi8_r"), "no-such-charset", html=False) == TEXT
    assert decode_bytes(TEXT.encode("utf-8"), None) == TEXT
    assert decode_bytes("\ufeff".encode() + TEXT.encode("utf-8"), "cp1251") == TEXT  # BOM wins
    assert decode_bytes(TEXT.encode("utf-16"), None) == TEXT
    assert decode_bytes(b"\xff\xfe\xfd broken", None)  # never raises


def test_valid_utf8_wins_over_a_stale_legacy_label() -> None:
    # The header still says windows-1251, the CMS already writes UTF-8.
    assert decode_bytes(TEXT.encode("utf-8"), "windows-1251") == TEXT
    assert decode_bytes(page('<meta charset="koi8-r">').encode("utf-8"), None).count(TEXT) == 2
    # Plain ASCII under a legacy label stays as declared (identical either way).
    assert decode_bytes(b"ascii only", "windows-1251") == "ascii only"
