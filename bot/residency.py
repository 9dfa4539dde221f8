"""Which stores a process holds in memory: each loaded when first asked, dropped when idle too long or
when more are held than allowed (the least recently asked first).

Time is a number a caller passes in (the engine's injected monotonic clock, a test's counter): this
module never reads a clock, so a test drives hours of idleness without sleeping. Nothing runs in the
background either: idle stores are dropped when the process is next asked anything (`get`,
`loaded`), which is also when it would have needed the memory.

A store is loaded under its own lock: two first questions for one store load it once (the second
waits and takes the first's), and a slow load of one store never holds up another's questions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Limits:
    """idle_seconds: a store not asked for this long is dropped (0: never, for idleness).
    max_loaded: at most this many stores are held, the least recently asked dropped first (0: no cap)."""

    idle_seconds: float = 0.0
    max_loaded: int = 0

    def __post_init__(self) -> None:
        if self.idle_seconds < 0:
            raise ValueError(f"idle_seconds is {self.idle_seconds}: 0 (never drop an idle store) or more")
        if self.max_loaded < 0:
            raise ValueError(f"max_loaded is {self.max_loaded}: 0 (no cap) or more")


@dataclass(slots=True)
class Held(Generic[T]):
    value: T
    used: float  # when last asked for, on the caller's clock


class Residency(Generic[T]):
    """Values by store, least recently used first. `on_drop` hears of the stores dropped at once and
    why ("idle", "cap"), after they are let go: to log them and hand their memory back."""

    def __init__(self, limits: Limits, on_drop: Callable[[list[str], str], None] | None = None) -> None:
        self.limits = limits
        self._held: OrderedDict[str, Held[T]] = OrderedDict()
        self._loading: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts, never held while loading
        self._on_drop = on_drop

    def get(self, store: str, now: float) -> T | None:
        """The store's value if held, marked as asked for now; idle stores are dropped first."""
        with self._lock:
            dropped = self._drop_idle(now)
            held = self._held.get(store)
            if held is not None:
                held.used = max(held.used, now)
                self._held.move_to_end(store)
        self._report(dropped, "idle")
        return held.value if held is not None else None

    def load_lock(self, store: str) -> threading.Lock:
        """Held while the store loads: whoever takes it second finds the first one's value."""
        with self._lock:
            return self._loading.setdefault(store, threading.Lock())

    def put(self, store: str, value: T, now: float) -> None:
        """Hold a value just loaded; beyond the cap, the least recently asked stores are dropped."""
        with self._lock:
            self._held[store] = Held(value, now)
            self._held.move_to_end(store)
            dropped = []
            while self.limits.max_loaded and len(self._held) > self.limits.max_loaded:
                dropped.append(self._held.popitem(last=False)[0])
        self._report(dropped, "cap")

    def drop(self, store: str) -> None:
        with self._lock:
            self._held.pop(store, None)

    def loaded(self, now: float) -> list[str]:
        """The stores held, once the idle ones are dropped; least recently asked first."""
        with self._lock:
            dropped = self._drop_idle(now)
            names = list(self._held)
        self._report(dropped, "idle")
        return names

    def _drop_idle(self, now: float) -> list[str]:
        if not self.limits.idle_seconds:
            return []
        dropped = []
        while self._held:
            store, held = next(iter(self._held.items()))  # least recently asked first: stop at the first still in use
            if now - held.used <= self.limits.idle_seconds:
                break
            del self._held[store]
            dropped.append(store)
        return dropped

    def _report(self, dropped: list[str], why: str) -> None:
        if dropped and self._on_drop is not None:
            self._on_drop(dropped, why)
