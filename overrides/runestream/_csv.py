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
import json
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

from ._errors import APIError, CSVParseError
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
    where = f"CSV page {page} of {path}" if path else f"CSV page {page}"
    return CSVParseError(f"{where}: {message}", path=path or None)


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


def _raise_if_envelope(data: bytes, page: int, path: str) -> None:
    """A JSON error envelope instead of CSV is an API error, never data."""
    try:
        body: Any = json.loads(data)
    except ValueError:
        raise _fail("the body is JSON-like, not CSV", page, path) from None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        raise APIError(
            str(error.get("message") or "error envelope in a CSV response"),
            error_type=str(error["type"]) if error.get("type") is not None else None,
            path=path,
        )
    raise _fail("the body is JSON, not CSV", page, path)


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
) -> pa.Table:
    """Parse one page of a ``GET /v1/<resource>.csv`` response into a typed Arrow table.

    Args:
        data: The page's body, exactly as received.
        page: The page's number (from 1), for error messages.
        path: The request path, for error messages.
        timestamps: The request's ``timestamp`` format; ``datetime``/``iso`` make the time
            column a string column.
        use_threads: Let pyarrow parse blocks in parallel.

    Returns:
        A table with one column per header field (float64 or string, see the module docs). An
        empty page gives a table without columns; a header-only page a typed table of 0 rows.

    Raises:
        CSVParseError: The page is malformed (ragged rows, bad header, not UTF-8), naming the
            page number and request path.
        APIError: The page is a JSON error envelope instead of CSV.
    """
    first = first_content_byte(data)
    if first < 0:
        return pa.table({})
    if data[first : first + 1] == b"{":
        _raise_if_envelope(data, page, path)
    names = column_header(data, page=page, path=path)
    if b"\n" not in data:  # a header row without a line ending: pyarrow wants one
        data += b"\n"
    types = page_column_types(names, timestamps=timestamps)
    buffer = pa.py_buffer(data)
    for _ in range(len(names) + 1):
        try:
            return read_csv_table(pa.BufferReader(buffer), types, use_threads=use_threads)
        except pa.ArrowInvalid as exc:
            # Not numeric after all: keep the column's text.
            types[numeric_column_to_retype(exc, types, page=page, path=path)] = pa.string()
    raise _fail("could not settle the column types", page, path)  # pragma: no cover


def concat_tables(tables: Iterable[pa.Table]) -> pa.Table:
    """Concatenate page tables into one, unifying their schemas.

    Pages without columns (empty pages) are skipped. A column that is float64 on some pages
    and string on others becomes string everywhere (numbers rendered as text); a column
    missing from a page is null there. Columns keep the order in which they first appear.

    Args:
        tables: Page tables from :func:`parse_csv_page`.

    Returns:
        One table (without columns if every page was empty).
    """
    kept = [table for table in tables if table.num_columns]
    if not kept:
        return pa.table({})
    if len(kept) == 1:
        return kept[0]
    order: list[str] = []
    kinds: dict[str, set[pa.DataType]] = {}
    for table in kept:
        for field in table.schema:
            if field.name not in kinds:
                order.append(field.name)
                kinds[field.name] = set()
            kinds[field.name].add(field.type)
    target = pa.schema(
        [
            pa.field(name, pa.string() if pa.string() in kinds[name] else next(iter(kinds[name])))
            for name in order
        ]
    )
    pool = arrow_memory_pool()
    aligned = []
    for table in kept:
        columns = []
        for field in target:
            if field.name in table.column_names:
                column = table.column(field.name)
                if column.type != field.type:
                    column = pa_compute.cast(column, field.type, memory_pool=pool)
                columns.append(column)
            else:
                columns.append(pa.nulls(table.num_rows, field.type, memory_pool=pool))
        aligned.append(pa.Table.from_arrays(columns, schema=target))
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

    Pages are written as received (byte-exact rows), one page in memory at a time. Each page's
    header row must equal the first one. Written atomically (see :func:`atomic_output`).

    Args:
        pages: ``(page number, request path, body)`` per page.
        path: Target file.
        validate: Called with each page before it is written (e.g. a parse, so that a ragged
            page fails the whole write).

    Returns:
        The target path.

    Raises:
        CSVParseError: A page's header differs from the first page's, or ``validate`` raised.
        APIError: A page request failed; no file is left behind.
    """
    target = Path(path).expanduser()
    with atomic_output(target) as (_, out):
        header: bytes | None = None
        for number, request_path, data in pages:
            if validate is not None:
                validate(number, request_path, data)
            if first_content_byte(data) < 0:
                del data
                continue
            page_header = csv_header(data)
            if header is None:
                header = page_header
                chunk = memoryview(data)
            else:
                if page_header != header:
                    raise _fail(
                        f"header {page_header[:200]!r} differs from the first page's "
                        f"{header[:200]!r}",
                        number,
                        request_path,
                    )
                end = data.find(b"\n")
                chunk = memoryview(data)[end + 1 :] if end >= 0 else memoryview(b"")
            if len(chunk):
                out.write(chunk)
                if chunk[-1] != 0x0A:  # no trailing newline: end the last row
                    out.write(b"\n")
            chunk.release()
            del chunk, data  # one page in memory at a time
    return target


def write_parquet_tables(
    tables: Iterable[tuple[int, str, pa.Table]],
    path: str | os.PathLike[str],
    *,
    compression: str = DEFAULT_PARQUET_COMPRESSION,
) -> Path:
    """Stream page tables into one Parquet file, one page in memory at a time.

    The schema is the first non-empty page's; later pages are cast to it (a missing column is
    null). Written atomically (see :func:`atomic_output`).

    Args:
        tables: ``(page number, request path, table)`` per page.
        path: Target file.
        compression: Parquet compression codec.

    Returns:
        The target path.

    Raises:
        CSVParseError: A page has a column the first page lacked, or a column that cannot be
            cast to the first page's type (e.g. text where earlier pages had numbers).
        APIError: A page request failed; no file is left behind.
    """
    target = Path(path).expanduser()
    with atomic_output(target) as (_, out):
        writer: pq.ParquetWriter | None = None
        try:
            for number, request_path, table in tables:
                if not table.num_columns:
                    continue
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
    memory stays bounded.

    Args:
        parts: Part files in order; empty parts are skipped.
        out: The open output file.

    Raises:
        CSVParseError: A part's header differs from the first part's.
    """
    header: bytes | None = None
    for index, part in enumerate(parts, start=1):
        with part.open("rb") as source:
            first = source.readline()
            if not first.strip():
                continue
            if header is None:
                header = first.rstrip(b"\r\n")
                out.write(first)
            elif first.rstrip(b"\r\n") != header:
                raise CSVParseError(
                    f"time chunk {index}: header {first[:200]!r} differs from the first "
                    f"chunk's {header[:200]!r}"
                )
            shutil.copyfileobj(source, out, PARSE_BLOCK_SIZE)


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
    writer: pq.ParquetWriter | None = None
    try:
        for index, part in enumerate(parts, start=1):
            source = pq.ParquetFile(part)
            if not len(source.schema_arrow):
                continue
            if writer is None:
                writer = pq.ParquetWriter(
                    out,
                    source.schema_arrow,
                    compression=compression,
                    memory_pool=arrow_memory_pool(),
                )
            for group in range(source.num_row_groups):
                table = source.read_row_group(group)
                writer.write_table(_align(table, writer.schema, group + 1, f"time chunk {index}"))
                del table
        if writer is None:
            pq.write_table(pa.table({}), out, compression=compression)
    finally:
        if writer is not None:
            writer.close()


def _align(table: pa.Table, schema: pa.Schema, page: int, path: str) -> pa.Table:
    extra = [name for name in table.column_names if schema.get_field_index(name) < 0]
    if extra:
        raise _fail(f"column {extra[0]!r} is not in the first page's header", page, path)
    pool = arrow_memory_pool()
    columns = []
    for field in schema:
        if field.name not in table.column_names:
            columns.append(pa.nulls(table.num_rows, field.type, memory_pool=pool))
            continue
        column = table.column(field.name)
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
