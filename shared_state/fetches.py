"""fetching.SharedFetches over Redis: fetched articles as JSON, and a claim per link being fetched."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import TYPE_CHECKING

from fetching.article import FetchedArticle

if TYPE_CHECKING:
    from redis.asyncio import Redis


def dump_article(article: FetchedArticle) -> str:
    published = article.published.isoformat() if article.published else None
    return json.dumps(
        {"url": article.url, "title": article.title, "text": article.text, "published": published},
        ensure_ascii=False,
    )


def load_article(raw: str | bytes) -> FetchedArticle:
    data = json.loads(raw)
    published = data.get("published")
    return FetchedArticle(
        url=data["url"],
        title=data.get("title"),
        text=data["text"],
        published=dt.date.fromisoformat(published) if published else None,
    )


class RedisFetches:
    """`fetching.SharedFetches` in Redis under `prefix` (`<prefix>a:<url>`, `<prefix>c:<url>`)."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self._token = uuid.uuid4().hex  # whose claim it is: a stale release must not free another's

    async def get(self, key: str) -> FetchedArticle | None:
        raw = await self.redis.get(f"{self.prefix}a:{key}")
        return load_article(raw) if raw is not None else None

    async def put(self, key: str, article: FetchedArticle, ttl: float) -> None:
        await self.redis.set(f"{self.prefix}a:{key}", dump_article(article), px=max(1, int(ttl * 1000)))

    async def claim(self, key: str, ttl: float) -> bool:
        return bool(await self.redis.set(f"{self.prefix}c:{key}", self._token, nx=True, px=int(ttl * 1000)))

    async def release(self, key: str) -> None:
        claim = f"{self.prefix}c:{key}"
        current = await self.redis.get(claim)
        if current is not None and (current.decode() if isinstance(current, bytes) else current) == self._token:
            await self.redis.delete(claim)
