"""runeq 0.18.1's own V2 stream functions and runestream's, side by side against the sandbox.

The same arguments go to ``runeq.resources.stream.<function>`` (runeq installed from the dev
extra, configured with ``runeq.initialize(..., stream_url=sandbox)``) and to
``runestream.Session(config).stream.<function>``; the results must be equal: the same pages
(CSV text byte for byte, JSON pages as equal dicts) and the same aggregate dicts.

Like is compared with like: times are unix seconds, nanoseconds or *aware* datetimes (runeq
reads a naive datetime as local time, runestream as UTC), and ``translate_enums`` is given as
a bool (runeq sends ``True``/``False``, runestream ``true``/``false``; the server reads both).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

import pytest
import runeq  # the dev extra pins runeq==0.18.1
import runeq.resources.stream as runeq_stream

import runestream
import runestream_sandbox as rs
from runestream import Config, Session

from ._runeq import runeq_against

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

ACCEL_X = rs.find_stream(device_id=rs.WATCH_ID, measurement="acceleration", axis="x")
ACCEL_Y = rs.find_stream(device_id=rs.WATCH_ID, measurement="acceleration", axis="y")
HEART = rs.find_stream(device_id=rs.WATCH_ID, measurement="heart_rate")
OTHER_HEART = rs.find_stream(device_id=rs.OTHER_WATCH_ID, measurement="heart_rate")
TREMOR = rs.find_stream(device_id=rs.WATCH_ID, measurement="tremor", severity="mild")
STIM = rs.find_stream(measurement="is_on", event="stimulation_state")  # an enum stream
DAY0 = int(rs.CATALOG.start_time)
MORNING = DAY0 + 8 * 3600  # the watch is worn
NS = 1_000_000_000
PAGE = 1_000  # points (or bins) per sandbox page, so a few seconds of 50 Hz data is pages


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer(rs.SandboxSettings(v2_page_size=PAGE)) as srv:
        yield srv


@pytest.fixture(scope="module")
def session(server: rs.SandboxServer) -> Iterator[Session]:
    config = Config(
        stream_url=server.url,
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
    )
    with Session(config) as s:
        yield s


@pytest.fixture(scope="module", autouse=True)
def runeq_initialized(
    server: rs.SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """runeq's global clients, pointed at the sandbox as a runeq user would."""
    with runeq_against(server.url, tmp_path_factory.mktemp("no-aws")):
        yield


def test_the_runeq_compared_is_0_18_1() -> None:
    assert version("runeq") == "0.18.1"


def _case_id(case: dict[str, Any]) -> str:
    return ",".join(f"{k}={str(v)[:12]}" for k, v in case.items())


def assert_same_pages(theirs: list[Any], ours: list[Any]) -> None:
    """Equal page for page, with a readable first difference."""
    assert [type(p) for p in ours] == [type(p) for p in theirs]
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    for i, (a, b) in enumerate(zip(theirs, ours, strict=True)):
        assert b == a, f"page {i} differs"


# -- get_stream_data ---------------------------------------------------------------------------

WINDOW = {"start_time": MORNING, "end_time": MORNING + 50}  # 2,500 points at 50 Hz: 3 pages
DATA_CASES: list[dict[str, Any]] = [
    {"stream_id": ACCEL_X.id, **WINDOW},
    {"stream_id": ACCEL_X.id, **WINDOW, "format": "json"},
    {"stream_id": ACCEL_X.id, **WINDOW, "timestamp": "unix"},
    {"stream_id": ACCEL_X.id, **WINDOW, "timestamp": "unixns", "format": "json"},
    {"stream_id": ACCEL_X.id, **WINDOW, "timestamp": "unixns"},
    {"stream_id": ACCEL_X.id, **WINDOW, "limit": 1_500},
    {"stream_id": ACCEL_X.id, **WINDOW, "limit": 1_500, "format": "json"},
    {"stream_id": ACCEL_X.id, **WINDOW, "limit": 999},
    {"stream_id": ACCEL_Y.id, **WINDOW, "timezone": -28_800},
    {"stream_id": ACCEL_Y.id, **WINDOW, "timezone_name": "America/Los_Angeles", "format": "json"},
    {"stream_id": ACCEL_Y.id, "start_time": MORNING + 0.5, "end_time": MORNING + 3.25},
    {
        "stream_id": ACCEL_X.id,
        "start_time_ns": MORNING * NS + 1,
        "end_time_ns": MORNING * NS + 40_000_001,
        "timestamp": "unixns",
    },
    {
        "stream_id": ACCEL_X.id,
        "start_time": datetime.fromtimestamp(MORNING, UTC),
        "end_time": datetime.fromtimestamp(MORNING + 30, UTC),
    },
    {"stream_id": HEART.id, "start_time": DAY0, "end_time": DAY0 + 2 * 86_400},
    {"stream_id": HEART.id, "start_time": DAY0, "end_time": DAY0 + 86_400, "format": "json"},
    {"stream_id": TREMOR.id, "start_time": DAY0, "end_time": DAY0 + 86_400, "timestamp": "unix"},
    {"stream_id": STIM.id, "start_time": DAY0, "end_time": DAY0 + 7 * 86_400},
    {"stream_id": STIM.id, "start_time": DAY0, "end_time": DAY0 + 7 * 86_400, "format": "json"},
    {
        "stream_id": STIM.id,
        "start_time": DAY0,
        "end_time": DAY0 + 7 * 86_400,
        "translate_enums": False,
    },
    {
        "stream_id": STIM.id,
        "start_time": DAY0,
        "end_time": DAY0 + 7 * 86_400,
        "translate_enums": False,
        "format": "json",
    },
]


@pytest.mark.parametrize("case", DATA_CASES, ids=[_case_id(c) for c in DATA_CASES])
def test_get_stream_data_pages_equal_runeqs(session: Session, case: dict[str, Any]) -> None:
    theirs = list(runeq_stream.get_stream_data(**case))
    ours = list(session.stream.get_stream_data(**case))
    assert theirs, "runeq returned no pages"
    assert_same_pages(theirs, ours)


def test_the_windows_above_span_several_pages(session: Session) -> None:
    """Guards the cases: a full window is 3 pages, a limit of 1,500 is 2, so paging is compared."""
    assert len(list(runeq_stream.get_stream_data(ACCEL_X.id, **WINDOW))) == 3
    assert len(list(runeq_stream.get_stream_data(ACCEL_X.id, **WINDOW, limit=1_500))) == 2


def test_resuming_from_a_page_token_equals_runeqs(session: Session) -> None:
    first = runeq.resources.client.global_stream_client().get(
        f"/v2/streams/{ACCEL_X.id}", dict(WINDOW)
    )
    token = first.headers["X-Rune-Next-Page-Token"]
    theirs = list(runeq_stream.get_stream_data(ACCEL_X.id, **WINDOW, page_token=token))
    ours = list(session.stream.get_stream_data(ACCEL_X.id, **WINDOW, page_token=token))
    assert len(theirs) == 2
    assert_same_pages(theirs, ours)


# -- get_stream_availability -------------------------------------------------------------------

WEEK = {"start_time": DAY0, "end_time": DAY0 + 7 * 86_400}  # 2,016 bins of 300 s: 3 pages
AVAILABILITY_CASES: list[dict[str, Any]] = [
    {"stream_ids": HEART.id, "start_time": DAY0, "end_time": DAY0 + 86_400, "resolution": 3600},
    {"stream_ids": HEART.id, **WEEK, "resolution": 300},
    {"stream_ids": HEART.id, **WEEK, "resolution": 300, "format": "json", "timestamp": "unix"},
    {"stream_ids": HEART.id, **WEEK, "resolution": 300, "limit": 1_200},
    {"stream_ids": [HEART.id], **WEEK, "resolution": 3600, "timestamp": "unixns"},
    {"stream_ids": HEART.id, **WEEK, "resolution": 3600, "timezone": 3600},
    {
        "stream_ids": HEART.id,
        **WEEK,
        "resolution": 3600,
        "timezone_name": "Europe/Paris",
        "format": "json",
    },
    {
        "stream_ids": [HEART.id, OTHER_HEART.id],
        **WEEK,
        "resolution": 3600,
        "batch_operation": "any",
    },
    {
        "stream_ids": [HEART.id, OTHER_HEART.id],
        **WEEK,
        "resolution": 3600,
        "batch_operation": "all",
    },
    {
        "stream_ids": [HEART.id, OTHER_HEART.id, TREMOR.id],
        **WEEK,
        "resolution": 300,
        "batch_operation": "any",
        "format": "json",
    },
    {
        "stream_ids": (HEART.id, OTHER_HEART.id, TREMOR.id),  # given as an iterator
        **WEEK,
        "resolution": 300,
        "batch_operation": "all",
        "limit": 1_500,
    },
    {
        "stream_ids": [HEART.id, ACCEL_X.id],
        "start_time": datetime.fromtimestamp(DAY0, UTC),
        "end_time": datetime.fromtimestamp(DAY0 + 2 * 86_400, UTC),
        "resolution": 1800,
        "batch_operation": "all",
        "timestamp": "unix",
    },
]


@pytest.mark.parametrize("case", AVAILABILITY_CASES, ids=[_case_id(c) for c in AVAILABILITY_CASES])
def test_get_stream_availability_pages_equal_runeqs(session: Session, case: dict[str, Any]) -> None:
    def args() -> dict[str, Any]:
        ids = case["stream_ids"]
        return {**case, "stream_ids": iter(ids) if isinstance(ids, tuple) else ids}

    theirs = list(runeq_stream.get_stream_availability(**args()))
    ours = list(session.stream.get_stream_availability(**args()))
    assert theirs, "runeq returned no pages"
    assert_same_pages(theirs, ours)


def test_a_week_of_5_minute_bins_spans_several_pages() -> None:
    pages = list(runeq_stream.get_stream_availability(HEART.id, resolution=300, **WEEK))
    assert len(pages) == 3


# -- aggregates --------------------------------------------------------------------------------

DAILY_CASES: list[dict[str, Any]] = [
    {"stream_id": HEART.id, "start_time": DAY0, "resolution": 3600, "n_days": 2},
    {"stream_id": HEART.id, "start_time": DAY0 + 1800, "resolution": 1800, "n_days": 7},
    {"stream_id": OTHER_HEART.id, "start_time": DAY0, "resolution": 86_400, "n_days": 14},
    {
        "stream_id": TREMOR.id,
        "start_time": datetime.fromtimestamp(DAY0 + 86_400, UTC),
        "resolution": 900,
        "n_days": 3,
    },
]


@pytest.mark.parametrize("case", DAILY_CASES, ids=[_case_id(c) for c in DAILY_CASES])
def test_get_stream_daily_aggregate_equals_runeqs(session: Session, case: dict[str, Any]) -> None:
    theirs = runeq_stream.get_stream_daily_aggregate(**case)
    ours = session.stream.get_stream_daily_aggregate(**case)
    assert theirs["data"]["offset"], "empty aggregate"
    assert ours == theirs


WINDOW_CASES: list[dict[str, Any]] = [
    {"start_time": MORNING, "end_time": MORNING + 3600, "resolution": 600},
    {"start_time": MORNING, "end_time": MORNING + 3600, "resolution": 60, "timestamp": "unix"},
    {"start_time": DAY0, "end_time": DAY0 + 86_400, "resolution": 3600, "timestamp": "unixns"},
    {"start_time": DAY0, "end_time": DAY0 + 86_400, "resolution": 3600, "timezone": -18_000},
    {
        "start_time": DAY0,
        "end_time": DAY0 + 86_400,
        "resolution": 7200,
        "timezone_name": "Asia/Kolkata",
    },
    {
        "start_time": datetime.fromtimestamp(MORNING, UTC),
        "end_time": datetime.fromtimestamp(MORNING + 600, UTC),
        "resolution": 7,
    },
]


@pytest.mark.parametrize("function", ["sum", "mean"])
@pytest.mark.parametrize("stream", [HEART, TREMOR], ids=["heart_rate", "tremor"])
@pytest.mark.parametrize("case", WINDOW_CASES, ids=[_case_id(c) for c in WINDOW_CASES])
def test_get_stream_aggregate_window_equals_runeqs(
    session: Session, case: dict[str, Any], stream: rs.Stream, function: str
) -> None:
    theirs = runeq_stream.get_stream_aggregate_window(
        stream.id, aggregate_function=function, **case
    )
    ours = session.stream.get_stream_aggregate_window(
        stream.id,
        aggregate_function=function,  # type: ignore[arg-type]
        **case,
    )
    assert theirs["data"]["time"], "empty aggregate"
    assert ours == theirs


# -- runeq's global style ----------------------------------------------------------------------


def test_runestream_initialize_and_resources_stream_equal_runeqs(server: rs.SandboxServer) -> None:
    """The drop-in form: ``initialize`` + ``resources.stream`` with runeq's own keywords."""
    runestream.initialize(
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
        stream_url=server.url,
    )
    from runestream.resources import stream as ours

    assert_same_pages(
        list(runeq_stream.get_stream_data(ACCEL_X.id, **WINDOW, format="json")),
        list(ours.get_stream_data(ACCEL_X.id, **WINDOW, format="json")),
    )
    both = [HEART.id, OTHER_HEART.id]
    assert_same_pages(
        list(
            runeq_stream.get_stream_availability(
                both, resolution=3600, batch_operation="any", **WEEK
            )
        ),
        list(ours.get_stream_availability(both, resolution=3600, batch_operation="any", **WEEK)),
    )
    assert ours.get_stream_daily_aggregate(
        HEART.id, DAY0, 3600, 3
    ) == runeq_stream.get_stream_daily_aggregate(HEART.id, DAY0, 3600, 3)
    assert ours.get_stream_aggregate_window(
        HEART.id, MORNING, MORNING + 3600, 300, "sum"
    ) == runeq_stream.get_stream_aggregate_window(HEART.id, MORNING, MORNING + 3600, 300, "sum")
