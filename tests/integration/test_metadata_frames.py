"""runestream's metadata data frames (``runestream._data_source.SessionDataSource``) against
runeq 0.18.1's own, both run against the same sandbox.

runeq's objects come from runeq's ``get_stream_metadata`` over the sandbox's GraphQL world;
runestream's are built with ``StreamMetadata.from_graphql`` from the very dicts runeq received
(``tests.unit._graph_dicts``), attached to a ``SessionDataSource`` over a session's ``stream``.
The V2 page size is small, so every stream crosses pages.

Compared: the frames' values and columns (pandas testing, exact), with runestream's
categorical metadata columns turned back into runeq's strings; then each deliberate difference
on the same input (column order of mixed sets, categorical metadata, typed empty results,
``page_token`` with several streams, ``timezone_name``, naive datetimes as UTC, an empty set),
and concurrency giving what a sequential fetch gives.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
import runeq
from runeq.resources import stream_metadata as runeq_streams

import runestream_sandbox as rs
from runestream import Config, Session, ValidationError
from runestream import objects as ro
from runestream._data_source import SessionDataSource
from runestream.v2 import paginator
from runestream_api.api.single_stream import get_stream_data as _data
from tests.unit import _graph_dicts as g

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

PAGE = 1_000
DAY0 = int(rs.CATALOG.start_time)
MORNING = DAY0 + 8 * 3600
ACCEL_X = rs.find_stream(device_id=rs.WATCH_ID, measurement="acceleration", axis="x").id
ACCEL_Y = rs.find_stream(device_id=rs.WATCH_ID, measurement="acceleration", axis="y").id
HEART = rs.find_stream(device_id=rs.WATCH_ID, measurement="heart_rate").id
TREMOR = rs.find_stream(device_id=rs.WATCH_ID, measurement="tremor", severity="mild").id
WALK = rs.find_stream(device_id=rs.WATCH_ID, measurement="patient.activity.walk").id  # span
LEVODOPA = rs.find_stream(device_id=rs.WATCH_ID, measurement="patient.medication.levodopa").id
STIM = rs.find_stream(measurement="is_on", event="stimulation_state").id  # enum
MIXED = [ACCEL_X, HEART, WALK, LEVODOPA, TREMOR]
HOURS = {"start_time": MORNING, "end_time": MORNING + 2 * 3600}  # every MIXED stream has data
SECONDS = {"start_time": MORNING, "end_time": MORNING + 50}  # 2,500 accel points: 3 pages
BEFORE = {"start_time": DAY0 - 86_400, "end_time": DAY0 - 3_600}  # no data anywhere


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer(rs.SandboxSettings(v2_page_size=PAGE)) as srv:
        yield srv


def _config(server: rs.SandboxServer) -> Config:
    return Config(
        stream_url=server.url,
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
    )


@pytest.fixture(scope="module")
def session(server: rs.SandboxServer) -> Iterator[Session]:
    with Session(_config(server)) as s:
        yield s


@pytest.fixture(scope="module")
def source(session: Session) -> SessionDataSource:
    return SessionDataSource(session.stream)


@pytest.fixture(scope="module", autouse=True)
def runeq_initialized(
    server: rs.SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """runeq's global clients on the sandbox, nothing leaving 127.0.0.1 (see
    ``test_runeq18_equivalence``)."""
    nothing = tmp_path_factory.mktemp("no-aws") / "none"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("AWS_CONFIG_FILE", str(nothing))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nothing))
        for name in ("AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE"):
            mp.delenv(name, raising=False)
        runeq.initialize(
            access_token_id=rs.ACCESS_TOKEN_ID,
            access_token_secret=rs.ACCESS_TOKEN_SECRET,
            stream_url=server.url,
        )
        yield


def pair(ids: list[str], source: SessionDataSource) -> tuple[Any, ro.StreamMetadataSet]:
    """runeq's metadata for ``ids`` (its set, or one StreamMetadata) and runestream's set built
    from the same GraphQL dicts, attached to ``source``."""
    client = g.RecordingClient()
    theirs = runeq_streams.get_stream_metadata(ids, client=client)
    ours = ro.StreamMetadataSet()
    for response in client.responses:
        for stream in response["streamListByIds"]["streams"]:
            ours.add(ro.StreamMetadata.from_graphql(stream, _session=source))
    # the same streams in the same order: runeq walks its set's dict, we ours
    theirs_ids = [theirs.id] if isinstance(theirs, runeq_streams.StreamMetadata) else theirs.ids()
    assert list(ours.ids()) == list(theirs_ids)
    return theirs, ours


def as_runeq(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    """``ours`` in runeq's column order, categorical metadata as runeq's string columns."""
    assert set(ours.columns) == set(theirs.columns)
    out = ours[list(theirs.columns)].copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype(theirs[name].dtype)
    return out


def documented_order(frame: pd.DataFrame, streams: ro.StreamMetadataSet) -> list[str]:
    """``time, <dimensions>, measurement_duration_ns, <metadata>, <parameters>``."""
    meta = ["stream_id", "stream_type_id", "patient_id", "device_id", "algorithm"]
    dims: dict[str, None] = {}
    params: dict[str, None] = {}
    for s in streams:
        dims.update(dict.fromkeys(d.id for d in s.stream_type.dimensions[1:]))
        params.update(dict.fromkeys(s.parameters))
    return ["time", *dims, "measurement_duration_ns", *meta, *params]


# -- the same values as runeq ------------------------------------------------------------------

SET_CASES: list[dict[str, Any]] = [
    {**HOURS},
    {**HOURS, "timestamp": "unix"},
    {**HOURS, "timestamp": "unixns"},
    {**HOURS, "timezone": -28_800},
    {**HOURS, "limit": 1_500},  # per stream, crossing a page
    {"start_time_ns": MORNING * 10**9 + 123_456_789, "end_time_ns": (MORNING + 7200) * 10**9},
]


@pytest.mark.parametrize(
    "case", SET_CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items())
)
def test_a_set_frame_holds_runeqs_values(source: SessionDataSource, case: dict[str, Any]) -> None:
    theirs_set, ours_set = pair(MIXED, source)
    theirs = theirs_set.get_stream_dataframe(**case)
    ours = ours_set.get_stream_dataframe(**case)
    assert len(ours) > 3 * PAGE
    # every stream has data here, so runeq's dtypes are clean: compare them too, exactly
    pd.testing.assert_frame_equal(as_runeq(ours, theirs), theirs, check_exact=True)
    assert list(ours.columns) == documented_order(ours, ours_set)


def test_enum_streams_with_and_without_translation(source: SessionDataSource) -> None:
    theirs_set, ours_set = pair([STIM, HEART], source)
    window = {"start_time": DAY0, "end_time": DAY0 + 3 * 86_400}
    for translate in (True, False):
        theirs = theirs_set.get_stream_dataframe(**window, translate_enums=translate)
        ours = ours_set.get_stream_dataframe(**window, translate_enums=translate)
        assert ours["status"].notna().any()
        pd.testing.assert_frame_equal(as_runeq(ours, theirs), theirs, check_exact=True)


def test_one_stream_frame_and_its_dict_dimension(source: SessionDataSource) -> None:
    theirs_one, ours_set = pair([WALK], source)
    (ours_one,) = list(ours_set)
    theirs = theirs_one.get_stream_dataframe(start_time=DAY0, end_time=DAY0 + 14 * 86_400)
    ours = ours_one.get_stream_dataframe(start_time=DAY0, end_time=DAY0 + 14 * 86_400)
    assert isinstance(ours["event"].iloc[0], dict)
    pd.testing.assert_frame_equal(as_runeq(ours, theirs), theirs, check_exact=True)
    assert list(ours.columns) == list(theirs.columns)  # one stream: runeq's order is the doc's


def test_iter_stream_data_is_runeqs_pages(source: SessionDataSource) -> None:
    theirs_one, ours_set = pair([ACCEL_X], source)
    (ours_one,) = list(ours_set)
    for extra in ({}, {"format": "json"}, {"limit": 1_500}):
        theirs = list(theirs_one.iter_stream_data(**SECONDS, **extra))
        ours = list(ours_one.iter_stream_data(**SECONDS, **extra))
        assert len(ours) > 1 and ours == theirs


def test_one_stream_availability_with_its_metadata(source: SessionDataSource) -> None:
    theirs_one, ours_set = pair([TREMOR], source)
    (ours_one,) = list(ours_set)
    window = {"start_time": DAY0, "end_time": DAY0 + 30 * 86_400, "resolution": 300}
    for extra in ({}, {"timestamp": "unix"}, {"timezone": 3_600}, {"limit": 1_234}):
        theirs = theirs_one.get_stream_availability_dataframe(**window, **extra)
        ours = ours_one.get_stream_availability_dataframe(**window, **extra)
        assert len(ours) > PAGE
        pd.testing.assert_frame_equal(as_runeq(ours, theirs), theirs, check_exact=True)
        assert list(ours.columns) == list(theirs.columns)
        assert isinstance(ours["stream_id"].dtype, pd.CategoricalDtype)


@pytest.mark.parametrize("operation", ["any", "all"])
def test_batch_availability_is_runeqs(
    server: rs.SandboxServer, source: SessionDataSource, operation: str
) -> None:
    ids = [ACCEL_X, HEART, TREMOR, STIM, LEVODOPA]
    theirs_set, ours_set = pair(ids, source)
    window = {"start_time": DAY0, "end_time": DAY0 + 30 * 86_400, "resolution": 3_600}
    theirs = theirs_set.get_batch_availability_dataframe(**window, batch_operation=operation)
    ours = ours_set.get_batch_availability_dataframe(**window, batch_operation=operation)
    assert len(ours) == 30 * 24
    assert list(ours.columns) == ["time", "availability"]
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
    # chunked (2 ids per request) and combined bin by bin: still the same frame
    with Session(_config(server), max_batch_ids=2) as small:
        chunked = ours_set.get_batch_availability_dataframe(
            **window, batch_operation=operation, stream_client=SessionDataSource(small.stream)
        )
    pd.testing.assert_frame_equal(chunked, theirs, check_exact=True)


# -- concurrency -------------------------------------------------------------------------------


def test_concurrent_streams_give_the_sequential_frame(session: Session) -> None:
    sequential = SessionDataSource(session.stream, workers=1)
    concurrent = SessionDataSource(session.stream, workers=4)
    _, ours_set = pair([*MIXED, ACCEL_Y, STIM], sequential)
    one = ours_set.get_stream_dataframe(**HOURS, stream_client=sequential)
    many = ours_set.get_stream_dataframe(**HOURS, stream_client=concurrent)
    assert len(one) > 5 * PAGE
    pd.testing.assert_frame_equal(many, one, check_exact=True)


# -- the deliberate differences, each on the same input --------------------------------------


def test_a_mixed_set_keeps_the_documented_column_order(source: SessionDataSource) -> None:
    theirs_set, ours_set = pair([ACCEL_X, HEART], source)
    theirs = theirs_set.get_stream_dataframe(**SECONDS)
    ours = ours_set.get_stream_dataframe(**SECONDS)
    # runeq's concat puts the second stream's dimension after the first's parameters
    assert list(theirs.columns).index("heart_rate") > list(theirs.columns).index("axis")
    assert list(ours.columns) == documented_order(ours, ours_set)
    assert list(ours.columns).index("heart_rate") < list(ours.columns).index(
        "measurement_duration_ns"
    )
    pd.testing.assert_frame_equal(as_runeq(ours, theirs), theirs, check_exact=True)


def test_metadata_columns_are_categorical_and_compare_as_strings(
    source: SessionDataSource,
) -> None:
    theirs_set, ours_set = pair([ACCEL_X, ACCEL_Y], source)
    theirs = theirs_set.get_stream_dataframe(**SECONDS)
    ours = ours_set.get_stream_dataframe(**SECONDS)
    for name in ("stream_id", "stream_type_id", "patient_id", "device_id", "algorithm", "axis"):
        assert isinstance(ours[name].dtype, pd.CategoricalDtype), name
        assert theirs[name].dtype == "str", name
        assert (ours[name] == theirs[name]).all(), name
    assert list(ours["stream_id"].cat.categories) == [ACCEL_X, ACCEL_Y]
    assert ours.groupby("axis").size().to_dict() == theirs.groupby("axis").size().to_dict()


def test_an_empty_stream_keeps_the_columns_types(source: SessionDataSource) -> None:
    theirs_set, ours_set = pair([ACCEL_X, HEART, WALK], source)
    theirs = theirs_set.get_stream_dataframe(**BEFORE)
    ours = ours_set.get_stream_dataframe(**BEFORE)
    assert len(ours) == len(theirs) == 0
    assert set(ours.columns) == set(theirs.columns)
    # runeq: every data column of a header-only page is object
    assert {str(theirs[c].dtype) for c in ("acceleration", "heart_rate", "time")} == {"object"}
    assert ours["time"].dtype == "str"
    assert ours["acceleration"].dtype == "float64"
    assert ours["heart_rate"].dtype == "int64"
    assert ours["measurement_duration_ns"].dtype == "int64"
    assert ours["start_time"].dtype == "str"  # a span's iso timestamps
    assert ours["event"].dtype == object
    unixns = ours_set.get_stream_dataframe(**BEFORE, timestamp="unixns")
    assert unixns["time"].dtype == "int64" and unixns["start_time"].dtype == "int64"


def test_one_empty_stream_does_not_degrade_the_others(source: SessionDataSource) -> None:
    theirs_set, ours_set = pair([ACCEL_X, STIM], source)  # STIM has no point in these seconds
    theirs = theirs_set.get_stream_dataframe(**SECONDS)
    ours = ours_set.get_stream_dataframe(**SECONDS)
    assert theirs["measurement_duration_ns"].dtype == object  # runeq: degraded by the empty page
    assert ours["measurement_duration_ns"].dtype == "int64"
    assert ours["status"].isna().all() and ours["status"].dtype == "str"
    pd.testing.assert_frame_equal(as_runeq(ours, theirs), theirs, check_dtype=False)


def test_an_empty_set_is_an_empty_frame(source: SessionDataSource) -> None:
    with pytest.raises(ValueError, match="No objects to concatenate"):
        runeq_streams.StreamMetadataSet().get_stream_dataframe(**SECONDS)
    frame = source.stream_dataframe([], **SECONDS)
    assert len(frame) == 0
    assert list(frame.columns) == [
        "time",
        "measurement_duration_ns",
        "stream_id",
        "stream_type_id",
        "patient_id",
        "device_id",
        "algorithm",
    ]


def _next_token(session: Session, stream_id: str) -> str:
    kwargs = session.stream.data_kwargs(stream_id, **SECONDS)
    first = next(paginator(_data.sync_detailed, session.generated_client(), kwargs).iter_pages())
    assert first.next_page_token
    return first.next_page_token


def test_page_token_resumes_one_stream_and_is_refused_for_several(
    session: Session, source: SessionDataSource
) -> None:
    token = _next_token(session, ACCEL_X)
    theirs_one, ours_set = pair([ACCEL_X], source)
    theirs = theirs_one.get_stream_dataframe(**SECONDS, page_token=token)
    ours = ours_set.get_stream_dataframe(**SECONDS, page_token=token)
    assert len(ours) == 2_500 - PAGE
    pd.testing.assert_frame_equal(as_runeq(ours, theirs), theirs, check_exact=True)
    theirs_two, ours_two = pair([ACCEL_X, ACCEL_Y], source)
    with pytest.raises(Exception, match=r"(?i)token"):  # runeq sends ACCEL_X's token for ACCEL_Y
        theirs_two.get_stream_dataframe(**SECONDS, page_token=token)
    with pytest.raises(ValidationError, match="page_token") as caught:
        ours_two.get_stream_dataframe(**SECONDS, page_token=token)
    assert caught.value.parameter == "page_token"


def test_timezone_name_is_honoured(source: SessionDataSource) -> None:
    assert (
        "timezone_name"
        not in inspect.signature(runeq_streams.StreamMetadataSet.get_stream_dataframe).parameters
    )
    theirs_set, ours_set = pair([ACCEL_X, HEART], source)
    theirs = theirs_set.get_stream_dataframe(**SECONDS, timezone=-7 * 3600)  # PDT in May
    ours = ours_set.get_stream_dataframe(**SECONDS, timezone_name="America/Los_Angeles")
    assert ours["time"].iloc[0].endswith("-07:00")
    pd.testing.assert_frame_equal(as_runeq(ours, theirs), theirs, check_exact=True)


@pytest.fixture
def tokyo_local_time() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TZ", "Asia/Tokyo")
        time.tzset()
        yield
    time.tzset()


def test_naive_datetimes_are_utc(source: SessionDataSource, tokyo_local_time: None) -> None:
    theirs_set, ours_set = pair([HEART], source)
    naive = {"start_time": datetime(2024, 5, 1, 17), "end_time": datetime(2024, 5, 1, 17, 1)}
    aware = {k: v.replace(tzinfo=UTC) for k, v in naive.items()}
    ours = ours_set.get_stream_dataframe(**naive)
    assert ours["time"].iloc[0] == "2024-05-01T17:00:00Z"
    pd.testing.assert_frame_equal(
        as_runeq(ours, theirs := theirs_set.get_stream_dataframe(**aware)), theirs
    )
    local = theirs_set.get_stream_dataframe(**naive)  # runeq: 17:00 in Tokyo is 08:00 UTC
    assert local["time"].iloc[0] == "2024-05-01T08:00:00Z"


# -- bad input: a ValidationError before any request -----------------------------------------


@pytest.fixture(scope="module")
def unreachable() -> Iterator[SessionDataSource]:
    """A session on a closed port: a request would fail with a connection error."""
    config = Config(
        stream_url="http://127.0.0.1:9",
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
    )
    with Session(config, max_attempts=1) as s:
        yield SessionDataSource(s.stream)


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("stream_dataframe", {"timestamp": "rfc"}, "timestamp"),
    ("stream_dataframe", {"start_time": 1, "start_time_ns": 1}, "start_time"),
    ("stream_dataframe", {"timezone": 3600, "timezone_name": "UTC"}, "timezone"),
    ("stream_dataframe", {"limit": -1}, "limit"),
    ("stream_dataframe", {"translate_enums": "yes"}, "translate_enums"),
    ("stream_dataframe", {"timezone_name": "Mars/Olympus"}, "timezone_name"),
    ("batch_availability_dataframe", {"resolution": 7}, "resolution"),
    ("batch_availability_dataframe", {"resolution": 300}, "batch_operation"),
    ("stream_availability_dataframe", {"resolution": 300, "timestamp": "x"}, "timestamp"),
]


@pytest.mark.parametrize(("method", "kwargs", "parameter"), BAD)
def test_bad_input_fails_before_any_request(
    source: SessionDataSource,
    unreachable: SessionDataSource,
    method: str,
    kwargs: dict[str, Any],
    parameter: str,
) -> None:
    _, ours = pair([ACCEL_X, HEART], source)
    streams: Any = list(ours)
    if method == "stream_availability_dataframe":
        streams = streams[0]
    if "resolution" in kwargs:
        kwargs = {"start_time": DAY0, "end_time": DAY0 + 86_400, **kwargs}
    with pytest.raises(ValidationError) as caught:
        getattr(unreachable, method)(streams, **kwargs)
    assert caught.value.parameter is not None
    assert caught.value.parameter.startswith(parameter)


def test_bad_streams_and_options(session: Session, source: SessionDataSource) -> None:
    _, ours = pair([ACCEL_X], source)
    (one,) = list(ours)
    with pytest.raises(ValidationError, match="twice"):
        source.stream_dataframe([one, one])
    with pytest.raises(ValidationError, match="StreamMetadata"):
        source.stream_dataframe([ACCEL_X])  # type: ignore[list-item]
    with pytest.raises(ValidationError):
        SessionDataSource(session.stream, workers=0)
    with pytest.raises(ValidationError, match="StreamNamespace"):
        SessionDataSource(session)  # type: ignore[arg-type]


def test_the_protocol_is_implemented(source: SessionDataSource) -> None:
    assert isinstance(source, ro.MetadataDataSource)
