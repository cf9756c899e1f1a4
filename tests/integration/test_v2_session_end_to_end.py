"""``Session.stream`` against the live sandbox's V2 API over real HTTP on 127.0.0.1.

Unit tests pin the wire with ``httpx.MockTransport``; these prove the same functions against the
sandbox's V2 service: pages followed to the end with every row once, ``limit`` across pages,
JSON and CSV pages holding the same rows, availability (one stream and a batch), both
aggregates, the V2 error envelope as the error tree, and injected faults retried.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

import runestream_sandbox as rs
from runestream import (
    AuthenticationError,
    Config,
    NotFoundError,
    RetryPolicy,
    Session,
    ValidationError,
)

pytestmark = [pytest.mark.allow_hosts(["127.0.0.1"])]

ACCEL_X = rs.find_stream(device_id=rs.WATCH_ID, measurement="acceleration", axis="x")
HEART = rs.find_stream(device_id=rs.WATCH_ID, measurement="heart_rate")
OTHER_HEART = rs.find_stream(device_id=rs.OTHER_WATCH_ID, measurement="heart_rate")
MORNING = rs.CATALOG.start_time + 8 * 3600  # the watch is worn
NS = 1_000_000_000


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer(rs.SandboxSettings(v2_page_size=1_000)) as srv:
        yield srv


def session_for(server: rs.SandboxServer, **config: Any) -> Session:
    credentials = config or {
        "access_token_id": rs.ACCESS_TOKEN_ID,
        "access_token_secret": rs.ACCESS_TOKEN_SECRET,
    }
    policy = RetryPolicy(max_attempts=4, initial_backoff=0.01, max_backoff=0.05, retry_after_cap=2)
    return Session(Config(stream_url=server.url, **credentials), retry_policy=policy)


@pytest.fixture
def session(server: rs.SandboxServer) -> Iterator[Session]:
    with session_for(server) as s:
        yield s


def records(pages: list[str]) -> list[list[str]]:
    """Data rows of CSV pages, each page's header checked equal to the first."""
    header = None
    rows: list[list[str]] = []
    for page in pages:
        table = list(csv.reader(io.StringIO(page)))
        assert header is None or table[0] == header
        header = table[0]
        rows.extend(table[1:])
    return rows


def test_csv_pages_are_followed_to_the_end_with_every_row_once(session: Session) -> None:
    pages = list(
        session.stream.get_stream_data(
            ACCEL_X.id, start_time=MORNING, end_time=MORNING + 50, timestamp="unixns"
        )
    )
    rows = records(pages)
    assert len(pages) == 3  # 2,500 rows at 50 Hz, 1,000 per page
    assert len(rows) == 2_500
    times = [int(r[0]) for r in rows]
    assert times == sorted(set(times))
    assert times[0] == int(MORNING) * NS
    assert times[-1] == int(MORNING + 50) * NS - 20_000_000  # end exclusive


def test_json_pages_hold_the_same_rows_as_csv(session: Session) -> None:
    window = {"start_time": MORNING, "end_time": MORNING + 30, "timestamp": "unixns"}
    csv_rows = records(list(session.stream.get_stream_data(ACCEL_X.id, **window)))
    json_pages = list(session.stream.get_stream_data(ACCEL_X.id, format="json", **window))
    assert all(isinstance(p, dict) for p in json_pages)
    times = [t for page in json_pages for t in page["data"]["time"]]  # type: ignore[index]
    assert times == [int(r[0]) for r in csv_rows]


def test_limit_counts_across_pages(session: Session) -> None:
    pages = list(
        session.stream.get_stream_data(
            ACCEL_X.id, start_time=MORNING, end_time=MORNING + 50, limit=1_500
        )
    )
    assert len(records(pages)) == 1_500
    assert len(pages) == 2


def test_nanosecond_bounds_are_exact(session: Session) -> None:
    start_ns = int(MORNING) * NS
    pages = session.stream.get_stream_data(
        ACCEL_X.id,
        start_time_ns=start_ns + 1,
        end_time_ns=start_ns + 40_000_001,
        timestamp="unixns",
    )
    assert [int(r[0]) for r in records(list(pages))] == [
        start_ns + 20_000_000,
        start_ns + 40_000_000,
    ]


def test_availability_one_stream_and_a_batch(session: Session) -> None:
    day = {"start_time": rs.CATALOG.start_time, "end_time": rs.CATALOG.start_time + 86_400}
    one = records(list(session.stream.get_stream_availability(HEART.id, resolution=3600, **day)))
    assert len(one) == 24
    assert {r[1] for r in one} <= {"0", "1"}
    both_any = records(
        list(
            session.stream.get_stream_availability(
                [HEART.id, OTHER_HEART.id], resolution=3600, batch_operation="any", **day
            )
        )
    )
    both_all = records(
        list(
            session.stream.get_stream_availability(
                [HEART.id, OTHER_HEART.id], resolution=3600, batch_operation="all", **day
            )
        )
    )
    assert len(both_any) == len(both_all) == 24
    for a, b, single in zip(both_any, both_all, one, strict=True):
        assert int(b[1]) <= int(single[1]) <= int(a[1])


def test_aggregates_return_the_json(session: Session) -> None:
    daily = session.stream.get_stream_daily_aggregate(HEART.id, rs.CATALOG.start_time, 3600, 2)
    assert len(daily["data"]["offset"]) == 24
    assert daily["data"]["offset"][:2] == ["00:00", "01:00"]
    window = session.stream.get_stream_aggregate_window(
        HEART.id, MORNING, MORNING + 3600, 600, "mean"
    )
    assert window["cardinality"] == len(window["data"]["time"]) == 6


def test_unknown_stream_is_not_found_with_the_servers_type(session: Session) -> None:
    with pytest.raises(NotFoundError) as caught:
        list(session.stream.get_stream_data("0" * 64, start_time=MORNING, end_time=MORNING + 1))
    assert caught.value.status_code == 404
    assert caught.value.error_type
    assert caught.value.message


def test_bad_credentials_are_an_authentication_error(server: rs.SandboxServer) -> None:
    with (
        session_for(
            server, access_token_id="nobody-123", access_token_secret="wrong-secret-456"
        ) as s,
        pytest.raises(AuthenticationError) as caught,
    ):
        s.stream.get_stream_daily_aggregate(HEART.id, MORNING, 3600, 1)
    assert caught.value.error_type == "InvalidAuthentication"


def test_bad_input_never_reaches_the_server(session: Session) -> None:
    with pytest.raises(ValidationError, match="resolution"):
        session.stream.get_stream_availability(HEART.id, MORNING, MORNING + 3600, 60)


@pytest.mark.parametrize(
    "rule",
    [
        rs.FaultRule(kind="503", skip=1, count=1, path="/v2/streams/*"),
        rs.FaultRule(kind="429", skip=1, count=1, path="/v2/streams/*", retry_after_s=0),
        rs.FaultRule(kind="drop", skip=1, count=1, path="/v2/streams/*"),
    ],
    ids=["503-on-page-2", "429-on-page-2", "drop-page-2"],
)
def test_faults_are_retried_and_give_identical_pages(
    server: rs.SandboxServer, session: Session, rule: rs.FaultRule
) -> None:
    window = {"start_time": MORNING, "end_time": MORNING + 50}
    expected = list(session.stream.get_stream_data(ACCEL_X.id, **window))
    server.app.state.faults.clear()
    server.app.state.faults.add(rule)
    try:
        pages = list(session.stream.get_stream_data(ACCEL_X.id, **window))
    finally:
        server.app.state.faults.clear()
    assert pages == expected


def test_a_jwt_config_authenticates(server: rs.SandboxServer) -> None:
    with session_for(server, jwt=rs.JWT) as s:
        daily = s.stream.get_stream_daily_aggregate(HEART.id, rs.CATALOG.start_time, 3600, 1)
    assert len(daily["data"]["offset"]) == 24
