"""V1Client and its accessors over httpx.MockTransport: what crosses the wire, and the outputs."""

from __future__ import annotations

import builtins
import datetime as dt
import json
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import runestream
from runestream import (
    APIError,
    Config,
    CSVParseError,
    NotFoundError,
    PaginationError,
    ServerError,
    V1Client,
    ValidationError,
)
from runestream_api.models.event import Event
from runestream_api.models.span import Span

from ._fakes import (
    FAKE_TOKEN_ID,
    FAKE_TOKEN_SECRET,
    PagedServer,
    error_response,
    json_page,
    make_client,
    token_for,
)

DEFAULTS = {"patient_id": "patient-1", "device_id": "patient-ABC,device-456"}
WINDOW = {"start_time": 1565304080, "end_time": 1565304090}
ACCEL_PAGES = [
    b"time,x,y,z\n1565304080.1,0,0.1,0.1\n1565304080.2,1.4,0.3,0.7\n",
    b"time,x,y,z\n1565304080.3,1,1.2,\n",
    b"time,x,y,z\n1565304080.4,2,2.2,2.5\n",
]


def test_import_surface() -> None:
    from runestream import APIError as A
    from runestream import Config as C
    from runestream import V1Client as V

    assert (APIError, Config, V1Client) == (A, C, V)


def test_to_arrow_multi_page_and_wire() -> None:
    server = PagedServer(ACCEL_PAGES)
    with make_client(server) as v1:
        accel = v1.Accel(**DEFAULTS, expression="accel")
        table = accel.to_arrow(**WINDOW, page_size=2)
    assert table.num_rows == 4
    assert table.schema == pa.schema([(c, pa.float64()) for c in ("time", "x", "y", "z")])
    assert table.column("z").to_pylist() == [0.1, 0.7, None, 2.5]
    assert len(server.requests) == 3
    queries = server.queries_without_token()
    assert queries[0] == {
        "patient_id": "patient-1",
        "device_id": "patient-ABC,device-456",
        "start_time": "1565304080.0",
        "end_time": "1565304090.0",
        "expression": "accel",
        "page_size": "2",
    }
    assert queries == [queries[0]] * 3
    assert [server.query(i).get("next_page_token") for i in range(3)] == [
        None,
        token_for(1),
        token_for(2),
    ]
    assert b"device_id=patient-ABC%2Cdevice-456" in server.requests[0].url.raw_path
    request = server.requests[0]
    assert request.headers["X-Rune-User-Access-Token-Id"] == FAKE_TOKEN_ID
    assert request.headers["X-Rune-User-Access-Token-Secret"] == FAKE_TOKEN_SECRET
    assert request.url.path == "/v1/accel.csv"


def test_iter_csv_text_and_points() -> None:
    server = PagedServer(ACCEL_PAGES)
    v1 = make_client(server)
    accel = v1.Accel(**DEFAULTS, **WINDOW)
    assert list(accel.iter_csv_text()) == [p.decode() for p in ACCEL_PAGES]
    points = list(accel.points())
    assert points[0] == {"time": 1565304080.1, "x": 0.0, "y": 0.1, "z": 0.1}
    assert points[2]["z"] is None
    assert all(isinstance(p["x"], float) for p in points)
    assert list(accel) == points  # __iter__ is points() with the defaults
    tables = list(accel.iter_arrow())
    assert [t.num_rows for t in tables] == [2, 1, 1]


def test_points_keep_textual_columns_as_strings() -> None:
    page = (
        b"timestamp,algorithm,anatomy,band,channel,sensor,power\n"
        b"1590706257.554,medtronic-percept-1,STN,16.4hz-19.8hz,12345678,7-5,-4.5\n"
    )
    server = PagedServer([page])
    points = list(make_client(server).BandPower(**DEFAULTS, **WINDOW).points())
    assert points == [
        {
            "timestamp": 1590706257.554,
            "algorithm": "medtronic-percept-1",
            "anatomy": "STN",
            "band": "16.4hz-19.8hz",
            "channel": "12345678",
            "sensor": "7-5",
            "power": -4.5,
        }
    ]


def test_iso_timestamps_parse_as_strings() -> None:
    server = PagedServer([b"time,bpm\n2019-08-08T22:41:20.100Z,60\n"])
    table = make_client(server).HeartRate(**DEFAULTS, **WINDOW).to_arrow(timestamp="iso")
    assert table.schema.field("time").type == pa.string()
    assert server.query(0)["timestamp"] == "iso"


def test_header_only_and_empty_pages() -> None:
    server = PagedServer([b"time,x,y,z\n", b"", b"time,x,y,z\n1,2,3,4\n"])
    table = make_client(server).Accel(**DEFAULTS, **WINDOW).to_arrow()
    assert table.num_rows == 1 and table.column_names == ["time", "x", "y", "z"]
    server = PagedServer([b"time,x,y,z\n"])
    table = make_client(server).Accel(**DEFAULTS, **WINDOW).to_arrow()
    assert table.num_rows == 0 and table.schema.field("x").type == pa.float64()


def test_ragged_page_names_page_and_path() -> None:
    server = PagedServer([ACCEL_PAGES[0], b"time,x,y,z\n1,2,3\n"])
    accel = make_client(server).Accel(**DEFAULTS, **WINDOW)
    with pytest.raises(CSVParseError) as info:
        accel.to_arrow()
    message = str(info.value)
    assert "CSV page 2 of /v1/accel.csv?" in message
    assert "next_page_token=..." in message  # the token itself is elided
    assert "Expected 4 columns, got 3" in message


def test_to_pandas() -> None:
    server = PagedServer(ACCEL_PAGES)
    frame = make_client(server).Accel(**DEFAULTS, **WINDOW).to_pandas()
    assert list(frame.columns) == ["time", "x", "y", "z"]
    assert len(frame) == 4
    assert str(frame["x"].dtype) == "float64"


def test_to_pandas_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    server = PagedServer(ACCEL_PAGES)
    with pytest.raises(ImportError, match=r"runestream\[pandas\]"):
        make_client(server).Accel(**DEFAULTS, **WINDOW).to_pandas()
    assert server.requests == []


def test_to_csv_complete_file(tmp_path: Path) -> None:
    server = PagedServer(ACCEL_PAGES)
    target = tmp_path / "accel.csv"
    result = make_client(server).Accel(**DEFAULTS, **WINDOW).to_csv(target)
    assert result == target
    assert target.read_bytes() == (
        b"time,x,y,z\n1565304080.1,0,0.1,0.1\n1565304080.2,1.4,0.3,0.7\n"
        b"1565304080.3,1,1.2,\n1565304080.4,2,2.2,2.5\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["accel.csv"]


def test_to_parquet_complete_file(tmp_path: Path) -> None:
    server = PagedServer(ACCEL_PAGES)
    target = tmp_path / "accel.parquet"
    make_client(server).Accel(**DEFAULTS, **WINDOW).to_parquet(target)
    table = pq.read_table(target)
    assert table.num_rows == 4
    assert table.column("z").to_pylist() == [0.1, 0.7, None, 2.5]
    assert [p.name for p in tmp_path.iterdir()] == ["accel.parquet"]


@pytest.mark.parametrize("method", ["to_csv", "to_parquet"])
@pytest.mark.parametrize(
    ("bad_page", "error"),
    [
        (error_response(500, "exploded", "InternalError"), ServerError),
        (b"time,x,y,z\n1,2\n", CSVParseError),
    ],
)
def test_writers_leave_no_file_when_a_page_fails(
    tmp_path: Path, method: str, bad_page: Any, error: type[Exception]
) -> None:
    server = PagedServer([ACCEL_PAGES[0], ACCEL_PAGES[1], bad_page])
    accel = make_client(server).Accel(**DEFAULTS, **WINDOW)
    target = tmp_path / f"out.{method}"
    with pytest.raises(error):
        getattr(accel, method)(target)
    assert len(server.requests) == 3
    assert list(tmp_path.iterdir()) == []


def test_writer_keeps_existing_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous\n")
    server = PagedServer([ACCEL_PAGES[0], error_response(404, "gone", "NotFound")])
    with pytest.raises(NotFoundError):
        make_client(server).Accel(**DEFAULTS, **WINDOW).to_csv(target)
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_iter_json_data_three_pages() -> None:
    pages = [json_page({"time": [i, i + 0.5], "x": [i, i]}) for i in range(3)]
    server = PagedServer(pages)
    results = list(make_client(server).Accel(**DEFAULTS, **WINDOW).iter_json_data(partition_size=2))
    assert results == [p["result"] for p in pages]
    assert all(r.url.path == "/v1/accel.json" for r in server.requests)
    queries = server.queries_without_token()
    assert queries == [queries[0]] * 3 and queries[0]["partition_size"] == "2"


def test_availability_expressions() -> None:
    expected = {
        "Accel": "availability(accel)",
        "BandPower": "availability(power)",
        "HeartRate": "availability(bpm)",
        "LFP": "availability(lfp)",
        "ProbabilitySymptom": "availability(probability)",
        "Rotation": "availability(rotation)",
        "State": "availability(state)",
    }
    for name, expression in expected.items():
        extra: dict[str, Any] = {}
        if name == "ProbabilitySymptom":
            extra = {"symptom": "tremor"}
        if name == "State":
            extra = {"event": "stimulation_state", "fields": "a,b"}
        server = PagedServer([json_page({"time": [1], expression: [1]})])
        accessor = getattr(make_client(server), name)(**DEFAULTS, **WINDOW, **extra)
        assert list(accessor.iter_json_availability()) == [{"time": [1], expression: [1]}]
        assert server.query(0)["expression"] == expression
        csv_server = PagedServer([f"time,{expression}\n1,1\n".encode()])
        accessor = getattr(make_client(csv_server), name)(**DEFAULTS, **WINDOW, **extra)
        assert list(accessor.iter_csv_availability()) == [f"time,{expression}\n1,1\n"]
        assert csv_server.query(0)["expression"] == expression
        assert csv_server.requests[0].url.path.endswith(".csv")


def test_availability_overrides_a_default_expression_but_not_an_explicit_one() -> None:
    server = PagedServer([json_page({"time": []})])
    accel = make_client(server).Accel(**DEFAULTS, **WINDOW, expression="user")
    list(accel.iter_json_availability())
    assert server.query(0)["expression"] == "availability(accel)"
    with pytest.raises(ValidationError, match="conflicts"):
        accel.iter_json_availability(expression="gravity")


def test_events_typed_across_pages() -> None:
    event = {
        "time": 1565304080,
        "created_time": 1565304081.5,
        "device_id": "6*yEoMb2",
        "id": "event-1",
        "event_namespace": "patient",
        "event_type": "medication",
        "event_enum": "propranolol",
        "display_name": "Propranolol",
        "payload": {"dose": "10mg"},
    }
    pages = [
        json_page({"event": [event]}),
        json_page({"event": [{**event, "id": "event-2"}]}),
        json_page({"event": []}),
    ]
    server = PagedServer(pages)
    events = list(make_client(server).Event(patient_id="p1").iter_events(event="patient"))
    assert [type(e) for e in events] == [Event, Event]
    assert [e.id for e in events] == ["event-1", "event-2"]
    assert events[0].payload.additional_properties == {"dose": "10mg"}
    assert server.query(0) == {"patient_id": "p1", "event": "patient"}
    assert server.query(2)["next_page_token"] == token_for(2)


def test_spans_typed_token_only() -> None:
    span = {
        "start_time_min": 1,
        "start_time": 1,
        "end_time": 2,
        "end_time_max": 3,
        "id": "span-1",
        "event_namespace": "patient",
        "event_type": "symptom",
    }
    server = PagedServer([json_page({"span": [span]}), json_page({"span": [span]})])
    spans = list(make_client(server).Span(patient_id="p1", **WINDOW).iter_spans())
    assert [type(s) for s in spans] == [Span, Span]
    for index in range(2):
        assert "page" not in server.query(index) and "page_size" not in server.query(index)
    assert server.query(1)["next_page_token"] == token_for(1)
    assert list(
        make_client(PagedServer([json_page({"span": []})]))
        .Span(patient_id="p1", **WINDOW)
        .iter_json_data()
    ) == [{"span": []}]


def test_event_and_span_have_no_csv_methods() -> None:
    # Their tables (to_arrow, to_csv, ...) are flattened JSON records: see test_records.py.
    v1 = make_client(PagedServer([b""]))
    for accessor in (v1.Event(), v1.Span()):
        for name in ("iter_csv_text", "iter_csv_availability", "points", "iter_json_availability"):
            assert not hasattr(accessor, name)


def test_deprecated_page_on_accessor() -> None:
    server = PagedServer(ACCEL_PAGES)
    texts = list(make_client(server).Accel(**DEFAULTS, **WINDOW).iter_csv_text(page=1))
    assert texts == [ACCEL_PAGES[1].decode(), ACCEL_PAGES[2].decode()]
    assert [server.query(i)["page"] for i in range(2)] == ["1", "1"]


def test_repeated_token_from_accessor() -> None:
    server = PagedServer(ACCEL_PAGES, tokens=[token_for(1), token_for(1), None])
    with pytest.raises(PaginationError):
        make_client(server).Accel(**DEFAULTS, **WINDOW).to_arrow()
    assert len(server.requests) == 2


def test_accessor_defaults_and_overrides() -> None:
    server = PagedServer([b"time,x\n"])
    v1 = make_client(server)
    accel = v1.Accel(**DEFAULTS, **WINDOW, algorithm="alg-1", timestamp="unix")
    assert accel.defaults["algorithm"] == "alg-1"
    accel.to_arrow(
        device_id="other", algorithm=None, start_time=dt.datetime(2024, 5, 1), end_time="2024-05-02"
    )
    query = server.query(0)
    assert query["device_id"] == "other"  # overridden
    assert "algorithm" not in query  # None removes a default
    assert query["timestamp"] == "unix"  # default kept
    assert query["start_time"] == "1714521600.0"
    assert query["end_time"] == "1714608000.0"
    assert accel.defaults["device_id"] == DEFAULTS["device_id"]  # defaults unchanged
    assert "Accel" in repr(accel)


def test_unknown_default_fails_at_construction() -> None:
    v1 = make_client(PagedServer([b""]))
    with pytest.raises(ValidationError, match="did you mean 'device_id'"):
        v1.Accel(devide_id="d")


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda a: a.to_arrow(frequency=1, resolution=1), "resolution"),
        (lambda a: a.to_arrow(timezone=1, timezone_name="UTC"), "timezone_name"),
        (lambda a: a.to_arrow(start_time=5, end_time=5), "start_time"),
        (lambda a: a.to_arrow(page_size=3_600_001), "page_size"),
        (lambda a: a.iter_json_data(page_size=10_001), "page_size"),
        (lambda a: a.to_arrow(frequency=float("nan")), "frequency"),
        (lambda a: a.to_arrow(end_time=float("inf")), "end_time"),
        (lambda a: a.to_arrow(timestamp="epoch"), "timestamp"),
        (lambda a: a.to_arrow(interpolation="cubic"), "interpolation"),
        (lambda a: a.to_arrow(page_size="10"), "page_size"),
        (lambda a: a.to_arrow(start_time=[1]), "start_time"),
        (lambda a: a.to_arrow(device_id=None), "device_id"),
        (lambda a: a.to_arrow(patient_id=None), "patient_id"),
        (lambda a: a.to_arrow(stat_time=1), "stat_time"),
        (lambda a: a.iter_csv_text(partition_size=5), "partition_size"),
        (lambda a: a.points(expression="mean(accel)"), "expression"),
        (lambda a: a.iter_json_data(start_time="not a time"), "start_time"),
        (lambda a: a.iter_csv_availability(resolution=-1), "resolution"),
        (lambda a: a.to_csv("/nonexistent-dir/x.csv", page=-1), "page"),
        (lambda a: a.to_parquet("x.parquet", page_size=-5), "page_size"),
        (lambda a: a.pages("csv", frequency=0), "frequency"),
    ],
)
def test_bad_input_raises_before_any_request(call: Any, parameter: str) -> None:
    server = PagedServer(ACCEL_PAGES)
    accel = make_client(server).Accel(**DEFAULTS, **WINDOW)
    with pytest.raises(ValidationError) as info:
        call(accel)  # raised by the call itself, even for lazy iterators
    assert info.value.parameter == parameter
    assert parameter in str(info.value)
    assert server.requests == []


def test_state_requirements_before_any_request() -> None:
    server = PagedServer([json_page({"event_type": ["stimulation_state"]})])
    state = make_client(server).State(**DEFAULTS, **WINDOW)
    with pytest.raises(ValidationError, match="'fields'"):
        state.to_arrow(event="stimulation_state")
    with pytest.raises(ValidationError, match="'event'"):
        state.iter_json_data()
    assert server.requests == []
    assert list(state.iter_json_data(expression="event_type")) == [
        {"event_type": ["stimulation_state"]}
    ]


def test_client_key_may_omit_patient_id() -> None:
    server = PagedServer([b"time,x\n1,2\n"])
    v1 = make_client(server, auth="client_key")
    table = v1.Accel(device_id="d1", **WINDOW).to_arrow()
    assert table.num_rows == 1
    assert "patient_id" not in server.query(0)
    assert "X-Rune-Client-Access-Key" in server.requests[0].headers


def test_api_error_is_raised_never_yielded() -> None:
    server = PagedServer(
        [json_page({"time": [1]}), error_response(403, "not your patient", "Forbidden")]
    )
    results = []
    with pytest.raises(runestream.PermissionDeniedError) as info:
        for result in make_client(server).Accel(**DEFAULTS, **WINDOW).iter_json_data():
            results.append(result)
    assert results == [{"time": [1]}]
    assert info.value.status_code == 403 and info.value.error_type == "Forbidden"
    assert info.value.message == "not your patient"


def test_success_false_with_200_is_raised() -> None:
    body = {"success": False, "error": {"message": "weird", "type": "Odd"}, "result": {}}
    server = PagedServer([body])
    with pytest.raises(APIError, match="weird"):
        list(make_client(server).Accel(**DEFAULTS, **WINDOW).iter_json_data())


def test_error_envelope_with_200_on_csv_is_raised() -> None:
    body = json.dumps({"success": False, "error": {"message": "odd", "type": "X"}}).encode()
    server = PagedServer([body])
    with pytest.raises(APIError, match="odd"):
        make_client(server).Accel(**DEFAULTS, **WINDOW).to_arrow()


def test_pages_expose_tokens_on_request() -> None:
    server = PagedServer(ACCEL_PAGES)
    pages = list(make_client(server).Accel(**DEFAULTS, **WINDOW).pages("csv").iter_pages())
    assert [p.next_page_token for p in pages] == [token_for(1), token_for(2), None]


def test_async_pages() -> None:
    import asyncio

    server = PagedServer(ACCEL_PAGES)
    v1 = make_client(server)
    paginator = v1.Accel(**DEFAULTS, **WINDOW).async_pages("csv")

    async def collect() -> list[bytes]:
        try:
            return [page.content async for page in paginator.iter_pages()]
        finally:
            await v1.aclose()

    assert asyncio.run(collect()) == ACCEL_PAGES


def test_download_session_delegates(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/session"
        assert request.url.params["session_id"] == "dataset-1"
        return httpx.Response(200, stream=httpx.ByteStream(b"raw-bytes"))

    with make_client(handler) as v1:
        path = v1.download_session(
            session_id="dataset-1", stream_name="metadata", path=tmp_path / "meta.bin"
        )
    assert path.read_bytes() == b"raw-bytes"


def test_close_and_context_manager() -> None:
    v1 = make_client(PagedServer([b""]))
    with v1 as same:
        assert same is v1
    assert v1.generated_client.get_httpx_client().is_closed
    assert isinstance(v1.config, Config)


# --- parallel time chunks and on_page --------------------------------------------------------


class SeriesServer:
    """Rows at every half second of [start_time, end_time), ``page_size`` rows per page.

    The token is the row offset (opaque to the client). A chunk whose start equals
    ``fail_at`` answers 500.
    """

    def __init__(self, fail_at: float | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.fail_at = fail_at

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        params = request.url.params
        start, end = float(params["start_time"]), float(params["end_time"])
        if self.fail_at is not None and start == self.fail_at:
            return error_response(500, "chunk failed", "InternalError")
        size = int(params.get("page_size", "3"))
        offset = int(params.get("next_page_token", "0"))
        times = [start + i / 2 for i in range(int((end - start) * 2))]
        rows = times[offset : offset + size]
        body = "time,sensor,x\n" + "".join(f"{t},7-5,{t * 10}\n" for t in rows)
        headers = {}
        if offset + size < len(times):
            headers["X-Rune-Next-Page-Token"] = str(offset + size)
        return httpx.Response(200, headers=headers, content=body.encode())

    def chunks(self) -> set[tuple[str, str]]:
        return {(r.url.params["start_time"], r.url.params["end_time"]) for r in self.requests}


def test_on_page_is_called_for_every_page() -> None:
    seen: list[tuple[int, str | None]] = []
    server = PagedServer(ACCEL_PAGES)
    v1 = V1Client(
        runestream.Config(
            access_token_id="i", access_token_secret="s", stream_url="https://x.test"
        ),
        transport=server.transport,
        on_page=lambda page: seen.append((page.number, page.next_page_token)),
    )
    v1.Accel(**DEFAULTS, **WINDOW).to_arrow()
    assert seen == [(1, token_for(1)), (2, token_for(2)), (3, None)]


def test_to_arrow_workers_same_rows_as_one_query() -> None:
    one = SeriesServer()
    expected = make_client(one).Accel(**DEFAULTS).to_arrow(start_time=0, end_time=10, page_size=3)
    many = SeriesServer()
    table = (
        make_client(many)
        .Accel(**DEFAULTS)
        .to_arrow(start_time=0, end_time=10, page_size=3, workers=3)
    )
    assert table.equals(expected)
    assert table.num_rows == 20
    assert many.chunks() == {("0.0", "4.0"), ("4.0", "8.0"), ("8.0", "10.0")}
    # each chunk followed its own tokens with its other parameters unchanged
    for bounds in many.chunks():
        queries = [
            {k: v for k, v in r.url.params.items() if k != "next_page_token"}
            for r in many.requests
            if (r.url.params["start_time"], r.url.params["end_time"]) == bounds
        ]
        assert len(queries) > 1 and all(q == queries[0] for q in queries)


@pytest.mark.parametrize("method", ["to_csv", "to_parquet"])
def test_writers_with_workers_match_one_query(tmp_path: Path, method: str) -> None:
    single = tmp_path / f"single.{method}"
    multi = tmp_path / f"multi.{method}"
    accel = make_client(SeriesServer()).Accel(**DEFAULTS, start_time=0, end_time=9, page_size=4)
    getattr(accel, method)(single)
    getattr(accel, method)(multi, workers=4)
    if method == "to_csv":
        assert multi.read_bytes() == single.read_bytes()
    else:
        assert pq.read_table(multi).equals(pq.read_table(single))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([single.name, multi.name])


@pytest.mark.parametrize("method", ["to_csv", "to_parquet", "to_arrow"])
def test_failed_chunk_leaves_no_files(tmp_path: Path, method: str) -> None:
    server = SeriesServer(fail_at=4.0)
    accel = make_client(server).Accel(**DEFAULTS, start_time=0, end_time=10)
    with pytest.raises(ServerError, match="chunk failed"):
        if method == "to_arrow":
            accel.to_arrow(workers=3)
        else:
            getattr(accel, method)(tmp_path / "out", workers=3)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "params",
    [
        {"resolution": 1},
        {"expression": "mean(accel)", "frequency": 1},
        {"expression": "availability(accel)"},
        {"page": 1},
    ],
)
def test_unsafe_queries_are_not_split(params: dict[str, Any]) -> None:
    server = SeriesServer()
    make_client(server).Accel(**DEFAULTS).to_arrow(start_time=0, end_time=10, workers=4, **params)
    assert server.chunks() == {("0.0", "10.0")}


def test_state_is_never_split() -> None:
    server = SeriesServer()
    state = make_client(server).State(**DEFAULTS, event="e", fields="x")
    state.to_arrow(start_time=0, end_time=10, workers=4)
    assert server.chunks() == {("0.0", "10.0")}


@pytest.mark.parametrize("workers", [0, -1, 1.5, "2", True])
def test_bad_workers(workers: Any) -> None:
    server = SeriesServer()
    with pytest.raises(ValidationError, match="workers"):
        make_client(server).Accel(**DEFAULTS, **WINDOW).to_arrow(workers=workers)
    assert server.requests == []


@pytest.mark.parametrize("method", ["to_arrow", "to_pandas", "to_csv", "to_parquet"])
def test_workers_above_the_cap_are_refused_before_any_request(tmp_path: Path, method: str) -> None:
    server = SeriesServer()
    accel = make_client(server).Accel(**DEFAULTS, start_time=0, end_time=1000)
    call = getattr(accel, method)
    args = [] if method in ("to_arrow", "to_pandas") else [tmp_path / "out"]
    with pytest.raises(ValidationError, match=f"at most {runestream.MAX_WORKERS}") as info:
        call(*args, workers=runestream.MAX_WORKERS + 1)
    assert info.value.parameter == "workers"
    assert server.requests == []
    assert list(tmp_path.iterdir()) == []


def test_workers_at_the_cap_make_one_thread_and_part_file_per_window(tmp_path: Path) -> None:
    seen: set[str] = set()
    server = SeriesServer()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.add(threading.current_thread().name)
        return server(request)

    accel = make_client(handler).Accel(**DEFAULTS, start_time=0, end_time=1000, page_size=500)
    accel.to_parquet(tmp_path / "out.parquet", workers=runestream.MAX_WORKERS)
    assert len(server.chunks()) == runestream.MAX_WORKERS
    assert len(seen) == runestream.MAX_WORKERS
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


# --- points(): rows made a record batch at a time --------------------------------------------


def test_points_across_record_batches_match_whole_page_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runestream.v1._query, "POINTS_BATCH_ROWS", 3)
    pages = [
        b"time,sensor,x\n" + b"".join(b"%d,7-5,%s\n" % (t, b"" if t % 4 else b"1.5") for t in rows)
        for rows in (range(0, 10), range(10, 11), range(11, 18))
    ]
    pages.insert(1, b"")
    accel = make_client(PagedServer(pages)).Accel(**DEFAULTS, **WINDOW)
    expected = [row for table in accel.iter_arrow() for row in table.to_pylist()]
    points = list(accel.points())
    assert points == expected and len(points) == 18
    assert points[4] == {"time": 4.0, "sensor": "7-5", "x": 1.5}
    assert points[5] == {"time": 5.0, "sensor": "7-5", "x": None}
    assert all(type(p["time"]) is float and type(p["sensor"]) is str for p in points)


def test_points_yields_before_a_whole_page_is_converted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runestream.v1._query, "POINTS_BATCH_ROWS", 4096)
    rows = 16 * 4096
    page = b"time,x,y,z\n" + b"".join(b"%d,0.5,0.25,0.125\n" % t for t in range(rows))
    accel = make_client(PagedServer([page])).Accel(**DEFAULTS, **WINDOW)
    points = accel.points()
    tracemalloc.start()
    try:
        first = next(points)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first == {"time": 0.0, "x": 0.5, "y": 0.25, "z": 0.125}
    # one batch of dicts (~320 bytes a row), not the whole page's (~20 MB here)
    assert peak < rows * 100
    assert sum(1 for _ in points) == rows - 1
