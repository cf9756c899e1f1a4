"""Large pages: millions of rows at 100 Hz, and the page cache."""

from __future__ import annotations

import pytest

import runestream_sandbox as rs
from runestream_sandbox.cache import PageCache
from runestream_sandbox.operations import OPERATIONS_BY_PATH
from runestream_sandbox.service import handle

from ._helpers import DAY, T0, TOKEN_HEADERS, watch

HEADERS = {k.lower(): v for k, v in TOKEN_HEADERS.items()}


def _query(**extra: object) -> list[tuple[str, str]]:
    params = watch(start_time=T0, end_time=T0 + 8 * DAY, **extra)
    return [(k, str(v)) for k, v in params.items()]


def test_two_million_row_page_and_cache() -> None:
    settings = rs.SandboxSettings(accel_rate_hz=100)
    cache = PageCache(settings.cache_max_entries, settings.cache_max_bytes)
    op = OPERATIONS_BY_PATH["/v1/accel.csv"]
    page = handle(op, HEADERS, _query(), settings, cache)
    assert page.body.count(b"\n") == 2_000_001  # header + default page size
    assert "X-Rune-Next-Page-Token" in page.headers
    again = handle(op, HEADERS, _query(), settings, cache)
    assert again is page and cache.hits == 1
    token = page.headers["X-Rune-Next-Page-Token"]
    second = handle(op, HEADERS, [*_query(), ("next_page_token", token)], settings, cache)
    first_line = second.body.split(b"\n", 2)[1]
    last_line = page.body.rsplit(b"\n", 2)[1]
    assert float(first_line.split(b",")[0]) > float(last_line.split(b",")[0])


def test_cache_budget_evicts() -> None:
    cache = PageCache(max_entries=2, max_bytes=10_000)
    from runestream_sandbox.cache import CachedPage

    for i in range(3):
        cache.put(i, CachedPage(b"x" * 100, "text/csv"))
    assert cache.get(0) is None and cache.get(2) is not None
    assert cache.entries == 2 and cache.size_bytes == 200
    assert cache.stats() == {"hits": 1, "misses": 1, "entries": 2, "bytes": 200}
    cache.put("big", CachedPage(b"x" * 20_000, "text/csv"))
    assert cache.get("big") is None


@pytest.mark.parametrize("rate", [50.0, 100.0, 30.0])
def test_accel_rate_knob(rate: float) -> None:
    settings = rs.SandboxSettings(accel_rate_hz=rate)
    op = OPERATIONS_BY_PATH["/v1/accel.csv"]
    params = watch()
    query = [(k, str(v)) for k, v in params.items()]
    body = handle(op, HEADERS, query, settings, PageCache(0, 0)).body
    assert body.count(b"\n") - 1 == round(rate)
