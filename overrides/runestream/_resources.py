"""``V1Client`` and its runeq-style accessors (``Accel``, ``BandPower``, ... ``State``).

An accessor holds default query parameters; every method takes keyword overrides of them
(``None`` removes a default). Parameters are validated before any request
(:func:`runestream._params.prepare_params`), then every page is fetched through the generated
``sync_detailed`` function by a :class:`~runestream.Paginator`, which follows
``X-Rune-Next-Page-Token`` with every other parameter unchanged. Page tokens never reach the
caller.

Time parameters (``start_time``, ``end_time``) take unix seconds, ``datetime`` (a **naive**
value is UTC, unlike runeq, which read it as local time), ``date`` (midnight UTC) or an
ISO-8601 string.

Example:
    >>> from runestream import Config, V1Client
    >>> with V1Client(Config()) as v1:  # doctest: +SKIP
    ...     accel = v1.Accel(patient_id="p1", device_id="d1")
    ...     table = accel.to_arrow(start_time="2024-05-01", end_time="2024-05-02")
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
from collections.abc import Awaitable, Callable, Generator, Iterator, Mapping
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, ClassVar, Final, Self, TypeVar, Unpack

import httpx
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

import runestream_api
from runestream_api.models.event import Event
from runestream_api.models.event_response import EventResponse
from runestream_api.models.span import Span
from runestream_api.models.span_response import SpanResponse
from runestream_api.params import (
    AccelParams,
    BandPowerParams,
    EventParams,
    HeartrateParams,
    LfpParams,
    ProbabilitySymptomParams,
    RotationParams,
    SpanParams,
    StateParams,
)
from runestream_api.types import UNSET, Response, Unset

from . import _session
from ._bodies import check_page_body, raise_for_json_envelope
from ._cancel import raise_if_cancelled
from ._columns import PageColumns
from ._config import Config
from ._csv import (
    DEFAULT_PARQUET_COMPRESSION,
    column_header,
    concat_tables,
    csv_text,
    first_content_byte,
    parse_csv_page,
)
from ._csvstream import fetch_csv_table
from ._deadline import Deadline, check_deadline, deadline_scope, start_deadline
from ._errors import APIError, ClientClosedError, ValidationError
from ._memory import arrow_memory_pool
from ._outputs import (
    atomic_output,
    check_compression,
    check_output_path,
    merge_csv_parts,
    merge_parquet_parts,
    part_files,
    write_csv_pages,
    write_csv_stream,
    write_parquet_tables,
)
from ._pagination import AsyncPaginator, Page, Paginator, check_json_envelope
from ._parallel import MAX_WORKERS, check_workers, run_parallel
from ._params import (
    AVAILABILITY_EXPRESSIONS,
    Format,
    Operation,
    get_operation,
    prepare_params,
    unknown_parameter_error,
    valid_names,
)
from ._readahead import ReadAhead, read_ahead
from ._records import EVENT_SCHEMA, SPAN_SCHEMA, records_table
from ._retry import RetryPolicy
from ._transport import LazyAsyncClient, build_generated_client

if TYPE_CHECKING:
    import pandas

    from . import _accessors

_T = TypeVar("_T")

__all__ = [
    "MAX_WORKERS",
    "AccelAccessor",
    "BandPowerAccessor",
    "EventAccessor",
    "HeartRateAccessor",
    "LFPAccessor",
    "ProbabilitySymptomAccessor",
    "RotationAccessor",
    "SpanAccessor",
    "StateAccessor",
    "V1Client",
]


def _fetch_for(operation: Operation, *, raw: bool = False) -> Callable[..., Response[Any]]:
    """The function a query's paginator calls for each page.

    What the generated ``sync_detailed`` does — the request built by the generated
    ``_get_kwargs``, sent on the same client, the body parsed by the generated
    ``_build_response`` — with the body's shape checked first (an HTML page or an error
    envelope answered with 200 is an error, never data; see :func:`check_page_body`). With
    ``raw`` (CSV pages) the body is left as bytes: ``sync_detailed`` would also decode a page
    of up to ~70 MB to ``str`` (about a third of the parse time, and a second copy in memory)
    only for the result to be thrown away. Operations whose generated signature lacks
    ``next_page_token`` get it added to the query. Each call is the next page (retries happen
    inside), which numbers the pages for messages.
    """
    numbers = itertools.count(1)

    def fetch(*, client: runestream_api.Client, **kwargs: Any) -> Response[Any]:
        request = operation.request_kwargs(kwargs)
        response = client.get_httpx_client().request(**request)
        return _wrap(operation, client, response, kwargs, next(numbers), raw=raw)

    return fetch


def _parsed_csv_fetch_for(operation: Operation, timestamps: str) -> Callable[..., Response[Any]]:
    """The fetch of a query whose CSV pages are parsed as they arrive (one per iteration).

    The request is the one ``sync_detailed`` would send (the generated ``_get_kwargs``), on the
    same client; the body goes straight into :func:`~runestream._csvstream.fetch_csv_table`.
    Each call is the next page (retries happen inside), which numbers the pages for messages.
    """
    numbers = itertools.count(1)

    def fetch(*, client: runestream_api.Client, **kwargs: Any) -> Response[Any]:
        http = client.get_httpx_client()
        return fetch_csv_table(
            http,
            http.build_request(**operation.request_kwargs(kwargs)),
            page=next(numbers),
            path=operation.describe(kwargs),
            timestamps=timestamps,
        )

    return fetch


def _async_fetch_for(
    operation: Operation, *, raw: bool = False
) -> Callable[..., Awaitable[Response[Any]]]:
    """The async twin of :func:`_fetch_for` (what ``asyncio_detailed`` does, checked)."""
    numbers = itertools.count(1)

    async def fetch(*, client: runestream_api.Client, **kwargs: Any) -> Response[Any]:
        request = operation.request_kwargs(kwargs)
        response = await client.get_async_httpx_client().request(**request)
        return _wrap(operation, client, response, kwargs, next(numbers), raw=raw)

    return fetch


#: What generated parsing raises on a body that does not match the spec.
_UNREADABLE: Final = (ValueError, TypeError, KeyError, AttributeError)


def _wrap(
    operation: Operation,
    client: runestream_api.Client,
    response: httpx.Response,
    kwargs: Mapping[str, Any],
    page: int,
    *,
    raw: bool,
) -> Response[Any]:
    """Check a page's body shape, then make the generated ``Response`` of it."""
    check_page_body(
        operation.format,
        response.content,
        response.headers.get("content-type"),
        page=page,
        path=operation.describe(kwargs),
        status=response.status_code,
    )
    if raw:
        return Response(
            status_code=HTTPStatus(response.status_code),
            content=response.content,
            headers=response.headers,
            parsed=None,
        )
    try:
        built: Response[Any] = operation.module._build_response(client=client, response=response)
    except _UNREADABLE:
        # An error envelope answered with a 2xx keeps the server's message and type.
        raise_for_json_envelope(
            response.content, status=response.status_code, path=operation.describe(kwargs)
        )
        raise
    if response.is_success and getattr(built.parsed, "success", None) is False:
        raise_for_json_envelope(
            response.content, status=response.status_code, path=operation.describe(kwargs)
        )
    return built


#: Rows turned into dicts at a time by ``points()``: a record batch, not a whole page (2M dicts
#: of a default-size page would take ~600 MB before the first row could be yielded).
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
        the caller was interrupted; see :mod:`runestream._cancel`).
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
        :class:`~runestream._columns.PageColumns`).
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


class _Accessor:
    """Base of the accessors: default parameters and the query they make."""

    #: Resource name in the API path (``/v1/<resource>.json``).
    resource: ClassVar[str]

    def __init__(self, client: V1Client, **defaults: Any) -> None:
        names = valid_names(self.resource)
        for name in defaults:
            if name not in names:
                raise unknown_parameter_error(name, sorted(names), f"{type(self).__name__}")
        self._client = client
        self._defaults = dict(defaults)

    @property
    def defaults(self) -> dict[str, Any]:
        """A copy of the accessor's default query parameters."""
        return dict(self._defaults)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._defaults.items())
        return f"{type(self).__name__}({shown})"

    def _query(
        self, fmt: Format, overrides: Mapping[str, Any], *, expression: str | None = None
    ) -> _Query:
        operation = get_operation(self.resource, fmt)
        params = {**self._defaults, **overrides}
        if expression is not None:
            given = overrides.get("expression")
            if given is not None and given != expression:
                raise ValidationError(
                    f"expression={given!r} conflicts with the availability expression "
                    f"{expression!r} of this method",
                    parameter="expression",
                )
            params["expression"] = expression
        self._client.check_open()
        kwargs = prepare_params(operation, params, auth_method=self._client.config.auth_method)
        return _Query(self._client, operation, kwargs, self._client.deadline)

    def pages(self, fmt: Format = "json", **params: Any) -> Paginator[Page]:
        """Return a paginator over the raw pages of ``GET /v1/<resource>.<fmt>``.

        Parameters are validated now; requests start when iterated. The paginator follows
        ``X-Rune-Next-Page-Token`` (each :class:`Page` shows its ``next_page_token`` for
        resuming later).

        Args:
            fmt: ``"json"`` or ``"csv"``.
            **params: Overrides of the accessor's defaults.

        Returns:
            A :class:`Paginator` yielding :class:`Page` objects.

        Raises:
            ValidationError: A parameter is invalid (before any request).
        """
        return self._query(fmt, params).pages()

    def async_pages(self, fmt: Format = "json", **params: Any) -> AsyncPaginator[Page]:
        """Return an async paginator over ``GET /v1/<resource>.<fmt>`` (``asyncio_detailed``).

        Args:
            fmt: ``"json"`` or ``"csv"``.
            **params: Overrides of the accessor's defaults.

        Returns:
            An :class:`AsyncPaginator` yielding :class:`Page` objects (``async for``).

        Raises:
            ValidationError: A parameter is invalid (before any request).
        """
        return self._query(fmt, params).async_pages()


class _JSONMixin(_Accessor):
    def iter_json_data(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield each page's ``result`` from ``GET /v1/<resource>.json`` (runeq semantics).

        Follows ``X-Rune-Next-Page-Token`` until the last page, sending every other parameter
        unchanged. Validation happens when this method is called, before any request.

        Args:
            **params: Overrides of the accessor's defaults (``None`` removes a default).

        Returns:
            An iterator of ``result`` dicts, one per page.

        Raises:
            ValidationError: A parameter is invalid.
            APIError: A page failed, or its body says ``success: false`` (never yielded).
            PaginationError: The server repeated a page token.
        """
        return self._iter_results(self._query("json", params))

    @staticmethod
    def _iter_results(query: _Query) -> Iterator[dict[str, Any]]:
        for page in query.pages().iter_pages():
            result: dict[str, Any] = check_json_envelope(page)["result"]
            yield result


class _AvailabilityJSONMixin(_JSONMixin):
    def iter_json_availability(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield each page's ``result`` of the resource's availability expression (JSON).

        Like :meth:`iter_json_data` with ``expression=availability(...)`` for this resource
        (``GET /v1/<resource>.json``), following page tokens until the last page.

        Args:
            **params: Overrides of the accessor's defaults; ``expression`` is set for you.

        Returns:
            An iterator of ``result`` dicts, one per page.

        Raises:
            ValidationError: A parameter is invalid.
            APIError: A page failed (never yielded).
            PaginationError: The server repeated a page token.
        """
        query = self._query("json", params, expression=AVAILABILITY_EXPRESSIONS[self.resource])
        return self._iter_results(query)


class _CSVMixin(_AvailabilityJSONMixin):
    def iter_csv_text(self, **params: Any) -> Iterator[str]:
        """Yield each CSV page of ``GET /v1/<resource>.csv`` as text (runeq semantics).

        Each page starts with its own header row. Follows ``X-Rune-Next-Page-Token`` until the
        last page, every other parameter unchanged.

        Args:
            **params: Overrides of the accessor's defaults.

        Returns:
            An iterator of page texts.

        Raises:
            ValidationError: A parameter is invalid (raised by this call, before any request).
            APIError: A page failed, or its body is not CSV (never yielded).
            CSVParseError: A page's set of columns differs from the first page's (a page with
                the same columns in another order is yielded as received).
            PaginationError: The server repeated a page token.
        """
        return self._iter_text(self._query("csv", params))

    def iter_csv_availability(self, **params: Any) -> Iterator[str]:
        """Yield each CSV page of the resource's availability expression, as text.

        ``GET /v1/<resource>.csv`` with ``expression=availability(...)``; page tokens are
        followed until the last page.

        Args:
            **params: Overrides of the accessor's defaults; ``expression`` is set for you.

        Returns:
            An iterator of page texts.

        Raises:
            ValidationError: A parameter is invalid.
            APIError: A page failed, or its body is not CSV (never yielded).
            CSVParseError: A page's set of columns differs from the first page's.
            PaginationError: The server repeated a page token.
        """
        query = self._query("csv", params, expression=AVAILABILITY_EXPRESSIONS[self.resource])
        return self._iter_text(query)

    @staticmethod
    def _iter_text(query: _Query) -> Iterator[str]:
        # Each page keeps its own header (a reordered one is self-describing); a page with
        # another set of columns than the first is refused (see PageColumns).
        columns = PageColumns()
        for page in query.pages().iter_pages():
            data = page.content
            if first_content_byte(data) >= 0:
                names = column_header(data, page=page.number, path=page.path)
                columns.order(names, page.number, page.path)
            yield csv_text(data)

    def iter_arrow(self, **params: Any) -> Iterator[pa.Table]:
        """Yield each CSV page of ``GET /v1/<resource>.csv`` as a typed Arrow table.

        Page tokens are followed until the last page. Each page is parsed while its body is
        received (no whole-page buffer), and the next page is received and parsed while you
        work on this one (in a background thread, at most one page ahead: about two pages'
        tables in memory); closing the iterator (or leaving a ``for`` loop) stops it. A body
        that breaks off mid-transfer is requested again from its start, as the retry policy
        allows (no row lost or repeated). Column types:
        float64 for time and values, strings for textual columns (see
        :func:`runestream._csv.parse_csv_page`). Every table has the first page's columns in
        the first page's order (a later page's columns are matched by name).

        Args:
            **params: Overrides of the accessor's defaults.

        Returns:
            An iterator of ``pyarrow.Table``, one per page (empty pages give tables without
            columns).

        Raises:
            ValidationError: A parameter is invalid.
            APIError: A page failed.
            CSVParseError: A page is malformed, or its set of columns differs from the first
                page's (names the page, the request path and both headers).
            PaginationError: The server repeated a page token.
        """
        return self._query("csv", params).tables()

    def points(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield every CSV row of ``GET /v1/<resource>.csv`` as a dict (runeq's ``points``).

        Numbers are ``float``; textual columns (IDs, sensor, band, ...) stay ``str``; empty
        cells are ``None``. Page tokens are followed until the last page; rows are made one
        record batch at a time, and the next page is requested while this one's rows are read
        (see :meth:`iter_arrow`).

        Args:
            **params: Overrides of the accessor's defaults.

        Returns:
            An iterator of ``{column: value}`` dicts.

        Raises:
            ValidationError: A parameter is invalid.
            APIError: A page failed.
            CSVParseError: A page is malformed, or its set of columns differs from the first
                page's.
            PaginationError: The server repeated a page token.
        """
        return _rows(self._query("csv", params).tables())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Iterate over :meth:`points` (``GET /v1/<resource>.csv``) with the accessor's defaults."""
        return self.points()

    def to_arrow(
        self, *, workers: int = 1, deadline: float | None = None, **params: Any
    ) -> pa.Table:
        """Fetch every CSV page of ``GET /v1/<resource>.csv`` into one Arrow table.

        Page tokens are followed until the last page; pages are parsed as they arrive and
        concatenated: columns in the first page's order (matched by name on later pages and
        time chunks); a column that is numeric on some pages and text on others is text.
        Ctrl-C (``KeyboardInterrupt``) stops every background thread at once, a page stalled
        mid-transfer included.

        Args:
            workers: Fetch up to this many time chunks in parallel (default 1, at most
                :data:`MAX_WORKERS`, 10). Only raw queries are split (``accel``/``user``/
                ``gravity``, ``rotation``, ``bpm``, ``lfp``, ``power`` without ``frequency``,
                ``resolution``, ``interpolation`` or ``page``), at whole-second bounds, each
                chunk following its own page tokens; the rows are the same as one query's.
                Other queries run as one.
            deadline: Seconds the whole call may take, every page, retry and window
                included (default: the client's ``deadline``); past it
                :class:`~runestream.DeadlineExceededError` is raised.
            **params: Overrides of the accessor's defaults.

        Returns:
            One ``pyarrow.Table`` (no columns if the result is empty).

        Raises:
            ValidationError: A parameter is invalid.
            APIError: A page failed.
            CSVParseError: A page is malformed, or its set of columns differs from the first
                page's.
            PaginationError: The server repeated a page token.
            DeadlineExceededError: The deadline passed.
        """
        workers = check_workers(workers)
        query = self._query("csv", params).bounded(check_deadline(deadline))
        chunks = _split(query, workers)
        tables = run_parallel(chunks, lambda chunk: chunk.to_table())
        return concat_tables(tables, unit="time chunk" if len(chunks) > 1 else "table")

    def to_pandas(
        self, *, workers: int = 1, deadline: float | None = None, **params: Any
    ) -> pandas.DataFrame:
        """Fetch every CSV page of ``GET /v1/<resource>.csv`` into a pandas DataFrame.

        Same as :meth:`to_arrow` (page tokens followed until the last page), then converted.
        pandas is an optional extra: ``pip install 'runestream[pandas]'``.

        Args:
            workers: Parallel time chunks, as for :meth:`to_arrow`.
            deadline: Seconds the whole call may take, as for :meth:`to_arrow`.
            **params: Overrides of the accessor's defaults.

        Returns:
            A ``pandas.DataFrame``.

        Raises:
            ImportError: pandas is not installed.
            ValidationError: A parameter is invalid.
            APIError: A page failed.
            CSVParseError: A page is malformed, or its set of columns differs from the first
                page's.
        """
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise ImportError(
                "to_pandas() needs pandas, an optional extra: pip install 'runestream[pandas]' "
                "(or use to_arrow())"
            ) from None
        table = self.to_arrow(workers=workers, deadline=deadline, **params)
        frame: pandas.DataFrame = table.to_pandas(memory_pool=arrow_memory_pool())
        return frame

    def to_csv(
        self,
        path: str | os.PathLike[str],
        *,
        validate_pages: bool = True,
        workers: int = 1,
        deadline: float | None = None,
        **params: Any,
    ) -> Path:
        """Stream every CSV page of ``GET /v1/<resource>.csv`` into one CSV file.

        Page tokens are followed until the last page, the next page received while this one is
        checked and written (about two pages in memory per worker). Each page is checked
        (parsed) before it is written; rows are written byte for byte under one header. A page
        whose columns are the first page's in another order is rewritten in the first page's
        order; a page with other columns is refused. The file is written to a temporary file
        in the target directory and renamed on success: on any error no file (and no partial
        file) is left. Ctrl-C stops every background thread at once, and leaves no file
        either.

        Args:
            path: Target file (its directory must exist).
            validate_pages: Parse each page before writing it, so that a malformed page fails
                the write (default). ``False`` skips the parse (faster; only headers checked).
            workers: Fetch up to this many time chunks in parallel (default 1, at most
                :data:`MAX_WORKERS`, 10). Only raw queries are split (``accel``/``user``/
                ``gravity``, ``rotation``, ``bpm``, ``lfp``, ``power`` without ``frequency``,
                ``resolution``, ``interpolation`` or ``page``), at whole-second bounds, each
                chunk following its own page tokens; the rows are the same as one query's.
                Other queries run as one.
                Chunks are written to temporary part files beside ``path``, then joined.
            deadline: Seconds the whole call may take, every page, retry and window
                included (default: the client's ``deadline``); past it
                :class:`~runestream.DeadlineExceededError` is raised.
            **params: Overrides of the accessor's defaults.

        Returns:
            The path written.

        Raises:
            ValidationError: A parameter is invalid, ``path`` is a directory or its directory
                does not exist (before any request or file).
            APIError: A page failed.
            DeadlineExceededError: The deadline passed (no file is left).
            CSVParseError: A page is malformed, or its set of columns differs from the first
                page's.
            PaginationError: The server repeated a page token.
        """
        workers = check_workers(workers)
        query = self._query("csv", params).bounded(check_deadline(deadline))
        check_output_path(path)
        chunks = _split(query, workers)
        check = query.validator(validate_pages)
        if len(chunks) == 1:
            return chunks[0].write_csv(path, check)
        with part_files(path, len(chunks)) as parts:
            jobs = list(zip(chunks, parts, strict=True))
            by_chunk = {id(chunk): part for chunk, part in jobs}
            run_parallel(chunks, lambda chunk: chunk.write_csv(by_chunk[id(chunk)], check))
            with atomic_output(path) as (_, out):
                merge_csv_parts(parts, out)
        return Path(path).expanduser()

    def stream_csv(self, out: IO[bytes], *, validate_pages: bool = True, **params: Any) -> int:
        """Write every CSV page of ``GET /v1/<resource>.csv`` to an open binary file.

        Like :meth:`to_csv` (same checks, same column rule, one header, page tokens followed
        until the last page), for a stream such as ``sys.stdout.buffer``: each page is written
        once it has been checked, so when a later page fails, the pages before it have already
        been written (and the error is raised).

        Args:
            out: A writable binary file.
            validate_pages: Parse each page before writing it (default), as for :meth:`to_csv`.
            **params: Overrides of the accessor's defaults.

        Returns:
            The number of rows written.

        Raises:
            ValidationError: A parameter is invalid (before any request).
            APIError: A page failed, or its body is not CSV.
            CSVParseError: A page is malformed, or its set of columns differs from the first
                page's.
            PaginationError: The server repeated a page token.
        """
        query = self._query("csv", params)
        return query.stream_csv(out, query.validator(validate_pages))

    def to_parquet(
        self,
        path: str | os.PathLike[str],
        *,
        compression: str = DEFAULT_PARQUET_COMPRESSION,
        workers: int = 1,
        deadline: float | None = None,
        **params: Any,
    ) -> Path:
        """Stream every CSV page of ``GET /v1/<resource>.csv`` into one Parquet file.

        Page tokens are followed until the last page; each page is parsed to Arrow while its
        body is received and written as a row group before the next page is requested, so
        memory holds one page's table (per worker) however many pages there are. Written to a
        temporary file in the target directory and renamed on success: on any error no file is
        left.

        Args:
            path: Target file (its directory must exist).
            compression: Parquet codec: ``zstd`` (default), ``snappy``, ``gzip``, ``brotli``,
                ``lz4``, ``lz4_raw`` or ``none`` (any case).
            workers: Fetch up to this many time chunks in parallel (default 1, at most
                :data:`MAX_WORKERS`, 10). Only raw queries are split (``accel``/``user``/
                ``gravity``, ``rotation``, ``bpm``, ``lfp``, ``power`` without ``frequency``,
                ``resolution``, ``interpolation`` or ``page``), at whole-second bounds, each
                chunk following its own page tokens; the rows are the same as one query's.
                Other queries run as one.
                Chunks are written to temporary part files beside ``path``, then joined.
            deadline: Seconds the whole call may take, every page, retry and window
                included (default: the client's ``deadline``); past it
                :class:`~runestream.DeadlineExceededError` is raised.
            **params: Overrides of the accessor's defaults.

        Returns:
            The path written.

        Raises:
            ValidationError: A parameter or the codec is invalid, ``path`` is a directory or
                its directory does not exist (before any request or file).
            APIError: A page failed.
            DeadlineExceededError: The deadline passed (no file is left).
            CSVParseError: A page is malformed or its columns do not fit the first page's
                schema.
            PaginationError: The server repeated a page token.
        """
        workers = check_workers(workers)
        query = self._query("csv", params).bounded(check_deadline(deadline))
        check_output_path(path)
        check_compression(compression)
        chunks = _split(query, workers)
        if len(chunks) == 1:
            return chunks[0].write_parquet(path, compression)
        with part_files(path, len(chunks)) as parts:
            by_chunk = {id(chunk): part for chunk, part in zip(chunks, parts, strict=True)}
            run_parallel(
                chunks, lambda chunk: chunk.write_parquet(by_chunk[id(chunk)], compression)
            )
            with atomic_output(path) as (_, out):
                merge_parquet_parts(parts, out, compression=compression)
        return Path(path).expanduser()


class AccelAccessor(_CSVMixin):
    """Accelerometry: ``GET /v1/accel.json`` and ``GET /v1/accel.csv``, tokens followed.

    Availability expression: ``availability(accel)``.
    """

    resource = "accel"


class BandPowerAccessor(_CSVMixin):
    """On-device band power: ``GET /v1/band_power.json`` / ``.csv``, tokens followed.

    Availability expression: ``availability(power)``. CSV ``page_size`` is at most 10,000.
    """

    resource = "band_power"


class HeartRateAccessor(_CSVMixin):
    """Heart rate: ``GET /v1/heartrate.json`` / ``.csv``, tokens followed.

    Availability expression: ``availability(bpm)``.
    """

    resource = "heartrate"


class LFPAccessor(_CSVMixin):
    """Local field potentials: ``GET /v1/lfp.json`` / ``.csv``, tokens followed.

    Availability expression: ``availability(lfp)``.
    """

    resource = "lfp"


class ProbabilitySymptomAccessor(_CSVMixin):
    """Symptom probability: ``GET /v1/probability_symptom.json`` / ``.csv``, tokens followed.

    Availability expression: ``availability(probability)``.
    """

    resource = "probability_symptom"


class RotationAccessor(_CSVMixin):
    """Rotation: ``GET /v1/rotation.json`` / ``.csv``, tokens followed.

    Availability expression: ``availability(rotation)``.
    """

    resource = "rotation"


class StateAccessor(_CSVMixin):
    """Device state: ``GET /v1/state.json`` / ``.csv``, tokens followed.

    Availability expression: ``availability(state)``. JSON needs ``event`` unless
    ``expression=event_type`` and ``fields`` unless ``event_type``/``update``; CSV needs both.
    """

    resource = "state"


class _RecordsMixin(_JSONMixin):
    """Events and spans: the typed records of every page, and flat tables of them.

    The tables have fixed, typed columns (see :mod:`runestream._records`): time fields as
    ``timestamp[ns, tz=UTC]``, the classification (``event_namespace``, ``event_type``,
    ``event_enum``) and IDs as strings, ``payload`` as JSON text, and ``extra`` (JSON text of
    any keys the spec does not list).
    """

    #: The generated response model of a page, and the key of its records in ``result``.
    _response_type: ClassVar[type[EventResponse] | type[SpanResponse]]
    #: The flat table's columns.
    _schema: ClassVar[pa.Schema]

    def _record_pages(self, query: _Query) -> Iterator[tuple[Page, list[Any]]]:
        """``(page, records)`` per page, every page checked to be a successful response."""
        for page in query.pages().iter_pages():
            parsed = page.response.parsed
            if not isinstance(parsed, self._response_type) or not parsed.success:
                check_json_envelope(page)
                raise APIError(f"page is not a {self.resource} response", path=page.path)
            records: list[Any] = getattr(parsed.result, self.resource)
            yield page, records

    def _table_query(self, params: Mapping[str, Any], method: str) -> _Query:
        query = self._query("json", params)
        if query.timestamps != "unix":
            raise ValidationError(
                f"timestamp={query.timestamps!r}: {method}() gives UTC timestamp columns, made "
                "from unix seconds; leave timestamp out (convert the columns to a time zone "
                f"afterwards) or use iter_{self.resource}s() for the server's strings",
                parameter="timestamp",
            )
        return query

    def _tables(self, query: _Query) -> Generator[pa.Table, None, None]:
        for page, records in self._record_pages(query):
            yield records_table((r.to_dict() for r in records), self._schema, path=page.path)

    def iter_arrow(self, **params: Any) -> Iterator[pa.Table]:
        """Yield each page of ``GET /v1/<resource>.json`` as a flat Arrow table.

        Page tokens are followed until the last page. Every table has the same columns
        (see :meth:`to_arrow`), also an empty page.

        Args:
            **params: Overrides of the accessor's defaults (``timestamp`` must be ``unix``).

        Returns:
            An iterator of ``pyarrow.Table``, one per page.

        Raises:
            ValidationError: A parameter is invalid (raised by this call, before any request).
            APIError: A page failed, could not be read, or holds a time that is not unix
                seconds.
            PaginationError: The server repeated a page token.
        """
        return self._tables(self._table_query(params, "iter_arrow"))

    def to_arrow(self, **params: Any) -> pa.Table:
        """Fetch every page of ``GET /v1/<resource>.json`` into one flat Arrow table.

        One row per record, columns in this order: the time fields (events ``time,
        created_time``; spans ``start_time_min, start_time, end_time, end_time_max,
        created_time``) as ``timestamp[ns, tz=UTC]`` (null when absent); ``device_id, id,
        event_namespace, event_type, event_enum, display_name`` as strings (``event_enum`` is
        null for types without one); ``payload`` as **JSON text** (``json.loads`` it, or use
        ``pyarrow.compute``/pandas to pick fields); ``extra``, JSON text of any keys the spec
        does not list (usually null). The columns are the same for an empty result.

        Args:
            **params: Overrides of the accessor's defaults. ``timestamp`` must be ``unix`` (the
                default): the time columns are made from unix seconds.

        Returns:
            One ``pyarrow.Table``.

        Raises:
            ValidationError: A parameter is invalid (before any request).
            APIError: A page failed, could not be read, or holds a time that is not unix
                seconds.
            PaginationError: The server repeated a page token.
        """
        with contextlib.closing(self._tables(self._table_query(params, "to_arrow"))) as tables:
            return pa.concat_tables(list(tables), memory_pool=arrow_memory_pool())

    def to_pandas(self, **params: Any) -> pandas.DataFrame:
        """Fetch every page of ``GET /v1/<resource>.json`` into a flat pandas DataFrame.

        The columns of :meth:`to_arrow`; time columns become ``datetime64[ns, UTC]``,
        ``payload`` and ``extra`` stay JSON text. pandas is an optional extra:
        ``pip install 'runestream[pandas]'``.

        Args:
            **params: Overrides of the accessor's defaults (``timestamp`` must be ``unix``).

        Returns:
            A ``pandas.DataFrame``.

        Raises:
            ImportError: pandas is not installed.
            ValidationError: A parameter is invalid (before any request).
            APIError: A page failed, could not be read, or holds a time that is not unix
                seconds.
        """
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise ImportError(
                "to_pandas() needs pandas, an optional extra: pip install 'runestream[pandas]' "
                "(or use to_arrow())"
            ) from None
        table = self.to_arrow(**params)
        frame: pandas.DataFrame = table.to_pandas(memory_pool=arrow_memory_pool())
        return frame

    def to_csv(self, path: str | os.PathLike[str], **params: Any) -> Path:
        """Stream every page of ``GET /v1/<resource>.json`` into one flat CSV file.

        The columns of :meth:`to_arrow`, one header row; times are written as
        ``2024-05-01 01:00:00.000000000Z`` (UTC), ``payload`` and ``extra`` as JSON text in a
        quoted cell, nulls as empty cells. Each page is written before the next is requested.
        Written to a temporary file in the target directory and renamed on success: on any
        error no file (and no partial file) is left.

        Args:
            path: Target file (its directory must exist).
            **params: Overrides of the accessor's defaults (``timestamp`` must be ``unix``).

        Returns:
            The path written.

        Raises:
            ValidationError: A parameter is invalid (before any request or file).
            FileNotFoundError: The target directory does not exist (before any request).
            APIError: A page failed, could not be read, or holds a time that is not unix
                seconds.
            PaginationError: The server repeated a page token.
        """
        query = self._table_query(params, "to_csv")
        with atomic_output(path) as (_, out):
            writer = pa_csv.CSVWriter(out, self._schema)
            try:
                with contextlib.closing(self._tables(query)) as tables:
                    for table in tables:
                        writer.write_table(table)
            finally:
                writer.close()
        return Path(path).expanduser()

    def to_parquet(
        self,
        path: str | os.PathLike[str],
        *,
        compression: str = DEFAULT_PARQUET_COMPRESSION,
        **params: Any,
    ) -> Path:
        """Stream every page of ``GET /v1/<resource>.json`` into one flat Parquet file.

        The columns and types of :meth:`to_arrow` (times ``timestamp[ns, tz=UTC]``,
        ``payload`` and ``extra`` JSON text), one row group per page, each written before the
        next page is requested. Written to a temporary file in the target directory and
        renamed on success: on any error no file is left.

        Args:
            path: Target file (its directory must exist).
            compression: Parquet codec (default ``zstd``), checked before any request.
            **params: Overrides of the accessor's defaults (``timestamp`` must be ``unix``).

        Returns:
            The path written.

        Raises:
            ValidationError: A parameter or ``compression`` is invalid (before any request).
            FileNotFoundError: The target directory does not exist (before any request).
            APIError: A page failed, could not be read, or holds a time that is not unix
                seconds.
            PaginationError: The server repeated a page token.
        """
        query = self._table_query(params, "to_parquet")
        with atomic_output(path) as (_, out):
            try:
                writer = pq.ParquetWriter(out, self._schema, compression=compression)
            except (pa.ArrowException, ValueError, TypeError) as exc:
                raise ValidationError(
                    f"compression={compression!r} is not a Parquet codec pyarrow can write ({exc})",
                    parameter="compression",
                ) from None
            try:
                with contextlib.closing(self._tables(query)) as tables:
                    for table in tables:
                        writer.write_table(table)
            finally:
                writer.close()
        return Path(path).expanduser()


class EventAccessor(_RecordsMixin):
    """Events: ``GET /v1/event.json`` (JSON only), tokens (or a deprecated ``page``) followed.

    Records one by one (:meth:`iter_events`) or as a flat table (:meth:`to_arrow`,
    :meth:`to_pandas`, :meth:`to_csv`, :meth:`to_parquet`, :meth:`iter_arrow`).
    """

    resource = "event"
    _response_type = EventResponse
    _schema = EVENT_SCHEMA

    def iter_events(self, **params: Any) -> Iterator[Event]:
        """Yield every event of ``GET /v1/event.json`` as a generated ``Event`` model.

        Page tokens are followed until the last page.

        Args:
            **params: Overrides of the accessor's defaults.

        Returns:
            An iterator of ``runestream_api.models.Event`` (attrs objects; extra keys in
            ``additional_properties``).

        Raises:
            ValidationError: A parameter is invalid.
            APIError: A page failed or could not be read as an event page.
            PaginationError: The server repeated a page token.
        """
        pages = self._record_pages(self._query("json", params))
        return (event for _, events in pages for event in events)


class SpanAccessor(_RecordsMixin):
    """Spans: ``GET /v1/span.json`` (JSON only), paged by ``next_page_token`` only.

    Records one by one (:meth:`iter_spans`) or as a flat table (:meth:`to_arrow`,
    :meth:`to_pandas`, :meth:`to_csv`, :meth:`to_parquet`, :meth:`iter_arrow`).
    """

    resource = "span"
    _response_type = SpanResponse
    _schema = SPAN_SCHEMA

    def iter_spans(self, **params: Any) -> Iterator[Span]:
        """Yield every span of ``GET /v1/span.json`` as a generated ``Span`` model.

        Span pages by token only; tokens are followed until the last page.

        Args:
            **params: Overrides of the accessor's defaults.

        Returns:
            An iterator of ``runestream_api.models.Span``.

        Raises:
            ValidationError: A parameter is invalid (``page``/``page_size`` are refused).
            APIError: A page failed or could not be read as a span page.
            PaginationError: The server repeated a page token.
        """
        pages = self._record_pages(self._query("json", params))
        return (span for _, spans in pages for span in spans)


class V1Client:
    """Client for the Stream API V1 (``GET /v1/...``), with runeq's accessor names.

    ``V1Client(cfg).Accel(patient_id=..., device_id=...)`` returns an accessor holding those
    defaults; likewise ``BandPower``, ``Event``, ``HeartRate``, ``LFP``,
    ``ProbabilitySymptom``, ``Rotation``, ``Span`` and ``State``. All requests share one pooled
    connection, auth, retries and timeouts (:func:`~runestream.build_generated_client`). Use as
    a context manager or call :meth:`close`.

    Args:
        config: Credentials and base URL.
        transport: An httpx transport to send requests through (tests pass
            ``httpx.MockTransport``).
        async_transport: An httpx async transport for the async paginators.
        timeout: An ``httpx.Timeout`` or seconds for each phase of each request (connecting,
            each read of a body, ...); default connect 10 s, read 30 s.
        max_attempts: Attempts per request, retries included (1 disables retries).
        retry_policy: The retry policy.
        max_pages: Refuse results longer than this many pages (``None``: no cap).
        on_page: Called with every :class:`Page` as it arrives (e.g. a progress bar). The
            CSV methods that read ahead (``to_arrow``, ``to_pandas``, ``to_csv``,
            ``iter_arrow``, ``points``) call it from their read-ahead threads (one per time
            chunk with ``workers``), one page at a time per thread. Pages that ``to_arrow``,
            ``to_pandas``, ``to_parquet``, ``iter_arrow`` and ``points`` parse as they arrive
            carry their table in ``page.table`` and an empty ``page.content``;
            ``page.size`` is the body's byte count either way.
        client: A ready generated client to use instead of building one (the other connection
            arguments are then ignored; :meth:`close` closes it).
        deadline: Seconds each call may take in all (``None``, the default: no total bound).
            A call is one method of an accessor: every page, retry, wait and time window of a
            ``to_arrow`` count; for an iterator (``iter_arrow``, ``points``, ...) the clock
            starts at its first request and the caller's time between pages counts too. Past
            it the call raises :class:`~runestream.DeadlineExceededError`; a ``Retry-After``
            or backoff that would pass it is not waited for. ``to_arrow``, ``to_pandas``,
            ``to_csv`` and ``to_parquet`` take their own ``deadline=`` too.

    Attributes:
        deadline: The default deadline of each call, in seconds, or ``None``.
        max_pages: As given.
        on_page: As given.
    """

    def __init__(
        self,
        config: Config,
        *,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float | None = None,
        max_attempts: int | None = None,
        retry_policy: RetryPolicy | None = None,
        max_pages: int | None = None,
        on_page: Callable[[Page], object] | None = None,
        client: runestream_api.Client | None = None,
        deadline: float | None = None,
    ) -> None:
        self._config = config
        self.max_pages = max_pages
        self.on_page = on_page
        self.deadline = check_deadline(deadline)
        self._closed = False
        self._client = client or build_generated_client(
            config,
            transport=transport,
            async_transport=async_transport,
            timeout=timeout,
            max_attempts=max_attempts,
            retry_policy=retry_policy,
            deadline=self.deadline,
        )

    @property
    def config(self) -> Config:
        """The configuration this client was built with."""
        return self._config

    @property
    def generated_client(self) -> runestream_api.Client:
        """The generated ``runestream_api.Client``, for typed calls to ``runestream_api.api``."""
        return self._client

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` (or :meth:`aclose`) was called."""
        return self._closed

    def check_open(self) -> None:
        """Raise :class:`~runestream.ClientClosedError` if the client was closed."""
        if self._closed or self._client.get_httpx_client().is_closed:
            raise ClientClosedError(
                "this V1Client is closed (close() or the end of its with block); "
                "create a new one to send requests"
            )

    def close(self) -> None:
        """Close the pooled sync connections (the async ones are closed by :meth:`aclose`).

        Afterwards the client and its accessors raise :class:`~runestream.ClientClosedError`.
        """
        self._closed = True
        self._client.get_httpx_client().close()

    async def aclose(self) -> None:
        """Close both the sync and the async pooled connections."""
        self.close()
        if isinstance(self._client, LazyAsyncClient):
            built = self._client.built_async_httpx_client()
            if built is not None:  # never built: nothing to close
                await built.aclose()
        else:
            await self._client.get_async_httpx_client().aclose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def Accel(self, **defaults: Unpack[AccelParams]) -> _accessors.AccelAccessor:
        """Accessor for accelerometry (``GET /v1/accel.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            An :class:`AccelAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import AccelAccessor

        return AccelAccessor(self, **defaults)

    def BandPower(self, **defaults: Unpack[BandPowerParams]) -> _accessors.BandPowerAccessor:
        """Accessor for on-device band power (``GET /v1/band_power.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`BandPowerAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import BandPowerAccessor

        return BandPowerAccessor(self, **defaults)

    def Event(self, **defaults: Unpack[EventParams]) -> _accessors.EventAccessor:
        """Accessor for events (``GET /v1/event.json``; JSON only, also as flat tables).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            An :class:`EventAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import EventAccessor

        return EventAccessor(self, **defaults)

    def HeartRate(self, **defaults: Unpack[HeartrateParams]) -> _accessors.HeartRateAccessor:
        """Accessor for heart rate (``GET /v1/heartrate.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`HeartRateAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import HeartRateAccessor

        return HeartRateAccessor(self, **defaults)

    def LFP(self, **defaults: Unpack[LfpParams]) -> _accessors.LFPAccessor:
        """Accessor for local field potentials (``GET /v1/lfp.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            An :class:`LFPAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import LFPAccessor

        return LFPAccessor(self, **defaults)

    def ProbabilitySymptom(
        self, **defaults: Unpack[ProbabilitySymptomParams]
    ) -> _accessors.ProbabilitySymptomAccessor:
        """Accessor for symptom probability (``GET /v1/probability_symptom.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`ProbabilitySymptomAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import ProbabilitySymptomAccessor

        return ProbabilitySymptomAccessor(self, **defaults)

    def Rotation(self, **defaults: Unpack[RotationParams]) -> _accessors.RotationAccessor:
        """Accessor for rotation (``GET /v1/rotation.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`RotationAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import RotationAccessor

        return RotationAccessor(self, **defaults)

    def Span(self, **defaults: Unpack[SpanParams]) -> _accessors.SpanAccessor:
        """Accessor for spans (``GET /v1/span.json``; JSON only, token paging; flat tables too).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`SpanAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import SpanAccessor

        return SpanAccessor(self, **defaults)

    def State(self, **defaults: Unpack[StateParams]) -> _accessors.StateAccessor:
        """Accessor for device state (``GET /v1/state.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`StateAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import StateAccessor

        return StateAccessor(self, **defaults)

    def download_session(
        self,
        *,
        session_id: str,
        stream_name: str,
        path: str | os.PathLike[str],
        **options: Any,
    ) -> Path:
        """Download one stream of an uploaded data session (``GET /v1/session``; not paged).

        Delegates to :func:`runestream.download_session` with this client's connections:
        streamed to a temporary file and renamed on success, never a partial file.

        Args:
            session_id: The dataset ID (``dataset-...``).
            stream_name: The stream (file) of the dataset, e.g. ``"metadata"``.
            path: Target file, or a directory: an existing one, or a path ending with a
                separator (``"raw/"``), created if missing.
            **options: Passed on (``chunk_size``, ``progress``, ``retry_policy``, ``sleep``).

        Returns:
            The path of the complete file.

        Raises:
            ValidationError: An argument is invalid.
            APIError: The server answered with an error.
        """
        self.check_open()
        with deadline_scope(start_deadline(self.deadline)):
            return _session.download_session(
                self._client,
                session_id=session_id,
                stream_name=stream_name,
                path=path,
                **options,
            )
