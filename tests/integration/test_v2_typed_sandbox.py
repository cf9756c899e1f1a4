"""The typed V2 paths against the live sandbox over real HTTP on 127.0.0.1.

Against the runeq-style page functions of the same session: every row once, exact nanoseconds,
dimension values equal to the JSON pages', faults retried without a row lost or repeated,
several streams fetched concurrently equal to one after another, files equal to the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import runestream_sandbox as rs
from runestream import Config, RetryPolicy, Session

pytestmark = [pytest.mark.allow_hosts(["127.0.0.1"])]

AXES = [
    rs.find_stream(device_id=rs.WATCH_ID, measurement="acceleration", axis=axis)
    for axis in ("x", "y", "z")
]
HEART = rs.find_stream(device_id=rs.WATCH_ID, measurement="heart_rate")
MORNING = rs.CATALOG.start_time + 8 * 3600  # the watch is worn
NS = 1_000_000_000


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer(rs.SandboxSettings(v2_page_size=1_000)) as srv:
        yield srv


@pytest.fixture
def session(server: rs.SandboxServer) -> Iterator[Session]:
    policy = RetryPolicy(max_attempts=4, initial_backoff=0.01, max_backoff=0.05, retry_after_cap=2)
    config = Config(
        stream_url=server.url,
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
    )
    with Session(config, retry_policy=policy) as s:
        yield s


def json_columns(session: Session, stream_id: str, **window: float) -> dict[str, list[object]]:
    columns: dict[str, list[object]] = {}
    pages = session.stream.get_stream_data(stream_id, format="json", timestamp="unixns", **window)
    for page in pages:
        assert isinstance(page, dict)
        for name, values in page["data"].items():
            columns.setdefault(name, []).extend(values)
    return columns


def test_every_row_once_with_the_json_pages_values_and_exact_times(session: Session) -> None:
    window = {"start_time": MORNING, "end_time": MORNING + 50}
    table = session.stream.to_arrow(AXES[0].id, **window)
    expected = json_columns(session, AXES[0].id, **window)
    assert table.num_rows == 2_500  # three pages of 1,000 rows
    assert table.column("time").cast(pa.int64()).to_pylist() == expected["time"]
    assert table.column("acceleration").to_pylist() == expected["acceleration"]
    assert (
        table.column("measurement_duration_ns").to_pylist() == expected["measurement_duration_ns"]
    )


def test_nanosecond_bounds_and_times_are_exact(session: Session) -> None:
    start_ns = int(MORNING) * NS
    table = session.stream.to_arrow(
        AXES[0].id, start_time_ns=start_ns + 1, end_time_ns=start_ns + 40_000_001
    )
    assert table.column("time").cast(pa.int64()).to_pylist() == [
        start_ns + 20_000_000,
        start_ns + 40_000_000,
    ]


def test_integer_dimensions_are_int64(session: Session) -> None:
    table = session.stream.to_arrow(HEART.id, MORNING, MORNING + 3600)
    assert table.schema.field("heart_rate").type == pa.int64()
    assert table.num_rows == 720


@pytest.mark.parametrize(
    "rule",
    [
        rs.FaultRule(kind="drop", skip=1, count=1, path="/v2/streams/*"),
        rs.FaultRule(kind="503", skip=2, count=1, path="/v2/streams/*"),
    ],
    ids=["drop-page-2", "503-page-3"],
)
def test_faults_are_retried_without_a_row_lost_or_repeated(
    server: rs.SandboxServer, session: Session, rule: rs.FaultRule
) -> None:
    window = {"start_time": MORNING, "end_time": MORNING + 50}
    expected = session.stream.to_arrow(AXES[0].id, **window)
    server.app.state.faults.clear()
    server.app.state.faults.add(rule)
    try:
        table = session.stream.to_arrow(AXES[0].id, **window)
    finally:
        server.app.state.faults.clear()
    assert table.equals(expected)


def test_concurrent_streams_equal_sequential_and_files_equal_the_table(
    session: Session, tmp_path: Path
) -> None:
    ids = [s.id for s in AXES] + [HEART.id]
    window = {"start_time": MORNING, "end_time": MORNING + 120}
    sequential = session.stream.to_arrow(ids, **window)
    parallel = session.stream.to_arrow(ids, workers=4, **window)
    assert parallel.equals(sequential)
    assert sequential.column("stream_id").to_pylist() == (
        [AXES[0].id] * 6_000 + [AXES[1].id] * 6_000 + [AXES[2].id] * 6_000 + [HEART.id] * 24
    )
    path = session.stream.to_parquet(tmp_path / "four.parquet", ids, workers=4, **window)
    assert pq.read_table(path).equals(sequential)
    assert [p.name for p in tmp_path.iterdir()] == ["four.parquet"]
