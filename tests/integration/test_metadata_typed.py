"""``StreamMetadataSet.to_arrow`` / ``to_pandas`` / ``to_parquet`` against the sandbox.

The fast paths beside runeq's ``get_stream_dataframe``: the same rows and values as the runeq
frame asked for with ``timestamp="unixns"`` (times exact, as ``timestamp[ns, UTC]``), metadata
columns dictionary-encoded, concurrency equal to a sequential fetch, the Parquet file equal to
the table, and an empty set still typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import runestream_sandbox as rs
from runestream import Config, Session, ValidationError
from runestream.objects import NoSessionError, StreamMetadata, StreamMetadataSet
from runestream_sandbox.graph.world import WORLD

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

START = int(rs.CATALOG.start_time + 8 * 3600)  # the watch is worn
END = START + 40
META = ["stream_id", "stream_type_id", "patient_id", "device_id", "algorithm"]


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer(rs.SandboxSettings(v2_page_size=500)) as srv:
        yield srv


@pytest.fixture(scope="module")
def session(server: rs.SandboxServer) -> Iterator[Session]:
    config = Config(
        stream_url=server.url,
        graph_url=server.url,
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
    )
    with Session(config) as s:
        yield s


@pytest.fixture(scope="module")
def streams(session: Session) -> StreamMetadataSet:
    """The watch's acceleration and heart rate: different dimensions, several pages each."""
    found = session.stream_metadata.get_patient_stream_metadata(
        rs.PATIENT_ID, device_id=rs.WATCH_ID, measurement="acceleration"
    )
    found.update(
        session.stream_metadata.get_patient_stream_metadata(
            rs.PATIENT_ID, device_id=rs.WATCH_ID, measurement="heart_rate"
        )
    )
    assert len(found) == 4
    return found


def test_to_arrow_has_runeqs_columns_typed_and_dictionary_encoded(
    streams: StreamMetadataSet,
) -> None:
    table = streams.to_arrow(START, END)
    names = table.column_names
    assert names[0] == "time" and names.index("measurement_duration_ns") < names.index("stream_id")
    assert names[names.index("stream_id") : names.index("stream_id") + 5] == META
    assert table.schema.field("time").type == pa.timestamp("ns", tz="UTC")
    for name in [*META, "category", "measurement", "axis"]:
        assert pa.types.is_dictionary(table.schema.field(name).type), name
    assert table.column("stream_id").combine_chunks().dictionary.to_pylist() == list(streams.ids())
    # each row's metadata is its stream's
    frame = table.select(["stream_id", "device_id", "measurement"]).to_pandas()
    for stream in streams:
        rows = frame[frame["stream_id"] == stream.id]
        assert len(rows) > (500 if stream.parameters["measurement"] == "acceleration" else 0)
        assert set(rows["device_id"]) == {stream.device_id}
        assert set(rows["measurement"]) == {stream.parameters["measurement"]}


def test_the_values_are_runeqs_frame_with_exact_times(streams: StreamMetadataSet) -> None:
    ours = streams.to_pandas(START, END)
    theirs = streams.get_stream_dataframe(start_time=START, end_time=END, timestamp="unixns")
    assert len(ours) == len(theirs)
    assert list(ours["time"].astype("int64")) == list(theirs["time"])
    for column in theirs.columns:
        if column == "time":
            continue
        left, right = ours[column], theirs[column]
        if isinstance(left.dtype, pd.CategoricalDtype):
            left = left.astype(object)
        if isinstance(right.dtype, pd.CategoricalDtype):
            right = right.astype(object)
        pd.testing.assert_series_equal(left, right, check_dtype=False, check_names=False)


def test_to_pandas_is_the_tables_frame_and_writable(streams: StreamMetadataSet) -> None:
    """Converted column by column (table_frame): the frame ``Table.to_pandas()`` gives, and
    writable even when each column is one page (one Arrow chunk)."""
    pd.testing.assert_frame_equal(
        streams.to_pandas(START, END), streams.to_arrow(START, END).to_pandas(), check_exact=True
    )
    one_page = streams.filter(measurement="heart_rate")
    frame = one_page.to_pandas(START, END)
    assert one_page.to_arrow(START, END).column("time").num_chunks == 1
    frame.loc[0, "time"] = frame.loc[1, "time"]
    frame.loc[0, "measurement_duration_ns"] = 0
    assert frame.loc[0, "time"] == frame.loc[1, "time"]


def test_workers_give_the_sequential_table(streams: StreamMetadataSet) -> None:
    assert streams.to_arrow(START, END, workers=4).equals(streams.to_arrow(START, END, workers=1))


def test_limit_is_per_stream_and_timezone_name_is_honoured(streams: StreamMetadataSet) -> None:
    table = streams.to_arrow(START, END, limit=7, timezone_name="America/New_York")
    assert table.num_rows == 7 * len(streams)
    assert table.schema.field("time").type == pa.timestamp("ns", tz="America/New_York")


def test_to_parquet_writes_the_same_table(streams: StreamMetadataSet, tmp_path: Path) -> None:
    path = streams.to_parquet(tmp_path / "set.parquet", START, END, workers=2)
    assert pq.read_table(path).equals(streams.to_arrow(START, END))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set.parquet"]


def test_an_empty_set_is_an_empty_typed_table(session: Session) -> None:
    empty = StreamMetadataSet(_session=session.metadata_source).to_arrow(START, END)
    assert empty.num_rows == 0
    assert empty.column_names == ["time", "measurement_duration_ns", *META]


def _runeq_dict(stream: Any, parameters: list[tuple[str, str]]) -> dict[str, Any]:
    """A sandbox stream as runeq's getStreamList answers it (runeq's aliases)."""
    t = stream.stream_type
    dimensions = [
        {
            "id": d.identifier,
            "data_type": d.data_type,
            "quantity_name": d.quantity_name,
            "quantity_abbrev": d.quantity_abbrev,
            "unit_name": d.unit_name,
            "unit_abbrev": d.unit_abbrev,
        }
        for d in t.dimensions
    ]
    return {
        "id": stream.id,
        "created_at": stream.created_at,
        "algorithm": stream.algorithm,
        "device_id": stream.device_id,
        "patient_id": stream.patient_id,
        "streamType": {
            "id": t.id,
            "name": t.name,
            "description": t.description,
            "shape": {"dimensions": dimensions},
        },
        "parameters": [{"key": k, "value": v} for k, v in parameters],
        "min_time": stream.min_time,
        "max_time": stream.max_time,
    }


def test_a_parameter_named_like_a_column_is_left_out(session: Session) -> None:
    heart = rs.find_stream(device_id=rs.WATCH_ID, measurement="heart_rate")
    world = next(s for s in WORLD.streams if s.id == heart.id)
    dimension = world.stream_type.dimensions[1].identifier
    clashing = [(dimension, "clash"), ("patient_id", "x"), ("kept", "yes")]
    odd = StreamMetadataSet(
        [
            StreamMetadata.from_graphql(
                _runeq_dict(world, clashing), _session=session.metadata_source
            )
        ]
    )
    table = odd.to_arrow(START, END)
    assert table.num_rows > 0
    assert table.column_names.count(dimension) == 1
    assert table.column_names.count("patient_id") == 1
    assert not pa.types.is_dictionary(table.schema.field(dimension).type)
    assert table.column("kept").to_pylist() == ["yes"] * table.num_rows


def test_without_a_session_or_with_bad_input(streams: StreamMetadataSet) -> None:
    loose = StreamMetadataSet([StreamMetadata(**{**s.to_dict()}) for s in list(streams)[:1]])
    with pytest.raises(NoSessionError, match="to_arrow"):
        loose.to_arrow(START, END)
    with pytest.raises(ValidationError):
        streams.to_arrow(END, START)
    with pytest.raises(ValidationError, match="timezone_name"):
        streams.to_arrow(START, END, timezone_name="Not/AZone")
