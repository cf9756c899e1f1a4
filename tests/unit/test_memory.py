"""Page bodies are freed as soon as they are used, without waiting for the garbage collector.

httpx binds every response to its stream (a reference cycle), so a page's body would otherwise
outlive its use until the cyclic collector happened to run. Every test here runs with the
collector disabled: anything that survives is a leak a long download would pay per page.
"""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
import weakref
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from runestream import V1Client

from ._fakes import make_client

PAGES = 12
ROW = b"1565304080.125,0.5,-0.25,0.75\n"
ROWS = 1 << 15  # ~1 MiB of CSV per page
PAGE_BYTES = len(ROW) * ROWS
WINDOW = {"patient_id": "p1", "device_id": "d1", "start_time": 1, "end_time": 2}


CSV_PAGE = b"time,x,y,z\n" + ROW * ROWS
JSON_PAGE = b'{"success": true, "result": {"x": "' + b"7" * PAGE_BYTES + b'"}}'


def big_pages(request: httpx.Request) -> httpx.Response:
    """``PAGES`` pages of ~1 MiB, each body a fresh object (nothing else keeps it alive)."""
    index = int(request.url.params.get("next_page_token", "0"))
    headers = {"Content-Type": "text/csv"}
    if index + 1 < PAGES:
        headers["X-Rune-Next-Page-Token"] = str(index + 1)
    template = JSON_PAGE if request.url.path.endswith(".json") else CSV_PAGE
    body = bytes(memoryview(template))  # a copy, allocated in one piece
    return httpx.Response(200, headers=headers, content=body)


@pytest.fixture
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off for the test (what is freed is freed by refcount)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def watch_responses(client: V1Client) -> list[weakref.ref[httpx.Response]]:
    """Weak references to every httpx response the client receives (sync and async)."""
    refs: list[weakref.ref[httpx.Response]] = []

    def hook(response: httpx.Response) -> None:
        refs.append(weakref.ref(response))

    async def async_hook(response: httpx.Response) -> None:
        refs.append(weakref.ref(response))

    generated = client.generated_client
    generated.get_httpx_client().event_hooks["response"].append(hook)
    generated.get_async_httpx_client().event_hooks["response"].append(async_hook)
    return refs


def alive(refs: list[weakref.ref[httpx.Response]]) -> int:
    return sum(ref() is not None for ref in refs)


def assert_bounded(pages_in_memory: float) -> None:
    """Traced memory now is small, and its peak was at most ``pages_in_memory`` page bodies.

    pyarrow's parse threads let go of the last page's buffer a moment after the parse returns
    (they need the GIL for it), so that moment is waited for; the collector stays off.
    """
    deadline = time.monotonic() + 5.0
    while tracemalloc.get_traced_memory()[0] >= PAGE_BYTES and time.monotonic() < deadline:
        time.sleep(0.001)
    current, peak = tracemalloc.get_traced_memory()
    assert current < PAGE_BYTES, f"{current / PAGE_BYTES:.1f} page bodies still alive"
    assert peak < pages_in_memory * PAGE_BYTES, f"peak {peak / PAGE_BYTES:.1f} page bodies"


@pytest.mark.usefixtures("no_gc")
def test_a_consumed_page_response_is_freed_at_once() -> None:
    client = make_client(big_pages)
    refs = watch_responses(client)
    pages = client.Accel(**WINDOW).pages("csv").iter_pages()
    for number, page in enumerate(pages, start=1):
        assert len(page.content) > PAGE_BYTES
        del page
        assert len(refs) == number
        assert alive(refs) == 0  # freed by refcount when the page was let go: no cycle left
    assert len(refs) == PAGES


@pytest.mark.usefixtures("no_gc", "traced")
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_paging_holds_one_page_at_a_time(fmt: str) -> None:
    client = make_client(big_pages)
    tracemalloc.reset_peak()
    count = 0
    for page in client.Accel(**WINDOW).pages(fmt).iter_pages():
        count += 1
        del page
    assert count == PAGES
    # One body, never all twelve; a JSON page is also decoded (its text and parsed value).
    assert_bounded(1.5 if fmt == "csv" else 3.5)


@pytest.mark.usefixtures("no_gc", "traced")
def test_async_paging_holds_one_page_at_a_time() -> None:
    client = make_client(big_pages)
    refs = watch_responses(client)

    async def consume() -> int:
        count = 0
        async for page in client.Accel(**WINDOW).async_pages("csv").iter_pages():
            count += 1
            del page
            assert alive(refs) == 0
        await client.aclose()
        return count

    tracemalloc.reset_peak()
    assert asyncio.run(consume()) == PAGES
    assert_bounded(1.5)


@pytest.mark.usefixtures("no_gc", "traced")
@pytest.mark.parametrize(
    ("method", "bodies"),
    [
        # Parquet asks for the next page once this one is parsed: one body at a time.
        ("to_parquet", 1.5),
        # The page being worked on and the next one (read ahead); the one before lingers until
        # pyarrow's parse threads drop the buffer they borrowed, which needs the GIL.
        ("to_csv", 3.5),
        ("iter_arrow", 3.5),
    ],
)
def test_streaming_outputs_do_not_grow_with_the_pages(
    tmp_path: Path, method: str, bodies: float
) -> None:
    client = make_client(big_pages)
    refs = watch_responses(client)
    accel = client.Accel(**WINDOW)
    tracemalloc.reset_peak()
    target = tmp_path / "out"
    rows = 0
    if method == "iter_arrow":
        for table in accel.iter_arrow():
            rows += table.num_rows
            del table
    else:
        getattr(accel, method)(target)
    assert len(refs) == PAGES and alive(refs) == 0
    assert_bounded(bodies)
    if method == "to_parquet":
        rows = pq.read_metadata(target).num_rows
    elif method == "to_csv":
        with target.open("rb") as lines:
            rows = sum(1 for _ in lines) - 1
    assert rows == PAGES * ROWS
