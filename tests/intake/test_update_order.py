"""A user's messages are queued in the order they were sent, though aiogram handles each update as a
task of its own.

aiogram runs a plain (sync) filter such as `F.document` in a worker thread; the threads finish in
any order, so the tasks reached the article queue reordered (on Python 3.13 nearly every batch of
documents: the cause of the flaky refusal in test_fairness, which named the wrong documents).
"""

from __future__ import annotations

import asyncio

from aiogram.types import Update

from bot import Settings, build_dispatcher, make_bot
from handlers import fresh_routers
from tests.fake_telegram import FakeTelegram

USER = 4242


def test_no_handler_filter_runs_in_a_thread() -> None:
    sync = [
        f"{router.name}.{name}: {handler.callback.__name__} <- {flt.callback!r}"
        for router in fresh_routers()
        for name, observer in router.observers.items()
        for handler in observer.handlers
        for flt in handler.filters or ()
        if not flt.awaitable
    ]
    assert not sync, sync


async def test_a_batch_of_documents_is_queued_in_the_order_sent() -> None:
    async with FakeTelegram() as fake:
        settings = Settings(
            bot_token=fake.token, bot_api_url=fake.base_url, throttle_burst=0, queue_per_user=1000,
            burst_window=60.0,  # no burst answer while the test runs
        )  # fmt: skip
        dp = build_dispatcher(settings)
        bot = make_bot(settings)
        dp["replies"].bind(bot)
        fake.user(USER)
        kinds = ("document", "text", "caption")  # the article handlers behind different filters
        updates = []
        for n in range(90):
            message = {
                "message_id": n,
                "date": 0,
                "chat": {"id": USER, "type": "private"},
                "from": {"id": USER, "is_bot": False, "first_name": "U"},
            }
            kind = kinds[n % 3]
            if kind == "document":
                message["document"] = {"file_id": f"f{n}", "file_unique_id": f"u{n}", "file_name": f"d{n}.txt"}
            elif kind == "text":
                # news, not a question (a short question goes to the question router, not the queue)
                message["text"] = f"Губернатор края и банк подписали соглашение о сотрудничестве номер {n}."
            else:
                message["photo"] = [{"file_id": f"p{n}", "file_unique_id": f"q{n}", "width": 1, "height": 1}]
                message["caption"] = f"Подпись номер {n}"
            updates.append(Update.model_validate({"update_id": n + 1, "message": message}, context={"bot": bot}))
        try:
            # as polling does: one task per update, all of a getUpdates batch at once
            await asyncio.gather(*(asyncio.create_task(dp.feed_update(bot, u)) for u in updates))
            queued = [job.message_id for job in dp["article_queue"]._queues[USER]]
            assert queued == list(range(90))
        finally:
            await bot.session.close()
