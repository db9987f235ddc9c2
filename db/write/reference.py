"""Reference rows: regions and countries from the gazetteer, organizations, people."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from db import places
from db.engine import WRITE
from db.models import Country, Region
from db.write.upsert import ensure_ids

REGION = Region.__table__
COUNTRY = Country.__table__


async def sync_gazetteer(engine: AsyncEngine) -> None:
    """Insert the gazetteer's regions and countries that the base lacks; refresh ISO codes and capitals."""
    regions = places.regions()
    countries = places.countries()
    if not regions and not countries:
        return
    async with engine.connect() as conn:
        conn = await conn.execution_options(**WRITE)
        async with conn.begin():
            have = (await conn.execute(select(func.count()).select_from(REGION))).scalar_one()
            rows = [{"name": r.name, "iso": r.iso, "capital": r.capital} for r in regions]
            await ensure_ids(conn, REGION, "name", rows)
            if have:
                current = {
                    n: (i, c)
                    for n, i, c in (await conn.execute(select(REGION.c.name, REGION.c.iso, REGION.c.capital)))
                }
                for r in regions:
                    if current.get(r.name) != (r.iso, r.capital):
                        await conn.execute(
                            update(REGION).where(REGION.c.name == r.name).values(iso=r.iso, capital=r.capital)
                        )
            await ensure_ids(conn, COUNTRY, "name", [{"name": c.name} for c in countries])
