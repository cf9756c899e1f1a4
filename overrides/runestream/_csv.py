"""CSV pages to typed Arrow tables, and writers that never leave a partial file.

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

import contextlib
import csv
import io
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pa_compute  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from ._bodies import check_csv_body
from ._columns import PageColumns, where, write_reordered_rows
from ._errors import CSVParseError
from ._files import create_temp_beside
from ._memory import arrow_memory_pool

__all__ = [
    "TEXT_COLUMNS",
    "TIME_COLUMNS",
    "atomic_output",
    "column_header",
    "concat_tables",
    "csv_header",
    "csv_text",
    "merge_csv_parts",
    "merge_parquet_parts",
    "numeric_column_to_retype",
    "page_column_types",
    "parse_csv_page",
    "read_csv_table",
    "write_csv_pages",
    "write_csv_stream",
    "write_parquet_tables",
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
#: Parquet compression used by :func:`write_parquet_tables` unless told otherwise.
DEFAULT_PARQUET_COMPRESSION: Final = "zstd"

_CONVERSION_RE: Final = re.compile(r"In CSV column #(\d+): CSV conversion error")
#: Any byte but the ASCII whitespace ``bytes.strip()`` removes.
_CONTENT_RE: Final = re.compile(rb"[^ \t\n\r\x0b\x0c]")


def _fail(message: str, page: int, path: str) -> CSVParseError:
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
        raise _fail("the header row is not UTF-8", page, path) from None
    names = next(csv.reader([header]), [])
    if not names or any(not name for name in names):
        raise _fail(f"the header row {header[:200]!r} has an empty column name", page, path)
    if len(set(names)) != len(names):
        raise _fail(f"the header row {header[:200]!r} repeats a column name", page, path)
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


def read_csv_table(source: Any, types: dict[str, pa.DataType], *, use_threads: bool) -> pa.Table:
    """Parse CSV from ``source`` the way every page is parsed, in runestream's memory pool.

    Args:
        source: A ``pyarrow`` input stream or a readable file-like object, header row first.
        types: The type of every column, in header order (see :func:`page_column_types`).
        use_threads: Let pyarrow parse blocks in parallel.

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
        ),
        memory_pool=arrow_memory_pool(),
    )


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
    raise _fail(message.strip(), page, path) from None


def parse_csv_page(
    data: bytes,
    *,
    page: int = 1,
    path: str = "",
    timestamps: str = "unix",
    use_threads: bool = True,
    content_type: str | None = None,
    status: int | None = None,
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

    Returns:
        A table with one column per header field (float64 or string, see the module docs). An
        empty page gives a table without columns; a header-only page a typed table of 0 rows.

    Raises:
        CSVParseError: The page is malformed (ragged rows, bad header, not UTF-8, JSON), naming
            the page number and request path.
        APIError: The page is a JSON error envelope or HTML instead of CSV (see
            :func:`runestream._bodies.check_csv_body`).
    """
    check_csv_body(data, content_type, page=page, path=path, status=status)
    if first_content_byte(data) < 0:
        return pa.table({})
    names = column_header(data, page=page, path=path)
    if b"\n" not in data:  # a header row without a line ending: pyarrow wants one
        data += b"\n"
    types = page_column_types(names, timestamps=timestamps)
    buffer = _parse_buffer(data)
    del data
    for _ in range(len(names) + 1):
        try:
            return read_csv_table(pa.BufferReader(buffer), types, use_threads=use_threads)
        except pa.ArrowInvalid as exc:
            # Not numeric after all: keep the column's text.
            types[numeric_column_to_retype(exc, types, page=page, path=path)] = pa.string()
    raise _fail("could not settle the column types", page, path)  # pragma: no cover


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
    one's columns, in any order (matched by name, see :class:`~runestream._columns.PageColumns`).
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
    kinds: dict[str, set[pa.DataType]] = {name: set() for name in kept[0].column_names}
    for table in kept:
        for field in table.schema:
            kinds[field.name].add(field.type)
    target = pa.schema(
        [
            pa.field(name, pa.string() if pa.string() in types else next(iter(types)))
            for name, types in kinds.items()
        ]
    )
    pool = arrow_memory_pool()
    aligned = []
    for table in kept:
        if table.schema != target:
            table = pa.Table.from_arrays(
                [
                    column
                    if column.type == field.type
                    else pa_compute.cast(column, field.type, memory_pool=pool)
                    for column, field in zip(table.columns, target, strict=True)
                ],
                schema=target,
            )
        aligned.append(table)
    return pa.concat_tables(aligned, memory_pool=pool)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[tuple[Path, IO[bytes]]]:
    """Write to a temporary file beside ``path`` and rename it onto ``path`` on success.

    On any exception (including ``KeyboardInterrupt``) the temporary file is removed and
    ``path`` is left untouched: there is never a partial final file. The final file's
    permissions follow the umask, or those of the file it replaces (see :mod:`._files`).

    Args:
        path: The final file. Its directory must exist.

    Yields:
        ``(temporary path, open binary file)``.

    Raises:
        FileNotFoundError: The target directory does not exist.
    """
    target = Path(path).expanduser()
    directory = target.parent
    if not directory.is_dir():
        raise FileNotFoundError(f"directory does not exist: {directory}")
    fd, temp = create_temp_beside(target)
    try:
        with open(fd, "wb") as handle:
            yield temp, handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_csv_pages(
    pages: Iterable[tuple[int, str, bytes]],
    path: str | os.PathLike[str],
    *,
    validate: Callable[[int, str, bytes], object] | None = None,
) -> Path:
    """Stream CSV pages into one file: the first header, then every page's rows.

    See :func:`write_csv_stream` (one page in memory at a time, the column rule of
    :class:`~runestream._columns.PageColumns`). Written atomically (see :func:`atomic_output`).

    Args:
        pages: ``(page number, request path, body)`` per page.
        path: Target file.
        validate: Called with each page before it is written (e.g. a parse, so that a ragged
            page fails the whole write).

    Returns:
        The target path.

    Raises:
        CSVParseError: A page's columns are not the first page's, or ``validate`` raised.
        APIError: A page request failed; no file is left behind.
    """
    target = Path(path).expanduser()
    with atomic_output(target) as (_, out):
        write_csv_stream(pages, out, validate=validate)
    return target


def write_csv_stream(
    pages: Iterable[tuple[int, str, bytes]],
    out: IO[bytes],
    *,
    validate: Callable[[int, str, bytes], object] | None = None,
) -> int:
    """Write CSV pages to ``out``: the first header, then every page's rows.

    Rows are written as received (byte-exact), one page in memory at a time, each page checked
    (``validate``) before any of its bytes is written. A page whose header holds the first
    page's columns in another order has its rows rewritten in the first page's order; a page
    with other columns is refused (see :class:`~runestream._columns.PageColumns`).

    Args:
        pages: ``(page number, request path, body)`` per page.
        out: An open binary file (a file being written, ``sys.stdout.buffer``).
        validate: Called with each page before it is written.

    Returns:
        The number of rows written.

    Raises:
        CSVParseError: A page's columns are not the first page's, or ``validate`` raised.
        APIError: A page request failed (the pages before it have been written).
    """
    columns = PageColumns()
    header: bytes | None = None
    rows = 0
    for number, request_path, data in pages:
        if validate is not None:
            validate(number, request_path, data)
        if first_content_byte(data) < 0:
            del data
            continue
        page_header = csv_header(data)
        end = data.find(b"\n")
        body = memoryview(data)[end + 1 :] if end >= 0 else memoryview(b"")
        if header is None or page_header != header:
            order = columns.order(
                column_header(data, page=number, path=request_path), number, request_path
            )
        else:
            order = None
        if header is None:
            header = page_header
            out.write(data[: end + 1] if end >= 0 else data + b"\n")
        if order is not None:
            lines = io.BytesIO(data)  # shares the bytes of ``data`` (no copy)
            lines.readline()  # the header
            rows += write_reordered_rows(lines, order, out, page=number, path=request_path)
            lines.close()
        elif len(body):
            out.write(body)
            ends_line = body[-1] == 0x0A
            if not ends_line:  # no trailing newline: end the last row
                out.write(b"\n")
            rows += data.count(b"\n", end + 1) + (0 if ends_line else 1)
        body.release()
        del body, data  # one page in memory at a time
    return rows


def write_parquet_tables(
    tables: Iterable[tuple[int, str, pa.Table]],
    path: str | os.PathLike[str],
    *,
    compression: str = DEFAULT_PARQUET_COMPRESSION,
) -> Path:
    """Stream page tables into one Parquet file, one page in memory at a time.

    The schema is the first non-empty page's; later pages' columns are matched by name (see
    :class:`~runestream._columns.PageColumns`) and cast to it. Written atomically (see
    :func:`atomic_output`).

    Args:
        tables: ``(page number, request path, table)`` per page.
        path: Target file.
        compression: Parquet compression codec.

    Returns:
        The target path.

    Raises:
        CSVParseError: A page's set of columns differs from the first page's, or a column
            cannot be cast to the first page's type (e.g. text where earlier pages had numbers).
        APIError: A page request failed; no file is left behind.
    """
    target = Path(path).expanduser()
    columns = PageColumns()
    with atomic_output(target) as (_, out):
        writer: pq.ParquetWriter | None = None
        try:
            for number, request_path, table in tables:
                if not table.num_columns:
                    continue
                table = columns.table(table, number, request_path)
                if writer is None:
                    writer = pq.ParquetWriter(
                        out, table.schema, compression=compression, memory_pool=arrow_memory_pool()
                    )
                    writer.write_table(table)
                else:
                    writer.write_table(_align(table, writer.schema, number, request_path))
                del table  # one page in memory at a time
            if writer is None:
                pq.write_table(pa.table({}), out, compression=compression)
        finally:
            if writer is not None:
                writer.close()
    return target


def merge_csv_parts(parts: Iterable[Path], out: IO[bytes]) -> None:
    """Append CSV part files (each with its own header row) to ``out`` under one header.

    Used by parallel downloads, which write one part per time chunk. Copies in blocks, so
    memory stays bounded. A part whose columns are the first part's in another order has its
    rows rewritten in the first part's order (see :class:`~runestream._columns.PageColumns`).

    Args:
        parts: Part files in order; empty parts are skipped.
        out: The open output file.

    Raises:
        CSVParseError: A part's set of columns differs from the first part's.
    """
    columns = PageColumns("time chunk")
    header: bytes | None = None
    for index, part in enumerate(parts, start=1):
        with part.open("rb") as source:
            first = source.readline()
            if not first.strip():
                continue
            order = None
            if first.rstrip(b"\r\n") != header:
                order = columns.order(column_header(first, page=index), index)
            if header is None:
                header = first.rstrip(b"\r\n")
                out.write(first)
            if order is None:
                shutil.copyfileobj(source, out, PARSE_BLOCK_SIZE)
            else:
                write_reordered_rows(source, order, out, page=index, path=None)


def merge_parquet_parts(
    parts: Iterable[Path], out: IO[bytes], *, compression: str = DEFAULT_PARQUET_COMPRESSION
) -> None:
    """Write Parquet part files into one Parquet file, one row group (page) at a time.

    Args:
        parts: Part files in order (from :func:`write_parquet_tables`).
        out: The open output file.
        compression: Parquet compression codec.

    Raises:
        CSVParseError: A part's columns do not fit the first part's schema.
    """
    columns = PageColumns("time chunk")
    writer: pq.ParquetWriter | None = None
    try:
        for index, part in enumerate(parts, start=1):
            source = pq.ParquetFile(part)
            if not len(source.schema_arrow):
                continue
            order = columns.order(source.schema_arrow.names, index)
            if writer is None:
                writer = pq.ParquetWriter(
                    out,
                    source.schema_arrow,
                    compression=compression,
                    memory_pool=arrow_memory_pool(),
                )
            for group in range(source.num_row_groups):
                table = source.read_row_group(group)
                if order is not None:
                    table = table.select(order)
                writer.write_table(_align(table, writer.schema, group + 1, f"time chunk {index}"))
                del table
        if writer is None:
            pq.write_table(pa.table({}), out, compression=compression)
    finally:
        if writer is not None:
            writer.close()


def _align(table: pa.Table, schema: pa.Schema, page: int, path: str) -> pa.Table:
    """Cast a table whose columns are ``schema``'s, in its order, to ``schema``'s types."""
    pool = arrow_memory_pool()
    columns = []
    for field, column in zip(schema, table.columns, strict=True):
        if column.type != field.type:
            try:
                column = pa_compute.cast(column, field.type, memory_pool=pool)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise _fail(
                    f"column {field.name!r} is {column.type} here but {field.type} on the first "
                    "page; one Parquet schema cannot hold both (use to_csv or to_arrow)",
                    page,
                    path,
                ) from None
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
