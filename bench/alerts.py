"""Alerts to many followers: how fast the outbox and its sender deliver, against plain sendMessage.

Through the fake Bot API server (`tests.fake_telegram`) against the real bot wiring (`bot.app_context`,
SQLite in a temp dir, no seeds), `--followers` users follow one region; one article with a new
agreement of that region is stored through the common ingest (which writes one outbox row per
follower in its transaction); the sender, with the send limit lifted (ALERTS_RATE=0,
ALERTS_CHAT_INTERVAL=0), delivers them. Reported: the seconds the ingest took with its outbox rows,
the alerts a second until every follower has it and the outbox is settled, and the baseline in the
same process: the same message sent with plain `bot.send_message` calls (as many at once as the
sender has in hand), no outbox. Then the pace with the default limit (25 a second) on
`--paced` followers. The last line is one JSON object of the figures.

    .venv/bin/python bench/alerts.py [--followers 5000] [--paced 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

FIRST_USER = 800_000


async def _follow_all(sessionmaker: Any, users: list[int], region: str) -> None:
    from db.models.follows import FOLLOW_REGION, Follow

    now = datetime.now(UTC)
    rows = [
        {"user_id": u, "kind": FOLLOW_REGION, "key": region, "name": region, "paused": False, "created_at": now}
        for u in users
    ]
    async with sessionmaker() as session:
        for start in range(0, len(rows), 1000):
            await session.execute(Follow.__table__.insert(), rows[start : start + 1000])
        await session.commit()


async def _until_settled(sessionmaker: Any, total: int, timeout: float = 600.0) -> None:
    from db import outbox
    from db.models.follows import SENT

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with sessionmaker() as session:
            if (await outbox.counts(session)).get(SENT, 0) >= total:
                return
        await asyncio.sleep(0.05)
    raise TimeoutError("alerts were not all sent")


async def run(workdir: Path, followers: int, rate: float, interval: float, tag: str) -> dict[str, Any]:
    from bot import Settings, app_context
    from db.write.ingest import ArticleIn, ingest
    from extraction.models import Agreement, PartialDate, Partner
    from tests.fake_telegram import FakeTelegram

    region = "Калужская область"
    users = list(range(FIRST_USER, FIRST_USER + followers))
    async with FakeTelegram() as fake:
        for user in users:
            fake.user(user)
        settings = Settings(
            bot_token=fake.token,
            bot_api_url=fake.base_url,
            database_url=f"sqlite+aiosqlite:///{workdir / tag}.db",
            seeds_dir=workdir / "no-seeds",
            alerts_rate=rate,
            alerts_chat_interval=interval,
            alerts_poll_interval=0.05,
        )
        async with app_context(settings) as (bot, dp):
            sessionmaker = dp["sessionmaker"]
            await _follow_all(sessionmaker, users, region)
            agreement = Agreement(
                doc_type="соглашение",
                regions=[region],
                partners=[Partner("ООО «Бенчмарк»")],
                date=PartialDate(2024, 5, 1),
                evidence=["Правительство Калужской области и ООО «Бенчмарк» подписали соглашение."],
            )
            started = time.monotonic()
            async with sessionmaker() as session:
                result = await ingest(session, ArticleIn(f"Статья для замера {tag}.", sent_by=1), [agreement])
            stored = time.monotonic() - started
            dp["alert_sender"].wake()
            await _until_settled(sessionmaker, result.alerts)
            elapsed = time.monotonic() - started
            alerts = [c for c in fake.calls if c.method == "sendMessage" and c.ok]
            assert len(alerts) == followers == result.alerts, (len(alerts), followers, result.alerts)
            assert len({c.chat_id for c in alerts}) == followers  # one each

            # the baseline: the same message with plain sendMessage calls, no outbox
            text = alerts[0].params["text"]
            fake.reset()
            gate = asyncio.Semaphore(settings.alerts_batch)

            async def send(user: int) -> None:
                async with gate:
                    await bot.send_message(user, text)

            base_started = time.monotonic()
            await asyncio.gather(*(send(u) for u in users))
            baseline = time.monotonic() - base_started
    return {
        "followers": followers,
        "ingest_s": round(stored, 3),
        "alerts_s": round(elapsed, 3),
        "alerts_per_s": round(followers / elapsed, 1),
        "baseline_per_s": round(followers / baseline, 1),
    }


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "no-seeds").mkdir()
        lifted = await run(workdir, args.followers, 0.0, 0.0, "lifted")
        paced = await run(workdir, args.paced, 25.0, 1.0, "paced")
    ratio = lifted["alerts_per_s"] / lifted["baseline_per_s"]
    print(f"followers: {lifted['followers']}; ingest with its outbox rows: {lifted['ingest_s']} s")
    print(f"alerts (outbox + sender, limit lifted): {lifted['alerts_per_s']}/s in {lifted['alerts_s']} s")
    print(f"baseline (plain sendMessage, no outbox): {lifted['baseline_per_s']}/s")
    print(f"ratio alerts/baseline: {ratio:.2f}")
    print(f"paced (25/s limit) on {paced['followers']} followers: {paced['alerts_per_s']}/s")
    return {
        "followers": lifted["followers"],
        "ingest_s": lifted["ingest_s"],
        "alerts_per_s": lifted["alerts_per_s"],
        "baseline_per_s": lifted["baseline_per_s"],
        "ratio": round(ratio, 3),
        "paced_followers": paced["followers"],
        "paced_per_s": paced["alerts_per_s"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=5000)
    parser.add_argument("--paced", type=int, default=100)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(main_async(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
