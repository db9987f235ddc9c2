"""run_polling: a dispatcher polling the fake for the length of a block."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiogram import Bot, Dispatcher


@contextlib.asynccontextmanager
async def run_polling(
    dp: Dispatcher, bot: Bot, *, polling_timeout: int = 1, startup_timeout: float = 60.0, **kwargs: Any
) -> AsyncIterator[Bot]:
    """Run ``dp.start_polling(bot)`` in a task for the block, then stop it cleanly.

    Enters once the dispatcher's startup handlers have run (a failing startup raises here,
    not as a timeout later). Exceptions of the polling task are re-raised on exit; the bot's
    session stays open (the fake's stop() or the caller closes it). Yields the bot.
    """
    kwargs.setdefault("close_bot_session", False)
    started = asyncio.Event()

    async def mark_started() -> None:
        started.set()

    dp.startup.register(mark_started)  # runs after the bot's own startup handlers
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=polling_timeout, **kwargs)
    )
    try:
        waiter = asyncio.ensure_future(started.wait())
        await asyncio.wait({task, waiter}, timeout=startup_timeout, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if task.done():
            task.result()  # raises the startup error
            raise RuntimeError("polling ended as soon as it started")
        if not started.is_set():
            raise TimeoutError(f"dispatcher startup took more than {startup_timeout} s")
        yield bot
    finally:
        dp.startup.handlers[:] = [h for h in dp.startup.handlers if h.callback is not mark_started]
        # stop_polling() needs start_polling's lock taken; aiogram exposes no public flag for it.
        if not task.done() and dp._running_lock.locked():
            try:
                await asyncio.wait_for(dp.stop_polling(), timeout=10)
            except (RuntimeError, TimeoutError):
                task.cancel()
        elif not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
