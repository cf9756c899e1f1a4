"""CSV pages to typed Arrow tables (the writers of output files are in ``_outputs``).

Each CSV page of the Stream API starts with its own header row. A page's bytes are handed to
``pyarrow.csv`` straight from the response buffer (no text decoding, no per-cell Python), with
column types decided by column name:

* ``time`` / ``timestamp``: float64 with ``timestamp=unix`` (the default), string with
  ``timestamp=datetime`` or ``iso``;
* textual columns — ``algorithm, anatomy, band, channel, sensor, device_id, patient_id, id`` —
  are strings even when they look numeric (sensor ``7-5``, band ``16.4hz-19.8hz``, ID
  ``12345678``);
* every other column is float64, unless its values are not numeric, in which case it is a
  string column (e.g. a textual state field).

Empty cells (and the text ``null``) are nulls.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pa_compute  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

from ._bodies import check_csv_body
from ._columns import PageColumns, where
from ._errors import CSVParseError
from ._memory import arrow_memory_pool

__all__ = [
    "TEXT_COLUMNS",
    "TIME_COLUMNS",
    "ColumnRule",
    "column_header",
    "concat_tables",
    "conform_table",
    "csv_header",
    "csv_text",
    "numeric_column_to_retype",
    "page_column_types",
    "page_error",
    "parse_csv_page",
    "read_csv_table",
    "widest_schema",
    "widest_type",
]

#: Columns that always hold text, even when their values look numeric.
TEXT_COLUMNS: Final = frozenset(
    {"algorithm", "anatomy", "band", "channel", "sensor", "device_id", "patient_id", "id"}
)
#: Columns that hold the timestamp (``time`` for most resources, ``timestamp`` for LFP and
#: band power).
TIME_COLUMNS: Final = frozenset({"time", "timestamp"})
#: Cell texts read as null.
NULL_VALUES: Final = ("", "null")
#: Bytes per pyarrow parse block (measured ~15% faster than the 1 MiB default on large pages).
PARSE_BLOCK_SIZE: Final = 4 << 20
#: Parquet compression of the output writers (``_outputs``) unless told otherwise.
DEFAULT_PARQUET_COMPRESSION: Final = "zstd"

_CONVERSION_RE: Final = re.compile(r"In CSV column #(\d+): CSV conversion error")
#: Any byte but the ASCII whitespace ``bytes.strip()`` removes.
_CONTENT_RE: Final = re.compile(rb"[^ \t\n\r\x0b\x0c]")


def page_error(message: str, page: int, path: str) -> CSVParseError:
    """A :class:`CSVParseError` naming the page and its request path."""
    return CSVParseError(f"{where(page, path)}: {message}", path=path or None)


def csv_header(data: bytes) -> bytes:
    """Return a page's header line without its line ending (empty for an empty page).

    Args:
        data: The page's bytes.

    Returns:
        The first line, e.g. ``b"time,x,y,z"``.
    """
    end = data.find(b"\n")
    line = data if end < 0 else data[:end]
    return line.rstrip(b"\r")


def first_content_byte(data: bytes) -> int:
    """Return the index of the first byte of ``data`` that is not ASCII whitespace, or -1.

    What ``data.strip()`` would test, without copying a page of ~80 MB to do it.

    Args:
        data: A page's bytes.

    Returns:
        The index, or -1 when the page is empty or only whitespace.
    """
    match = _CONTENT_RE.search(data)
    return -1 if match is None else match.start()


def column_header(data: bytes, *, page: int = 1, path: str = "") -> list[str]:
    """Return the column names of a page's header row, checked.

    Args:
        data: The page's bytes, or any prefix of them holding the whole header row.
        page: The page's number (from 1), for error messages.
        path: The request path, for error messages.

    Returns:
        The names, in order.

    Raises:
        CSVParseError: The header is not UTF-8, has an empty name or repeats a name.
    """
    try:
        header = csv_header(data).decode("utf-8")
    except UnicodeDecodeError:
        raise page_error("the header row is not UTF-8", page, path) from None
    names = next(csv.reader([header]), [])
    if not names or any(not name for name in names):
        raise page_error(f"the header row {header[:200]!r} has an empty column name", page, path)
    if len(set(names)) != len(names):
        raise page_error(f"the header row {header[:200]!r} repeats a column name", page, path)
    return names


def column_type(name: str, *, timestamps: str = "unix") -> pa.DataType:
    """Return the Arrow type a CSV column is parsed as, by its name.

    Args:
        name: Column name from the header row.
        timestamps: The request's ``timestamp`` format (``unix``, ``datetime`` or ``iso``).

    Returns:
        ``pa.string()`` for textual and string-timestamp columns, else ``pa.float64()``.
    """
    if name in TIME_COLUMNS:
        return pa.float64() if timestamps == "unix" else pa.string()
    if name in TEXT_COLUMNS:
        return pa.string()
    return pa.float64()


def page_column_types(
    names: Iterable[str], *, timestamps: str = "unix", text: Iterable[str] = ()
) -> dict[str, pa.DataType]:
    """Return the Arrow type of every column of a page, by name (see :func:`column_type`).

    Args:
        names: The header row's column names.
        timestamps: The request's ``timestamp`` format.
        text: Columns known to hold text on this page (found by an earlier attempt).

    Returns:
        ``{name: type}`` in header order.
    """
    known_text = frozenset(text)
    return {
        name: pa.string() if name in known_text else column_type(name, timestamps=timestamps)
        for name in names
    }


class ColumnRule:
    """How the columns of a page are typed: fixed types by name, the others inferred or not.

    The V1 rule (:meth:`by_name`) types every column by its name and reads a column that turns
    out to hold text as text (``retype``). Another API passes its own rule: the V2 rule fixes
    ``time``/``measurement_duration_ns`` as int64 and lets pyarrow infer the rest.

    Args:
        fixed: ``(names, text columns) -> {name: type}``: the columns whose type is decided
            up front (with ``infer=False``, every column).
        infer: Let pyarrow infer the columns ``fixed`` leaves out (int64, float64, string,
            null; dates and booleans are read as text).
        retype: A fixed numeric column that fails to convert is read again as text (V1);
            otherwise the failure is a :class:`~runestream.CSVParseError`.
        finish: Applied to each parsed table (e.g. a cast of the time column).
    """

    __slots__ = ("_finish", "_fixed", "infer", "retype")

    def __init__(
        self,
        fixed: Callable[[Sequence[str], frozenset[str]], dict[str, pa.DataType]],
        *,
        infer: bool = False,
        retype: bool = True,
        finish: Callable[[pa.Table], pa.Table] | None = None,
    ) -> None:
        self._fixed = fixed
        self._finish = finish
        self.infer = infer
        self.retype = retype

    @classmethod
    def by_name(cls, timestamps: str = "unix") -> ColumnRule:
        """The V1 rule: every column typed by its name (see :func:`page_column_types`)."""

        def fixed(names: Sequence[str], text: frozenset[str]) -> dict[str, pa.DataType]:
            return page_column_types(names, timestamps=timestamps, text=text)

        return cls(fixed)

    def types(self, names: Sequence[str], text: Iterable[str] = ()) -> dict[str, pa.DataType]:
        """The fixed column types of a page with this header (``text``: read as text)."""
        return self._fixed(names, frozenset(text))

    def finish(self, table: pa.Table) -> pa.Table:
        """The parsed table as this rule delivers it."""
        return table if self._finish is None else self._finish(table)


def read_csv_table(
    source: Any, types: dict[str, pa.DataType], *, use_threads: bool, infer: bool = False
) -> pa.Table:
    """Parse CSV from ``source`` the way every page is parsed, in runestream's memory pool.

    Args:
        source: A ``pyarrow`` input stream or a readable file-like object, header row first.
        types: The type of every column, in header order (see :func:`page_column_types`).
        use_threads: Let pyarrow parse blocks in parallel.
        infer: Columns missing from ``types`` are inferred (int64, float64 or string; text
            that looks like a date or a boolean stays text); otherwise ``types`` names every
            column.

    Returns:
        The table.

    Raises:
        pyarrow.ArrowInvalid: The CSV does not parse with these types (see
            :func:`numeric_column_to_retype`).
    """
    return pa_csv.read_csv(
        source,
        read_options=pa_csv.ReadOptions(use_threads=use_threads, block_size=PARSE_BLOCK_SIZE),
        parse_options=pa_csv.ParseOptions(newlines_in_values=False),
        convert_options=pa_csv.ConvertOptions(
            column_types=types,
            null_values=list(NULL_VALUES),
            strings_can_be_null=True,
            check_utf8=True,
            **_NO_GUESSES if infer else {},
        ),
        memory_pool=arrow_memory_pool(),
    )


#: Inference limited to numbers and text: no timestamp parsers, no boolean words.
_NO_GUESSES: Final[dict[str, Any]] = {
    "timestamp_parsers": [],
    "true_values": [],
    "false_values": [],
}


def numeric_column_to_retype(
    error: pa.ArrowInvalid,
    types: dict[str, pa.DataType],
    *,
    page: int = 1,
    path: str = "",
) -> str:
    """Name the column a pyarrow conversion error asks to parse as text, or raise.

    A column typed float64 because of its name may hold text after all (e.g. a textual state
    field): pyarrow then fails with ``In CSV column #i: CSV conversion error``, and the page is
    parsed again with that column as a string column.

    Args:
        error: What pyarrow raised.
        types: The column types of the failed parse, in header order.
        page: The page's number (from 1), for error messages.
        path: The request path, for error messages.

    Returns:
        The name of a float64 column that failed to convert.

    Raises:
        CSVParseError: Any other parse error (ragged rows, bad UTF-8, a string column failing),
            naming the page and path.
    """
    message = str(error)
    match = _CONVERSION_RE.search(message)
    names = list(types)
    if match is not None:
        index = int(match.group(1))
        if index < len(names) and types[names[index]] != pa.string():
            return names[index]
    raise page_error(message.strip(), page, path) from None


def parse_csv_page(
    data: bytes,
    *,
    page: int = 1,
    path: str = "",
    timestamps: str = "unix",
    use_threads: bool = True,
    content_type: str | None = None,
    status: int | None = None,
    rule: ColumnRule | None = None,
) -> pa.Table:
    """Parse one page of a ``GET /v1/<resource>.csv`` response into a typed Arrow table.

    Args:
        data: The page's body, exactly as received.
        page: The page's number (from 1), for error messages.
        path: The request path, for error messages.
        timestamps: The request's ``timestamp`` format; ``datetime``/``iso`` make the time
            column a string column.
        use_threads: Let pyarrow parse blocks in parallel.
        content_type: The response's ``Content-Type``, if known (an HTML type is refused).
        status: The response's status, for errors.
        rule: How columns are typed (default: :meth:`ColumnRule.by_name` of ``timestamps``).

    Returns:
        A table with one column per header field (float64 or string, see the module docs). An
        empty page gives a table without columns; a header-only page a typed table of 0 rows.

    Raises:
        CSVParseError: The page is malformed (ragged rows, bad header, not UTF-8, JSON), naming
            the page number and request path.
        APIError: The page is a JSON error envelope or HTML instead of CSV (see
            :func:`runestream.core._bodies.check_csv_body`).
    """
    check_csv_body(data, content_type, page=page, path=path, status=status)
    if first_content_byte(data) < 0:
        return pa.table({})
    names = column_header(data, page=page, path=path)
    if b"\n" not in data:  # a header row without a line ending: pyarrow wants one
        data += b"\n"
    rule = ColumnRule.by_name(timestamps) if rule is None else rule
    types = rule.types(names)
    buffer = _parse_buffer(data)
    del data
    for _ in range(len(names) + 1):
        try:
            table = read_csv_table(
                pa.BufferReader(buffer), types, use_threads=use_threads, infer=rule.infer
            )
            return rule.finish(table)
        except pa.ArrowInvalid as exc:
            if not rule.retype:
                raise page_error(str(exc).strip(), page, path) from None
            # Not numeric after all: keep the column's text.
            types[numeric_column_to_retype(exc, types, page=page, path=path)] = pa.string()
    raise page_error("could not settle the column types", page, path)  # pragma: no cover


#: Bodies up to this size are copied into Arrow's pool before parsing (see _parse_buffer).
SMALL_BODY_BYTES: Final = 1 << 20


def _parse_buffer(data: bytes) -> pa.Buffer:
    """The buffer pyarrow parses ``data`` from.

    pyarrow's reader threads keep a zero-copy view of the bytes a moment after the parse
    returns, and can let go of a Python object only once they get the GIL: under CPU load the
    body of the page just parsed would still be alive while the next page arrives. A small body
    (the last page, a short window) is copied into Arrow's pool instead, as the blocks of a
    streamed large page are, so the Python body is freed the moment its response is; a large
    body is parsed in place (a copy would cost more than the moment it lingers).
    """
    if len(data) > SMALL_BODY_BYTES:
        return pa.py_buffer(data)
    buffer = pa.allocate_buffer(len(data), memory_pool=arrow_memory_pool())
    memoryview(buffer).cast("B")[:] = data
    return buffer


def concat_tables(tables: Iterable[pa.Table], *, unit: str = "table") -> pa.Table:
    """Concatenate page tables into one, in the first table's column order.

    Tables without columns (empty pages) are skipped. Every other table must hold the first
    one's columns, in any order (matched by name, see
    :class:`~runestream.core._columns.PageColumns`).
    A column that is float64 on some tables and string on others becomes string everywhere
    (numbers rendered as text).

    Args:
        tables: Page tables from :func:`parse_csv_page`.
        unit: What the tables are called in messages (``table``, ``time chunk``).

    Returns:
        One table (without columns if every page was empty).

    Raises:
        CSVParseError: A table's set of columns differs from the first one's, naming both.
    """
    columns = PageColumns(unit)
    kept = [
        columns.table(table, number)
        for number, table in enumerate(tables, start=1)
        if table.num_columns
    ]
    if not kept:
        return pa.table({})
    if len(kept) == 1:
        return kept[0]
    target = widest_schema([table.schema for table in kept])
    aligned = [conform_table(table, target) for table in kept]
    return pa.concat_tables(aligned, memory_pool=arrow_memory_pool())


_NUMBERS: Final = frozenset({pa.int64(), pa.float64()})


def widest_type(types: Iterable[pa.DataType]) -> pa.DataType:
    """The one type that holds every value of columns of these types.

    ``null`` (a column without values) gives way to any other type, int64 to float64, and any
    mix of other types is text (numbers rendered as text). One type is kept as it is.
    """
    kinds = set(types)
    if len(kinds) > 1:
        kinds.discard(pa.null())
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds <= _NUMBERS:
        return pa.float64()
    return pa.string()


def widest_schema(schemas: Iterable[pa.Schema]) -> pa.Schema:
    """Every column of ``schemas`` (first-seen order) with the :func:`widest_type` of its types."""
    kinds: dict[str, list[pa.DataType]] = {}
    for schema in schemas:
        for field in schema:
            kinds.setdefault(field.name, []).append(field.type)
    return pa.schema([pa.field(name, widest_type(types)) for name, types in kinds.items()])


def conform_table(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s columns, order and types (a missing column is all null).

    Raises:
        pyarrow.ArrowInvalid: A column cannot be cast losslessly (e.g. 1.5 to int64).
    """
    if table.schema == schema:
        return table
    pool = arrow_memory_pool()
    columns = []
    for field in schema:
        index = table.schema.get_field_index(field.name)
        if index < 0:
            columns.append(pa.nulls(table.num_rows, field.type, memory_pool=pool))
            continue
        column = table.column(index)
        if column.type != field.type:
            column = pa_compute.cast(column, field.type, memory_pool=pool)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


def csv_text(data: bytes) -> str:
    """Decode a CSV page to text (UTF-8), as runeq's ``iter_csv_text`` yielded it.

    Args:
        data: The page's bytes.

    Returns:
        The page as ``str``.
    """
    return data.decode("utf-8")
