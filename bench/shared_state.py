"""What sharing state through Redis costs an update: the operations a lookup does on the shared state.

For each of flood control's `take`, a stored query's `put` + `get` (a paging button) and a last result's
`set` + `get` (/export), `--ops` sequential round trips on the in-process default and on the real Redis
(`--redis`, a key prefix of its own, deleted afterwards); the in-process figures are the baseline of the
same run. Reported: microseconds per operation and the ratio Redis / in-process. The last line is one
JSON object of the figures.

    .venv/bin/python bench/shared_state.py [--ops 2000] [--redis redis://127.0.0.1:6379/14]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from shared_state import SharedState, open_shared_state  # noqa: E402
from shared_state.last_results import LastResult, LastResults  # noqa: E402
from views.keyboards import QueryStore  # noqa: E402


async def _per_op_us(ops: int, step: Callable[[int], Awaitable[object]]) -> float:
    for i in range(min(50, ops)):  # connections opened, scripts loaded
        await step(i)
    start = time.perf_counter()
    for i in range(ops):
        await step(i)
    return round((time.perf_counter() - start) / ops * 1e6, 1)


async def measure(state: SharedState, ops: int) -> dict[str, float]:
    buckets = state.buckets(1_000_000, 1_000_000.0)  # never refuses: every take is a full round
    queries = QueryStore(state.kv("q", ttl=60))
    results = LastResults(state.kv("last", ttl=60))

    async def take(i: int) -> object:
        return await buckets.take(i % 500)

    async def page_button(i: int) -> object:
        key = await queries.put(f"Ханты-Мансийский автономный округ — Югра: запрос {i}")
        return await queries.get(key)

    async def export(i: int) -> object:
        await results.set(i % 500, LastResult(kind="r", query=f"Калужская {i}"))
        return await results.get(i % 500)

    return {
        "throttle_us": await _per_op_us(ops, take),
        "query_store_us": await _per_op_us(ops, page_button),
        "last_result_us": await _per_op_us(ops, export),
    }


async def main_async(args: argparse.Namespace) -> dict[str, float | int]:
    local = await measure(SharedState(), args.ops)
    prefix = f"bench{uuid.uuid4().hex[:8]}:"
    shared = open_shared_state(args.redis, prefix)
    try:
        redis = await measure(shared, args.ops)
        assert shared.redis is not None
        async for key in shared.redis.scan_iter(match=prefix + "*"):
            await shared.redis.delete(key)
    finally:
        await shared.close()
    figures: dict[str, float | int] = {"ops": args.ops}
    for name in local:
        ratio = redis[name] / local[name] if local[name] else float("inf")
        print(f"{name[:-3]:>13}: in-process {local[name]:8.1f} µs, Redis {redis[name]:8.1f} µs, ratio {ratio:6.1f}")
        figures[f"local_{name}"] = local[name]
        figures[f"redis_{name}"] = redis[name]
        figures[f"ratio_{name[:-3]}"] = round(ratio, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main_async(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
