"""/reload: an admin sees a progress message edited as it goes and a summary; others are refused."""

from __future__ import annotations

import pytest

from tests.botapp import ADMIN_ID, App

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_reload_by_a_stranger_is_refused(app: App, uid: int) -> None:
    await app.fake.send_command(uid, "/reload")
    [reply] = await app.fake.wait_for(uid)
    assert "только администраторам" in reply.text
    assert not app.fake.calls_for(uid, "editMessageText")


async def test_reload_by_an_admin_edits_progress_and_summarizes(app: App) -> None:
    await app.fake.send_command(ADMIN_ID, "/reload")
    [start] = await app.fake.wait_for(ADMIN_ID)
    assert "Перезагружаю базу" in start.text
    edits = await app.fake.wait_for(
        ADMIN_ID,
        "editMessageText",
        count=1,
        timeout=60,
        predicate=lambda c: "База перезагружена" in (c.text or ""),
    )
    summary = edits[-1].text
    assert "Загружено статей: 5" in summary and "Ошибок нет" in summary
    all_edits = app.fake.calls_for(ADMIN_ID, "editMessageText")
    progress = [c for c in all_edits if "Перезагружаю базу…" in (c.text or "")]
    assert progress, "no progress edit before the summary"
    assert all(c.result["message_id"] == start.result["message_id"] for c in all_edits)
    [message] = [m for m in app.fake.messages(ADMIN_ID) if m["message_id"] == start.result["message_id"]]
    assert "База перезагружена" in message["text"]
    # the base still answers after the reload
    await app.fake.send_command(ADMIN_ID, "/region Калужская")
    [reply] = await app.fake.wait_for(ADMIN_ID)
    assert "Калужская область" in reply.text and "Цифровая экономика" in reply.text
