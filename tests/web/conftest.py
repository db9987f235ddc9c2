"""The web page and its API served (on a free local port) from the real bot's base: the `app`
fixture's SQLite file with the seeds loaded, plus a few agreements of their own."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest_asyncio
from aiohttp import web

from db.write.ingest import ArticleIn, ingest
from extraction.models import Agreement, Amount, PartialDate, Partner, Signatory
from tests.botapp import App
from web.server import make_web_app

# stored directly: the map and /event have something beyond the seeds
EXTRA = [
    ("Приморский край", "Роснефть", (2023, 9, 11), "ВЭФ-2023", 2e10),
    ("Приморский край", "Сбер", (2022, 9, 6), "Восточный экономический форум", 3e9),
    ("Тульская область", "МТС", (2024, 6, 7), "ПМЭФ-2024", 5e8),
    ("Калужская область", "Ростех", (2024, 6, 6), "Петербургский международный экономический форум", 1.5e9),
]


async def store(
    session: Any, rows: list[tuple[Any, ...]], tag: str, evidence: str = "подписали"
) -> list[int]:
    """Agreements (region, partner, (y, m, d), event, RUB sum or None) stored straight through ingest,
    one article each; their ids."""
    ids: list[int] = []
    for i, (region, partner, when, event, amount) in enumerate(rows):
        agreement = Agreement(
            doc_type="соглашение",
            regions=[region],
            partners=[Partner(name=partner)],
            signatories=[Signatory(name="Иван Петров", role="губернатор")],
            date=PartialDate(*when),
            event=event,
            amount=Amount(amount, "RUB") if amount else None,
            evidence=[f"{region} и {partner} {evidence} соглашение."],
        )
        text = f"{region} и {partner} подписали соглашение о сотрудничестве на форуме. " * 3
        article = ArticleIn(
            text=text, url=f"https://example.org/{tag}/{i}", published=date(2024, 1, 1), source="user"
        )
        result = await ingest(session, article, [agreement])
        ids.extend(v.id for v in result.agreements)
    return ids


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def extra(app: App) -> list[int]:
    async with app.sessionmaker() as session:
        return await store(session, EXTRA, "web", "подписали <script>alert(1)</script>")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(app: App, extra: list[int]) -> AsyncIterator[str]:
    """The page's base URL."""
    from shared_state.buckets import LocalTokenBuckets

    runner = web.AppRunner(
        make_web_app(app.sessionmaker, app.settings.bot_token, LocalTokenBuckets(1000, 1000.0))
    )
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def init_data(token: str, user_id: int, auth_date: float | None = None) -> str:
    """initData as Telegram signs it (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app)."""
    fields = {
        "auth_date": str(int(time.time() if auth_date is None else auth_date)),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "Тест", "language_code": "ru"}, ensure_ascii=False),
    }
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)
