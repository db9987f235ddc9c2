"""fetch_article against real HTTP servers on 127.0.0.1: limits, redirects, types, statuses."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import aiohttp
import pytest
from aiohttp import web

from fetching import (
    AddressNotAllowedError,
    BadStatusError,
    ConnectError,
    FetchTimeoutError,
    InvalidUrlError,
    NotTextError,
    RedirectLoopError,
    TooLargeError,
    TooManyRedirectsError,
    fetch_article,
    make_session,
)
from tests.ci import skip_or_fail

from .conftest import ARTICLE_MARKER, ARTICLE_PARAGRAPHS, LOCAL, StubResolver, html_page, raw_response

MB = 1024 * 1024


async def article(_: web.Request) -> web.Response:
    return web.Response(text=html_page(f"<article>{ARTICLE_PARAGRAPHS}</article>"), content_type="text/html")


async def test_plain_fetch_sends_browser_headers(serve) -> None:
    server = await serve({"/a": article})
    result = await fetch_article(server.url("/a"), limits=LOCAL)
    assert ARTICLE_MARKER in result.text
    assert result.url == server.url("/a")
    sent = server.headers["/a"]
    assert sent["User-Agent"].startswith("Mozilla/5.0")
    assert sent["Accept-Language"].startswith("ru")


async def test_slow_server_times_out_fast(serve) -> None:
    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(3)
        return web.Response(text="late")

    server = await serve({"/slow": slow})
    limits = dataclasses.replace(LOCAL, read_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError) as info:
        await fetch_article(server.url("/slow"), limits=limits)
    assert time.monotonic() - started < 1.5
    assert info.value.seconds == 0.3
    assert "не ответил за 0,3 секунды" in info.value.message_ru


async def test_trickling_server_hits_the_total_time_limit(serve) -> None:
    async def trickle(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        for _ in range(100):  # a byte every 50 ms never trips the read timeout
            await resp.write(b" ")
            await asyncio.sleep(0.05)
        return resp

    server = await serve({"/trickle": trickle})
    limits = dataclasses.replace(LOCAL, read_timeout=1, total_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError) as info:
        await fetch_article(server.url("/trickle"), limits=limits)
    assert time.monotonic() - started < 1.5
    assert info.value.seconds == 0.5


async def test_huge_streamed_response_is_cut_after_the_cap(serve) -> None:
    sent = {"bytes": 0, "finished": False}

    async def huge(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})  # chunked: no length up front
        await resp.prepare(request)
        chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
        for _ in range(160):  # 10 MB
            await resp.write(chunk)
            sent["bytes"] += len(chunk)
        sent["finished"] = True
        return resp

    server = await serve({"/huge": huge})
    assert LOCAL.max_bytes == 2 * MB
    with pytest.raises(TooLargeError) as info:
        await fetch_article(server.url("/huge"), limits=LOCAL)
    assert 2 * MB < info.value.received <= 2 * MB + 64 * 1024
    assert "больше 2 МБ" in info.value.message_ru
    await asyncio.sleep(0.1)
    assert not sent["finished"]
    assert sent["bytes"] < 10 * MB


async def test_declared_length_over_the_cap_is_refused_before_reading(serve) -> None:
    async def big(_: web.Request) -> web.Response:
        return web.Response(body=b"a" * (3 * MB), content_type="text/plain")

    server = await serve({"/big": big})
    with pytest.raises(TooLargeError) as info:
        await fetch_article(server.url("/big"), limits=LOCAL)
    assert info.value.received == 0


def redirect_to(target: str, status: int = 302):
    async def handler(_: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": target})

    return handler


async def test_five_redirects_are_followed_by_hand(serve) -> None:
    routes = {
        f"/r{i}": redirect_to(f"/r{i + 1}", status)
        for i, status in zip(range(5), (301, 302, 303, 307, 308), strict=True)
    }
    routes["/r5"] = article
    server = await serve(routes)
    result = await fetch_article(server.url("/r0"), limits=LOCAL)
    assert result.url == server.url("/r5")
    assert all(server.hits[f"/r{i}"] == 1 for i in range(6))


async def test_more_than_five_redirects_are_refused(serve) -> None:
    routes = {f"/r{i}": redirect_to(f"/r{i + 1}") for i in range(6)}
    routes["/r6"] = article
    server = await serve(routes)
    with pytest.raises(TooManyRedirectsError) as info:
        await fetch_article(server.url("/r0"), limits=LOCAL)
    assert not isinstance(info.value, RedirectLoopError)
    assert "перенаправлений" in info.value.message_ru
    assert "/r6" not in server.hits


async def test_redirect_loop_is_detected(serve) -> None:
    server = await serve({"/a": redirect_to("/b"), "/b": redirect_to("/a")})
    with pytest.raises(RedirectLoopError) as info:
        await fetch_article(server.url("/a"), limits=LOCAL)
    assert "по кругу" in info.value.message_ru
    assert server.hits == {"/a": 1, "/b": 1}


async def test_redirect_to_metadata_address_is_refused_without_connecting(serve) -> None:
    server = await serve({"/go": redirect_to("http://169.254.169.254/latest/meta-data/")})
    with pytest.raises(AddressNotAllowedError):
        await fetch_article(server.url("/go"), limits=LOCAL)


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/file", "javascript:alert(1)", "http://[::1"])
async def test_redirect_to_bad_url_is_refused(serve, target: str) -> None:
    server = await serve({"/go": redirect_to(target)})
    with pytest.raises(InvalidUrlError):
        await fetch_article(server.url("/go"), limits=LOCAL)


async def test_redirect_to_name_resolving_to_private_address_is_refused(serve) -> None:
    # Even with private addresses allowed for the first hop, link-local stays refused,
    # and the check happens in the resolver the connection uses.
    stub = StubResolver({"metadata.test": ["169.254.169.254"]})
    server = await serve({"/go": redirect_to("http://metadata.test/latest/")})
    async with make_session(LOCAL, resolver=stub) as session:
        with pytest.raises(AddressNotAllowedError):
            await fetch_article(server.url("/go"), limits=LOCAL, session=session)
    assert stub.calls == ["metadata.test"]


async def test_name_resolving_to_loopback_is_refused_at_connect_time(serve) -> None:
    """With private addresses disallowed, evil.test -> 127.0.0.1 never reaches the server."""
    server = await serve({"/a": article})
    stub = StubResolver({"evil.test": ["127.0.0.1"]})
    strict = dataclasses.replace(LOCAL, allow_private=False)
    async with make_session(strict, resolver=stub) as session:
        with pytest.raises(AddressNotAllowedError) as info:
            await fetch_article(f"http://evil.test:{server.port}/a", limits=strict, session=session)
    assert info.value.address == "127.0.0.1"
    assert server.total_hits == 0
    # The same name with private addresses allowed connects: the stub is what the connection used.
    async with make_session(LOCAL, resolver=stub) as session:
        result = await fetch_article(f"http://evil.test:{server.port}/a", limits=LOCAL, session=session)
    assert ARTICLE_MARKER in result.text
    assert server.hits == {"/a": 1}


async def test_literal_private_ip_is_refused_before_any_request(serve) -> None:
    server = await serve({"/a": article})
    strict = dataclasses.replace(LOCAL, allow_private=False)
    with pytest.raises(AddressNotAllowedError):
        await fetch_article(server.url("/a"), limits=strict)
    async with aiohttp.ClientSession() as foreign:  # not from make_session
        with pytest.raises(AddressNotAllowedError):
            await fetch_article(server.url("/a"), limits=strict, session=foreign)
        assert ARTICLE_MARKER in (await fetch_article(server.url("/a"), limits=LOCAL, session=foreign)).text
    assert server.hits == {"/a": 1}


@pytest.mark.parametrize("status", [404, 500, 503, 403])
async def test_error_status_is_reported_with_its_code(serve, status: int) -> None:
    async def failing(_: web.Request) -> web.Response:
        return web.Response(status=status, text=html_page(ARTICLE_PARAGRAPHS), content_type="text/html")

    server = await serve({"/x": failing})
    with pytest.raises(BadStatusError) as info:
        await fetch_article(server.url("/x"), limits=LOCAL)
    assert info.value.status == status
    assert str(status) in info.value.message_ru


async def test_redirect_without_location_is_a_bad_status(serve) -> None:
    async def broken(_: web.Request) -> web.Response:
        return web.Response(status=302)

    server = await serve({"/x": broken})
    with pytest.raises(BadStatusError):
        await fetch_article(server.url("/x"), limits=LOCAL)


@pytest.mark.parametrize(
    ("content_type", "body", "word"),
    [
        ("application/pdf", b"%PDF-1.7\n%binary", "PDF"),
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00", "картинка"),
        ("image/jpeg", b"\xff\xd8\xff\xe0", "картинка"),
        ("application/octet-stream", b"\x00\x01\x02", "application/octet-stream"),
        ("application/json", b'{"a": 1}', "application/json"),
        ("text/html", b"%PDF-1.4 pretending to be html", "PDF"),  # magic beats the header
    ],
)
async def test_non_text_content_is_refused(serve, content_type: str, body: bytes, word: str) -> None:
    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type})

    server = await serve({"/f": handler})
    with pytest.raises(NotTextError) as info:
        await fetch_article(server.url("/f"), limits=LOCAL)
    assert word in info.value.message_ru


@pytest.mark.parametrize(
    ("body", "word"),
    [(b"%PDF-1.4 no header at all", "PDF"), (b"GIF89a\x01\x00", "картинка"), (b"ab\x00cd", "application/octet-stream")],
)
async def test_missing_content_type_is_sniffed_and_binary_refused(serve_raw, body: bytes, word: str) -> None:
    base = await serve_raw(raw_response(body))
    with pytest.raises(NotTextError) as info:
        await fetch_article(base + "/f", limits=LOCAL)
    assert word in info.value.message_ru


async def test_text_plain_is_accepted_as_is(serve) -> None:
    text = "Губернатор Тверской области подписал соглашение с компанией «Северный ветер».\r\nВторая строка."

    async def plain(_: web.Request) -> web.Response:
        return web.Response(text=text, content_type="text/plain", charset="utf-8")

    server = await serve({"/t.txt": plain})
    result = await fetch_article(server.url("/t.txt"), limits=LOCAL)
    assert result.text == text.replace("\r\n", "\n")
    assert result.title is None and result.published is None


async def test_missing_content_type_with_markup_is_read_as_html(serve_raw) -> None:
    base = await serve_raw(raw_response(html_page(f"<article>{ARTICLE_PARAGRAPHS}</article>").encode()))
    result = await fetch_article(base + "/bare", limits=LOCAL)
    assert ARTICLE_MARKER in result.text
    assert "<p>" not in result.text


async def test_missing_content_type_without_markup_is_plain_text(serve_raw) -> None:
    text = "Просто текст новости без разметки."
    base = await serve_raw(raw_response(text.encode("utf-8")))
    result = await fetch_article(base + "/plain", limits=LOCAL)
    assert result.text == text


async def test_closed_port_is_a_connect_error() -> None:
    with pytest.raises(ConnectError) as info:
        await fetch_article("http://127.0.0.1:9/", limits=LOCAL)  # discard port, nothing listens
    assert "недоступен" in info.value.message_ru


async def test_unknown_name_is_a_connect_error() -> None:
    async with make_session(LOCAL, resolver=StubResolver({})) as session:
        with pytest.raises(ConnectError) as info:
            await fetch_article("http://nowhere.test/", limits=LOCAL, session=session)
    assert "не найден" in info.value.message_ru


async def test_gzip_bomb_is_capped_on_decompressed_bytes(serve) -> None:
    import gzip

    bomb = gzip.compress(b"<p>" + b"a" * (20 * MB) + b"</p>", compresslevel=9)
    assert len(bomb) < 100 * 1024  # small on the wire

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})

    server = await serve({"/bomb": handler})
    with pytest.raises(TooLargeError) as info:
        await fetch_article(server.url("/bomb"), limits=LOCAL)
    assert info.value.received is not None and info.value.received <= 3 * MB


async def test_allow_private_urls_env_switch(serve, monkeypatch: pytest.MonkeyPatch) -> None:
    server = await serve({"/a": article})
    monkeypatch.delenv("ALLOW_PRIVATE_URLS", raising=False)
    with pytest.raises(AddressNotAllowedError):
        await fetch_article(server.url("/a"))  # limits from the environment
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "1")
    assert ARTICLE_MARKER in (await fetch_article(server.url("/a"))).text
    assert server.hits == {"/a": 1}


async def test_https_with_untrusted_certificate_is_a_clear_error(tmp_path) -> None:
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        skip_or_fail("openssl command not available to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    app = web.Application()
    app.router.add_get("/a", article)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    try:
        port = runner.addresses[0][1]
        with pytest.raises(ConnectError) as info:
            await fetch_article(f"https://127.0.0.1:{port}/a", limits=LOCAL)
        assert "сертификат" in info.value.message_ru
    finally:
        await runner.cleanup()
