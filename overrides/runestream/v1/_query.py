"""One prepared V1 query: its parameters, pages, tables, and its split into time chunks.

A :class:`_Query` is what every accessor method builds from its defaults and overrides; it is
validated before any request and pages through the generated operation. :func:`_split` cuts a
query into time chunks that several workers can fetch and that join back in order.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Generator, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import pyarrow as pa  # type: ignore[import-untyped]

from runestream_api.types import UNSET, Unset

from ..core._cancel import raise_if_cancelled
from ..core._columns import PageColumns
from ..core._csv import concat_tables, parse_csv_page
from ..core._deadline import Deadline, start_deadline
from ..core._outputs import write_csv_pages, write_csv_stream, write_parquet_tables
from ..core._pagination import AsyncPaginator, Page, Paginator
from ..core._readahead import ReadAhead, read_ahead
from ._operations import _async_fetch_for, _fetch_for, _parsed_csv_fetch_for
from ._params import Operation

if TYPE_CHECKING:
    from ._client import V1Client


POINTS_BATCH_ROWS: Final = 65_536


def _rows(tables: Generator[pa.Table, None, None]) -> Iterator[dict[str, Any]]:
    """Every row of every table as a dict, converted one record batch at a time."""
    with contextlib.closing(tables):
        for table in tables:
            for batch in table.to_batches(max_chunksize=POINTS_BATCH_ROWS):
                yield from batch.to_pylist()


def _timestamp_format(kwargs: Mapping[str, Any]) -> str:
    value = kwargs.get("timestamp")
    if value is None or isinstance(value, Unset):
        return "unix"
    return str(getattr(value, "value", value))


class _Query:
    """One validated query: its operation, generated keyword arguments, and paginators.

    ``deadline`` bounds each iteration of its paginators: seconds (a clock per iteration, from
    its first request) or a :class:`Deadline` already running (shared by a call's windows).
    """

    def __init__(
        self,
        client: V1Client,
        operation: Operation,
        kwargs: dict[str, Any],
        deadline: float | Deadline | None = None,
    ):
        self.client = client
        self.operation = operation
        self.kwargs = kwargs
        self.deadline = deadline
        self.timestamps = _timestamp_format(kwargs)

    def bounded(self, deadline: float | None) -> _Query:
        """This query under one deadline for a whole call, started now (or the client's)."""
        seconds = self.client.deadline if deadline is None else deadline
        return _Query(self.client, self.operation, self.kwargs, start_deadline(seconds))

    def _options(self) -> dict[str, Any]:
        self.client.check_open()
        return {
            "client": self.client.generated_client,
            "kwargs": self.kwargs,
            "describe": self.operation.describe,
            "max_pages": self.client.max_pages,
            "on_page": self.client.on_page,
            "deadline": self.deadline,
        }

    def pages(self) -> Paginator[Page]:
        return Paginator(
            _fetch_for(self.operation, raw=self.operation.format == "csv"), **self._options()
        )

    def parsed_pages(self) -> Paginator[Page]:
        """CSV pages parsed while they arrive: each :class:`Page` holds its ``table``."""
        return Paginator(_parsed_csv_fetch_for(self.operation, self.timestamps), **self._options())

    def async_pages(self) -> AsyncPaginator[Page]:
        return AsyncPaginator(
            _async_fetch_for(self.operation, raw=self.operation.format == "csv"),
            **self._options(),
        )

    def iter_pages(self, *, parsed: bool = False) -> Generator[Page, None, None]:
        """The pages (``parsed``: CSV pages parsed as they arrive, see :meth:`parsed_pages`).

        Stops early (``Cancelled``) once the work is cancelled (another time chunk failed, or
        the caller was interrupted; see :mod:`runestream.core._cancel`).
        """
        paginator = self.parsed_pages() if parsed else self.pages()
        for page in paginator.iter_pages():
            raise_if_cancelled()
            yield page
            del page

    def pages_read_ahead(self, *, parsed: bool = False) -> ReadAhead[Page]:
        """:meth:`iter_pages`, the next page requested while the caller works on the current one.

        At most one page ahead, the same requests in the same order (see :func:`read_ahead`).
        Closing it stops the read-ahead thread.
        """
        return read_ahead(self.iter_pages(parsed=parsed))

    def tables(self) -> Generator[pa.Table, None, None]:
        """Every page's table; the next page is received and parsed while the caller works.

        Later pages' columns are matched by name to the first page's (see
        :class:`~runestream.core._columns.PageColumns`).
        """
        columns = PageColumns()
        with contextlib.closing(self.pages_read_ahead(parsed=True)) as pages:
            for page in pages:
                table = columns.table(page.table, page.number, page.path)
                del page
                yield table
                del table

    def numbered_tables(self) -> Generator[tuple[int, str, pa.Table], None, None]:
        """``(number, path, table)`` per page, one page at a time (no read-ahead).

        The next page is requested once the caller is done with this one (a streamed file then
        holds one page's table, and the next page's blocks in flight, whatever the page count).
        """
        with contextlib.closing(self.iter_pages(parsed=True)) as pages:
            for page in pages:
                item = (page.number, page.path, page.table)
                del page
                yield item
                del item

    def numbered_bodies(self) -> Generator[tuple[int, str, bytes], None, None]:
        with contextlib.closing(self.pages_read_ahead()) as pages:
            for page in pages:
                item = (page.number, page.path, page.content)
                del page
                yield item
                del item

    # The consumers below close what they iterate, so that an error of their own (a page that
    # does not fit the file's schema, a full disk) stops the read-ahead at once, even while the
    # error's traceback keeps their frames alive.

    def to_table(self) -> pa.Table:
        with contextlib.closing(self.tables()) as tables:
            return concat_tables(tables)

    def write_parquet(self, path: str | os.PathLike[str], compression: str) -> Path:
        with contextlib.closing(self.numbered_tables()) as tables:
            return write_parquet_tables(tables, path, compression=compression)

    def write_csv(
        self, path: str | os.PathLike[str], validate: Callable[[int, str, bytes], object] | None
    ) -> Path:
        with contextlib.closing(self.numbered_bodies()) as bodies:
            return write_csv_pages(bodies, path, validate=validate)

    def stream_csv(
        self, out: IO[bytes], validate: Callable[[int, str, bytes], object] | None
    ) -> int:
        with contextlib.closing(self.numbered_bodies()) as bodies:
            return write_csv_stream(bodies, out, validate=validate)

    def validator(self, validate_pages: bool) -> Callable[[int, str, bytes], object] | None:
        """The check of each CSV page before it is written (a parse), or ``None``."""
        if not validate_pages:
            return None
        timestamps = self.timestamps

        def validate(number: int, request_path: str, data: bytes) -> None:
            parse_csv_page(data, page=number, path=request_path, timestamps=timestamps)

        return validate


#: Expressions whose rows depend only on the samples inside [start_time, end_time), so a
#: query can be split into time chunks fetched in parallel with the same rows as one query.
#: Downsampling, interpolation, availability, spectrograms, symptom buckets and state (whose
#: first and last rows sit at the query's bounds) are never split.
_SPLITTABLE: Final[Mapping[str, frozenset[str]]] = {
    "accel": frozenset({"accel", "user", "gravity"}),
    "rotation": frozenset({"rotation"}),
    "heartrate": frozenset({"bpm"}),
    "lfp": frozenset({"lfp"}),
    "band_power": frozenset({"power"}),
}
_DEFAULT_EXPRESSIONS: Final[Mapping[str, str]] = {
    "accel": "accel",
    "rotation": "rotation",
    "heartrate": "bpm",
    "lfp": "lfp",
    "band_power": "power",
}


def _split(query: _Query, workers: int) -> list[_Query]:
    """Split a query into up to ``workers`` time chunks when that cannot change the rows.

    Chunk bounds are whole seconds after ``start_time`` (so sample grids stay aligned); each
    chunk pages by token on its own. Queries that are not safe to split are returned whole.
    """
    kwargs = query.kwargs
    resource = query.operation.resource
    if workers <= 1 or resource not in _SPLITTABLE:
        return [query]
    expression = kwargs.get("expression")
    name = (
        _DEFAULT_EXPRESSIONS[resource]
        if expression is None or isinstance(expression, Unset)
        else str(getattr(expression, "value", expression))
    )
    blocking = ("frequency", "resolution", "interpolation", "page", "next_page_token")
    if name not in _SPLITTABLE[resource] or any(
        not isinstance(kwargs.get(key, UNSET), Unset) for key in blocking
    ):
        return [query]
    start, end = float(kwargs["start_time"]), float(kwargs["end_time"])
    width = max(1.0, float(math.ceil((end - start) / workers)))
    chunks: list[_Query] = []
    lower = start
    while lower < end:
        upper = min(end, lower + width)
        chunk_kwargs = {**kwargs, "start_time": lower, "end_time": upper}
        chunks.append(_Query(query.client, query.operation, chunk_kwargs, query.deadline))
        lower = upper
    return chunks
