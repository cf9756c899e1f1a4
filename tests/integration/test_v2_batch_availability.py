"""Batch availability beyond the server's per-request limit, against two live sandboxes.

One sandbox takes at most 3 ``stream_id`` values per ``/v2/batch/availability`` request and is
queried by a session with ``max_batch_ids=3`` (so 7-8 ids go out as chunks and are combined
bin by bin); the other takes 1,000 and is queried in one request by an unlimited session. Both
page availability by 10 bins. Every page returned must be identical, for any/all, CSV/JSON and
every timestamp format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

import runestream_sandbox as rs
from runestream import APIError, Config, Session

pytestmark = [pytest.mark.allow_hosts(["127.0.0.1"])]

T0 = rs.CATALOG.start_time
WINDOW = {"start_time": T0, "end_time": T0 + 2 * 86_400 - 1_800, "resolution": 3600}

HEART = rs.find_stream(device_id=rs.WATCH_ID, measurement="heart_rate")
OTHER_HEART = rs.find_stream(device_id=rs.OTHER_WATCH_ID, measurement="heart_rate")
PHONE_X = rs.find_stream(device_id=rs.SPECIAL_DEVICE_ID, measurement="acceleration", axis="x")
LFP = rs.find_streams(device_id=rs.DBS_ID, measurement="lfp")
STIMULATION = rs.find_streams(device_id=rs.DBS_ID, event="stimulation_state")

#: Per operation, 7 ids whose combination has both 0 and 1 bins and differs from the first
#: chunk's (chunks of 3, 2, 2), so a wrong rule or a lost chunk shows.
SETS = {
    "any": [s.id for s in [HEART, OTHER_HEART, PHONE_X, *STIMULATION]],
    "all": [s.id for s in [*LFP, HEART, OTHER_HEART, PHONE_X]],
}


def _session(server: rs.SandboxServer, max_batch_ids: int | None) -> Session:
    config = Config(
        stream_url=server.url,
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
    )
    return Session(config, max_batch_ids=max_batch_ids)


@pytest.fixture(scope="module")
def chunked() -> Iterator[Session]:
    settings = rs.SandboxSettings(v2_page_size=10, v2_max_batch_ids=3)
    with rs.SandboxServer(settings) as srv, _session(srv, 3) as session:
        yield session


@pytest.fixture(scope="module")
def reference() -> Iterator[Session]:
    settings = rs.SandboxSettings(v2_page_size=10, v2_max_batch_ids=1_000)
    with rs.SandboxServer(settings) as srv, _session(srv, None) as session:
        yield session


@pytest.fixture(scope="module")
def limited_server_default_session() -> Iterator[Session]:
    settings = rs.SandboxServer(rs.SandboxSettings(v2_max_batch_ids=3))
    with settings as srv, _session(srv, 50) as session:
        yield session


def _bins(pages: list[Any]) -> list[int]:
    if isinstance(pages[0], dict):
        return [v for p in pages for v in p["data"]["availability"]]
    return [int(r[1]) for p in pages for r in list(csv.reader(io.StringIO(p)))[1:]]


def test_the_sets_are_larger_than_the_limit() -> None:
    assert [len(ids) for ids in SETS.values()] == [7, 7]


@pytest.mark.parametrize("operation", ["any", "all"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("timestamp", ["iso", "unix", "unixns"])
def test_chunked_pages_equal_one_unlimited_request(
    chunked: Session, reference: Session, operation: str, fmt: str, timestamp: str
) -> None:
    query = {"batch_operation": operation, "format": fmt, "timestamp": timestamp, **WINDOW}
    ids = SETS[operation]
    expected = list(reference.stream.get_stream_availability(ids, **query))
    got = list(chunked.stream.get_stream_availability(ids, **query))
    assert len(expected) == 5  # 48 bins (the last clipped), 10 per page: paging is exercised
    assert got == expected
    assert set(_bins(got)) == {0, 1}
    first_chunk = list(reference.stream.get_stream_availability(ids[:3], **query))
    assert _bins(first_chunk) != _bins(got)


@pytest.mark.parametrize("operation", ["any", "all"])
def test_timezone_and_limit_are_honoured_per_chunk(
    chunked: Session, reference: Session, operation: str
) -> None:
    query = {"batch_operation": operation, "timezone_name": "America/Los_Angeles", **WINDOW}
    for fmt in ("csv", "json"):
        for limit in (0, 7, 23):
            q = {**query, "format": fmt, "limit": limit}
            ids = SETS[operation]
            expected = list(reference.stream.get_stream_availability(ids, **q))
            assert list(chunked.stream.get_stream_availability(ids, **q)) == expected


def test_a_limit_of_one_id_per_request_uses_single_stream_queries(reference: Session) -> None:
    ids = SETS["all"]
    query = {"batch_operation": "all", "format": "json", **WINDOW}
    expected = list(reference.stream.get_stream_availability(ids, **query))
    reference.stream.max_batch_ids = 1
    try:
        got = list(reference.stream.get_stream_availability(ids, **query))
    finally:
        reference.stream.max_batch_ids = None
    assert got == expected


def test_without_chunking_the_limited_server_refuses(
    limited_server_default_session: Session,
) -> None:
    ids = SETS["any"]
    with pytest.raises(APIError, match="at most 3"):
        list(
            limited_server_default_session.stream.get_stream_availability(
                ids, batch_operation="any", **WINDOW
            )
        )


@pytest.mark.parametrize("operation", ["any", "all"])
def test_availability_table_equals_the_unlimited_json(
    chunked: Session, reference: Session, operation: str
) -> None:
    ids = SETS[operation]
    table = chunked.stream.availability(ids, batch_operation=operation, **WINDOW)
    pages = list(
        reference.stream.get_stream_availability(
            ids, batch_operation=operation, format="json", timestamp="unixns", **WINDOW
        )
    )
    assert table.schema == pa.schema(
        [("time", pa.timestamp("ns", tz="UTC")), ("availability", pa.bool_())]
    )
    times = [t for p in pages for t in p["data"]["time"]]
    assert table.column("time").cast(pa.int64()).to_pylist() == times
    assert table.column("availability").to_pylist() == [bool(v) for v in _bins(pages)]
    assert table.column("time").cast(pa.int64()).to_pylist()[0] == int(T0) * 1_000_000_000


def test_availability_table_of_one_stream(chunked: Session) -> None:
    table = chunked.stream.availability(HEART.id, **WINDOW, limit=5)
    assert table.num_rows == 5
    assert table.column("availability").type == pa.bool_()
