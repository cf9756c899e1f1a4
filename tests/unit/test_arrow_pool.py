"""Arrow data is built in runestream's memory pool: jemalloc where pyarrow has it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from runestream.core import _csv, _csvstream, _memory
from runestream.core._memory import ARROW_POOL_ENV, arrow_memory_pool

from ._fakes import make_client

ROW = b"1565304080.125,0.5,-0.25,0.75\n"
ROWS = 1 << 16  # ~2 MiB of CSV per page: streamed, several parse blocks
PAGES = 3
WINDOW = {"patient_id": "p1", "device_id": "d1", "start_time": 1, "end_time": 2}
#: Every proxy pool a test made, kept for the whole run. A pyarrow buffer holds a raw pointer to
#: the pool it came from: a buffer freed after its test (by pyarrow's threads, a moment after a
#: parse, or by a later garbage collection) would otherwise free into a destroyed pool and crash
#: the process (seen as a segfault in a later test).
_POOLS_KEPT_ALIVE: list[pa.MemoryPool] = []


def pages(request: httpx.Request) -> httpx.Response:
    index = int(request.url.params.get("next_page_token", "0"))
    headers = {"Content-Type": "text/csv"}
    if index + 1 < PAGES:
        headers["X-Rune-Next-Page-Token"] = str(index + 1)
    return httpx.Response(200, headers=headers, content=b"time,x,y,z\n" + ROW * ROWS)


def has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


@pytest.fixture
def fresh_choice(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The pool chosen anew for the test, with ``ARROW_DEFAULT_MEMORY_POOL`` unset."""
    monkeypatch.delenv(ARROW_POOL_ENV, raising=False)
    arrow_memory_pool.cache_clear()
    try:
        yield monkeypatch
    finally:
        arrow_memory_pool.cache_clear()


@pytest.fixture
def proxy_pool(fresh_choice: pytest.MonkeyPatch) -> pa.MemoryPool:
    """A pool with its own statistics, chosen by ``arrow_memory_pool`` in place of jemalloc.

    Patched where the choice is made, so every call site of runestream's pool uses it.
    """
    pool = pa.proxy_memory_pool(pa.default_memory_pool())
    _POOLS_KEPT_ALIVE.append(pool)
    fresh_choice.setattr(_memory.pa, "jemalloc_memory_pool", lambda: pool)
    assert arrow_memory_pool() is pool
    return pool


@pytest.mark.skipif(not has_jemalloc(), reason="this pyarrow build has no jemalloc")
def test_jemalloc_is_chosen_when_pyarrow_has_it(fresh_choice: pytest.MonkeyPatch) -> None:
    assert arrow_memory_pool().backend_name == "jemalloc"
    assert arrow_memory_pool() is arrow_memory_pool()  # chosen once


def test_arrows_own_switch_wins(fresh_choice: pytest.MonkeyPatch) -> None:
    fresh_choice.setenv(ARROW_POOL_ENV, "system")
    assert arrow_memory_pool().backend_name == pa.default_memory_pool().backend_name


def test_a_build_without_jemalloc_falls_back_to_the_default(
    fresh_choice: pytest.MonkeyPatch,
) -> None:
    def missing() -> pa.MemoryPool:
        raise pa.ArrowNotImplementedError("This Arrow build does not enable jemalloc")

    fresh_choice.setattr(_memory.pa, "jemalloc_memory_pool", missing)
    assert arrow_memory_pool().backend_name == pa.default_memory_pool().backend_name


def test_to_pandas_builds_pages_and_frame_in_the_pool(proxy_pool: pa.MemoryPool) -> None:
    client = make_client(pages)
    table = client.Accel(**WINDOW).to_arrow()
    assert table.num_rows == PAGES * ROWS
    parsed = proxy_pool.bytes_allocated()
    assert parsed >= table.nbytes  # every column buffer of every page

    frame = client.Accel(**WINDOW).to_pandas()
    assert len(frame) == PAGES * ROWS
    assert frame["x"].iloc[-1] == 0.5
    # The frame's blocks come from the pool too (on top of what `table` still holds).
    assert proxy_pool.bytes_allocated() >= parsed + 4 * 8 * PAGES * ROWS


def test_a_mixed_page_is_cast_in_the_pool(proxy_pool: pa.MemoryPool) -> None:
    numbers = _csv.parse_csv_page(b"time,state\n1,2\n")
    text = _csv.parse_csv_page(b"time,state\n3,on\n")
    before = proxy_pool.bytes_allocated()
    table = _csv.concat_tables([numbers, text])
    assert table.column("state").to_pylist() == ["2", "on"]
    assert proxy_pool.bytes_allocated() > before


def test_to_parquet_writes_through_the_pool(proxy_pool: pa.MemoryPool, tmp_path: Path) -> None:
    path = make_client(pages).Accel(**WINDOW).to_parquet(tmp_path / "accel.parquet")
    assert pq.read_table(path).num_rows == PAGES * ROWS
    assert proxy_pool.max_memory() > 0
    assert proxy_pool.bytes_allocated() == 0  # nothing kept once the file is written


def test_parse_blocks_are_read_into_the_pool(proxy_pool: pa.MemoryPool) -> None:
    reader = _csvstream._ChunkReader(iter([b"time,x\n", b"1,2\n" * 1000]))
    block = reader.read_buffer(1 << 20)
    assert block.to_pybytes() == b"time,x\n" + b"1,2\n" * 1000
    assert proxy_pool.bytes_allocated() >= block.size
