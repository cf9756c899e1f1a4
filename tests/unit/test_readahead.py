"""Read-ahead: the next page is requested while the current one is parsed, and nothing more."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from runestream import CSVParseError, ServerError
from runestream.core._readahead import read_ahead

from ._fakes import PagedServer, error_response, make_client, token_for

WAIT = 10.0  # seconds: only reached when something is broken
DEFAULTS = {"patient_id": "p1", "device_id": "d1", "start_time": 1, "end_time": 2}


def read_ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("runestream-read-ahead")]


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    assert read_ahead_threads() == []
    yield
    assert read_ahead_threads() == []


class Source:
    """Items 1..count, recording what was produced, by which thread; optionally failing."""

    def __init__(self, count: int, *, fail_at: int | None = None) -> None:
        self.count = count
        self.fail_at = fail_at
        self.started: list[int] = []
        self.threads: set[str] = set()
        self.closed = threading.Event()
        self.producing = {i: threading.Event() for i in range(1, count + 2)}

    def __iter__(self) -> Iterator[int]:
        try:
            for item in range(1, self.count + 1):
                self.started.append(item)
                self.threads.add(threading.current_thread().name)
                self.producing[item].set()
                if item == self.fail_at:
                    raise ValueError(f"item {item} failed")
                yield item
        finally:
            self.closed.set()


def settle() -> None:
    """Give a misbehaving producer the time to run ahead (it must not)."""
    time.sleep(0.05)


# --- read_ahead itself ---------------------------------------------------------------------------


def test_same_items_in_order_from_another_thread() -> None:
    source = Source(5)
    assert list(read_ahead(source)) == [1, 2, 3, 4, 5]
    assert source.threads == {"runestream-read-ahead"}
    assert source.closed.is_set()


def test_nothing_is_produced_before_the_first_next() -> None:
    source = Source(3)
    items = read_ahead(source)
    settle()
    assert source.started == []
    assert next(items) == 1
    items.close()


def test_the_next_item_is_produced_while_the_caller_works_on_this_one() -> None:
    source = Source(4)
    for item in read_ahead(source):
        if item < 4:  # item + 1 gets under way without the caller asking for it
            assert source.producing[item + 1].wait(WAIT)
            settle()
        assert source.started == list(range(1, min(item + 1, 4) + 1))  # never two ahead


def test_an_error_is_raised_in_order_after_the_items_before_it() -> None:
    source = Source(5, fail_at=3)
    seen: list[int] = []
    with pytest.raises(ValueError, match="item 3 failed"):
        for item in read_ahead(source):
            seen.append(item)
    assert seen == [1, 2]
    assert source.started == [1, 2, 3]


@pytest.mark.parametrize("how", ["close", "break", "raise"])
def test_abandoning_stops_the_thread_and_produces_nothing_more(how: str) -> None:
    source = Source(10)
    items = read_ahead(source)
    if how == "close":
        assert next(items) == 1
        assert source.producing[2].wait(WAIT)
        items.close()
    elif how == "break":
        for item in items:
            if item == 2:
                break
        del items
    else:
        with pytest.raises(KeyError):
            for item in read_ahead(source):
                if item == 2:
                    raise KeyError(item)
    assert read_ahead_threads() == []  # ended, not merely told to
    assert source.closed.is_set()
    settle()
    assert len(source.started) <= 3  # the item taken last, and at most the one in progress


def test_closing_waits_for_the_item_in_progress() -> None:
    in_progress = threading.Event()
    release = threading.Event()
    produced: list[int] = []

    def slow() -> Iterator[int]:
        yield 1
        in_progress.set()
        assert release.wait(WAIT)
        produced.append(2)
        yield 2
        produced.append(3)  # never: nothing after the item in progress
        yield 3

    items = read_ahead(slow())
    assert next(items) == 1
    assert in_progress.wait(WAIT)
    threading.Timer(0.05, release.set).start()
    items.close()
    assert produced == [2]


# --- the accessors: same requests, overlap, errors in order, early stop -------------------------


def csv_pages(count: int, rows: int = 3) -> list[bytes]:
    return [
        b"time,x\n" + b"".join(b"%d,%d\n" % (p * rows + r, r) for r in range(rows))
        for p in range(count)
    ]


def tokens_sent(server: PagedServer) -> list[str | None]:
    return [request.url.params.get("next_page_token") for request in server.requests]


@pytest.mark.parametrize(
    "consume",
    [
        lambda accel, tmp: accel.to_arrow().num_rows,
        lambda accel, tmp: len(accel.to_pandas()),
        lambda accel, tmp: sum(t.num_rows for t in accel.iter_arrow()),
        lambda accel, tmp: sum(1 for _ in accel.points()),
        lambda accel, tmp: pq.read_metadata(accel.to_parquet(tmp / "o.parquet")).num_rows,
        lambda accel, tmp: (accel.to_csv(tmp / "o.csv")).read_bytes().count(b"\n") - 1,
    ],
    ids=["to_arrow", "to_pandas", "iter_arrow", "points", "to_parquet", "to_csv"],
)
def test_same_rows_and_same_requests_as_paging_by_hand(
    tmp_path: Path, consume: Callable[[Any, Path], int]
) -> None:
    pages = csv_pages(6)
    by_hand = PagedServer(pages)
    list(make_client(by_hand).Accel(**DEFAULTS).pages("csv").iter_pages())
    server = PagedServer(pages)
    assert consume(make_client(server).Accel(**DEFAULTS), tmp_path) == 18
    assert [r.url for r in server.requests] == [r.url for r in by_hand.requests]
    assert tokens_sent(server) == [None, *(token_for(i) for i in range(1, 6))]


def test_the_next_page_is_received_while_the_caller_works_on_this_one() -> None:
    server = PagedServer(csv_pages(4))
    requested = {n: threading.Event() for n in range(1, 6)}

    def recording(request: httpx.Request) -> httpx.Response:
        response = server(request)
        requested[len(server.requests)].set()
        return response

    overlapped: list[int] = []
    rows = 0
    for number, table in enumerate(make_client(recording).Accel(**DEFAULTS).iter_arrow(), 1):
        rows += table.num_rows
        if number < 4 and requested[number + 1].wait(WAIT):
            overlapped.append(number)  # page N + 1 on its way while the caller holds page N
    assert rows == 12
    assert overlapped == [1, 2, 3]
    assert len(server.requests) == 4


def test_parquet_asks_for_the_next_page_once_this_one_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = PagedServer(csv_pages(4))
    real_write = pq.ParquetWriter.write_table
    at_write: list[int] = []

    def write_table(writer: pq.ParquetWriter, table: pa.Table, *args: Any, **kwargs: Any) -> None:
        settle()
        at_write.append(len(server.requests))
        real_write(writer, table, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", write_table)
    target = make_client(server).Accel(**DEFAULTS).to_parquet(tmp_path / "o.parquet")
    assert pq.read_metadata(target).num_rows == 12
    assert at_write == [1, 2, 3, 4]  # one page in memory: none requested during a write
    assert len(server.requests) == 4


def test_a_failed_page_is_raised_after_the_pages_before_it() -> None:
    pages: list[Any] = csv_pages(5)
    pages[3] = error_response(500, "page 4 exploded", "InternalError")
    server = PagedServer(pages)
    seen: list[float] = []
    with pytest.raises(ServerError, match="page 4 exploded"):
        for table in make_client(server).Accel(**DEFAULTS).iter_arrow():
            seen.append(table.column("time")[0].as_py())
    assert seen == [0.0, 3.0, 6.0]
    assert len(server.requests) == 4  # nothing after the failed page


def test_a_malformed_page_is_raised_after_the_rows_before_it() -> None:
    pages = csv_pages(4)
    pages[2] = b"time,x\n1,2,3\n"
    server = PagedServer(pages)
    rows: list[dict[str, Any]] = []
    with pytest.raises(CSVParseError, match="CSV page 3"):
        for row in make_client(server).Accel(**DEFAULTS).points():
            rows.append(row)
    assert len(rows) == 6
    assert len(server.requests) <= 4  # page 4 at most was already on its way


@pytest.mark.parametrize("how", ["close", "break"])
def test_leaving_iter_arrow_early_stops_requesting(how: str) -> None:
    server = PagedServer(csv_pages(10))
    tables = make_client(server).Accel(**DEFAULTS).iter_arrow()
    if how == "close":
        next(tables)
        tables.close()
    else:
        for _ in tables:
            break
        del tables
    assert read_ahead_threads() == []
    settle()
    assert len(server.requests) <= 2  # the page taken, and at most the one in flight


def test_an_error_in_the_writer_stops_the_read_ahead(tmp_path: Path) -> None:
    pages = csv_pages(8)
    pages[2] = b"time,y\n1,2\n"  # a column the Parquet file's schema does not have
    server = PagedServer(pages)
    with pytest.raises(CSVParseError, match="columns 'time,y' differ") as info:
        make_client(server).Accel(**DEFAULTS).to_parquet(tmp_path / "o.parquet")
    assert read_ahead_threads() == []  # while the traceback (and its frames) are still alive
    assert info.value is not None
    settle()
    assert len(server.requests) <= 4
    assert list(tmp_path.iterdir()) == []


def test_each_parallel_window_reads_ahead_and_stops() -> None:
    pages_per_chunk = 4

    def handler(request: httpx.Request) -> httpx.Response:
        start = float(request.url.params["start_time"])
        index = int(request.url.params.get("next_page_token", "0"))
        if start == 4.0 and index == 2:
            return error_response(500, "window 2 failed", "InternalError")
        headers = {}
        if index + 1 < pages_per_chunk:
            headers["X-Rune-Next-Page-Token"] = str(index + 1)
        body = b"time,x\n%d,%d\n" % (start * 100 + index, index)
        return httpx.Response(200, headers=headers, content=body)

    accel = make_client(handler).Accel(patient_id="p1", device_id="d1")
    table = accel.to_arrow(start_time=0, end_time=3, workers=3)
    assert table.column("time").to_pylist() == [
        float(c * 100 + i) for c in range(3) for i in range(pages_per_chunk)
    ]
    with pytest.raises(ServerError, match="window 2 failed"):
        accel.to_arrow(start_time=0, end_time=12, workers=3)
