"""``Session.stream.to_arrow`` & co.: typed V2 tables by stream id, judged by the wire and the data.

A routing MockTransport serves each stream's pages by ``page_token``; the tests look at the
requests made, the column types, exact nanoseconds, the files written (and never half-written).
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import runestream
from runestream import CSVParseError, NotFoundError, Session, ValidationError

A = "a" * 64
B = "b" * 64
C = "c" * 64
NEXT = "X-Rune-Next-Page-Token"
T0 = 1_714_547_501_000_000_001  # not representable as float seconds
NS = 1_000_000_000
DICT_TYPE = pa.dictionary(pa.int32(), pa.string())


def rows(start: int, count: int, value: Callable[[int], str], step: int = 20_000_000) -> str:
    return "".join(f"{start + i * step},{value(i)},20000000\n" for i in range(count))


class Streams:
    """Serves ``{stream_id: [page bodies]}``; page N+1 is asked for with ``page_token=tN``."""

    def __init__(self, pages: dict[str, list[str]], delay: float = 0.0) -> None:
        self.pages = pages
        self.delay = delay
        self.requests: list[httpx.Request] = []
        self.running = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            if self.delay:
                time.sleep(self.delay)
            stream_id = request.url.path.rsplit("/", 1)[-1]
            if stream_id not in self.pages:
                body = {"error": {"type": "NotFoundError", "message": f"no stream {stream_id}"}}
                return httpx.Response(404, json=body)
            token = dict(parse_qsl(request.url.query.decode())).get("page_token")
            index = 0 if token is None else int(token[1:])
            pages = self.pages[stream_id]
            headers = {"content-type": "text/csv"}
            if index + 1 < len(pages):
                headers[NEXT] = f"t{index + 1}"
            return httpx.Response(200, text=pages[index], headers=headers)
        finally:
            with self._lock:
                self.running -= 1

    def queries(self) -> list[dict[str, str]]:
        return [dict(parse_qsl(r.url.query.decode())) for r in self.requests]


@pytest.fixture
def make_session(config: runestream.Config) -> Iterator[Callable[[Streams], Session]]:
    sessions: list[Session] = []

    def make(server: Streams) -> Session:
        session = Session(config, transport=httpx.MockTransport(server), sleep=lambda _: None)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


ACCEL = {
    A: [
        "time,acceleration,measurement_duration_ns\n" + rows(T0, 3, lambda i: f"0.{i}5"),
        "time,acceleration,measurement_duration_ns\n" + rows(T0 + 60_000_000, 3, lambda i: "1.5"),
    ]
}


# -- the wire ---------------------------------------------------------------------------------


def test_each_stream_is_read_as_csv_with_unixns_and_the_callers_bounds(
    make_session: Callable[[Streams], Session],
) -> None:
    server = Streams(ACCEL)
    make_session(server).stream.to_arrow(A, 1714547501, 1714550000, timezone_name="Europe/Paris")
    first, second = server.queries()
    assert first == {
        "start_time": "1714547501.0",  # floats as runeq sends them
        "end_time": "1714550000.0",
        "format": "csv",
        "timestamp": "unixns",
        "translate_enums": "true",
    }
    assert second == {**first, "page_token": "t1"}  # every other parameter unchanged
    assert server.requests[0].url.path == f"/v2/streams/{A}"


def test_nanosecond_bounds_are_sent_as_given(make_session: Callable[[Streams], Session]) -> None:
    server = Streams(ACCEL)
    make_session(server).stream.to_arrow(A, start_time_ns=T0, end_time_ns=T0 + 1)
    assert server.queries()[0]["start_time_ns"] == str(T0)
    assert server.queries()[0]["end_time_ns"] == str(T0 + 1)


# -- types --------------------------------------------------------------------------------------


def test_time_is_exact_nanoseconds_in_utc_and_durations_are_int64(
    make_session: Callable[[Streams], Session],
) -> None:
    table = make_session(Streams(ACCEL)).stream.to_arrow(A)
    assert table.schema == pa.schema(
        [
            ("time", pa.timestamp("ns", tz="UTC")),
            ("acceleration", pa.float64()),
            ("measurement_duration_ns", pa.int64()),
        ]
    )
    assert table.column("time").cast(pa.int64()).to_pylist()[0] == T0
    assert table.column("acceleration").to_pylist() == [0.05, 0.15, 0.25, 1.5, 1.5, 1.5]


def test_timezone_name_sets_the_zone_of_the_same_instants(
    make_session: Callable[[Streams], Session],
) -> None:
    table = make_session(Streams(ACCEL)).stream.to_arrow(A, timezone_name="America/New_York")
    assert table.schema.field("time").type == pa.timestamp("ns", tz="America/New_York")
    assert table.column("time").cast(pa.int64()).to_pylist()[0] == T0


def test_dimension_types_ints_floats_enum_names_and_json_text(
    make_session: Callable[[Streams], Session],
) -> None:
    event = json.dumps({"display_name": "Walk", "payload": {"steps": 3}})
    quoted = '"' + event.replace('"', '""') + '"'
    body = (
        "time,heart_rate,current,status,event,day,measurement_duration_ns\n"
        f"{T0},61,1.5,on,{quoted},2024-05-01,0\n"
        f"{T0 + NS},62,2,off,,2024-05-02,0\n"
    )
    table = make_session(Streams({A: [body]})).stream.to_arrow(A)
    types = dict(zip(table.schema.names, table.schema.types, strict=True))
    assert types["heart_rate"] == pa.int64()
    assert types["current"] == pa.float64()
    assert types["status"] == pa.string()
    assert types["event"] == pa.string()  # JSON dict dimensions are kept as their JSON text
    assert types["day"] == pa.string()  # date-looking text stays text
    assert json.loads(table.column("event")[0].as_py()) == json.loads(event)
    assert table.column("event")[1].as_py() is None


def test_integers_then_fractions_are_float_whichever_page_comes_first(
    make_session: Callable[[Streams], Session], tmp_path: Path
) -> None:
    header = "time,value,measurement_duration_ns\n"
    pages = [header + rows(T0, 2, lambda i: str(i)), header + rows(T0 + NS, 2, lambda i: "2.5")]
    stream = make_session(Streams({A: pages})).stream
    table = stream.to_arrow(A)
    assert table.schema.field("value").type == pa.float64()
    assert table.column("value").to_pylist() == [0.0, 1.0, 2.5, 2.5]
    written = pq.read_table(stream.to_parquet(tmp_path / "v.parquet", A))
    assert written.equals(table)
    assert [p.name for p in tmp_path.iterdir()] == ["v.parquet"]  # no part left behind


def test_a_header_only_page_does_not_decide_the_types(
    make_session: Callable[[Streams], Session], tmp_path: Path
) -> None:
    header = "time,value,measurement_duration_ns\n"
    pages = [header, header + rows(T0, 2, lambda i: "0.5"), header]
    stream = make_session(Streams({A: pages})).stream
    table = stream.to_arrow(A)
    assert table.schema.field("value").type == pa.float64()
    assert table.num_rows == 2
    assert pq.read_table(stream.to_parquet(tmp_path / "v.parquet", A)).equals(table)


def test_an_empty_result_keeps_time_and_duration_columns(
    make_session: Callable[[Streams], Session],
) -> None:
    stream = make_session(Streams({A: [""], B: [""]})).stream
    assert stream.to_arrow(A).schema.names == ["time", "measurement_duration_ns"]
    table = stream.to_arrow([A, B])
    assert table.num_rows == 0
    assert table.schema.names == ["time", "measurement_duration_ns", "stream_id"]


def test_a_page_without_time_or_with_other_columns_is_a_parse_error(
    make_session: Callable[[Streams], Session],
) -> None:
    no_time = {A: ["when,value\n1,2\n"]}
    with pytest.raises(CSVParseError, match="no 'time' column"):
        make_session(Streams(no_time)).stream.to_arrow(A)
    changed = {A: [ACCEL[A][0], "time,other,measurement_duration_ns\n1,2,0\n"]}
    with pytest.raises(CSVParseError, match="differ"):
        make_session(Streams(changed)).stream.to_arrow(A)
    text_time = {A: ["time,value,measurement_duration_ns\n2024-05-01T00:00:00Z,1,0\n"]}
    with pytest.raises(CSVParseError):
        make_session(Streams(text_time)).stream.to_arrow(A)


# -- several streams ------------------------------------------------------------------------


def three_streams() -> dict[str, list[str]]:
    accel = "time,acceleration,measurement_duration_ns\n"
    heart = "time,heart_rate,measurement_duration_ns\n"
    return {
        A: [accel + rows(T0, 3, lambda i: f"0.{i}"), accel + rows(T0 + NS, 2, lambda i: "0.9")],
        B: [heart + rows(T0, 2, lambda i: str(60 + i), step=5 * NS)],
        C: [accel + rows(T0, 1, lambda i: "-1.0")],
    }


def test_several_streams_get_a_dictionary_stream_id_and_the_union_of_columns(
    make_session: Callable[[Streams], Session],
) -> None:
    table = make_session(Streams(three_streams())).stream.to_arrow([A, B, C])
    assert table.schema.names == [
        "time",
        "acceleration",
        "heart_rate",
        "measurement_duration_ns",
        "stream_id",
    ]
    assert table.schema.field("stream_id").type == DICT_TYPE
    assert table.column("stream_id").to_pylist() == [A] * 5 + [B] * 2 + [C]
    assert table.column("heart_rate").to_pylist() == [None] * 5 + [60, 61] + [None]
    assert table.schema.field("heart_rate").type == pa.int64()
    assert table.column("stream_id").combine_chunks().dictionary.to_pylist() == [A, B, C]


def test_one_id_in_a_list_has_a_stream_id_column_a_bare_id_has_none(
    make_session: Callable[[Streams], Session],
) -> None:
    stream = make_session(Streams(ACCEL)).stream
    assert "stream_id" not in stream.to_arrow(A).schema.names
    assert stream.to_arrow([A]).column("stream_id").to_pylist() == [A] * 6


def test_workers_fetch_streams_at_once_with_the_sequential_result(
    make_session: Callable[[Streams], Session],
) -> None:
    sequential = make_session(Streams(three_streams())).stream.to_arrow([A, B, C])
    server = Streams(three_streams(), delay=0.05)
    parallel = make_session(server).stream.to_arrow([A, B, C], workers=3)
    assert parallel.equals(sequential)
    assert server.peak >= 2
    capped = Streams(three_streams(), delay=0.02)
    make_session(capped).stream.to_arrow([A, B, C], workers=2)
    assert capped.peak <= 2


def test_limit_holds_per_stream_across_pages_and_stops_requesting(
    make_session: Callable[[Streams], Session],
) -> None:
    server = Streams(three_streams())
    table = make_session(server).stream.to_arrow([A, B], limit=4)
    assert table.column("stream_id").to_pylist() == [A] * 4 + [B] * 2
    assert {q["limit"] for q in server.queries()} == {"4"}
    server = Streams(three_streams())
    make_session(server).stream.to_arrow(A, limit=2)
    assert len(server.requests) == 1  # the first page held the limit: no second request


def test_an_unknown_stream_is_not_found_and_leaves_no_file(
    make_session: Callable[[Streams], Session], tmp_path: Path
) -> None:
    stream = make_session(Streams(three_streams())).stream
    with pytest.raises(NotFoundError) as info:
        stream.to_arrow([A, "f" * 64])
    assert info.value.status_code == 404
    with pytest.raises(NotFoundError):
        stream.to_parquet(tmp_path / "x.parquet", [A, B, "f" * 64], workers=3)
    assert list(tmp_path.iterdir()) == []


# -- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 3])
def test_parquet_holds_exactly_the_arrow_table(
    make_session: Callable[[Streams], Session], tmp_path: Path, workers: int
) -> None:
    stream = make_session(Streams(three_streams())).stream
    table = stream.to_arrow([A, B, C])
    path = stream.to_parquet(tmp_path / "s.parquet", [A, B, C], workers=workers)
    assert pq.read_table(path).equals(table)
    assert [p.name for p in tmp_path.iterdir()] == ["s.parquet"]


def test_csv_and_jsonl_hold_the_same_rows(
    make_session: Callable[[Streams], Session], tmp_path: Path
) -> None:
    stream = make_session(Streams(three_streams())).stream
    table = stream.to_arrow([A, B, C])
    with stream.to_csv(tmp_path / "s.csv", [A, B, C]).open() as handle:
        records = list(csv.reader(handle))
    assert records[0] == table.schema.names
    assert len(records) == 1 + table.num_rows
    assert records[1][0] == "2024-05-01 07:11:41.000000001Z"  # exact nanoseconds
    assert [r[-1] for r in records[1:]] == table.column("stream_id").to_pylist()
    path = stream.write(tmp_path / "s.jsonl", [A, B, C], format="jsonl")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == table.num_rows
    assert lines[5] == {
        "time": "2024-05-01 07:11:41.000000001Z",
        "acceleration": None,
        "heart_rate": 60,
        "measurement_duration_ns": 20000000,
        "stream_id": B,
    }


def test_a_failure_mid_file_leaves_no_file_and_no_part(
    make_session: Callable[[Streams], Session], tmp_path: Path
) -> None:
    pages = three_streams()
    pages[C] = [pages[C][0] + "ragged,row,with,too,many\n"]
    stream = make_session(Streams(pages)).stream
    (tmp_path / "keep.parquet").write_bytes(b"old")
    for fmt in ("parquet", "csv", "jsonl"):
        with pytest.raises(CSVParseError):
            stream.write(tmp_path / "keep.parquet", [A, B, C], format=fmt)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.parquet"]
    assert (tmp_path / "keep.parquet").read_bytes() == b"old"


# -- bad input: named, before any request ------------------------------------------------


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda s: s.to_arrow([]), "stream_ids"),
        (lambda s: s.to_arrow([A, A]), "stream_ids"),
        (lambda s: s.to_arrow(b"x"), "stream_ids"),
        (lambda s: s.to_arrow(A, 10, 5), "start_time"),
        (lambda s: s.to_arrow(A, 1, start_time_ns=1), "start_time_ns"),
        (lambda s: s.to_arrow(A, timezone_name="Mars/Olympus"), "timezone_name"),
        (lambda s: s.to_arrow(A, limit=-1), "limit"),
        (lambda s: s.to_arrow(A, workers=0), "workers"),
        (lambda s: s.to_arrow(A, workers=11), "workers"),
        (lambda s: s.to_arrow(A, deadline=-1), "deadline"),
        (lambda s: s.to_arrow(A, strat_time=1), "strat_time"),
        (lambda s: s.to_pandas(A, limt=1), "limt"),
        (lambda s: s.write("out.x", A, format="xml"), "format"),
        (lambda s: s.to_parquet("out.parquet", A, compression="bogus"), "compression"),
        (lambda s: s.to_parquet("/no/such/dir/out.parquet", A), "path"),
        (lambda s: s.to_csv(".", A), "path"),
        (lambda s: s.to_arrow([A, B], tags={"site": ["x"]}), "tags"),
        (lambda s: s.to_arrow([A], tags={"site": [3]}), "tags"),
        (lambda s: s.to_arrow([A], tags={"stream_id": ["x"]}), "tags"),
        (lambda s: s.to_arrow([A], tags={"time": ["x"]}), "tags"),
        (lambda s: s.to_arrow([A], tags=[("site", ["x"])]), "tags"),
    ],
)
def test_bad_input_is_named_before_any_request(
    make_session: Callable[[Streams], Session], call: Callable[[Any], Any], parameter: str
) -> None:
    server = Streams(ACCEL)
    with pytest.raises(ValidationError) as info:
        call(make_session(server).stream)
    assert info.value.parameter == parameter
    assert server.requests == []


def test_iter_arrow_checks_its_arguments_when_called(
    make_session: Callable[[Streams], Session],
) -> None:
    server = Streams(ACCEL)
    with pytest.raises(ValidationError):
        make_session(server).stream.iter_arrow(A, 5, 1)
    tables = list(make_session(server).stream.iter_arrow([A]))
    assert [t.num_rows for t in tables] == [3, 3]
    assert server.requests and all(t.schema.names[-1] == "stream_id" for t in tables)


# -- pandas and polars ----------------------------------------------------------------------


def test_pandas_has_a_utc_time_column_and_categorical_stream_ids(
    make_session: Callable[[Streams], Session],
) -> None:
    frame = make_session(Streams(three_streams())).stream.to_pandas([A, B, C])
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]"
    assert frame["time"].iloc[0].value == T0
    assert list(frame["stream_id"].cat.categories) == [A, B, C]
    assert str(frame["measurement_duration_ns"].dtype) == "int64"


def test_polars_gets_the_same_table(make_session: Callable[[Streams], Session]) -> None:
    pl = pytest.importorskip("polars")
    stream = make_session(Streams(three_streams())).stream
    frame = stream.to_polars([A, B, C])
    assert frame.shape == (8, 5)
    assert frame.schema["time"] == pl.Datetime("ns", "UTC")
    assert frame["time"].dt.epoch("ns")[0] == T0


def test_to_csv_text_parses_back_to_the_same_values(
    make_session: Callable[[Streams], Session], tmp_path: Path
) -> None:
    stream = make_session(Streams(three_streams())).stream
    text = stream.to_csv(tmp_path / "s.csv", [A, C]).read_text()
    values = [row["acceleration"] for row in csv.DictReader(io.StringIO(text))]
    assert values == ["0", "0.1", "0.2", "0.9", "0.9", "-1"]
