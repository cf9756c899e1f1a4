"""``table_frame``: a typed table to pandas column by column, equal to ``Table.to_pandas()``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from runestream.objects._frames import table_frame


def _dictionary(values: list[str | None], dictionary: list[str], index: pa.DataType) -> pa.Array:
    codes = [None if v is None else dictionary.index(v) for v in values]
    return pa.DictionaryArray.from_arrays(pa.array(codes, index), pa.array(dictionary))


def _set_table() -> pa.Table:
    """Two pages of a two-stream set: every kind of column a typed table holds, nulls too."""
    pages = []
    for page in range(2):
        rows = 5
        start = page * rows
        pages.append(
            pa.table(
                {
                    "time": pa.array(
                        np.arange(start, start + rows, dtype=np.int64) * 20_000_000,
                        pa.timestamp("ns", tz="UTC"),
                    ),
                    "acceleration": pa.array([0.5, None, 1.5, 2.0, -1.0], pa.float64()),
                    "bpm": pa.array([60, 61, None, 63, 64], pa.int64()),
                    "state": pa.array(["worn", None, "off", "worn", "worn"], pa.string()),
                    "measurement_duration_ns": pa.array([20_000_000] * rows, pa.int64()),
                    "stream_id": _dictionary(["a", "a", "b", "b", "b"], ["a", "b"], pa.int32()),
                    "axis": _dictionary(["x", "x", None, None, None], ["x"], pa.int8()),
                    "device_id": _dictionary(["w"] * rows, ["w"], pa.int8()),
                }
            )
        )
    return pa.concat_tables(pages)


def _check(table: pa.Table) -> pd.DataFrame:
    expected = table.to_pandas()
    frame = table_frame(table)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert frame.columns.equals(expected.columns) and frame.columns.dtype == expected.columns.dtype
    assert frame.index.equals(expected.index) and type(frame.index) is type(expected.index)
    for name in expected.columns:
        assert frame[name].dtype == expected[name].dtype, name
    return frame


def test_a_set_table_gives_the_frame_to_pandas_gives() -> None:
    frame = _check(_set_table())
    assert frame.columns[0] == "time"  # the table's order, not the conversion's
    assert isinstance(frame["stream_id"].dtype, pd.CategoricalDtype)


def test_a_table_with_no_rows() -> None:
    _check(_set_table().slice(0, 0))


@pytest.mark.parametrize(
    "table",
    [
        pa.table([pa.array([1, 2]), pa.array([3, 4])], names=["x", "x"]),
        pa.Table.from_pandas(pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index([7, 9], name="i"))),
    ],
    ids=["repeated names", "pandas metadata"],
)
def test_tables_it_does_not_split_are_converted_whole(table: pa.Table) -> None:
    expected = table.to_pandas()
    pd.testing.assert_frame_equal(table_frame(table), expected)


@pytest.mark.parametrize("pages", [1, 2])
def test_the_frame_is_writable_as_to_pandas_is(pages: int) -> None:
    """One page (one chunk per column) must not give read-only views of Arrow's buffers."""
    table = _set_table()
    table = table.slice(0, 5).combine_chunks() if pages == 1 else table
    frame = table_frame(table)
    for name in ("time", "acceleration", "bpm", "measurement_duration_ns"):
        frame.loc[0, name] = frame.loc[1, name]
        assert frame.loc[0, name] == frame.loc[1, name] or frame[name].isna()[1], name
