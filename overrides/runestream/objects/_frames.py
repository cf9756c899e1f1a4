"""Data frames of metadata sets, with the same columns and dtypes whether a set is empty or not.

runeq builds every set's frame as ``pd.DataFrame(set.to_list())``: an empty set gives a frame
with **no columns**, and a column whose values happen to be all ``None`` (an open ``end_time``,
an event category without enums) comes out ``object`` instead of ``float64`` / string. Here
each set declares its columns (:data:`Schema`, in the order runeq's non-empty frame has them):
an empty set's frame has exactly those columns with those dtypes, and a non-empty frame's
declared columns are cast to them when every value fits (numbers and missing values to
``float64``, text and missing values to pandas' string dtype). Columns a set does not declare
(a stream's parameters, extra attributes) are kept as pandas infers them.

:func:`table_frame` converts a stream set's typed Arrow table (``StreamMetadataSet.to_pandas``)
column by column, so that the table and the frame are not held in full at once.

pandas is an optional extra, imported only when a frame is asked for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas
    import pyarrow  # type: ignore[import-untyped]

__all__ = [
    "Kind",
    "Schema",
    "records_frame",
    "require_pandas",
    "table_frame",
    "unix_seconds_to_datetime",
]


class Kind(Enum):
    """How a declared column is typed."""

    STR = "str"
    FLOAT = "float"
    BOOL = "bool"
    OBJECT = "object"
    DATETIME = "datetime"


#: A set's declared columns: ``(name, kind)`` in column order.
Schema = tuple[tuple[str, Kind], ...]


def require_pandas(method: str) -> None:
    """Raise a helpful ``ImportError`` when pandas (an optional extra) is missing."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise ImportError(
            f"{method}() needs pandas, an optional extra: pip install 'runestream[pandas]' "
            "(or use to_list())"
        ) from None


def _string_dtype() -> Any:
    """The dtype pandas infers for text: ``str`` on pandas 3, ``object`` on pandas 2."""
    import pandas as pd

    return pd.Series(["x"]).dtype


def _dtype(kind: Kind) -> Any:
    if kind is Kind.STR:
        return _string_dtype()
    return {
        Kind.FLOAT: "float64",
        Kind.BOOL: "bool",
        Kind.OBJECT: "object",
        Kind.DATETIME: "datetime64[ns]",
    }[kind]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _fits(values: Sequence[object], kind: Kind) -> bool:
    if kind is Kind.FLOAT:
        return all(
            _missing(v) or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values
        )
    if kind is Kind.STR:
        return all(_missing(v) or isinstance(v, str) for v in values)
    return False


def empty_frame(schema: Schema) -> pandas.DataFrame:
    """A frame with no rows and the schema's columns and dtypes."""
    import pandas as pd

    return pd.DataFrame(
        {name: pd.Series([], dtype=_dtype(kind)) for name, kind in schema},
        index=pd.RangeIndex(0),
    )


def stabilize(frame: pandas.DataFrame, schema: Schema) -> pandas.DataFrame:
    """Cast ``frame``'s declared float and string columns to their dtypes, where every value
    fits; other columns are left as they are (in place, and returned)."""
    for name, kind in schema:
        if name not in frame.columns or kind not in (Kind.FLOAT, Kind.STR):
            continue
        column = frame[name]
        target = _dtype(kind)
        if column.dtype != target and _fits(column.tolist(), kind):
            frame[name] = column.astype(target)
    return frame


def records_frame(records: list[dict[str, Any]], schema: Schema) -> pandas.DataFrame:
    """runeq's ``pd.DataFrame(records)``, with stable columns and dtypes (module docstring)."""
    import pandas as pd

    if not records:
        return empty_frame(schema)
    return stabilize(pd.DataFrame(records), schema)


def unix_seconds_to_datetime(values: pandas.Series) -> pandas.Series:
    """Unix seconds (floats, missing allowed) to naive UTC ``datetime64[ns]``, as runeq's
    ``pd.to_datetime(..., unit="s")``, but rounded to the microsecond.

    A float near 1.7e9 s resolves ~0.24 µs, so digits below the microsecond are float noise:
    runeq shows ``08:09:28.032000065`` for ``...28.032``; this gives ``08:09:28.032``.
    """
    import pandas as pd

    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    micros = (numbers * 1_000_000).round()
    return pd.to_datetime(micros, unit="us").astype("datetime64[ns]")


def table_frame(table: pyarrow.Table) -> pandas.DataFrame:
    """``table.to_pandas()``, built one column at a time; ``table`` is consumed.

    The frame is the one ``Table.to_pandas`` gives (same columns, dtypes, values and index,
    every block writable), but each column is converted from a one-column table of its own and
    dropped from ``table`` right after, and the Arrow pools are asked to hand back unused
    memory before the next column. The dictionary-encoded columns (a set's metadata) go
    first: their per-row indices (1-4 bytes a row, built in pyarrow's default pool, which keeps
    freed memory until asked) become pandas codes of 1 byte, so the process shrinks before the
    data columns, whose copies are as large as their Arrow buffers, are made. Measured on the
    benchmark's 3 streams x 1,080,000 rows with 8 metadata columns (a 108 MiB table, a 99 MiB
    frame): peak RSS ~55 MiB lower than ``Table.to_pandas(self_destruct=True,
    split_blocks=True)`` (``benchmarks/RESULTS.md``).

    The caller must hold no other reference to ``table`` or its columns, or nothing is freed
    early (the frame is the same either way). A table whose column names repeat, or that
    carries pandas metadata (an index to restore), is converted whole.
    """
    import pandas as pd
    import pyarrow as pa

    from runestream.core._memory import arrow_memory_pool

    pool = arrow_memory_pool()
    schema = table.schema
    names = list(schema.names)
    metadata = schema.metadata or {}
    if not names or len(set(names)) != len(names) or b"pandas" in metadata:
        whole: pandas.DataFrame = table.to_pandas(memory_pool=pool, self_destruct=True)
        return whole
    pools = list({id(p): p for p in (pool, pa.default_memory_pool())}.values())
    first = sorted(names, key=lambda n: not pa.types.is_dictionary(schema.field(n).type))
    columns: dict[str, Any] = {}
    for name in first:
        piece = table.select([name])
        table = table.drop_columns([name])
        # Not split_blocks: a column of one chunk would then be a read-only view of Arrow's
        # buffer, and writing to the frame would fail; this way every block is the frame's own.
        part = piece.to_pandas(memory_pool=pool, self_destruct=True)
        del piece
        columns[name] = part[name]
        del part
        for each in pools:
            each.release_unused()
    del table
    frame = pd.DataFrame({name: columns.pop(name) for name in names}, copy=False)
    return frame
