"""Per-client request limits (the chat API, agents' sign-in), shared by every worker when Redis is configured.

A fixed one-minute window per client: simple, and the counter is one Redis key
with an expiry, so several `faqbot serve` workers see the same count.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets


class RateLimiter(Protocol):
    def hit(self, key: str) -> Verdict: ...

    def peek(self, key: str) -> Verdict: ...  # the verdict a hit would have had, without counting one


@dataclass
class MemoryLimiter:
    """One process's counters: right for a single worker, or when no Redis is set."""

    per_minute: int
    clock: callable = time.time
    _counts: dict[tuple[str, int], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, key: str) -> Verdict:
        now = self.clock()
        window = int(now // 60)
        with self._lock:
            if len(self._counts) > 10_000:  # forget old windows
                self._counts = {k: v for k, v in self._counts.items() if k[1] == window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
        return Verdict(count <= self.per_minute, max(1, int(60 - now % 60)))

    def peek(self, key: str) -> Verdict:
        now = self.clock()
        with self._lock:
            count = self._counts.get((key, int(now // 60)), 0)
        return Verdict(count < self.per_minute, max(1, int(60 - now % 60)))


@dataclass
class RedisLimiter:
    per_minute: int
    url: str
    clock: callable = time.time
    _client: object = None

    def client(self):
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(self.url, socket_timeout=2)
        return self._client

    def hit(self, key: str) -> Verdict:
        now = self.clock()
        window = int(now // 60)
        name = f"faqbot:rate:{key}:{window}"
        pipe = self.client().pipeline()
        pipe.incr(name)
        pipe.expire(name, 120)
        count, _ = pipe.execute()
        return Verdict(int(count) <= self.per_minute, max(1, int(60 - now % 60)))

    def peek(self, key: str) -> Verdict:
        now = self.clock()
        count = self.client().get(f"faqbot:rate:{key}:{int(now // 60)}")
        return Verdict(int(count or 0) < self.per_minute, max(1, int(60 - now % 60)))


def make_limiter(per_minute: int, redis_url: str | None) -> RateLimiter:
    return RedisLimiter(per_minute, redis_url) if redis_url else MemoryLimiter(per_minute)
