"""Fairness between users: one user floods the bot with long documents while others send short articles.

Through the fake Bot API server (`tests.fake_telegram`) against the real bot (`bot.app_context`,
SQLite in a temp dir, seeds loaded, one extraction worker), one user sends `--documents` long
documents at once (~24,000 characters each); then `--others` other users send a short article each,
one a second, and one user asks `/region` meanwhile. Reported: each other user's wait (article sent ->
answer), the lookup's latency, how many of the flooder's documents were read before each short article,
and the time until the flooder's summary. The same run with the queue's turns switched off (one user
may run as many articles at once as there are consumers: first come, first served) is the baseline,
and no turns at the extraction workers either, in the same process; the ratio is the baseline's mean
wait over the fair one's. A forward of eight
posts is measured too: messages the bot sent for it, and seconds until its summary. The last line
is one JSON object of the figures.

    .venv/bin/python bench/fairness.py [--documents 30] [--others 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

FLOODER, OTHERS, ASKER, FORWARDER = 700_001, 710_000, 720_001, 730_001
SHORT = (
    "Правительство {region} области и АО «Речной мост {n}» подписали соглашение о строительстве моста. "
    "Документ подписали губернатор {region} области и генеральный директор АО «Речной мост {n}»."
)
REGIONS = ("Смоленской", "Брянской", "Орловской", "Липецкой", "Тамбовской", "Курской", "Белгородской")


def long_document(n: int) -> bytes:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    order = texts[n % len(texts) :] + texts[: n % len(texts)]
    return (f"Подборка новостей №{n}\n\n" + "\n\n".join(order)).encode("utf-8")


async def _stored_by(dp: Any, user: int) -> int:
    from sqlalchemy import func, select

    from db.models import Article

    async with dp["sessionmaker"]() as session:
        query = select(func.count()).select_from(Article.__table__).where(Article.__table__.c.sent_by == user)
        return int((await session.execute(query)).scalar_one())


async def run(workdir: Path, documents: int, others: int, fair: bool) -> dict[str, Any]:
    from bot import Settings, app_context
    from tests.fake_telegram import FakeTelegram, run_polling

    async with FakeTelegram() as fake:
        settings = Settings(
            bot_token=fake.token,
            bot_api_url=fake.base_url,
            database_url=f"sqlite+aiosqlite:///{workdir / ('fair' if fair else 'fifo')}.db",
            queue_per_user=max(100, documents),
        )
        async with app_context(settings, wait_for_seeds=True) as (bot, dp), run_polling(dp, bot, polling_timeout=10):
            if not fair:  # the baseline: no turns, one user may hold every consumer and worker
                queue = dp["article_queue"]
                queue.limits = replace(queue.limits, running_per_user=settings.article_consumers)
                dp["article_reader"].gate = None
            started = time.monotonic()
            for n in range(documents):
                await fake.send_document(FLOODER, long_document(n), f"подборка-{n:02d}.txt")
            await asyncio.sleep(0.5)
            waits: list[float] = []
            ahead: list[int] = []
            for i in range(others):
                user = OTHERS + i
                before = await _stored_by(dp, FLOODER)
                sent = time.monotonic()
                text = SHORT.format(region=REGIONS[i % len(REGIONS)], n=i)
                await fake.send_text(user, text)
                [answer] = await fake.wait_for(user, timeout=600)
                waits.append(answer.at - sent)
                ahead.append(await _stored_by(dp, FLOODER) - before)
                await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - sent)))
            sent = time.monotonic()
            await fake.send_command(ASKER, "/region Калужская")
            [found] = await fake.wait_for(ASKER, timeout=60)
            lookup_ms = (found.at - sent) * 1000
            [summary] = await fake.wait_for(
                FLOODER, timeout=1200, predicate=lambda c: "Прочитал" in (c.text or "")
            )
            flood_s = summary.at - started
            burst = await _burst(fake, dp) if fair else {}
    return {
        "waits_s": [round(w, 2) for w in waits],
        "mean_wait_s": round(statistics.mean(waits), 2),
        "max_wait_s": round(max(waits), 2),
        "flooder_documents_read_first": ahead,
        "lookup_ms": round(lookup_ms, 1),
        "flood_summary_s": round(flood_s, 1),
        **burst,
    }


async def _burst(fake: Any, dp: Any) -> dict[str, Any]:
    """Eight posts forwarded at once: messages the bot sends for them, seconds to the summary."""
    from datetime import UTC, datetime

    from tests.intake.test_load import article

    sent = time.monotonic()
    calls = len(fake.calls_for(FORWARDER, "sendMessage"))
    for i in range(10, 18):
        await fake.send_text(FORWARDER, article(i)[0], forward_date=datetime(2024, 3, 1, tzinfo=UTC))
    [summary] = await fake.wait_for(
        FORWARDER, timeout=300, predicate=lambda c: "Прочитал 8 статей" in (c.text or "")
    )
    return {
        "burst_posts": 8,
        "burst_messages_sent": len(fake.calls_for(FORWARDER, "sendMessage")) - calls,
        "burst_summary_s": round(summary.at - sent, 2),
        "burst_stored": await _stored_by(dp, FORWARDER),
    }


def report(name: str, result: dict[str, Any]) -> None:
    print(
        f"{name}: other users waited {result['waits_s']} s (mean {result['mean_wait_s']}, max "
        f"{result['max_wait_s']}); flooder's documents read before each: {result['flooder_documents_read_first']}; "
        f"/region meanwhile {result['lookup_ms']} ms; flooder's summary after {result['flood_summary_s']} s"
    )


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-fair-") as tmp:
        fair = await run(Path(tmp), args.documents, args.others, fair=True)
        report("fair queue", fair)
        fifo = await run(Path(tmp), args.documents, args.others, fair=False)
        report("baseline, no turns", fifo)
    ratio = fifo["mean_wait_s"] / fair["mean_wait_s"] if fair["mean_wait_s"] else float("inf")
    print(f"ratio baseline/fair mean wait of another user's short article: {ratio:.1f}")
    print(
        f"burst: {fair['burst_posts']} forwarded posts, {fair['burst_stored']} stored, "
        f"{fair['burst_messages_sent']} messages sent, summary after {fair['burst_summary_s']} s"
    )
    figures = {f"fair_{k}": v for k, v in fair.items() if not k.startswith("burst")}
    figures.update({f"baseline_{k}": v for k, v in fifo.items()})
    figures.update({k: v for k, v in fair.items() if k.startswith("burst")})
    figures.update(documents=args.documents, others=args.others, ratio=round(ratio, 2))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--others", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(main_async(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
