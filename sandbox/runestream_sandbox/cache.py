"""A thread-safe LRU cache of rendered pages, bounded by entries and bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass
class CachedPage:
    """A rendered page: body, media type and extra headers (e.g. the next page token)."""

    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


class PageCache:
    """Least-recently-used pages; a hit moves the page to the young end."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> CachedPage | None:
        """The cached page, or ``None``."""
        with self._lock:
            page = self._items.get(key)
            if page is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: Hashable, page: CachedPage) -> None:
        """Store a page, evicting the oldest ones beyond the budgets."""
        size = len(page.body)
        if size > self.max_bytes or self.max_entries <= 0:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = page
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted.body)

    @property
    def entries(self) -> int:
        """Number of cached pages."""
        with self._lock:
            return len(self._items)

    @property
    def size_bytes(self) -> int:
        """Total size of the cached bodies."""
        with self._lock:
            return self._bytes

    def stats(self) -> dict[str, int]:
        """Counters for benchmarks: hits, misses, entries and bytes."""
        with self._lock:
            return {
                "hits": self.hits,
                "misses": self.misses,
                "entries": len(self._items),
                "bytes": self._bytes,
            }

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._items.clear()
            self._bytes = 0
