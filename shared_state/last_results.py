"""Each user's last result (for /export): in this process, or in Redis so that any instance has it."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from shared_state.kv import KeyValue, LocalKeyValue

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LastResult:
    """What a user saw last: a query (kind + text) or a fixed list of agreement ids."""

    kind: str  # keyboards.REGION/PARTNER/SEARCH/RECENT, or "ids"
    query: str = ""
    ids: tuple[int, ...] = field(default=())
    title: str = ""

    def dumps(self) -> str:
        return json.dumps({"k": self.kind, "q": self.query, "i": list(self.ids), "t": self.title})

    @classmethod
    def loads(cls, raw: str) -> LastResult:
        data = json.loads(raw)
        return cls(kind=data["k"], query=data.get("q", ""), ids=tuple(data.get("i", ())), title=data.get("t", ""))


class LastResults:
    """user id -> LastResult: a bounded LRU by default, or any `KeyValue` (Redis) shared by instances."""

    TTL = 7 * 24 * 3600.0  # in Redis: /export a week later asks to repeat the query

    def __init__(self, kv: KeyValue | None = None, capacity: int = 50_000) -> None:
        self.kv = kv if kv is not None else LocalKeyValue(capacity)

    async def set(self, user_id: int, result: LastResult) -> None:
        """Remember `result`; best effort: a failing store costs /export its memory, not the answer."""
        try:
            await self.kv.set(str(user_id), result.dumps(), self.TTL)
        except Exception:
            log.warning("could not remember the last result of %s", user_id, exc_info=True)

    async def get(self, user_id: int) -> LastResult | None:
        raw = await self.kv.get(str(user_id))
        return LastResult.loads(raw) if raw is not None else None
