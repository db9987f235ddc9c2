"""Benchmark: by_region / by_partner / search latency on a base of 100,000 agreements, SQLite and PostgreSQL.

Fills a fresh base (SQLite file in a temp dir; PostgreSQL in a schema of its own, dropped after) with
100,000 agreements over all regions and 5,000 partners by batched core inserts, then times a few hundred
lookups with varied spellings (exact, lower case, legal form, inflection, capital, typo, prefix), each
in its own session as the bot does, next to a bare indexed SELECT ... LIMIT 5 baseline on the same base.
`/search` is timed on a mix of queries (inflected partner, region and topic words, surnames, prefixes,
combinations, a word every agreement holds) with full-text search, against the old LIKE scan of
`agreement.search` on the same queries; building the full-text index for the whole base is timed too.
Then times ingesting `--ingest` articles (1,000 by default) through `db.write.ingest.ingest` with pre-built
agreements (no extraction); the figure is named after the count it ran (`ingest_<n>_s`).
Last line: one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker  # noqa: E402
from tqdm import tqdm  # noqa: E402

from db import places  # noqa: E402
from db.engine import make_engine, make_sessionmaker, read_connection  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import (  # noqa: E402
    Agreement,
    AgreementCountry,
    AgreementOrganization,
    AgreementRegion,
    AgreementSignatory,
    AgreementSource,
    Article,
    Country,
    Organization,
    OrganizationAlias,
    Person,
    Region,
)
from db.normalize import fold, org_key, words  # noqa: E402
from db.read import counts, fulltext, queries  # noqa: E402
from db.read.cards import load_views, to_card  # noqa: E402
from db.read.views import AgreementView, Page, SourceView  # noqa: E402
from db.write.ingest import ArticleIn, ingest  # noqa: E402
from extraction.models import Agreement as Extracted  # noqa: E402
from extraction.models import PartialDate, Partner, Signatory  # noqa: E402
from extraction.reading.text import cyrillic_lookalike  # noqa: E402

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BATCH = 5_000
REAL_PARTNERS = [
    "МТС",
    "Цифровая экономика",
    "Почта России",
    "Ростелеком",
    "Сбер",
    "Яндекс",
    "Росатом",
    "ВТБ",
]
PREFIXES = [
    "Рос",
    "Газ",
    "Нефть",
    "Техно",
    "Энерго",
    "Транс",
    "Агро",
    "Строй",
    "Мед",
    "Инвест",
    "Цифро",
    "Хим",
    "Металл",
    "Лес",
    "Авиа",
    "Судо",
    "Авто",
    "Связь",
    "Инфо",
    "Пром",
    "Нано",
    "Био",
    "Гидро",
    "Электро",
    "Тепло",
    "Водо",
    "Сель",
    "Рыб",
    "Мясо",
    "Молоко",
    "Зерно",
    "Уголь",
    "Сталь",
    "Стекло",
    "Бетон",
    "Кабель",
    "Дор",
    "Мост",
    "Порт",
    "Экспо",
    "Турист",
    "Спорт",
    "Кино",
    "Медиа",
    "Книго",
    "Фарм",
    "Эко",
    "Вет",
    "Гео",
    "Карт",
    "Радио",
    "Теле",
    "Микро",
    "Макро",
    "Сервис",
    "Логист",
    "Склад",
    "Торг",
    "Фин",
    "Страх",
    "Банк",
    "Кредит",
    "Лизинг",
    "Капитал",
    "Альфа",
    "Бета",
    "Гамма",
    "Дельта",
    "Омега",
    "Север",
    "Юг",
    "Запад",
    "Восток",
    "Волга",
    "Урал",
    "Сибирь",
    "Байкал",
    "Амур",
    "Дон",
    "Кама",
    "Ока",
]
SUFFIXES = [
    "пром",
    "строй",
    "сервис",
    "групп",
    "холдинг",
    "инвест",
    "техника",
    "систем",
    "ресурс",
    "тех",
    "снаб",
    "торг",
    "маш",
    "комплекс",
    "проект",
    "лаб",
    "центр",
    "союз",
    "альянс",
    "капитал",
    "энерго",
    "сеть",
    "логистика",
    "трейд",
    "развитие",
    "инновации",
    "технологии",
    "решения",
    "платформа",
    "регион",
    "ойл",
    "газ",
    "вест",
    "ост",
    "норд",
    "сиб",
    "урал",
    "волга",
    "дон",
    "транс",
    "авто",
    "мед",
    "фарм",
    "агро",
    "хим",
    "нефть",
    "сталь",
    "лес",
    "вода",
    "тепло",
    "свет",
    "связь",
    "телеком",
    "медиа",
    "софт",
    "дата",
    "лайн",
    "плюс",
    "мир",
    "град",
]
LEGAL = ["ПАО", "АО", "ООО", "АНО", "ФГУП"]
TOPICS = [
    "здравоохранения",
    "образования",
    "цифровизации",
    "строительства",
    "энергетики",
    "туризма",
    "транспорта",
    "связи",
    "сельского хозяйства",
    "экологии",
    "промышленности",
    "науки",
    "культуры",
    "спорта",
    "жилищного хозяйства",
    "инвестиций",
]
EVENTS = [
    "Петербургский международный экономический форум",
    "Восточный экономический форум",
    "Российский инвестиционный форум",
    "форум «Россия — Исламский мир»",
    "выставка «Иннопром»",
]
FIRST_NAMES = ["Иван", "Сергей", "Алексей", "Анна", "Ольга", "Дмитрий", "Михаил", "Елена", "Глеб", "Юрий"]
SURNAME_ROOTS = [
    "Петр", "Иван", "Смирн", "Кузнец", "Попов", "Соколов", "Лебедев", "Козлов", "Новик", "Морозов",
    "Волков", "Алексеев", "Павлов", "Семен", "Голуб", "Виноград", "Богдан", "Воробь", "Федор", "Михайл",
    "Беляев", "Тарас", "Белов", "Комар", "Орлов", "Киселев", "Макаров", "Андреев", "Ковалев", "Ильин",
    "Гусев", "Титов", "Кузьмин", "Кудрявцев", "Баранов", "Куликов", "Алексин", "Степан", "Яковлев", "Сорокин",
]
SURNAME_TAILS = ["", "ский", "ин", "ов", "енко", "цев", "ских", "иков", "ушин", "анов"]


def surnames(n: int, rng: random.Random) -> list[str]:
    """`n` distinct surnames (roots times endings, padded with a letter when more are asked for)."""
    combos = [r + t for r in SURNAME_ROOTS for t in SURNAME_TAILS]
    rng.shuffle(combos)
    out = list(dict.fromkeys(combos))
    letters = "абвгдежзиклмнопрст"
    while len(out) < n:
        out.append(rng.choice(combos) + "-" + rng.choice(letters).upper() + rng.choice(letters))
    return out[:n]


def partner_names(n: int, rng: random.Random) -> list[str]:
    names = list(REAL_PARTNERS)
    seen = {org_key(x) for x in names}
    combos = [p + s for p in PREFIXES for s in SUFFIXES]
    rng.shuffle(combos)
    for word in combos:
        if len(names) >= n:
            break
        name = (
            word.capitalize()
            if rng.random() < 0.7
            else f"{word.capitalize()} {rng.choice(['Регион', 'Плюс', 'Групп', 'Центр'])}"
        )
        if org_key(name) not in seen:
            seen.add(org_key(name))
            names.append(name)
    return names


async def fill(engine: AsyncEngine, n_agreements: int, n_partners: int, seed: int = 7) -> dict[str, Any]:
    """Bulk-load the base with core executemany inserts in batches; returns what queries need."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        regions = [
            tuple(r)
            for r in (await conn.execute(select(Region.__table__.c.id, Region.__table__.c.name))).all()
        ]
        countries = [
            tuple(r)
            for r in (await conn.execute(select(Country.__table__.c.id, Country.__table__.c.name))).all()
        ]
        names = partner_names(n_partners, rng)
        await conn.execute(
            Organization.__table__.insert(),
            [{"id": i + 1, "name": n, "key": org_key(n)} for i, n in enumerate(names)],
        )
        await conn.execute(
            OrganizationAlias.__table__.insert(),
            [
                {"organization_id": i + 1, "alias": f"{rng.choice(LEGAL)} «{n}»", "key": org_key(n)}
                for i, n in enumerate(names)
            ],
        )
        people = [f"{rng.choice(FIRST_NAMES)} {surname}" for surname in surnames(2000, rng)]
        await conn.execute(
            Person.__table__.insert(),
            [{"id": i + 1, "name": p, "key": f"{p.lower()}#{i}"} for i, p in enumerate(people)],
        )
    with tqdm(total=n_agreements, desc="fill", unit="agr") as bar:
        for start in range(0, n_agreements, BATCH):
            rows: dict[str, list[dict[str, Any]]] = {
                k: [] for k in ("art", "agr", "ar", "ao", "ac", "as", "src")
            }
            for aid in range(start + 1, min(start + BATCH, n_agreements) + 1):
                y = rng.choice([None, *range(2010, 2026)]) if rng.random() < 0.95 else None
                m = rng.randint(1, 12) if rng.random() < 0.9 else None
                d = rng.randint(1, 28) if m and rng.random() < 0.9 else None
                sk = (y or 0) * 10000 + (m or 0) * 100 + (d or 0)
                region_ids = rng.sample(regions, 2 if rng.random() < 0.1 else 1)
                org_ids = rng.sample(range(1, len(names) + 1), 2 if rng.random() < 0.2 else 1)
                person = rng.randint(1, len(people))
                topic = rng.choice(TOPICS)
                event = rng.choice(EVENTS) if rng.random() < 0.3 else None
                evidence = (
                    f"{region_ids[0][1]} и {names[org_ids[0] - 1]} подписали соглашение о сотрудничестве "
                    f"в сфере {topic}, документ № {aid}."
                )
                search_bits = [
                    "соглашение",
                    *(r[1] for r in region_ids),
                    *(names[o - 1] for o in org_ids),
                    people[person - 1],
                    "губернатор",
                    *([event] if event else []),
                    evidence,
                ]
                rows["art"].append(
                    {
                        "id": aid,
                        "text": f"Статья {aid}",
                        "title": f"Статья {aid}",
                        "content_hash": uuid.uuid4().hex,
                        "sent_at": now,
                        "source": "seed:bench",
                    }
                )
                card = AgreementView(
                    id=aid,
                    doc_type="соглашение",
                    date=PartialDate(y, m, d) if (y or m or d) else None,
                    regions=[r[1] for r in region_ids],
                    partners=[names[o - 1] for o in org_ids],
                    countries=[],
                    signatories=[Signatory(people[person - 1], "губернатор")],
                    event=event,
                    amount=None,
                    evidence=evidence,
                    sources=[SourceView(aid, None, f"Статья {aid}", None)],
                )
                rows["agr"].append(
                    {
                        "card": to_card(card),
                        "id": aid,
                        "key": uuid.uuid4().hex,
                        "doc_type": "соглашение",
                        "year": y,
                        "month": m,
                        "day": d,
                        "sort_key": sk,
                        "event": event,
                        "evidence": evidence,
                        "search": fold(" | ".join(search_bits)),
                        "created_at": now,
                    }
                )
                rows["ar"] += [
                    {"agreement_id": aid, "region_id": r[0], "sort_key": sk, "position": i}
                    for i, r in enumerate(region_ids)
                ]
                rows["ao"] += [
                    {"agreement_id": aid, "organization_id": o, "sort_key": sk, "position": i}
                    for i, o in enumerate(org_ids)
                ]
                if rng.random() < 0.05:
                    rows["ac"].append(
                        {
                            "agreement_id": aid,
                            "country_id": rng.choice(countries)[0],
                            "sort_key": sk,
                            "position": 0,
                        }
                    )
                rows["as"].append(
                    {
                        "agreement_id": aid,
                        "person_id": person,
                        "role": "губернатор",
                        "position": 0,
                    }
                )
                rows["src"].append({"agreement_id": aid, "article_id": aid, "evidence": ""})
            async with engine.begin() as conn:
                for key, table in (
                    ("art", Article),
                    ("agr", Agreement),
                    ("ar", AgreementRegion),
                    ("ao", AgreementOrganization),
                    ("ac", AgreementCountry),
                    ("as", AgreementSignatory),
                    ("src", AgreementSource),
                ):
                    if rows[key]:
                        await conn.execute(table.__table__.insert(), rows[key])
            bar.update(len(rows["agr"]))
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("article", "agreement", "organization", "organization_alias", "person"):
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                )
    async with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # What autovacuum does to a settled base: statistics and the visibility map (index-only scans).
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
        else:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    return {"regions": regions, "countries": countries, "partners": names, "people": people}


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(2, len(word) - 1)
    return (
        word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    )


def region_queries(n: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    gaz = places.regions()
    while len(out) < n:
        r = rng.choice(gaz)
        forms = [r.name, r.name.lower(), r.name.replace("область", "обл."), typo(r.name, rng)]
        forms += list(r.aliases[:3])
        if r.capital:
            forms.append(r.capital)
        out.append(rng.choice(forms))
    return out


def partner_queries(
    n: int, names: list[str], countries: list[tuple[int, str]], rng: random.Random
) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        name = rng.choice(REAL_PARTNERS) if rng.random() < 0.2 else rng.choice(names)
        kind = rng.random()
        if kind < 0.25:
            out.append(name)
        elif kind < 0.45:
            out.append(name.lower())
        elif kind < 0.6:
            out.append(f"{rng.choice(LEGAL)} «{name}»")
        elif kind < 0.8:
            out.append(typo(name, rng))
        elif kind < 0.9:
            out.append(name[: max(4, len(name) // 2)])
        else:
            out.append(rng.choice(countries)[1])
    return out


async def timed(
    sessionmaker: async_sessionmaker[AsyncSession],
    inputs: list[Any],
    call: Callable[[AsyncSession, Any], Awaitable[Any]],
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds (this process, all threads) per call, each in a fresh session.

    CPU time leaves out waiting for a core, which dominates the wall-clock tail on a busy machine.
    """
    wall: list[float] = []
    cpu: list[float] = []
    for item in inputs:
        c0, t0 = time.process_time(), time.perf_counter()
        async with sessionmaker() as session:
            await call(session, item)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


async def run_backend(prefix: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    rng = random.Random(11)
    engine = make_engine(url)
    figures: dict[str, float] = {}
    try:
        await upgrade(engine)
        t0 = time.perf_counter()
        data = await fill(engine, args.agreements, args.partners)
        figures[f"{prefix}_fill_s"] = round(time.perf_counter() - t0, 2)
        sm = make_sessionmaker(engine)
        # The fill's triggers left a delta row per count changed: fold them, as the first read would.
        t0 = time.perf_counter()
        async with sm() as s:
            await counts.fold(s)
        figures[f"{prefix}_fold_after_fill_s"] = round(time.perf_counter() - t0, 2)
        if engine.dialect.name == "postgresql":  # autovacuum's part after the fold deleted every delta row
            async with engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("VACUUM ANALYZE stat_delta, stat_count"))
        figures.update(await bench_counts(sm, prefix, args))
        if args.counts_only:
            return figures
        # What migration 0006 does for the agreements already stored: lemmatize and index them all.
        t0 = time.perf_counter()
        indexed = await fulltext.fill_missing(engine)
        figures[f"{prefix}_fts_index_s"] = round(time.perf_counter() - t0, 2)
        assert indexed == args.agreements, indexed
        # First lookups build the cached name indexes (normal forms of every name); timed apart.
        t0 = time.perf_counter()
        async with sm() as s:
            await queries.by_region(s, "Калужская")
            await queries.by_partner(s, "МТС")
        figures[f"{prefix}_index_build_s"] = round(time.perf_counter() - t0, 3)
        regs = region_queries(args.queries, rng)
        parts = partner_queries(args.queries, data["partners"], data["countries"], rng)
        offsets = [rng.choice([0, 0, 0, 5, 10]) for _ in range(args.queries)]
        region_ids = [rng.choice(data["regions"])[0] for _ in range(args.queries)]
        ar = AgreementRegion.__table__
        hits = {"region": 0, "partner": 0}

        async def base(s: AsyncSession, rid: int) -> None:
            q = (
                select(ar.c.agreement_id)
                .where(ar.c.region_id == rid)
                .order_by(ar.c.sort_key.desc(), ar.c.agreement_id.desc())
                .limit(5)
            )
            (await s.execute(q)).all()

        async def region(s: AsyncSession, i: int) -> None:
            res = await queries.by_region(s, regs[i], offset=offsets[i])
            hits["region"] += bool(res.matched)

        async def partner(s: AsyncSession, i: int) -> None:
            res = await queries.by_partner(s, parts[i], offset=offsets[i])
            hits["partner"] += bool(res.matched)

        idx = list(range(args.queries))
        await timed(sm, idx[:20], region)  # warm the statement caches
        base_t, base_cpu = await timed(sm, region_ids, base)
        reg_t, reg_cpu = await timed(sm, idx, region)
        part_t, part_cpu = await timed(sm, idx, partner)
        for name, values, cpu in (
            ("baseline", base_t, base_cpu),
            ("by_region", reg_t, reg_cpu),
            ("by_partner", part_t, part_cpu),
        ):
            figures[f"{prefix}_{name}_p50_ms"] = pct(values, 0.5)
            figures[f"{prefix}_{name}_p99_ms"] = pct(values, 0.99)
            figures[f"{prefix}_{name}_cpu_p50_ms"] = pct(cpu, 0.5)
            figures[f"{prefix}_{name}_cpu_p99_ms"] = pct(cpu, 0.99)
        figures.update(await bench_search(sm, prefix, data, args, rng))
        if args.web:
            figures.update(await bench_web(sm, engine, prefix, args.web))
        figures[f"{prefix}_by_region_vs_baseline_p50"] = round(
            statistics.median(reg_t) / statistics.median(base_t), 2
        )
        figures[f"{prefix}_by_partner_vs_baseline_p50"] = round(
            statistics.median(part_t) / statistics.median(base_t), 2
        )
        figures[f"{prefix}_region_matched_share"] = round(hits["region"] / (args.queries + 20), 3)
        figures[f"{prefix}_partner_matched_share"] = round(hits["partner"] / args.queries, 3)
        print(
            f"[{prefix}] {args.agreements} agreements, {len(data['partners'])} partners; "
            f"baseline p50/p99 {figures[f'{prefix}_baseline_p50_ms']}/{figures[f'{prefix}_baseline_p99_ms']} ms; "
            f"by_region {figures[f'{prefix}_by_region_p50_ms']}/{figures[f'{prefix}_by_region_p99_ms']} ms; "
            f"by_partner {figures[f'{prefix}_by_partner_p50_ms']}/{figures[f'{prefix}_by_partner_p99_ms']} ms "
            f"(CPU p99: baseline {figures[f'{prefix}_baseline_cpu_p99_ms']}, by_region "
            f"{figures[f'{prefix}_by_region_cpu_p99_ms']}, by_partner {figures[f'{prefix}_by_partner_cpu_p99_ms']} ms)"
        )
        figures[f"{prefix}_ingest_{args.ingest}_s"] = await ingest_many(sm, args.ingest, data, prefix)
        # The first /stats after those ingests: it sums their deltas and folds them.
        wall, _ = await timed(sm, [None], lambda s, _: queries.stats(s))
        figures[f"{prefix}_stats_after_ingest_ms"] = round(wall[0], 3)
    finally:
        await engine.dispose()
    return figures


# Inflected forms of the real partners, as people type them after "с", "у", "о".
REAL_INFLECTED = ["МТС", "Цифровой экономикой", "Почтой России", "Ростелекомом", "Сбером", "Яндексом", "Росатомом", "ВТБ"]


def search_queries(n: int, data: dict[str, Any], rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query) pairs: partners (inflected, lower case, a prefix), people, regions and topics in
    inflected forms, combinations, and a word every agreement holds."""
    regions = [name for _, name in data["regions"]]
    out: list[tuple[str, str]] = []
    while len(out) < n:
        kind = rng.random()
        if kind < 0.2:
            out.append(("partner", f"соглашения с {rng.choice(REAL_INFLECTED)}"))
        elif kind < 0.35:
            out.append(("partner", rng.choice(data["partners"]).lower()))
        elif kind < 0.45:
            out.append(("prefix", rng.choice(data["partners"])[:5]))
        elif kind < 0.6:
            out.append(("person", rng.choice(data["people"]).split()[-1]))
        elif kind < 0.7:
            region = rng.choice(regions)
            out.append(("region", region.replace("ая ", "ой ").replace("область", "области")))
        elif kind < 0.8:
            out.append(("topic", f"в сфере {rng.choice(TOPICS)}"))
        elif kind < 0.95:
            out.append(
                ("combined", f"{rng.choice(REAL_PARTNERS)} {rng.choice(TOPICS)} {rng.choice(regions).split()[0]}")
            )
        else:
            out.append(("common", rng.choice(["соглашение", "сотрудничестве", "губернатор"])))
    return out


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def like_search(session: AsyncSession, query: str, offset: int = 0, limit: int = 5) -> Page:
    """The baseline: /search before full-text search, a LIKE scan of agreement.search for every word."""
    from sqlalchemy import func as f

    await read_connection(session)
    a = Agreement.__table__
    terms = words(query)[:8]
    if not terms:
        return Page([], 0, offset, limit)
    cond = [a.c.hidden == 0]
    for t in terms:
        like = a.c.search.like(f"%{_like_escape(t)}%", escape="\\")
        lookalike = cyrillic_lookalike(t)
        if lookalike != t:
            like = like | a.c.search.like(f"%{_like_escape(lookalike)}%", escape="\\")
        cond.append(like)
    q = (
        select(a.c.id, f.count().over().label("total"))
        .where(*cond)
        .order_by(a.c.sort_key.desc(), a.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(q)).all()
    total = int(rows[0].total) if rows else 0
    return Page(await load_views(session, [r.id for r in rows]), total, offset, limit)


async def bench_search(
    sm: async_sessionmaker[AsyncSession],
    prefix: str,
    data: dict[str, Any],
    args: argparse.Namespace,
    rng: random.Random,
) -> dict[str, Any]:
    """/search p50/p99: full-text search against the old LIKE scan, on the same queries."""
    mix = search_queries(args.queries, data, rng)
    found = {"fts": 0, "like": 0}
    by_kind: dict[str, list[float]] = {}

    def caller(fn: Callable[..., Awaitable[Page]], name: str) -> Callable[[AsyncSession, int], Awaitable[None]]:
        async def call(s: AsyncSession, i: int) -> None:
            page = await fn(s, mix[i][1])
            found[name] += page.total > 0

        return call

    idx = list(range(len(mix)))
    await timed(sm, idx[:20], caller(queries.search, "fts"))  # warm the lemmatizer and statements
    found["fts"] = 0
    fts_t, fts_cpu = await timed(sm, idx, caller(queries.search, "fts"))
    like_t, _ = await timed(sm, idx, caller(like_search, "like"))
    for (kind, _), ms in zip(mix, fts_t, strict=True):
        by_kind.setdefault(kind, []).append(ms)
    out: dict[str, Any] = {
        f"{prefix}_search_p50_ms": pct(fts_t, 0.5),
        f"{prefix}_search_p99_ms": pct(fts_t, 0.99),
        f"{prefix}_search_cpu_p99_ms": pct(fts_cpu, 0.99),
        f"{prefix}_search_like_p50_ms": pct(like_t, 0.5),
        f"{prefix}_search_like_p99_ms": pct(like_t, 0.99),
        f"{prefix}_search_vs_like_p50": round(statistics.median(fts_t) / statistics.median(like_t), 3),
        f"{prefix}_search_found_share": round(found["fts"] / len(mix), 3),
        f"{prefix}_search_like_found_share": round(found["like"] / len(mix), 3),
    }
    for kind, values in sorted(by_kind.items()):
        out[f"{prefix}_search_{kind}_p99_ms"] = pct(values, 0.99)
    print(
        f"[{prefix}] /search full-text p50/p99 {out[f'{prefix}_search_p50_ms']}/{out[f'{prefix}_search_p99_ms']} ms "
        f"(found {out[f'{prefix}_search_found_share']:.0%}); old LIKE scan "
        f"{out[f'{prefix}_search_like_p50_ms']}/{out[f'{prefix}_search_like_p99_ms']} ms "
        f"(found {out[f'{prefix}_search_like_found_share']:.0%}); p99 by kind: "
        + ", ".join(f"{k} {pct(v, 0.99)}" for k, v in sorted(by_kind.items()))
    )
    return out


async def bench_counts(
    sm: async_sessionmaker[AsyncSession], prefix: str, args: argparse.Namespace
) -> dict[str, float]:
    """/recent (pages at offsets 0, 5, 100, 5000) and /stats p50/p99, each call in a fresh session,
    read from the counts kept by triggers (db.read.counts) and the partial index of visible agreements."""
    out: dict[str, float] = {}
    calls = {
        "recent": ([0, 5, 100, 5000] * max(1, args.queries // 4), lambda s, off: queries.recent(s, offset=off)),
        "stats": ([None] * max(20, args.queries // 3), lambda s, _: queries.stats(s)),
    }
    for name, (inputs, call) in calls.items():
        await timed(sm, inputs[:5], call)  # warm the statement caches
        wall, cpu = await timed(sm, inputs, call)
        out[f"{prefix}_{name}_p50_ms"] = pct(wall, 0.5)
        out[f"{prefix}_{name}_p99_ms"] = pct(wall, 0.99)
        out[f"{prefix}_{name}_cpu_p99_ms"] = pct(cpu, 0.99)
    out[f"{prefix}_recent_target_p99_under_10ms"] = out[f"{prefix}_recent_p99_ms"] < 10.0
    out[f"{prefix}_stats_target_p99_under_50ms"] = out[f"{prefix}_stats_p99_ms"] < 50.0
    print(
        f"[{prefix}] /recent p50/p99 {out[f'{prefix}_recent_p50_ms']}/{out[f'{prefix}_recent_p99_ms']} ms; "
        f"/stats p50/p99 {out[f'{prefix}_stats_p50_ms']}/{out[f'{prefix}_stats_p99_ms']} ms"
    )
    return out


async def ingest_many(
    sm: async_sessionmaker[AsyncSession], n: int, data: dict[str, Any], prefix: str
) -> float:
    """`n` articles through db.write.ingest.ingest, one session each, with pre-built agreements (no extraction)."""
    rng = random.Random(5)
    regions = [name for _, name in data["regions"]]
    t0 = time.perf_counter()
    for i in tqdm(range(n), desc=f"{prefix} ingest", unit="article"):
        ag = Extracted(
            regions=[rng.choice(regions)],
            partners=[Partner(rng.choice(data["partners"]), ("ПАО «Новая компания»",))],
            signatories=[Signatory(f"Пётр{i % 50} Сидоров", "губернатор")],
            date=PartialDate(2026, rng.randint(1, 12), rng.randint(1, 28)),
            evidence=[f"Подписано соглашение номер {i}."],
        )
        async with sm() as s:
            await ingest(
                s, ArticleIn(f"Новая статья {i} {uuid.uuid4().hex}", url=f"https://bench.example/{i}"), [ag]
            )
    return round(time.perf_counter() - t0, 2)


# --- the web page's API and /map (issue 16) ---------------------------------------------------------


WEB_FILTERS = [
    {},
    {"region": "Калужская"},
    {"region": "Москва", "year": "2020"},
    {"partner": "МТС"},
    {"country": "Беларусь"},
    {"year": "2024"},
    {"type": "соглашение"},
    {"event": "ПМЭФ-2019"},
    {"q": "цифровой"},
    {"region": "Татарстан", "q": "сотрудничестве"},
]


async def add_amounts(engine: AsyncEngine) -> None:
    """A third of the agreements get a ruble sum (fill leaves them without), so that sums add up."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE agreement SET amount_value = (id % 997) * 1000000.0, amount_currency = 'RUB' "
                "WHERE id % 3 = 0"
            )
        )


async def bench_web(
    sm: async_sessionmaker[AsyncSession], engine: AsyncEngine, prefix: str, n: int
) -> dict[str, Any]:
    """GET /api/regions and /api/agreements over HTTP (the page's aiohttp app on a local port, mixed
    filters and pages), next to a static file from the same server as the baseline; /map's picture."""
    import aiohttp
    from aiohttp import web

    from db.read import aggregates
    from shared_state.buckets import LocalTokenBuckets
    from views.map_image import COUNT, SUM, render_map
    from web.server import make_web_app

    await add_amounts(engine)
    runner = web.AppRunner(make_web_app(sm, None, LocalTokenBuckets(10**9, 10**9)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(3)
    out: dict[str, Any] = {}
    try:
        async with aiohttp.ClientSession() as http:

            async def get(path: str, params: dict[str, str]) -> float:
                t0 = time.perf_counter()
                async with http.get(base + path, params=params) as response:
                    assert response.status == 200, (path, params, response.status)
                    await response.read()
                return (time.perf_counter() - t0) * 1000

            for params in WEB_FILTERS:  # warm the name indexes, the lemmatizer, statement caches
                await get("/api/regions", params)
            calls = {
                "static": [("/static/style.css", {}) for _ in range(n)],
                "api_regions": [("/api/regions", rng.choice(WEB_FILTERS)) for _ in range(n)],
                "api_agreements": [
                    (
                        "/api/agreements",
                        {**rng.choice(WEB_FILTERS), "page": str(rng.choice([1, 1, 2, 5])),
                         "sort": rng.choice(["date", "date", "sum", "date_asc"])},
                    )
                    for _ in range(n)
                ],
            }  # fmt: skip
            for name, items in calls.items():
                ms = [await get(path, params) for path, params in items]
                out[f"{prefix}_{name}_p50_ms"] = pct(ms, 0.5)
                out[f"{prefix}_{name}_p99_ms"] = pct(ms, 0.99)
            for name in ("api_regions", "api_agreements"):
                out[f"{prefix}_{name}_vs_static_p50"] = round(
                    out[f"{prefix}_{name}_p50_ms"] / max(out[f"{prefix}_static_p50_ms"], 0.001), 1
                )
    finally:
        await runner.cleanup()
    async with sm() as session:
        totals = await aggregates.region_totals(session, await aggregates.select_by(session, aggregates.Filters()))
    render_ms: list[float] = []
    render_cpu: list[float] = []
    for i in range(6):
        mode = COUNT if i % 2 == 0 else SUM
        values = {t.name: float(t.count if mode == COUNT else t.total) for t in totals}
        top = [f"{k}. {t.name} — {t.count}" for k, t in enumerate(totals[:10], 1)]
        c0, t0 = time.process_time(), time.perf_counter()
        render_map(values, mode, "Соглашения регионов", top)
        render_ms.append((time.perf_counter() - t0) * 1000)
        render_cpu.append((time.process_time() - c0) * 1000)
    out[f"{prefix}_map_render_cpu_max_ms"] = round(max(render_cpu[1:]), 1)
    out[f"{prefix}_map_render_first_ms"] = round(render_ms[0], 1)  # with matplotlib's import
    out[f"{prefix}_map_render_p50_ms"] = pct(render_ms[1:], 0.5)
    out[f"{prefix}_map_render_max_ms"] = round(max(render_ms[1:]), 1)
    print(
        f"[{prefix}] web: /api/regions p50/p99 {out[f'{prefix}_api_regions_p50_ms']}/"
        f"{out[f'{prefix}_api_regions_p99_ms']} ms, /api/agreements {out[f'{prefix}_api_agreements_p50_ms']}/"
        f"{out[f'{prefix}_api_agreements_p99_ms']} ms (a static file: {out[f'{prefix}_static_p50_ms']}/"
        f"{out[f'{prefix}_static_p99_ms']} ms); /map picture {out[f'{prefix}_map_render_p50_ms']} ms "
        f"(first, importing matplotlib: {out[f'{prefix}_map_render_first_ms']} ms)"
    )
    return out


def web_targets(figures: dict[str, Any]) -> dict[str, bool]:
    """Issue 16's targets: API p99 under 50 ms on both bases, the picture under a second."""
    api = [v for k, v in figures.items() if k.endswith(("_api_regions_p99_ms", "_api_agreements_p99_ms"))]
    maps = [v for k, v in figures.items() if k.endswith("_map_render_max_ms")]
    out = {}
    if api:
        out["web_api_target_p99_under_50ms"] = max(api) < 50.0
    if maps:
        out["map_render_target_under_1s"] = max(maps) < 1000.0
    return out


async def pg_schema(action: str, schema: str) -> str | None:
    import asyncpg

    try:
        conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="test", timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    try:
        sql = (
            f'CREATE SCHEMA "{schema}"' if action == "create" else f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'
        )
        await conn.execute(sql)
    finally:
        await conn.close()
    return None


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--ingest", type=int, default=1_000)
    parser.add_argument("--web", type=int, default=300, help="API requests of each kind (0: skip)")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--counts-only", action="store_true", help="fill, then time /recent and /stats only")
    args = parser.parse_args()
    figures: dict[str, Any] = {
        "agreements": args.agreements,
        "partners": args.partners,
        "queries": args.queries,
        "ingest": args.ingest,
    }
    if not args.skip_sqlite:
        tmp = Path(tempfile.mkdtemp(prefix="bench-queries-"))
        try:
            figures.update(await run_backend("sqlite", f"sqlite+aiosqlite:///{tmp / 'bench.db'}", args))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.skip_pg:
        print("PostgreSQL skipped (--skip-pg)")
    else:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        error = await pg_schema("create", schema)
        if error:
            print(f"PostgreSQL skipped: unreachable ({error})")
        else:
            try:
                figures.update(await run_backend("pg", f"{PG_URL}?search_path={schema}", args))
            finally:
                await pg_schema("drop", schema)
    figures[f"ingest_{args.ingest}_s"] = figures.get(f"sqlite_ingest_{args.ingest}_s")
    figures["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    figures["cpu_count"] = os.cpu_count()
    if "sqlite_by_region_p99_ms" in figures:
        worst = max(figures["sqlite_by_region_p99_ms"], figures["sqlite_by_partner_p99_ms"])
        figures["sqlite_target_p99_under_10ms"] = worst < 10.0
    search_p99 = [figures[k] for k in ("sqlite_search_p99_ms", "pg_search_p99_ms") if k in figures]
    if search_p99:
        figures["search_target_p99_under_20ms"] = max(search_p99) < 20.0
    figures.update(web_targets(figures))
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
