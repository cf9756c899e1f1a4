"""Typed tables of V2 stream data: one or several streams into Arrow, pandas, Parquet or CSV.

Each stream is read with ``GET /v2/streams/{stream_id}?format=csv&timestamp=unixns``, page by
page through the shared :class:`~runestream.Paginator` (``page_token``), every page parsed by
pyarrow while its body arrives (:func:`~runestream.core._csvstream.fetch_csv_table`: a body cut
mid-transfer is requested again from its start, no row lost or repeated) and typed by
:data:`~runestream.v2._schema.V2_RULE`. The columns of one stream's pages follow the one column
rule (:class:`~runestream.core._columns.PageColumns`); several streams are combined column by column
(:func:`combined_schema`): ``time``, every dimension in the order first seen,
``measurement_duration_ns``, ``stream_id``; a stream without some dimension has nulls there.

Several streams are fetched ``workers`` at a time over the pooled client
(:func:`~runestream.core._parallel.run_parallel`); the result is in the order of the ids asked for,
the same as a sequential fetch.

Files are streamed: each page is written as it arrives into a temporary Parquet part beside
the target (a new part when a page does not fit the part's column types, e.g. fractions after
a page of integers), and the parts are then joined into the target, one row group at a time,
through :func:`~runestream.core._outputs.atomic_output` (bounded memory, never a partial file). One
part already in the final form is renamed onto the target as it is.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

import httpx
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pa_compute  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

import runestream_api
from runestream_api.api.single_stream import get_stream_data as _data
from runestream_api.types import Response

from ..core._columns import PageColumns
from ..core._csv import ColumnRule, conform_table, page_error, widest_schema
from ..core._csvstream import fetch_csv_table
from ..core._deadline import Deadline
from ..core._errors import redacted_path
from ..core._files import create_temp_beside
from ..core._memory import arrow_memory_pool
from ..core._outputs import atomic_output
from ..core._pagination import Page
from ..core._parallel import run_parallel
from ..core._readahead import read_ahead
from ._pages import paginator
from ._schema import (
    DURATION_COLUMN,
    STREAM_ID_COLUMN,
    TIME_COLUMN,
    V2_RULE,
    Tags,
    empty_table,
    shape_page,
)

__all__ = [
    "OUTPUT_FORMATS",
    "StreamQuery",
    "combined_schema",
    "dump_table",
    "fetch_table",
    "iter_tables",
    "write_file",
]

#: File formats :func:`write_file` writes.
OUTPUT_FORMATS: Final = ("parquet", "csv", "jsonl")


def _parsed_fetch(rule: ColumnRule) -> Callable[..., Response[Any]]:
    """The paginator's fetch: the generated request, its CSV body parsed (by ``rule``) while
    it arrives."""
    numbers = itertools.count(1)

    def fetch(*, client: runestream_api.Client, **kwargs: Any) -> Response[Any]:
        http = client.get_httpx_client()
        request = http.build_request(**_data._get_kwargs(**kwargs))
        return fetch_csv_table(
            http, request, page=next(numbers), path=redacted_path(request.url), rule=rule
        )

    return fetch


def _describe(kwargs: Any) -> str:
    request = _data._get_kwargs(**kwargs)
    return redacted_path(httpx.URL(request["url"], params=request["params"]))


@dataclass(frozen=True)
class StreamQuery:
    """One stream's validated typed query.

    Attributes:
        client: Returns the session's generated client (raises once it is closed).
        kwargs: Keywords of the generated ``get_stream_data`` (``format=csv``,
            ``timestamp=unixns``), ``stream_id`` included.
        limit: Most rows of this stream (``None``: all).
        zone: The ``time`` column's zone.
        tags: The call's tag columns (``stream_id`` and any others), or ``None`` (one stream
            asked for as a string: no ``stream_id`` column).
        index: This stream's position in the call's ids.
        deadline: The call's deadline, shared by its streams.
        on_page: Called with each page as it arrives (progress), from any thread.
        rule: How pages are parsed: :data:`~runestream.v2._schema.V2_RULE` (``unixns``
            times) for the typed paths; runeq's frames pass their own (``iso`` text, ...).
    """

    client: Callable[[], runestream_api.Client]
    kwargs: dict[str, Any]
    limit: int | None
    zone: str
    tags: Tags | None
    index: int
    deadline: Deadline | None = None
    on_page: Callable[[Page], object] | None = None
    rule: ColumnRule = V2_RULE

    @property
    def stream_id(self) -> str:
        """The stream's id."""
        return str(self.kwargs["stream_id"])

    def _pages(self) -> Iterator[Page]:
        pages = paginator(
            _parsed_fetch(self.rule),
            self.client(),
            self.kwargs,
            deadline=self.deadline,
            describe=_describe,
            on_page=self.on_page,
        )
        return self._up_to_limit(pages.iter_pages())

    def _up_to_limit(self, pages: Iterator[Page]) -> Iterator[Page]:
        """The pages until they hold ``limit`` rows: the next one is then never requested.

        Counted where the pages are produced (in the read-ahead thread, with ``ahead``), so a
        read-ahead never sends a request past the limit.
        """
        rows = 0
        with contextlib.closing(pages):  # type: ignore[type-var]
            for page in pages:
                table = page.table
                rows += table.num_rows if table is not None else 0
                del table
                yield page
                if self.limit is not None and rows >= self.limit:
                    return

    def page_tables(self, *, ahead: bool = False, shaped: bool = False) -> Iterator[pa.Table]:
        """The stream's page tables, as parsed by :attr:`rule` (``shaped``: then shaped, see
        :func:`~runestream.v2._schema.shape_page`).

        Pages without columns are skipped; ``limit`` is held (a page past it is cut, and no
        further page is requested). With ``ahead`` the next page is received while the caller
        works on this one (one page ahead, in a thread).

        Raises:
            APIError: A page failed after the retry policy.
            CSVParseError: A page is malformed, its set of columns differs from the stream's
                first page's, or (``shaped``) it has no ``time`` column.
            PaginationError: The server repeated a page token.
        """
        columns = PageColumns()
        remaining = self.limit
        pages: Iterator[Page] = read_ahead(self._pages()) if ahead else self._pages()
        with contextlib.closing(pages):  # type: ignore[type-var]
            for page in pages:
                table = page.table
                number, path = page.number, page.path
                del page
                if table is None or not table.num_columns:
                    continue
                table = columns.table(table, number, path)
                if remaining is not None:
                    table = table.slice(0, remaining)
                    remaining -= table.num_rows
                if shaped:
                    try:
                        table = shape_page(table, self.zone, tags=self.tags, index=self.index)
                    except KeyError:
                        raise page_error(
                            f"no {TIME_COLUMN!r} column (columns: {table.column_names})",
                            number,
                            path,
                        ) from None
                yield table
                del table
                if remaining == 0:
                    return

    def tables(self, *, ahead: bool = False) -> Iterator[pa.Table]:
        """The stream's page tables, shaped: :meth:`page_tables` with ``shaped=True``."""
        return self.page_tables(ahead=ahead, shaped=True)


def combined_schema(schemas: Sequence[pa.Schema], tags: Tags | None = None) -> pa.Schema:
    """The columns of several streams' pages, in the typed paths' order.

    ``time``, every other column in the order first seen, ``measurement_duration_ns``, the tag
    columns (``stream_id``, ...); each with the widest type of its pages
    (:func:`~runestream.core._csv.widest_type`).
    """
    widest = widest_schema(schemas)
    tail = (DURATION_COLUMN, *(tags.names if tags is not None else (STREAM_ID_COLUMN,)))
    last = [name for name in tail if name in widest.names]
    names = [TIME_COLUMN] + [n for n in widest.names if n != TIME_COLUMN and n not in last]
    return pa.schema([widest.field(name) for name in names + last])


def fetch_table(queries: Sequence[StreamQuery], workers: int) -> pa.Table:
    """Every page of every stream in one table (streams in order, ``workers`` at a time).

    Returns:
        The table (with :func:`combined_schema`'s columns), or an empty one with ``time``,
        ``measurement_duration_ns`` (and ``stream_id``) when no stream has any column.
    """
    per_stream = run_parallel(
        list(queries), lambda query: list(query.tables(ahead=True)), workers=workers
    )
    tables = [table for stream in per_stream for table in stream]
    del per_stream
    if not tables:
        return empty_table(queries[0].zone, tags=queries[0].tags)
    schema = combined_schema([table.schema for table in tables], queries[0].tags)
    aligned = [conform_table(table, schema) for table in tables]
    del tables
    return pa.concat_tables(aligned, memory_pool=arrow_memory_pool())


def iter_tables(queries: Sequence[StreamQuery]) -> Iterator[pa.Table]:
    """Every page table of every stream, in order, one at a time (each stream's own columns)."""
    for query in queries:
        yield from query.tables()


# -- files ---------------------------------------------------------------------------------


class _Part:
    """One temporary Parquet part beside the target: pages of one set of column types."""

    def __init__(self, target: Path, number: int, schema: pa.Schema, codec: str) -> None:
        handle, self.path = create_temp_beside(target, tag=f"part{number}.")
        self._file: IO[bytes] = open(handle, "wb")  # noqa: SIM115 (closed by close())
        self._open = True
        self.schema = schema
        self._writer = pq.ParquetWriter(
            self._file, schema, compression=codec, memory_pool=arrow_memory_pool()
        )

    def fits(self, table: pa.Table) -> bool:
        """Whether ``table`` can be written here without losing anything."""
        if table.schema.names != self.schema.names:
            return False
        return all(
            ours == theirs or theirs == pa.null() or (ours, theirs) == (pa.float64(), pa.int64())
            for ours, theirs in zip(self.schema.types, table.schema.types, strict=True)
        )

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(conform_table(table, self.schema))

    def close(self) -> None:
        """Finish the part, its bytes on disk (once; later calls do nothing)."""
        if not self._open:
            return
        self._open = False
        try:
            self._writer.close()
            self._file.flush()
            os.fsync(self._file.fileno())
        finally:
            self._file.close()


class _Parts:
    """The parts of one file being written; every part left is removed at the end."""

    def __init__(self, target: Path, codec: str) -> None:
        self._target = target
        self._codec = codec
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self.made: list[_Part] = []

    def _new(self, schema: pa.Schema) -> _Part:
        with self._lock:
            number = next(self._numbers)
        part = _Part(self._target, number, schema, self._codec)
        with self._lock:
            self.made.append(part)
        return part

    def sink(self, tables: Iterator[pa.Table]) -> list[_Part]:
        """Write ``tables`` in order into parts (a new part for a table that does not fit)."""
        parts: list[_Part] = []
        with contextlib.closing(tables):  # type: ignore[type-var]
            for table in tables:
                if not parts or not parts[-1].fits(table):
                    if parts:
                        parts[-1].close()
                    parts.append(self._new(table.schema))
                parts[-1].write(table)
                del table
        if parts:
            parts[-1].close()
        return parts

    def remove(self) -> None:
        for part in self.made:
            with contextlib.suppress(OSError):
                part.close()
            with contextlib.suppress(OSError):
                part.path.unlink()


def _csv_writer(out: IO[bytes], schema: pa.Schema) -> Any:
    return pa_csv.CSVWriter(out, schema, write_options=pa_csv.WriteOptions(quoting_style="needed"))


def _jsonl_lines(table: pa.Table) -> Iterator[bytes]:
    pool = arrow_memory_pool()
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field.type) or pa.types.is_dictionary(field.type):
            column = pa_compute.cast(column, pa.string(), memory_pool=pool)
        columns.append(column)
    flat = pa.Table.from_arrays(columns, names=table.column_names)
    for batch in flat.to_batches(max_chunksize=65_536):
        for row in batch.to_pylist():
            yield json.dumps(row, ensure_ascii=False, allow_nan=False).encode() + b"\n"


def _join(parts: Sequence[_Part], schema: pa.Schema, out: IO[bytes], fmt: str, codec: str) -> None:
    """Write every part's row groups, in order and conformed to ``schema``, to ``out``."""
    writer: Any = None
    if fmt == "parquet":
        writer = pq.ParquetWriter(out, schema, compression=codec, memory_pool=arrow_memory_pool())
    elif fmt == "csv":
        writer = _csv_writer(out, schema)
    try:
        for part in parts:
            source = pq.ParquetFile(part.path)
            for group in range(source.num_row_groups):
                table = conform_table(source.read_row_group(group), schema)
                if writer is None:
                    out.writelines(_jsonl_lines(table))
                else:
                    writer.write_table(table)
                del table
            source.close()
    finally:
        if writer is not None:
            writer.close()


def write_file(
    queries: Sequence[StreamQuery],
    path: str | os.PathLike[str],
    *,
    fmt: str,
    workers: int,
    compression: str = "zstd",
) -> Path:
    """Stream every page of every stream into one file (see the module docs).

    Args:
        queries: The streams, in output order.
        path: The target file (its directory exists: checked by the caller).
        fmt: ``parquet``, ``csv`` or ``jsonl``.
        workers: Streams fetched at once (each into its own parts).
        compression: The Parquet codec.

    Returns:
        The path written.
    """
    target = Path(path).expanduser()
    # Parts of a Parquet file are compressed as the file is, so that one part already in the
    # file's form is renamed as it is; parts of other formats are read back once, uncompressed.
    parts = _Parts(target, compression if fmt == "parquet" else "none")
    try:
        if workers == 1 or len(queries) == 1:
            written = parts.sink(iter_tables(queries))
        else:
            per_stream = run_parallel(
                list(queries), lambda query: parts.sink(query.tables()), workers=workers
            )
            written = [part for stream in per_stream for part in stream]
        if not written:
            schema = empty_table(queries[0].zone, tags=queries[0].tags).schema
        else:
            schema = combined_schema([part.schema for part in written], queries[0].tags)
        if fmt == "parquet" and len(written) == 1 and written[0].schema == schema:
            os.replace(written[0].path, target)
            return target
        with atomic_output(target) as (_, out):
            if not written and fmt == "parquet":
                pq.write_table(schema.empty_table(), out, compression=compression)
            elif not written and fmt == "csv":
                _csv_writer(out, schema).close()
            else:
                _join(written, schema, out, fmt, compression)
        return target
    finally:
        parts.remove()


def dump_table(table: pa.Table, out: IO[bytes], fmt: str, compression: str = "zstd") -> None:
    """Write a table held in memory (e.g. availability) to an open binary file."""
    if fmt == "parquet":
        pq.write_table(table, out, compression=compression)
    elif fmt == "csv":
        writer = _csv_writer(out, table.schema)
        writer.write_table(table)
        writer.close()
    else:
        out.writelines(_jsonl_lines(table))
