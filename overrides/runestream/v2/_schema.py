"""The column types of V2 stream data tables (``to_arrow`` & co.).

A page of ``GET /v2/streams/{stream_id}?format=csv&timestamp=unixns`` is parsed with
:data:`V2_RULE`:

* ``time`` is integer nanoseconds (exact: never through float seconds), made a
  ``timestamp[ns, UTC]`` column (or of the zone asked for) by :func:`shape_page`;
* ``measurement_duration_ns`` is int64;
* every other column (the stream type's dimensions) is inferred from its values: int64 when
  every value is an integer, float64 when they are numbers, else text. Enum dimensions are
  their names (``translate_enums``), JSON ``dict`` dimensions (events, spans) are **kept as
  their JSON text** (one string per row; decode with ``json.loads`` or
  ``pyarrow.compute``/polars JSON functions), timestamp dimensions other than ``time`` (a
  span's ``start_time`` ... ``end_time_max``) are int64 nanoseconds. Text that looks like a date
  or a boolean stays text. A column without any value on a page is ``null``-typed there;
  pages and streams are combined with :func:`runestream.core._csv.widest_type` (null gives way to
  any type, int64 to float64, anything else mixed is text), so the result never depends on
  where the pages break.

Several streams in one table get a ``stream_id`` column, dictionary-encoded over the ids in
the order asked for (``pyarrow.dictionary(int32, string)``: one small integer per row). Other
constant columns per stream (a stream set's metadata: ``stream_type_id``, ``patient_id``, ...;
:class:`Tags`) follow it, encoded the same way: never a string per row.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pa_compute  # type: ignore[import-untyped]

from ..core._csv import ColumnRule, conform_table
from ..core._errors import ValidationError
from ..core._memory import arrow_memory_pool

__all__ = [
    "DURATION_COLUMN",
    "STREAM_ID_COLUMN",
    "TIME_COLUMN",
    "V2_RULE",
    "Tags",
    "check_zone",
    "declared_type",
    "empty_table",
    "shape_page",
    "stream_id_type",
    "time_type",
    "with_declared_types",
]

TIME_COLUMN: Final = "time"
DURATION_COLUMN: Final = "measurement_duration_ns"
STREAM_ID_COLUMN: Final = "stream_id"
_INTEGER_COLUMNS: Final = frozenset({TIME_COLUMN, DURATION_COLUMN})
#: Inferred types kept as they are; any other inferred type (dates, times) is read as text.
_KEPT: Final = frozenset({pa.int64(), pa.float64(), pa.string(), pa.null()})
#: A stream type's declared dimension ``data_type`` values read as float64 / int64.
_DECLARED_FLOATS: Final = frozenset({"float", "sfloat", "double"})
_DECLARED_INTEGERS: Final = frozenset({"int", "integer", "timestamp"})


def _fixed(names: Sequence[str], text: frozenset[str]) -> dict[str, pa.DataType]:
    return {name: pa.int64() for name in names if name in _INTEGER_COLUMNS}


def _finish(table: pa.Table) -> pa.Table:
    """Inferred dates (and anything but numbers, text and null) back to their text."""
    if all(field.type in _KEPT for field in table.schema):
        return table
    pool = arrow_memory_pool()
    columns = [
        column if column.type in _KEPT else pa_compute.cast(column, pa.string(), memory_pool=pool)
        for column in table.columns
    ]
    return pa.Table.from_arrays(columns, names=table.column_names)


#: How V2 CSV pages (``timestamp=unixns``) are typed; see the module docs.
V2_RULE: Final = ColumnRule(_fixed, infer=True, retype=False, finish=_finish)


def check_zone(name: str | None) -> str:
    """The zone of the ``time`` column: ``UTC`` or a valid IANA ``timezone_name``.

    Raises:
        ValidationError: Not a zone name this machine knows (naming ``timezone_name``).
    """
    if name is None:
        return "UTC"
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(
            f"timezone_name must be an IANA zone name such as 'America/New_York', not {name!r}",
            parameter="timezone_name",
        )
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"timezone_name={name!r} is not a known IANA zone name (e.g. 'America/New_York')",
            parameter="timezone_name",
        ) from None
    return name


def time_type(zone: str) -> pa.DataType:
    """``timestamp[ns, tz=zone]``."""
    return pa.timestamp("ns", tz=zone)


def stream_id_type() -> pa.DataType:
    """The ``stream_id`` column's type: ``dictionary<int32, string>``."""
    return pa.dictionary(pa.int32(), pa.string())


@dataclass(frozen=True)
class Tags:
    """Constant text columns per stream, appended to each stream's rows, dictionary-encoded.

    ``stream_id`` first (the ids, in the order asked for), then any ``extra`` columns (e.g. a
    stream set's metadata), each with one value (or ``None``) per stream.

    Attributes:
        names: The columns, in order.
        dictionaries: Each column's distinct values (its dictionary).
        codes: For each column, each stream's position in the dictionary (``None``: null).
    """

    names: tuple[str, ...]
    dictionaries: tuple[pa.Array, ...]
    codes: tuple[tuple[int | None, ...], ...]

    @classmethod
    def of(
        cls, ids: Sequence[str], extra: Mapping[str, Sequence[str | None]] | None = None
    ) -> Tags:
        """``stream_id`` over ``ids`` plus the ``extra`` columns (one value per id).

        Raises:
            ValidationError: An extra column is not one text (or ``None``) per stream, or its
                name is taken.
        """
        names = [STREAM_ID_COLUMN]
        dictionaries = [pa.array(list(ids), pa.string())]
        codes: list[tuple[int | None, ...]] = [tuple(range(len(ids)))]
        for name, values in (extra or {}).items():
            if not isinstance(name, str) or name in names or name in _INTEGER_COLUMNS:
                raise ValidationError(f"tag column {name!r} is not allowed", parameter="tags")
            given = list(values)
            if len(given) != len(ids) or any(
                v is not None and not isinstance(v, str) for v in given
            ):
                raise ValidationError(
                    f"tag column {name!r} needs one text (or None) per stream ({len(ids)})",
                    parameter="tags",
                )
            distinct = list(dict.fromkeys(v for v in given if v is not None))
            position = {value: i for i, value in enumerate(distinct)}
            names.append(name)
            dictionaries.append(pa.array(distinct, pa.string()))
            codes.append(tuple(None if v is None else position[v] for v in given))
        return cls(tuple(names), tuple(dictionaries), tuple(codes))

    def types(self) -> list[pa.DataType]:
        """Each column's type: ``stream_id`` ``dictionary<int32, string>``; the others with the
        narrowest indices their dictionary fits (``int8`` for fewer than 128 values), a byte
        per row instead of four."""
        out = [stream_id_type()]
        for dictionary in self.dictionaries[1:]:
            size = len(dictionary)
            index = pa.int8() if size < 2**7 else pa.int16() if size < 2**15 else pa.int32()
            out.append(pa.dictionary(index, pa.string()))
        return out

    def fields(self) -> list[pa.Field]:
        """The columns' fields."""
        return [pa.field(n, t) for n, t in zip(self.names, self.types(), strict=True)]

    def append(self, table: pa.Table, index: int) -> pa.Table:
        """``table`` (rows of the stream at ``index``) with every tag column appended."""
        pool = arrow_memory_pool()
        rows = table.num_rows
        columns = zip(self.names, self.dictionaries, self.codes, self.types(), strict=True)
        for name, dictionary, codes, kind in columns:
            code = codes[index]
            width = kind.index_type
            if code is None:
                indices = pa.nulls(rows, width)
            else:
                indices = pa.repeat(pa.scalar(code, width), rows)
            column = pa.DictionaryArray.from_arrays(indices, dictionary, memory_pool=pool)
            table = table.append_column(pa.field(name, kind), column)
        return table


def shape_page(table: pa.Table, zone: str, *, tags: Tags | None = None, index: int = 0) -> pa.Table:
    """A parsed page as the typed paths return it.

    ``time`` becomes ``timestamp[ns, zone]`` (the same instants); with ``tags`` (several
    streams) the ``stream_id`` column (``ids[index]`` on every row, over the dictionary of the
    ids) and any other tag columns are appended.

    Raises:
        KeyError: The page has no ``time`` column (the caller names the page).
    """
    position = table.schema.get_field_index(TIME_COLUMN)
    if position < 0:
        raise KeyError(TIME_COLUMN)
    column = table.column(position)
    wanted = time_type(zone)
    if column.type != wanted:
        column = pa_compute.cast(column, wanted, memory_pool=arrow_memory_pool())
        table = table.set_column(position, pa.field(TIME_COLUMN, wanted), column)
    if tags is not None:
        table = tags.append(table, index)
    return table


def empty_table(zone: str, *, tags: Tags | None) -> pa.Table:
    """The table of a query without any page: ``time``, ``measurement_duration_ns`` (and the
    tag columns), no rows."""
    fields = [pa.field(TIME_COLUMN, time_type(zone)), pa.field(DURATION_COLUMN, pa.int64())]
    if tags is not None:
        fields += tags.fields()
    return pa.schema(fields).empty_table()


def declared_type(data_type: str | None, *, translate_enums: bool = True) -> pa.DataType:
    """The column type of a dimension whose stream type declares ``data_type``, as the typed
    paths give it when every value is present: ``float``/``sfloat``/``double`` float64,
    ``int``/``integer``/``timestamp`` int64, ``enum`` text (int64 codes without
    ``translate_enums``), anything else (``string``, ``dict``, unknown) text."""
    kind = str(data_type or "")
    if kind in _DECLARED_FLOATS:
        return pa.float64()
    if kind in _DECLARED_INTEGERS or (kind == "enum" and not translate_enums):
        return pa.int64()
    return pa.string()


def with_declared_types(table: pa.Table, declared: pa.Schema) -> pa.Table:
    """``table`` with ``declared``'s columns first, in its order and of its types, so that
    tables of one stream over different windows share one schema (inference alone gives
    ``null`` for a column without a value in the window, int64 for floats that happen to be
    whole). A declared column the table lacks is all null; columns ``declared`` does not name
    follow unchanged (nothing is dropped). A column whose values do not fit its declared type
    (text where a number is declared) keeps its inferred type.
    """
    extras = [field for field in table.schema if field.name not in set(declared.names)]
    target = pa.schema([*declared, *extras])
    try:
        return conform_table(table, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass  # rare: find the columns that do not fit, and keep their inferred type
    fields = []
    for field in target:
        position = table.schema.get_field_index(field.name)
        if position >= 0 and not _fits(table.column(position), field.type):
            field = table.schema.field(position)
        fields.append(field)
    return conform_table(table, pa.schema(fields))


def _fits(column: pa.ChunkedArray, kind: pa.DataType) -> bool:
    try:
        pa_compute.cast(column, kind, memory_pool=arrow_memory_pool())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True
