"""One partition of a sync: a stream's rows over one UTC day, typed from its stream type.

The same function fetches a partition in this process and on a Dask worker, so a file is the
same bytes wherever it was fetched. Columns are typed from the stream type's dimensions (not
inferred from the day's values alone), so every day of a stream has one schema and the dataset
reads without casts: a day whose floats happen to be whole is still float64, a column without
a value that day is a null column of its declared type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa  # type: ignore[import-untyped]

from ..v2._schema import (
    DURATION_COLUMN,
    TIME_COLUMN,
    declared_type,
    time_type,
    with_declared_types,
)

if TYPE_CHECKING:
    from .._session_api import Session
    from ..objects import StreamMetadata

__all__ = ["declared_schema", "fetch_partition"]


def declared_schema(stream: StreamMetadata) -> pa.Schema:
    """``time`` (UTC), the stream type's dimensions (declared types, text enums) and
    ``measurement_duration_ns``: the columns every partition of ``stream`` starts with."""
    fields = [pa.field(TIME_COLUMN, time_type("UTC"))]
    for dimension in stream.stream_type.dimensions:
        if dimension.id not in (TIME_COLUMN, DURATION_COLUMN):
            fields.append(pa.field(dimension.id, declared_type(dimension.data_type)))
    fields.append(pa.field(DURATION_COLUMN, pa.int64()))
    return pa.schema(fields)


def fetch_partition(
    session: Session, stream_id: str, start_ns: int, end_ns: int, declared: pa.Schema
) -> pa.Table:
    """``stream_id``'s rows in ``[start_ns, end_ns)`` (every page of ``GET /v2/streams/{id}``
    through ``session.stream.to_arrow``) with ``declared``'s columns and types first."""
    table = session.stream.to_arrow(stream_id, start_time_ns=start_ns, end_time_ns=end_ns)
    return with_declared_types(table, declared)
