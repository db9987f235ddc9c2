"""The page in a real browser: Debian's headless chromium driven by Playwright (no browser download).

No console errors; 89 tiles; a click on Калужская filters the table to its agreements; a card
opens; the CSV downloads and parses; a phone viewport has no horizontal scrolling; forged initData
gets 401. Screenshots at phone and desktop width go to tmp/artifacts/ (not committed)."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.web.conftest import init_data

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "tmp" / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _chromium() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        message = "no chromium: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    executable = _chromium()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            await browser.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Any, site: str) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="ru-RU")
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    try:
        yield page
    finally:
        await context.close()


async def until(page: Any, predicate: str, timeout: float = 10.0) -> None:
    """Poll a JS expression (page.wait_for_function compiles strings with eval, which the page's CSP
    rightly forbids)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await page.evaluate(f"() => Boolean({predicate})"):
        assert asyncio.get_running_loop().time() < deadline, f"not within {timeout} s: {predicate}"
        await asyncio.sleep(0.05)


async def open_page(page: Any, url: str) -> None:
    await page.goto(url)
    await page.wait_for_selector(".tile[data-region]")
    await until(page, "document.querySelector('#count').textContent.length > 0")
    await until(page, "document.querySelector('#summary').textContent.startsWith('Всего')")


async def test_map_table_card_and_csv(page: Any, site: str) -> None:
    await open_page(page, site + "/")
    tiles = page.locator(".tile[data-region]")
    assert await tiles.count() == 89
    kaluga = page.locator('.tile[data-region="Калужская область"]')
    assert int(await kaluga.get_attribute("data-count")) >= 2
    assert "empty" in (
        await page.locator('.tile[data-region="Чукотский автономный округ"]').get_attribute("class")
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "web-desktop.png"), full_page=True)

    await kaluga.click()
    await until(page, "location.search.includes('region=')")
    await until(
        page,
        "[...document.querySelectorAll('#table tbody tr')].length > 0 && "
        "[...document.querySelectorAll('#table tbody tr')].every(r => r.children[1].textContent.includes('Калужская область'))",
    )
    rows = page.locator("#table tbody tr")
    texts = await rows.all_inner_texts()
    assert any("Министерство экономического развития" in t or "Ростех" in t for t in texts), texts
    assert "Калужская" in (await page.input_value("input[name=region]"))
    assert "selected" in (await kaluga.get_attribute("class"))

    seeded = rows.filter(has_not_text="Ростех").first
    await seeded.click()
    card = page.locator("#card")
    await card.wait_for(state="visible")
    text = await card.inner_text()
    assert "Калужская область" in text and "Источники" in text and "Из текста" in text

    async with page.expect_download() as info:
        await page.click("#csv")
    download = await info.value
    body = Path(await download.path()).read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert table[0][0] == "id" and len(table) - 1 == await rows.count()
    assert all("Калужская область" in row[6] for row in table[1:])

    # the URL keeps the filters: a shared link opens the same view
    shared = page.url
    await open_page(page, shared)
    assert await page.locator("#table tbody tr").count() == len(table) - 1
    assert page.errors == []


async def test_sort_by_sum_and_event_filter(page: Any, site: str) -> None:
    await open_page(page, site + "/?event=" + "ВЭФ")
    await until(page, "document.querySelectorAll('#table tbody tr').length === 2")
    await page.click("th button[data-sort=sum]")
    await until(page, "location.search.includes('sort=sum')")
    await until(page, "document.querySelector('#table tbody tr td:last-child').textContent.includes('20')")
    await page.click("th button[data-sort=sum]")
    await until(page, "location.search.includes('sort=sum_asc')")
    await until(page, "document.querySelector('#table tbody tr td:last-child').textContent.includes('3')")
    await page.click("#mode-sum")
    primorye = page.locator('.tile[data-region="Приморский край"]')
    assert "23" in await primorye.inner_text()
    assert page.errors == []


async def test_phone_has_no_horizontal_scroll(browser: Any, site: str) -> None:
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        await open_page(page, site + "/")
        width = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "web-phone.png"), full_page=False)
        await page.locator("#table tbody tr").first.click()
        await page.locator("#card").wait_for(state="visible")
        width = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width
        assert errors == []
    finally:
        await context.close()


async def test_forged_init_data_is_refused(page: Any, site: str) -> None:
    await open_page(page, site + "/")
    forged = init_data("42:not-the-bot-token", 777)
    status = await page.evaluate(
        """async (data) => (await fetch('/api/follow', {method: 'POST', headers: {'Content-Type':
        'application/json', 'X-Telegram-Init-Data': data}, body: JSON.stringify({region: 'Калужская'})})).status""",
        forged,
    )
    assert status == 401
