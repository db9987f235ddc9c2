"""The article queue on its own: round-robin across users, caps, a share per user, draining."""

from __future__ import annotations

import asyncio

from app.middlewares import is_article
from intake.queue import (
    CLOSED,
    TOTAL,
    USER_CHARS,
    USER_JOBS,
    ArticleJob,
    LocalArticleQueue,
    QueueLimits,
)


def job(user: int, n: int, text: str = "текст") -> ArticleJob:
    return ArticleJob(user_id=user, chat_id=user, message_id=n, kind="text", text=text)


async def test_users_are_taken_in_turn() -> None:
    queue = LocalArticleQueue(QueueLimits(running_per_user=1))
    for n in range(5):
        assert (await queue.put(job(1, n))).accepted
    await queue.put(job(2, 0))
    await queue.put(job(3, 0))
    first = await queue.take()
    assert first is not None and first.user_id == 1
    # user 1 already runs one: the others go next, user 1's second only after the first is done
    second, third = await queue.take(), await queue.take()
    assert {second.user_id, third.user_id} == {2, 3}  # type: ignore[union-attr]
    waiting = asyncio.create_task(queue.take())
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await queue.done(first)
    got = await asyncio.wait_for(waiting, 1)
    assert got is not None and (got.user_id, got.message_id) == (1, 1)


async def test_caps_refuse_with_a_reason_and_free_up() -> None:
    queue = LocalArticleQueue(QueueLimits(per_user=2, user_chars=100, total=3))
    assert (await queue.put(job(1, 0))).accepted and (await queue.put(job(1, 1))).accepted
    refused = await queue.put(job(1, 2))
    assert not refused.accepted and refused.reason == USER_JOBS and refused.limit == 2
    big = await queue.put(job(2, 0, "я" * 101))
    assert not big.accepted and big.reason == USER_CHARS
    assert (await queue.put(job(2, 1))).accepted
    full = await queue.put(job(3, 0))
    assert not full.accepted and full.reason == TOTAL
    taken = await queue.take()
    assert taken is not None
    assert await queue.pending(1) == 2  # running still counts against the share
    await queue.done(taken)
    assert (await queue.put(job(1, 3))).accepted


async def test_drain_returns_what_was_never_taken_and_close_refuses() -> None:
    queue = LocalArticleQueue()
    for n in range(3):
        await queue.put(job(1, n))
    await queue.close()
    assert (await queue.put(job(2, 0))).reason == CLOSED
    taken = await queue.take()
    assert taken is not None
    left = await queue.drain(0.1)
    assert [j.message_id for j in left] == [1, 2]
    await queue.done(taken)
    assert await queue.take() is None


def test_jobs_are_plain_data() -> None:
    original = ArticleJob(user_id=1, chat_id=1, message_id=5, kind="links", urls=("https://a.ru/1",))
    assert ArticleJob.from_dict(original.to_dict()) == original


def test_flood_control_lets_articles_pass() -> None:
    from aiogram.types import Update

    def update(**message: object) -> Update:
        base = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
        return Update.model_validate({"update_id": 1, "message": {**base, **message}})

    assert is_article(update(text="Губернатор подписал соглашение"))
    assert is_article(update(document={"file_id": "f", "file_unique_id": "u"}))
    assert not is_article(update(text="/region Калужская"))
    assert not is_article(Update.model_validate({"update_id": 2}))


def test_a_summary_of_a_hundred_articles_keeps_every_line() -> None:
    from intake.bursts import Outcome, summary

    jobs = [
        ArticleJob(user_id=1, chat_id=1, message_id=n, kind="text", text=f"Статья номер {n} " * 20)
        for n in range(100)
    ]
    outcomes = {
        j.job_id: Outcome(lines=[f"соглашений нет, статья сохранена (№{n})"]) for n, j in enumerate(jobs)
    }
    parts = summary(jobs, outcomes)
    text = "\n".join(parts)
    assert all(f"(№{n})" in text for n in range(100))
    assert all(len(p) <= 4096 for p in parts) and "Прочитал 100 статей" in parts[0]


async def test_the_extraction_gate_lets_users_in_by_turn() -> None:
    from intake.queue import FairGate

    gate = FairGate(1)
    order: list[tuple[int, int]] = []
    release = asyncio.Event()

    async def use(user: int, n: int) -> None:
        async with gate.slot(user):
            order.append((user, n))
            if not order[1:]:
                await release.wait()  # the first holds the gate until everyone waits

    tasks = [asyncio.create_task(use(1, n)) for n in range(4)]
    await asyncio.sleep(0.01)
    tasks.append(asyncio.create_task(use(2, 0)))  # comes after user 1's other three
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(*tasks)
    assert order == [(1, 0), (2, 0), (1, 1), (1, 2), (1, 3)]  # user 2 next, not after user 1's queue
