"""Per-client sliding-window rate limit, in memory: enough for one server process."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most `limit` hits per `window` seconds per identity; `limit <= 0` disables the limit."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def hit(self, identity: str) -> int | None:
        """Record a request; None if allowed, else the seconds to wait before the next one is."""
        if self.limit <= 0:
            return None
        now = self.clock()
        with self._lock:
            self._sweep(now)
            hits = self._hits.setdefault(identity, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return None

    def _sweep(self, now: float) -> None:
        """Forget idle clients now and then, so memory does not grow with every address ever seen."""
        if now - self._last_sweep < self.window:
            return
        self._last_sweep = now
        for identity in [i for i, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[identity]
