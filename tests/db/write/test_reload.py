"""Reload of a seeds folder: atomic swap, bad files skipped, user articles kept and re-extracted."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Agreement, Article
from db.read.queries import by_partner, by_region, recent
from db.write.ingest import ArticleIn, ensure_seeded, ingest, reload
from extraction.models import Agreement as Extracted
from tests.db.helpers import article_text, line_extract

Maker = async_sessionmaker[AsyncSession]
REGIONS = ["Калужская область", "Тульская область", "Рязанская область", "Курская область"]


def write_seeds(folder: Path, event: str = "форум") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, region in enumerate(REGIONS):
        text = article_text(region, f"Компания {i}", f"2020-0{i + 1}-1{i}", event=event, extra=f"№{i}")
        (folder / f"{i:03}.txt").write_text(text, encoding="utf-8")
    return folder


async def _count(session: AsyncSession, model: type) -> int:
    return int((await session.execute(select(func.count()).select_from(model.__table__))).scalar_one())


async def test_reload_loads_and_replaces(sessionmaker: Maker, tmp_path: Path) -> None:
    folder = write_seeds(tmp_path / "seeds")
    calls: list[tuple[int, int, str]] = []

    async def progress(done: int, total: int, name: str) -> None:
        calls.append((done, total, name))

    report = await reload(sessionmaker, folder, progress=progress, extract_fn=line_extract)
    assert (report.loaded, report.agreements, report.failed) == (4, 4, [])
    assert [c[0] for c in calls] == [1, 2, 3, 4] and calls[-1][1] == 4
    # New rules: the event changes, one file goes away; ids of agreements that stay are kept.
    async with sessionmaker() as s:
        before = (await by_region(s, "Калужская")).page.items[0]
    write_seeds(folder, event="саммит")
    (folder / "003.txt").unlink()
    report = await reload(sessionmaker, folder, extract_fn=line_extract)
    assert (report.loaded, report.agreements) == (3, 3)
    async with sessionmaker() as s:
        after = (await by_region(s, "Калужская")).page.items[0]
        assert (await by_region(s, "Курская")).page.total == 0
        assert await _count(s, Article) == 3
        assert await _count(s, Agreement) == 3
        assert (await by_partner(s, "Компания 3")).matched == []
    assert after.id == before.id
    assert (before.event, after.event) == ("форум", "саммит")
    assert after.sources[0].title == "Новость о подписании соглашения №0"


async def test_reload_skips_bad_files(sessionmaker: Maker, tmp_path: Path) -> None:
    folder = write_seeds(tmp_path / "seeds")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"   \n")
    (folder / "cp1251.txt").write_bytes(
        article_text("Орловская область", "Ростелеком", extra="(cp1251)").encode("cp1251")
    )
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    report = await reload(sessionmaker, folder, extract_fn=line_extract)
    assert report.loaded == 5
    assert sorted(name for name, _ in report.failed) == ["binary.txt", "empty.txt"]
    assert all(reason for _, reason in report.failed)
    async with sessionmaker() as s:
        assert (await by_region(s, "Орловская")).page.items[0].partners == ["Ростелеком"]


async def test_reload_keeps_and_reextracts_user_articles(sessionmaker: Maker, tmp_path: Path) -> None:
    folder = write_seeds(tmp_path / "seeds")
    await reload(sessionmaker, folder, extract_fn=line_extract)
    user_text = article_text(
        "Калужская область", "Компания 0", "2020-01-10", event="форум", extra="№0 (другой сайт)"
    )
    async with sessionmaker() as s:
        res = await ingest(
            s, ArticleIn(user_text, url="https://u.example/1", sent_by=42), extract_fn=line_extract
        )
        res2 = await ingest(s, ArticleIn("Просто новость без соглашений", sent_by=43), [])
    assert res.new_agreements == 0  # the same agreement as seed 000: a second source
    assert len(res.agreements[0].sources) == 2

    def new_rules(text: str, published: date | None) -> list[Extracted]:
        found = line_extract(text, published)
        for ag in found:
            ag.event = "новые правила"
        return found

    report = await reload(sessionmaker, folder, extract_fn=new_rules)
    assert report.reextracted_user_articles == 2
    async with sessionmaker() as s:
        kaluga = (await by_region(s, "Калужская")).page.items
        ids = set((await s.execute(select(Article.__table__.c.id))).scalars())
    assert {res.article_id, res2.article_id} <= ids
    assert len(kaluga) == 1 and kaluga[0].event == "новые правила"
    assert {src.url for src in kaluga[0].sources} == {None, "https://u.example/1"}


async def test_reload_of_an_empty_or_missing_folder_keeps_the_base(
    sessionmaker: Maker, tmp_path: Path
) -> None:
    folder = write_seeds(tmp_path / "seeds")
    await reload(sessionmaker, folder, extract_fn=line_extract)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "000.txt").write_bytes(b"\x00\x01\x02")
    report = await reload(sessionmaker, bad, extract_fn=line_extract)
    assert report.loaded == 0 and report.failed
    missing = await reload(sessionmaker, tmp_path / "nope", extract_fn=line_extract)
    assert missing.failed and missing.loaded == 0
    async with sessionmaker() as s:
        assert (await recent(s)).total == 4


async def test_readers_never_see_an_empty_region_during_reload(sessionmaker: Maker, tmp_path: Path) -> None:
    folder = write_seeds(tmp_path / "seeds")
    many = [article_text(f"{REGIONS[i % 4]}", f"Партнер {i}", "2019-01-01", extra=f"#{i}") for i in range(40)]
    for i, text in enumerate(many):
        (folder / f"x{i:03}.txt").write_text(text, encoding="utf-8")
    await reload(sessionmaker, folder, extract_fn=line_extract)
    stop = asyncio.Event()
    seen: list[int] = []

    async def reader() -> None:
        while not stop.is_set():
            async with sessionmaker() as s:
                for region in ("Калужская", "Курская"):
                    seen.append((await by_region(s, region)).page.total)
            await asyncio.sleep(0)

    readers = [asyncio.create_task(reader()) for _ in range(3)]
    try:
        for _ in range(3):
            report = await reload(sessionmaker, folder, extract_fn=line_extract)
            assert report.loaded == 44
    finally:
        stop.set()
        await asyncio.gather(*readers)
    assert len(seen) > 10
    assert min(seen) == 11  # 1 seed + 10 extra per region, never 0 or half-built


async def test_ensure_seeded_only_on_an_empty_base(sessionmaker: Maker, tmp_path: Path) -> None:
    folder = write_seeds(tmp_path / "seeds")
    first = await ensure_seeded(sessionmaker, folder, extract_fn=line_extract)
    second = await ensure_seeded(sessionmaker, folder, extract_fn=line_extract)
    assert first is not None and first.loaded == 4
    assert second is None


async def test_reload_real_seeds_with_real_extraction(
    sessionmaker: Maker, seeds_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir, folder)
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00\x00garbage\x00" * 50)
    report = await reload(sessionmaker, folder)
    assert report.loaded == 5
    assert [name for name, _ in report.failed] == ["broken.txt"]
    assert report.agreements >= 4
    async with sessionmaker() as s:
        orenburg = await by_region(s, "Оренбуржье")
        mts = await by_partner(s, "мтс")
        kaluga = await by_region(s, "калужской")
    assert orenburg.matched == ["Оренбургская область"] and orenburg.page.total >= 1
    assert mts.page.total >= 1 and "Оренбургская область" in mts.page.items[0].regions
    assert kaluga.page.total >= 1
