"""Output files that are never left half-written: CSV and Parquet from page tables or bodies.

Every writer goes through :func:`atomic_output` (a temporary file beside the target, renamed
onto it on success, removed on any failure); every page goes through the one column rule of
:class:`~runestream.core._columns.PageColumns`.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pa_compute  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from ._columns import PageColumns, write_reordered_rows
from ._csv import (
    DEFAULT_PARQUET_COMPRESSION,
    PARSE_BLOCK_SIZE,
    column_header,
    csv_header,
    first_content_byte,
    page_error,
)
from ._errors import ValidationError
from ._files import create_temp_beside
from ._memory import arrow_memory_pool

__all__ = [
    "PARQUET_CODECS",
    "atomic_output",
    "check_compression",
    "check_output_path",
    "merge_csv_parts",
    "merge_parquet_parts",
    "part_files",
    "write_csv_pages",
    "write_csv_stream",
    "write_parquet_tables",
]


#: Parquet codecs ``to_parquet`` accepts (pyarrow's names, any case).
PARQUET_CODECS: Final = ("zstd", "snappy", "gzip", "brotli", "lz4", "lz4_raw", "none")


def check_compression(compression: object) -> None:
    """Refuse a codec Parquet (or this pyarrow build) cannot write, before any request."""
    name = compression.lower() if isinstance(compression, str) else None
    if name in PARQUET_CODECS and (name == "none" or pa.Codec.is_available(name)):
        return
    raise ValidationError(
        f"compression={compression!r} is not a Parquet codec; use one of "
        f"{', '.join(PARQUET_CODECS)}",
        parameter="compression",
    )


def check_output_path(path: str | os.PathLike[str]) -> None:
    """Refuse an output path that cannot be written as a file, before any request."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise ValidationError(
            f"path {str(target)!r} is a directory; give the name of the file to write",
            parameter="path",
        )
    if not target.parent.is_dir():
        raise ValidationError(
            f"directory {str(target.parent)!r} does not exist (for path {str(target)!r})",
            parameter="path",
        )


@contextlib.contextmanager
def part_files(target: str | os.PathLike[str], count: int) -> Iterator[list[Path]]:
    """Temporary part files beside ``target``, always removed afterwards."""
    directory = Path(target).expanduser().parent
    if not directory.is_dir():
        raise FileNotFoundError(f"directory does not exist: {directory}")
    parts: list[Path] = []
    try:
        for index in range(count):
            handle, part = create_temp_beside(Path(target).expanduser(), tag=f"{index}.")
            os.close(handle)
            parts.append(part)
        yield parts
    finally:
        for part in parts:
            with contextlib.suppress(OSError):
                part.unlink()


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
    :class:`~runestream.core._columns.PageColumns`). Written atomically (see :func:`atomic_output`).

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
    with other columns is refused (see :class:`~runestream.core._columns.PageColumns`).

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
    :class:`~runestream.core._columns.PageColumns`) and cast to it. Written atomically (see
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
    rows rewritten in the first part's order (see :class:`~runestream.core._columns.PageColumns`).

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
                raise page_error(
                    f"column {field.name!r} is {column.type} here but {field.type} on the first "
                    "page; one Parquet schema cannot hold both (use to_csv or to_arrow)",
                    page,
                    path,
                ) from None
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)
