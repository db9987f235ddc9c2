"""Small per-process stores: each user's last result (for /export)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LastResult:
    """What a user saw last: a query (kind + text) or a fixed list of agreement ids."""

    kind: str  # keyboards.REGION/PARTNER/SEARCH/RECENT, or "ids"
    query: str = ""
    ids: tuple[int, ...] = field(default=())
    title: str = ""


class LastResults:
    """user id -> LastResult, a bounded LRU (in memory; /export after a restart asks to repeat)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._items: OrderedDict[int, LastResult] = OrderedDict()
        self._capacity = capacity

    def set(self, user_id: int, result: LastResult) -> None:
        self._items[user_id] = result
        self._items.move_to_end(user_id)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def get(self, user_id: int) -> LastResult | None:
        return self._items.get(user_id)
