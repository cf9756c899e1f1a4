"""Columns typed from a stream type's declared dimensions (``v2._schema.with_declared_types``,
``sync._partition``): every window of a stream gets one schema, whatever its values."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from runestream.objects import StreamMetadata
from runestream.objects._stream_type import Dimension, StreamType
from runestream.sync._partition import declared_schema, fetch_partition
from runestream.v2._schema import declared_type, time_type, with_declared_types

UTC_NS = time_type("UTC")


@pytest.mark.parametrize(
    ("data_type", "enums", "expected"),
    [
        ("float", True, pa.float64()),
        ("double", True, pa.float64()),
        ("int", True, pa.int64()),
        ("timestamp", True, pa.int64()),
        ("enum", True, pa.string()),
        ("enum", False, pa.int64()),
        ("dict", True, pa.string()),
        (None, True, pa.string()),
    ],
)
def test_declared_type(data_type: str | None, enums: bool, expected: pa.DataType) -> None:
    assert declared_type(data_type, translate_enums=enums) == expected


def _declared() -> pa.Schema:
    return pa.schema(
        [
            pa.field("time", UTC_NS),
            pa.field("value", pa.float64()),
            pa.field("label", pa.string()),
            pa.field("measurement_duration_ns", pa.int64()),
        ]
    )


def test_inferred_types_become_the_declared_ones() -> None:
    inferred = pa.table(
        {
            "time": pa.array([1, 2], UTC_NS),
            "value": pa.array([3, 4], pa.int64()),  # whole floats, inferred int64
            "label": pa.nulls(2, pa.null()),  # no value in this window
            "measurement_duration_ns": pa.array([0, 0], pa.int64()),
        }
    )
    typed = with_declared_types(inferred, _declared())
    assert typed.schema == _declared()
    assert typed.column("value").to_pylist() == [3.0, 4.0]
    assert typed.column("label").null_count == 2


def test_missing_columns_are_null_and_undeclared_ones_are_kept() -> None:
    table = pa.table({"time": pa.array([1], UTC_NS), "extra": ["kept"]})
    typed = with_declared_types(table, _declared())
    assert typed.column_names == ["time", "value", "label", "measurement_duration_ns", "extra"]
    assert typed.column("value").type == pa.float64()
    assert typed.column("extra").to_pylist() == ["kept"]


def test_values_that_do_not_fit_keep_their_inferred_type() -> None:
    table = pa.table({"time": pa.array([1], UTC_NS), "value": ["not a number"]})
    typed = with_declared_types(table, _declared())
    assert typed.column("value").type == pa.string()
    assert typed.column("value").to_pylist() == ["not a number"]


def _stream() -> StreamMetadata:
    dimensions = [
        Dimension(id="time", data_type="timestamp", quantity_name=None, unit_name=None),
        Dimension(id="value", data_type="float", quantity_name=None, unit_name=None),
        Dimension(id="label", data_type="enum", quantity_name=None, unit_name=None),
    ]
    kind = StreamType(id="t", name=None, description=None, dimensions=dimensions)
    return StreamMetadata(
        id="s1",
        created_at=None,
        algorithm=None,
        device_id="d",
        patient_id="p",
        stream_type=kind,
        min_time=None,
        max_time=None,
        parameters={},
    )


class _Stream:
    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self.calls: list[dict[str, Any]] = []

    def to_arrow(self, stream_id: str, **window: Any) -> pa.Table:
        self.calls.append({"stream_id": stream_id, **window})
        return self.table


class _Session:
    def __init__(self, table: pa.Table) -> None:
        self.stream = _Stream(table)


def test_every_day_of_a_synced_stream_has_its_declared_schema() -> None:
    assert declared_schema(_stream()) == _declared()
    days = [
        pa.table({"time": pa.array([1], UTC_NS), "value": [2], "measurement_duration_ns": [0]}),
        pa.table(
            {
                "time": pa.array([5], UTC_NS),
                "value": [2.5],
                "label": ["on"],
                "measurement_duration_ns": [0],
            }
        ),
    ]
    schemas = set()
    for day in days:
        session: Any = _Session(day)
        table = fetch_partition(session, "s1", 0, 10, declared_schema(_stream()))
        assert session.stream.calls == [{"stream_id": "s1", "start_time_ns": 0, "end_time_ns": 10}]
        schemas.add(table.schema)
    assert schemas == {_declared()}
