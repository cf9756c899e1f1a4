"""Events and spans as flat tables: to_arrow, to_pandas, to_csv, to_parquet, iter_arrow."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from runestream import APIError, ValidationError
from runestream.v1._records import EVENT_SCHEMA, SPAN_SCHEMA, TIMESTAMP_TYPE

from ._fakes import PagedServer, error_response, json_page, make_client

EVENT = {
    "time": 1714525200.123,
    "created_time": 1714525320,
    "device_id": "6*yEoMb2",
    "id": "event-1",
    "event_namespace": "patient",
    "event_type": "medication",
    "event_enum": "levodopa",
    "display_name": "Levodopa",
    "payload": {"dose_mg": 100, "note": 'with food, "late"'},
}
IMPLANT = {
    "time": 1714525200,
    "id": "event-2",
    "event_namespace": "device",
    "event_type": "implant",
    "event_enum": None,
    "display_name": "Implant",
    "payload": {},
    "new_field": [1, "two"],  # a key the spec does not list
}
SPAN = {
    "start_time_min": 1714525100.5,
    "start_time": 1714525200,
    "end_time": 1714528800.25,
    "end_time_max": 1714529000,
    "device_id": "watch-1",
    "id": "span-1",
    "event_namespace": "patient",
    "event_type": "activity",
    "event_enum": "walking",
    "display_name": "Walking",
    "payload": {"steps": 1200},
}
WINDOW = {"start_time": 1714521600, "end_time": 1714608000}
EVENT_COLUMNS = [
    "time", "created_time", "device_id", "id", "event_namespace", "event_type", "event_enum",
    "display_name", "payload", "extra",
]  # fmt: skip


def utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def event_server(*pages: list[dict[str, Any]]) -> PagedServer:
    return PagedServer([json_page({"event": list(page)}) for page in pages])


def test_events_to_arrow_flat_and_typed() -> None:
    server = event_server([EVENT], [IMPLANT])
    table = make_client(server).Event(patient_id="p1").to_arrow(**WINDOW)
    assert table.column_names == EVENT_COLUMNS
    assert table.schema == EVENT_SCHEMA
    assert table.schema.field("time").type == pa.timestamp("ns", tz="UTC")
    assert table.num_rows == 2 and len(server.requests) == 2
    # exact: the server's digits, not float rounding (int(1714525200.123 * 1e9) is 192 ns early)
    assert table.column("time").cast(pa.int64()).to_pylist() == [
        1_714_525_200_123_000_000,
        1_714_525_200_000_000_000,
    ]
    assert table.column("created_time").to_pylist() == [utc(1714525320), None]
    assert table.column("event_enum").to_pylist() == ["levodopa", None]
    assert table.column("event_namespace").to_pylist() == ["patient", "device"]
    assert table.column("event_type").to_pylist() == ["medication", "implant"]
    payloads = table.column("payload").to_pylist()
    assert [json.loads(p) for p in payloads] == [EVENT["payload"], {}]
    assert table.column("extra").to_pylist() == [None, '{"new_field":[1,"two"]}']
    assert server.requests[0].url.path == "/v1/event.json"


def test_spans_to_arrow_time_fields() -> None:
    server = PagedServer([json_page({"span": [SPAN]})])
    table = make_client(server).Span(patient_id="p1", **WINDOW).to_arrow()
    assert table.schema == SPAN_SCHEMA
    assert table.column_names[:5] == [
        "start_time_min", "start_time", "end_time", "end_time_max", "created_time",
    ]  # fmt: skip
    assert all(table.schema.field(i).type == TIMESTAMP_TYPE for i in range(5))
    row = table.to_pylist()[0]
    assert row["start_time_min"] == utc(1714525100.5)
    assert row["end_time"] == utc(1714528800.25)
    assert row["created_time"] is None  # absent on some spans
    assert json.loads(row["payload"]) == {"steps": 1200}


def test_empty_result_keeps_the_columns(tmp_path: Path) -> None:
    events = make_client(event_server([])).Event(patient_id="p1")
    table = events.to_arrow()
    assert table.schema == EVENT_SCHEMA and table.num_rows == 0
    path = events.to_csv(tmp_path / "e.csv")
    assert path.read_text().splitlines() == [",".join(f'"{c}"' for c in EVENT_COLUMNS)]
    assert pq.read_table(events.to_parquet(tmp_path / "e.parquet")).schema == EVENT_SCHEMA


def test_iter_arrow_one_table_per_page() -> None:
    tables = list(
        make_client(event_server([EVENT], [], [IMPLANT])).Event(patient_id="p1").iter_arrow()
    )
    assert [t.num_rows for t in tables] == [1, 0, 1]
    assert all(t.schema == EVENT_SCHEMA for t in tables)


def test_to_pandas_has_utc_datetimes() -> None:
    pytest.importorskip("pandas")
    frame = make_client(event_server([EVENT, IMPLANT])).Event(patient_id="p1").to_pandas()
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]"
    assert frame["time"].iloc[0].value == 1_714_525_200_123_000_000
    assert list(frame.columns) == EVENT_COLUMNS


def test_to_csv_reads_back_typed(tmp_path: Path) -> None:
    server = event_server([EVENT], [IMPLANT])
    path = make_client(server).Event(patient_id="p1").to_csv(tmp_path / "events.csv")
    assert path == tmp_path / "events.csv"
    back = pacsv.read_csv(path)
    assert back.num_rows == 2
    assert back.schema.field("time").type == TIMESTAMP_TYPE
    assert back.column("time").cast(pa.int64()).to_pylist()[0] == 1_714_525_200_123_000_000
    assert json.loads(back.column("payload")[0].as_py()) == EVENT["payload"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]


def test_to_parquet_reads_back_the_table(tmp_path: Path) -> None:
    server = PagedServer([json_page({"span": [SPAN]}), json_page({"span": [SPAN]})])
    span = make_client(server).Span(patient_id="p1", **WINDOW)
    path = span.to_parquet(tmp_path / "spans.parquet", compression="snappy")
    back = pq.read_table(path)
    assert back.schema == SPAN_SCHEMA and back.num_rows == 2
    assert pq.ParquetFile(path).metadata.num_row_groups == 2  # one per page, streamed


@pytest.mark.parametrize("method", ["to_csv", "to_parquet"])
def test_failed_page_leaves_no_file(tmp_path: Path, method: str) -> None:
    server = PagedServer([json_page({"event": [EVENT]}), error_response(500, "boom")])
    with pytest.raises(APIError):
        getattr(make_client(server).Event(patient_id="p1"), method)(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_refused_before_any_request(tmp_path: Path) -> None:
    server = event_server([EVENT])
    events = make_client(server).Event(patient_id="p1")
    with pytest.raises(ValidationError, match="timestamp='iso'") as info:
        events.to_arrow(timestamp="iso")
    assert info.value.parameter == "timestamp"
    with pytest.raises(ValidationError) as info:
        events.to_parquet(tmp_path / "e.parquet", compression="bogus")
    assert info.value.parameter == "compression"
    with pytest.raises(FileNotFoundError):
        events.to_csv(tmp_path / "missing" / "e.csv")
    with pytest.raises(ValidationError, match="timestamp"):
        make_client(server).Span(patient_id="p1", **WINDOW).iter_arrow(timestamp="datetime")
    assert server.requests == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("time", "message"),
    [("2024-05-01T01:00:00Z", "not unix seconds"), (1e300, "out of the range")],
)
def test_time_that_is_not_unix_seconds_is_an_api_error(time: object, message: str) -> None:
    server = event_server([{**EVENT, "time": time}])
    with pytest.raises(APIError, match=message) as info:
        make_client(server).Event(patient_id="p1").to_arrow()
    assert "event-1" in str(info.value)
    assert info.value.path is not None and info.value.path.startswith("/v1/event.json")


def test_iter_events_unchanged_by_the_tables() -> None:
    events = list(
        make_client(event_server([EVENT], [IMPLANT])).Event(patient_id="p1").iter_events()
    )
    assert [e.id for e in events] == ["event-1", "event-2"]
    assert events[1].additional_properties == {"new_field": [1, "two"]}


def test_not_an_event_page_is_an_api_error() -> None:
    server = PagedServer([httpx.Response(200, json={"success": True, "result": {"span": []}})])
    with pytest.raises(APIError):
        make_client(server).Event(patient_id="p1").to_arrow()
