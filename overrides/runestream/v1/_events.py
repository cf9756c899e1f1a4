"""The V1 record accessors (``Event``, ``Span``): JSON pages into typed records and tables."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from runestream_api.models.event import Event
from runestream_api.models.event_response import EventResponse
from runestream_api.models.span import Span
from runestream_api.models.span_response import SpanResponse

from ..core._csv import DEFAULT_PARQUET_COMPRESSION
from ..core._errors import APIError, ValidationError
from ..core._memory import arrow_memory_pool
from ..core._outputs import atomic_output
from ..core._pagination import Page, check_json_envelope
from ._accessor import _JSONMixin
from ._query import _Query
from ._records import EVENT_SCHEMA, SPAN_SCHEMA, records_table

if TYPE_CHECKING:
    import pandas


__all__ = ["EventAccessor", "SpanAccessor"]


class _RecordsMixin(_JSONMixin):
    """Events and spans: the typed records of every page, and flat tables of them.

    The tables have fixed, typed columns (see :mod:`runestream.v1._records`): time fields as
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
