"""Batch availability beyond ``max_batch_ids``: the split, the combining rule, the option.

A fake V2 server (``httpx.MockTransport``) knows each stream's 0/1 bins and answers both
availability endpoints with any/all over the ids it is sent, paged by 2 bins; the chunked
answer must equal the one-request answer page for page.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from urllib.parse import parse_qsl

import httpx
import pytest

import runestream
from runestream import APIError, NotFoundError, Session, ValidationError
from runestream.v2._batch import (
    BinGrid,
    ChunkPages,
    combine_bins,
    combine_pages,
    read_chunk,
    split_ids,
)

T0 = 1690848000.0
RES = 3600
N_BINS = 7
T1 = T0 + (N_BINS - 1) * RES + 1800  # the last bin is half a bin
IDS = [f"{k:064x}" for k in range(1, 9)]
rng = random.Random(12)
BITS = {sid: [rng.randint(0, 1) for _ in range(N_BINS)] for sid in IDS}
BITS[IDS[0]] = [1] * N_BINS  # any over a chunk holding it is all ones
BITS[IDS[-1]] = [0] * N_BINS  # all over a chunk holding it is all zeros


class FakeV2:
    """Both availability endpoints over ``BITS``; records requests; optional random delays."""

    def __init__(self, max_ids: int | None = None, jitter: float = 0.0) -> None:
        self.max_ids = max_ids
        self.jitter = jitter
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
        if self.jitter:
            time.sleep(random.random() * self.jitter)
        q = parse_qsl(request.url.query.decode())
        params = dict(q)
        if request.url.path == "/v2/batch/availability":
            ids = [v for k, v in q if k == "stream_id"]
            op = params["batch_operation"]
        else:
            ids = [request.url.path.split("/")[3]]
            op = "any"
        if self.max_ids is not None and len(ids) > self.max_ids:
            body = {"error": {"type": "BadRequest", "message": f"at most {self.max_ids} ids"}}
            return httpx.Response(400, json=body)
        if any(sid not in BITS for sid in ids):
            return httpx.Response(404, json={"error": {"type": "NotFound", "message": "no"}})
        pick = max if op == "any" else min
        bins = [pick(BITS[s][k] for s in ids) for k in range(N_BINS)]
        limit = int(params.get("limit", 0)) or N_BINS
        start = int(params.get("page_token", 0))
        stop = min(start + 2, limit, N_BINS)
        headers = {"X-Rune-Next-Page-Token": str(stop)} if stop < min(limit, N_BINS) else {}
        seconds = [int(T0) + k * RES for k in range(start, stop)]
        times: list[object] = {
            "unixns": [t * 1_000_000_000 for t in seconds],
            "unix": seconds,
        }.get(params.get("timestamp", ""), [f"{t}Z" for t in seconds])
        values = bins[start:stop]
        if params.get("format") == "json":
            grid = BinGrid(Fraction(T0), Fraction(T1), RES)
            body = {
                "approx_available_duration_s": grid.covered_seconds(start, values),
                "cardinality": len(times),
                "data": {"time": times, "availability": values},
            }
            return httpx.Response(200, content=json.dumps(body).encode(), headers=headers)
        text = "time,availability\n" + "".join(
            f"{t},{v}\n" for t, v in zip(times, values, strict=True)
        )
        return httpx.Response(200, text=text, headers={"content-type": "text/csv", **headers})


@pytest.fixture
def make_session(config: runestream.Config) -> Iterator[Callable[..., Session]]:
    sessions: list[Session] = []

    def make(server: FakeV2, **options: object) -> Session:
        session = Session(config, transport=httpx.MockTransport(server), **options)  # type: ignore[arg-type]
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


# --- the pure pieces -----------------------------------------------------------------------------


def test_split_is_balanced_and_keeps_order() -> None:
    assert split_ids(list("abcdefg"), 3) == [["a", "b", "c"], ["d", "e"], ["f", "g"]]
    assert split_ids(list("abcdef"), 3) == [["a", "b", "c"], ["d", "e", "f"]]
    assert split_ids(list("ab"), 3) == [["a", "b"]]
    assert split_ids(list("abc"), 1) == [["a"], ["b"], ["c"]]
    with pytest.raises(ValueError):
        split_ids(["a"], 0)


def test_combining_rule_any_is_or_all_is_and() -> None:
    columns = [[0, 0, 1, 1], [0, 1, 0, 1]]
    assert combine_bins(columns, "any") == [0, 1, 1, 1]
    assert combine_bins(columns, "all") == [0, 0, 0, 1]
    assert combine_bins([[1, 0]], "all") == [1, 0]
    with pytest.raises(ValueError, match="different numbers"):
        combine_bins([[1], [1, 0]], "any")
    with pytest.raises(ValueError, match="unknown"):
        combine_bins(columns, "xor")


def test_the_last_bin_is_clipped_to_end_time() -> None:
    grid = BinGrid(Fraction(0), Fraction(5400), 3600)
    assert grid.covered_seconds(0, [1, 1]) == 5400.0
    assert grid.covered_seconds(1, [1]) == 1800.0
    assert grid.covered_seconds(0, [0, 1]) == 1800.0


def test_chunks_that_disagree_on_bins_are_an_api_error() -> None:
    grid = BinGrid(Fraction(0), Fraction(7200), 3600)
    a = read_chunk(["time,availability\n0,1\n3600,0\n"])
    b = read_chunk(["time,availability\n0,1\n3601,0\n"])
    c = read_chunk(["time,availability\n0,1\n"])
    with pytest.raises(APIError, match="differ"):
        combine_pages([a, b], "any", grid)
    with pytest.raises(APIError, match="bins"):
        combine_pages([a, c], "any", grid)


@pytest.mark.parametrize(
    "page",
    ["time,x\n0,1\n", "time,availability\n0,2\n", {"data": {"time": [0]}}, {"cardinality": 1}],
)
def test_a_page_that_is_not_availability_is_an_api_error(page: object) -> None:
    with pytest.raises(APIError, match="cannot be combined"):
        read_chunk([page])  # type: ignore[list-item]


def test_combined_csv_keeps_header_line_ending_and_the_first_chunks_paging() -> None:
    grid = BinGrid(Fraction(0), Fraction(10800), 3600)
    a = read_chunk(["time,availability\r\n0,1\r\n3600,0\r\n", "time,availability\r\n7200,0\r\n"])
    b = read_chunk(["time,availability\r\n0,0\r\n", "time,availability\r\n3600,1\r\n7200,0\r\n"])
    assert isinstance(a, ChunkPages) and a.sizes == [2, 1]
    assert combine_pages([a, b], "any", grid) == [
        "time,availability\r\n0,1\r\n3600,1\r\n",
        "time,availability\r\n7200,0\r\n",
    ]


# --- through the session -------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["any", "all"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("limit", [None, 3])
@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_chunked_equals_one_request(
    make_session: Callable[..., Session], operation: str, fmt: str, limit: int | None, size: int
) -> None:
    whole = make_session(FakeV2(), max_batch_ids=None)
    chunked_server = FakeV2(max_ids=size)
    chunked = make_session(chunked_server, max_batch_ids=size)
    args = (IDS, T0, T1, RES, operation, fmt, limit)
    expected = list(whole.stream.get_stream_availability(*args))
    assert list(chunked.stream.get_stream_availability(*args)) == expected
    chunks = -(-len(IDS) // size)
    pages_per_chunk = -(-(limit or N_BINS) // 2)
    assert len(chunked_server.requests) == chunks * pages_per_chunk


def test_concurrent_fetching_equals_sequential(config: runestream.Config) -> None:
    expected = None
    for _ in range(5):
        with Session(
            config, transport=httpx.MockTransport(FakeV2(jitter=0.01)), max_batch_ids=2
        ) as s:
            got = list(s.stream.get_stream_availability(IDS, T0, T1, RES, "all", "json"))
        with Session(
            config, transport=httpx.MockTransport(FakeV2()), max_batch_ids=2, batch_workers=1
        ) as s:
            sequential = list(s.stream.get_stream_availability(IDS, T0, T1, RES, "all", "json"))
        assert got == sequential
        expected = expected or got
        assert got == expected


def test_the_first_failing_chunk_raises(make_session: Callable[..., Session]) -> None:
    session = make_session(FakeV2(), max_batch_ids=2)
    ids = [*IDS[:4], "f" * 64, *IDS[4:]]
    with pytest.raises(NotFoundError):
        list(session.stream.get_stream_availability(ids, T0, T1, RES, "any"))


def test_nothing_is_fetched_before_iteration(make_session: Callable[..., Session]) -> None:
    server = FakeV2()
    pages = make_session(server, max_batch_ids=2).stream.get_stream_availability(
        IDS, T0, T1, RES, "any"
    )
    assert server.requests == []
    assert len(list(pages)) == 4


def test_availability_table(make_session: Callable[..., Session]) -> None:
    session = make_session(FakeV2(max_ids=3), max_batch_ids=3)
    table = session.stream.availability(IDS, T0, T1, RES, "all")
    assert table.column_names == ["time", "availability"]
    assert str(table.schema.field("time").type) == "timestamp[ns, tz=UTC]"
    assert str(table.schema.field("availability").type) == "bool"
    assert table.column("availability").to_pylist() == [
        bool(min(BITS[s][k] for s in IDS)) for k in range(N_BINS)
    ]
    first = table.column("time")[0].value
    assert first == int(T0) * 1_000_000_000


# --- bad input sends nothing ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -1, True, 2.5, "3"])
def test_max_batch_ids_is_validated(config: runestream.Config, value: object) -> None:
    with pytest.raises(ValidationError, match="max_batch_ids") as caught:
        Session(config, transport=httpx.MockTransport(FakeV2()), max_batch_ids=value)  # type: ignore[arg-type]
    assert caught.value.parameter == "max_batch_ids"


@pytest.mark.parametrize("value", [0, -1, True, 2.5, "3", 11])
def test_batch_workers_is_validated(config: runestream.Config, value: object) -> None:
    with pytest.raises(ValidationError, match="batch_workers") as caught:
        Session(config, transport=httpx.MockTransport(FakeV2()), batch_workers=value)  # type: ignore[arg-type]
    assert caught.value.parameter == "batch_workers"


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_batch_workers_bounds_the_chunks_in_flight(config: runestream.Config, workers: int) -> None:
    in_flight = 0
    most = 0
    lock = threading.Lock()
    fake = FakeV2()

    def counting(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        try:
            time.sleep(0.02)
            return fake(request)
        finally:
            with lock:
                in_flight -= 1

    transport = httpx.MockTransport(counting)
    with Session(config, transport=transport, max_batch_ids=1, batch_workers=workers) as s:
        assert s.stream.batch_workers == workers
        list(s.stream.get_stream_availability(IDS, T0, T1, RES, "any"))
    assert most == min(workers, len(IDS))


def test_page_token_with_chunking_is_refused_before_any_request(
    make_session: Callable[..., Session],
) -> None:
    server = FakeV2()
    stream = make_session(server, max_batch_ids=3).stream
    with pytest.raises(ValidationError, match="page_token") as caught:
        stream.get_stream_availability(IDS, T0, T1, RES, "any", page_token="2")
    assert caught.value.parameter == "page_token"
    # within the limit a page token still resumes
    assert (
        len(list(stream.get_stream_availability(IDS[:3], T0, T1, RES, "any", page_token="2"))) == 3
    )
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda s: s.availability(IDS, T0, T1, RES), "batch_operation"),
        (lambda s: s.availability(IDS, T0, T1, 60, "any"), "resolution"),
        (lambda s: s.availability([], T0, T1, RES, "any"), "stream_ids"),
        (lambda s: s.availability(IDS, T1, T0, RES, "any"), "start_time"),
        (lambda s: s.availability(IDS, T0, T1, RES, "some"), "batch_operation"),
        (lambda s: s.availability(IDS, T0, T1, RES, "any", limit=-1), "limit"),
        (lambda s: s.get_stream_availability(IDS, T0, T1, RES, "nor"), "batch_operation"),
    ],
)
def test_bad_input_sends_no_request(
    make_session: Callable[..., Session], call: Callable[..., object], parameter: str
) -> None:
    server = FakeV2()
    with pytest.raises(ValidationError) as caught:
        call(make_session(server, max_batch_ids=2).stream)
    assert caught.value.parameter == parameter
    assert server.requests == []
