"""/search end to end: inflected forms over the seeds, best matches first, a broad query said so."""

from __future__ import annotations

import pytest

from db.read import fulltext
from tests.botapp import App

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_search_finds_inflected_forms_best_first(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/search соглашения с Цифровой экономикой")
    [found] = await app.fake.wait_for(uid)
    assert "Поиск: «соглашения с Цифровой экономикой»" in found.text
    assert "Калужская область" in found.text and "сначала лучшие совпадения" in found.text
    await app.fake.send_command(uid, "/search у Артамонова")
    [person] = await app.fake.wait_for(uid)
    assert "Калужская область" in person.text
    await app.fake.send_command(uid, "/search Ростелекомом и Марсом")
    [nothing] = await app.fake.wait_for(uid)
    assert "ничего не нашлось" in nothing.text


async def test_broad_search_says_it_lists_newest(app: App, uid: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fulltext, "RANK_LIMIT", 1)
    monkeypatch.setattr(fulltext, "COUNT_LIMIT", 2)
    await app.fake.send_command(uid, "/search соглашение")
    [found] = await app.fake.wait_for(uid)
    assert "Найдено соглашений: больше 2, сначала добавленные последними" in found.text
    assert "Уточните запрос" in found.text
