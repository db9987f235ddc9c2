"""Token buckets per user (flood control of commands): in-process by default, in Redis when shared.

`take(user_id)` answers (allowed, notify): whether the update may pass, and, when it may not, whether
this is the first refusal since the notice's cooldown (the user gets one notice, then silence).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis


class TokenBuckets(Protocol):
    burst: int
    rate: float
    cooldown: float

    async def take(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, notify) for one update of `user_id`."""
        ...


def cooldown_for(burst: int, rate: float) -> float:
    """No second notice before the whole bucket has refilled (and never within 5 s)."""
    return max(5.0, burst / rate)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    notified_at: float = float("-inf")


class LocalTokenBuckets:
    """`TokenBuckets` in this process's memory; the table is a bounded LRU of users."""

    def __init__(self, burst: int = 5, rate: float = 1.0, capacity: int = 100_000) -> None:
        self.burst = max(1, burst)
        self.rate = max(0.01, rate)
        self.cooldown = cooldown_for(self.burst, self.rate)
        self.capacity = capacity
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    def allow(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """`take`, synchronously and at a given time (tests)."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(tokens=float(self.burst), stamp=now)
            if len(self._buckets) > self.capacity:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(user_id)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True, False
        notify = now - bucket.notified_at >= self.cooldown
        if notify:
            bucket.notified_at = now
        return False, notify

    async def take(self, user_id: int) -> tuple[bool, bool]:
        return self.allow(user_id)


# The same bucket as LocalTokenBuckets.allow, atomic in Redis and timed by Redis's own clock (the
# instances' clocks may differ). KEYS[1]: the user's hash; ARGV: burst, rate, cooldown, ttl (ms).
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cooldown = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'stamp', 'notified')
local tokens = tonumber(b[1])
local stamp = tonumber(b[2])
local notified = tonumber(b[3])
if tokens == nil or stamp == nil then
  tokens = burst
  stamp = now
end
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local allowed = 0
local notify = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
elseif notified == nil or now - notified >= cooldown then
  notify = 1
  notified = now
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
if notified ~= nil then
  redis.call('HSET', KEYS[1], 'notified', tostring(notified))
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {allowed, notify}
"""


class RedisTokenBuckets:
    """`TokenBuckets` shared by every instance: one Redis hash per user, updated by a Lua script."""

    def __init__(self, redis: Redis, prefix: str, burst: int = 5, rate: float = 1.0) -> None:
        self.redis = redis
        self.prefix = prefix
        self.burst = max(1, burst)
        self.rate = max(0.01, rate)
        self.cooldown = cooldown_for(self.burst, self.rate)
        # a bucket untouched this long is full again and past its cooldown: Redis may forget it
        self._ttl_ms = int(1000 * (max(self.cooldown, self.burst / self.rate) + 1))
        self._script = redis.register_script(_TAKE)

    async def take(self, user_id: int) -> tuple[bool, bool]:
        allowed, notify = await self._script(
            keys=[f"{self.prefix}{user_id}"], args=[self.burst, self.rate, self.cooldown, self._ttl_ms]
        )
        return bool(allowed), bool(notify)
