"""``Session.stream``: runeq 0.18's V2 stream functions, on the generated V2 operations.

Same names, signatures and return types as ``runeq.resources.stream``, so code moves by
changing the import. Every argument is checked when the function is called (before any
request, even for the page iterators), each error a :class:`~runestream.ValidationError`
naming the parameter. Requests go through the session's pooled client: auth, timeouts, the
retry policy (429 with ``Retry-After``, 5xx, connection errors) and the error tree (the V2
envelope's ``type``/``message``; an unknown stream id is a :class:`~runestream.NotFoundError`).

Differences from runeq, all deliberate: naive ``datetime``/``date`` are UTC (runeq: local
time); stream ids are escaped in paths; booleans go out as ``true``/``false``; a repeated page
token raises instead of looping; ``limit`` is held by the client too (see ``_pages``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from typing import Any, Literal

import pyarrow as pa  # type: ignore[import-untyped]

import runestream_api
from runestream_api.api.multi_stream import get_batch_availability as _batch_availability
from runestream_api.api.single_stream import get_stream_aggregate_window as _aggregate_window
from runestream_api.api.single_stream import get_stream_availability as _availability
from runestream_api.api.single_stream import get_stream_daily_aggregate as _daily_aggregate
from runestream_api.api.single_stream import get_stream_data as _data
from runestream_api.models.stream_format import StreamFormat
from runestream_api.types import UNSET, Response, Unset

from ..core._errors import APIError, RunestreamError, ValidationError
from ..core._parallel import check_workers
from ..core._times import TimeLike
from . import _validate as check
from ._batch import (
    DEFAULT_BATCH_WORKERS,
    DEFAULT_MAX_BATCH_IDS,
    BinGrid,
    combine_pages,
    fetch_chunks,
    read_chunk,
    split_ids,
)
from ._batch import max_batch_ids as check_max_batch_ids
from ._names import suggest_names
from ._pages import PageBody, iter_bodies, paginator
from ._typed import TypedPaths

__all__ = ["StreamNamespace"]

#: What generated parsing raises on a 200 body that does not match the spec.
_UNREADABLE = (ValueError, TypeError, KeyError, AttributeError)


def _given(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Drop UNSET values (the generated functions would too; this keeps kwargs readable)."""
    return {k: v for k, v in kwargs.items() if not isinstance(v, Unset)}


class StreamNamespace(TypedPaths):
    """The V2 Stream API functions of a :class:`~runestream.Session` (``session.stream``).

    Args:
        client: Returns the session's generated client (raises once the session is closed).
        max_batch_ids: Most ``stream_id`` values per ``/v2/batch/availability`` request; more
            are split into chunks and combined bin by bin. ``None``: never split.
        batch_workers: Most chunks fetched at once (threads over the pooled client, 1 to
            :data:`~runestream.MAX_WORKERS`).

    Attributes:
        max_batch_ids: The per-request limit in force (``None``: none).
        batch_workers: The most chunks fetched at once.
    """

    def __init__(
        self,
        client: Callable[[], runestream_api.Client],
        *,
        max_batch_ids: int | None = DEFAULT_MAX_BATCH_IDS,
        batch_workers: int = DEFAULT_BATCH_WORKERS,
    ) -> None:
        self._client = client
        self.max_batch_ids = check_max_batch_ids(max_batch_ids)
        self.batch_workers = check_workers(batch_workers, "batch_workers")

    def generated_client(self) -> runestream_api.Client:
        """The session's generated client these functions send through (raises
        :class:`~runestream.SessionClosedError` once the session is closed)."""
        return self._client()

    # -- data ------------------------------------------------------------------------------

    def data_kwargs(
        self,
        stream_id: str,
        *,
        start_time: TimeLike | None = None,
        start_time_ns: int | None = None,
        end_time: TimeLike | None = None,
        end_time_ns: int | None = None,
        format: str = "csv",
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool | None = True,
    ) -> dict[str, Any]:
        """Validate ``get_stream_data``'s arguments into the generated function's keywords.

        The seam for typed paths (``to_arrow`` & co.), which call it with ``format="csv"``
        and ``timestamp="unixns"`` and page with :func:`runestream.v2.paginator`.

        Returns:
            Keyword arguments for ``runestream_api.api.single_stream.get_stream_data``.

        Raises:
            ValidationError: An argument is invalid (the message names it).
        """
        start, end = check.bounds(start_time, start_time_ns, end_time, end_time_ns)
        offset, zone = check.timezones(timezone, timezone_name)
        return _given(
            {
                "stream_id": check.stream_id(stream_id),
                "start_time": start.seconds,
                "start_time_ns": start.ns,
                "end_time": end.seconds,
                "end_time_ns": end.ns,
                "format_": check.stream_format(format),
                "limit": check.limit(limit),
                "page_token": check.page_token(page_token),
                "timestamp": check.timestamp_format(timestamp),
                "timezone": offset,
                "timezone_name": zone,
                "translate_enums": check.translate_enums(translate_enums),
            }
        )

    @suggest_names
    def get_stream_data(
        self,
        stream_id: str,
        start_time: TimeLike | None = None,
        start_time_ns: int | None = None,
        end_time: TimeLike | None = None,
        end_time_ns: int | None = None,
        format: str = "csv",
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool | None = True,
    ) -> Iterator[str | dict[str, Any]]:
        """Fetch a stream's data, page by page (``GET /v2/streams/{stream_id}``).

        Args:
            stream_id: The stream's id (64 hex characters).
            start_time: Start (inclusive): unix seconds, a ``datetime`` (naive = UTC), a
                ``date`` (midnight UTC) or ISO-8601 text. Omitted: the stream's first data.
            start_time_ns: Start as integer unix nanoseconds (instead of ``start_time``).
            end_time: End (exclusive), in the forms ``start_time`` takes. Omitted: the
                stream's last data.
            end_time_ns: End as integer unix nanoseconds (instead of ``end_time``).
            format: ``"csv"`` (each page is CSV text) or ``"json"`` (each page is a dict).
            limit: Most timestamps across **all** pages; ``None`` or 0: all.
            page_token: Resume from an ``X-Rune-Next-Page-Token`` of an earlier response.
            timestamp: ``"iso"`` (RFC 3339), ``"unix"`` (seconds) or ``"unixns"``.
            timezone: Offset from UTC in seconds for ``iso`` times (not with ``timezone_name``).
            timezone_name: IANA zone name for ``iso`` times (not with ``timezone``).
            translate_enums: Enum values as names (True) or integer codes (False).

        Returns:
            An iterator with one item per server page, following ``X-Rune-Next-Page-Token``
            (sent back as ``page_token``, every other parameter unchanged) to the last page.

        Raises:
            ValidationError: An argument is invalid; raised by this call, before any request.
            APIError: A request failed after the retry policy (while iterating).
            PaginationError: The server repeated a page token (while iterating).
        """
        kwargs = self.data_kwargs(
            stream_id,
            start_time=start_time,
            start_time_ns=start_time_ns,
            end_time=end_time,
            end_time_ns=end_time_ns,
            format=format,
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
        )
        pages = paginator(_data.sync_detailed, self._client(), kwargs)
        return iter_bodies(pages, kwargs.get("format_", StreamFormat.CSV), kwargs.get("limit"))

    # -- availability ----------------------------------------------------------------------

    def availability_kwargs(
        self,
        stream_ids: str | Iterable[str],
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        batch_operation: str | None = None,
        format: str = "csv",
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        timezone_name: str | None = None,
    ) -> tuple[list[str], dict[str, Any]]:
        """Validate ``get_stream_availability``'s arguments.

        Returns:
            The stream ids and the keywords (without ``stream_id``) of the generated
            availability functions.

        Raises:
            ValidationError: An argument is invalid (the message names it), or ``page_token``
                is given for more ids than ``max_batch_ids`` (a token cannot resume chunks).
        """
        ids = check.stream_ids(stream_ids)
        start = check.Bound(check.required_time(start_time, "start_time"), UNSET, "start_time")
        end = check.Bound(check.required_time(end_time, "end_time"), UNSET, "end_time")
        check.check_order(start, end)
        offset, zone = check.timezones(timezone, timezone_name)
        kwargs = _given(
            {
                "start_time": start.seconds,
                "end_time": end.seconds,
                "resolution": check.availability_resolution(resolution),
                "batch_operation": check.batch_operation(batch_operation, several=len(ids) > 1),
                "format_": check.stream_format(format),
                "limit": check.limit(limit),
                "page_token": check.page_token(page_token),
                "timestamp": check.timestamp_format(timestamp),
                "timezone": offset,
                "timezone_name": zone,
            }
        )
        if "page_token" in kwargs and self._chunked(ids):
            raise ValidationError(
                f"page_token cannot be used with {len(ids)} stream_ids: more than "
                f"max_batch_ids={self.max_batch_ids} are fetched in chunks and combined, "
                "returned whole (no page token to resume from)",
                parameter="page_token",
            )
        return ids, kwargs

    def _chunked(self, ids: list[str]) -> bool:
        return self.max_batch_ids is not None and len(ids) > self.max_batch_ids

    @suggest_names
    def get_stream_availability(
        self,
        stream_ids: str | Iterable[str],
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        batch_operation: str | None = None,
        format: str = "csv",
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        timezone_name: str | None = None,
    ) -> Iterator[str | dict[str, Any]]:
        """Fetch the availability of one stream, or of several combined with any/all.

        One id (a string, or an iterable holding one) uses
        ``GET /v2/streams/{stream_id}/availability``; several use
        ``GET /v2/batch/availability`` with ``stream_id`` repeated, as runeq does. More ids
        than the session's ``max_batch_ids`` (default 50) are split into chunks, each fetched
        whole, and combined bin by bin with the same ``batch_operation`` (see
        ``runestream.v2._batch``): the pages equal those of one unlimited request (laid out
        like the first chunk's pages; JSON ``cardinality`` and
        ``approx_available_duration_s`` recomputed per page).

        Args:
            stream_ids: A stream id or an iterable of stream ids.
            start_time: Start (inclusive; the first bin starts here), in the forms
                :meth:`get_stream_data` takes.
            end_time: End (exclusive).
            resolution: Bin width in seconds, 300 to 86400.
            batch_operation: ``"any"`` (1 where any stream has data) or ``"all"``; required
                for several streams.
            format: ``"csv"`` (text pages of ``time,availability``) or ``"json"`` (dicts).
            limit: Most bins across all pages; ``None`` or 0: all. Sent to every chunk.
            page_token: Resume from an earlier ``X-Rune-Next-Page-Token``. Refused (a
                ValidationError) when the ids are more than ``max_batch_ids``.
            timestamp: ``"iso"``, ``"unix"`` or ``"unixns"``.
            timezone: Offset from UTC in seconds (not with ``timezone_name``).
            timezone_name: IANA zone name (not with ``timezone``).

        Returns:
            An iterator with one item per page (CSV text or a dict). When chunked, the first
            item is available once every chunk has been fetched.

        Raises:
            ValidationError: An argument is invalid; raised by this call, before any request.
            APIError: A request failed after the retry policy, or the chunks disagree on the
                bins (while iterating).
        """
        ids, kwargs = self.availability_kwargs(
            stream_ids,
            start_time,
            end_time,
            resolution,
            batch_operation,
            format,
            limit,
            page_token,
            timestamp,
            timezone,
            timezone_name,
        )
        if len(ids) == 1:
            return self._one_availability(ids[0], kwargs)
        return self._batch_availability(ids, kwargs)

    def _one_availability(self, stream_id: str, kwargs: dict[str, Any]) -> Iterator[PageBody]:
        """One stream's availability pages (``GET /v2/streams/{stream_id}/availability``)."""
        pages = paginator(
            _availability.sync_detailed, self._client(), {"stream_id": stream_id, **kwargs}
        )
        return iter_bodies(pages, kwargs.get("format_", StreamFormat.CSV), kwargs.get("limit"))

    def _one_batch(self, ids: list[str], kwargs: dict[str, Any]) -> Iterator[PageBody]:
        """Several streams in one ``GET /v2/batch/availability`` query."""
        pages = paginator(
            _batch_availability.sync_detailed, self._client(), {"stream_id": ids, **kwargs}
        )
        return iter_bodies(pages, kwargs.get("format_", StreamFormat.CSV), kwargs.get("limit"))

    def _batch_availability(self, ids: list[str], kwargs: dict[str, Any]) -> Iterator[PageBody]:
        """Several streams: one batch query, or chunks of ``max_batch_ids`` combined."""
        if not self._chunked(ids):
            return self._one_batch(ids, kwargs)
        assert self.max_batch_ids is not None
        return self._combined(split_ids(ids, self.max_batch_ids), kwargs)

    def _combined(self, chunks: list[list[str]], kwargs: dict[str, Any]) -> Iterator[PageBody]:
        operation = kwargs["batch_operation"]
        single = {k: v for k, v in kwargs.items() if k != "batch_operation"}

        def fetch(ids: list[str]) -> Iterator[PageBody]:
            if len(ids) == 1:  # any/all over one stream is that stream
                return self._one_availability(ids[0], single)
            return self._one_batch(ids, kwargs)

        grid = BinGrid(
            Fraction(kwargs["start_time"]), Fraction(kwargs["end_time"]), kwargs["resolution"]
        )
        results = fetch_chunks(chunks, fetch, self.batch_workers)
        yield from combine_pages(results, str(operation.value), grid)

    def availability(
        self,
        stream_ids: str | Iterable[str],
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        batch_operation: str | None = None,
        limit: int | None = None,
    ) -> pa.Table:
        """Availability as a ``pyarrow.Table`` (``time``, ``availability``), chunked as needed.

        The same query as :meth:`get_stream_availability` (read as JSON with ``unixns``
        times, so times are exact), with the same chunking beyond ``max_batch_ids``.

        Args:
            stream_ids: A stream id or an iterable of stream ids.
            start_time: Start (inclusive; the first bin starts here).
            end_time: End (exclusive).
            resolution: Bin width in seconds, 300 to 86400.
            batch_operation: ``"any"`` or ``"all"``; required for several streams.
            limit: Most bins; ``None`` or 0: all.

        Returns:
            A table with one row per bin: ``time`` (``timestamp[ns, tz=UTC]``, the bin's start)
            and ``availability`` (``bool``: whether the stream, or any/all of the streams, has
            data in the bin).

        Raises:
            ValidationError: An argument is invalid; raised by this call, before any request.
            APIError: A request failed after the retry policy, or a page is not availability
                data.
        """
        ids, kwargs = self.availability_kwargs(
            stream_ids,
            start_time,
            end_time,
            resolution,
            batch_operation,
            format="json",
            limit=limit,
            timestamp="unixns",
        )
        pages = (
            self._one_availability(ids[0], kwargs)
            if len(ids) == 1
            else self._batch_availability(ids, kwargs)
        )
        bins = read_chunk(list(pages))
        if any(isinstance(t, bool) or not isinstance(t, int) for t in bins.times):
            raise APIError("availability times are not integer nanoseconds (timestamp=unixns)")
        return pa.table(
            {
                "time": pa.array(bins.times, pa.int64()).cast(pa.timestamp("ns", tz="UTC")),
                "availability": pa.array([v == 1 for v in bins.values], pa.bool_()),
            }
        )

    # -- aggregates ------------------------------------------------------------------------

    @suggest_names
    def get_stream_daily_aggregate(
        self,
        stream_id: str,
        start_time: TimeLike,
        resolution: int,
        n_days: int,
    ) -> dict[str, Any]:
        """An average day of a stream (``GET /v2/streams/{stream_id}/daily_aggregate``).

        Only for stream types with one numeric value dimension.

        Args:
            stream_id: The stream's id.
            start_time: Start of the first 24-hour day, in the forms :meth:`get_stream_data`
                takes.
            resolution: Interval length in seconds; must divide 86400 evenly.
            n_days: Days to aggregate, 1 to 14.

        Returns:
            The JSON response as a dict (``data.offset``/``values``/``n_days_with_data``,
            ``summary``).

        Raises:
            ValidationError: An argument is invalid (before any request).
            APIError: The request failed after the retry policy.
        """
        kwargs = {
            "stream_id": check.stream_id(stream_id),
            "start_time": check.required_time(start_time, "start_time"),
            "resolution": check.daily_resolution(resolution),
            "n_days": check.n_days(n_days),
        }
        return self._one_json(_daily_aggregate.sync_detailed, kwargs)

    @suggest_names
    def get_stream_aggregate_window(
        self,
        stream_id: str,
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        aggregate_function: Literal["sum", "mean"],
        timestamp: str | None = "iso",
        timezone: int | None = None,
        timezone_name: str | None = None,
    ) -> dict[str, Any]:
        """A stream downsampled into windows (``GET /v2/streams/{stream_id}/aggregate_window``).

        Args:
            stream_id: The stream's id.
            start_time: Start (inclusive), in the forms :meth:`get_stream_data` takes.
            end_time: End (exclusive).
            resolution: Window length in seconds (>= 1).
            aggregate_function: ``"sum"`` or ``"mean"`` of the points in each window.
            timestamp: ``"iso"``, ``"unix"`` or ``"unixns"``.
            timezone: Offset from UTC in seconds (not with ``timezone_name``).
            timezone_name: IANA zone name (not with ``timezone``).

        Returns:
            The JSON response as a dict (``data.time``/``aggregate_values``/``duration_sum``,
            ``summary``).

        Raises:
            ValidationError: An argument is invalid (before any request).
            APIError: The request failed after the retry policy.
        """
        sid = check.stream_id(stream_id)
        start = check.Bound(check.required_time(start_time, "start_time"), UNSET, "start_time")
        end = check.Bound(check.required_time(end_time, "end_time"), UNSET, "end_time")
        check.check_order(start, end)
        offset, zone = check.timezones(timezone, timezone_name)
        kwargs = _given(
            {
                "stream_id": sid,
                "start_time": start.seconds,
                "end_time": end.seconds,
                "resolution": check.window_resolution(resolution),
                "aggregate_function": check.aggregate_function(aggregate_function),
                "timestamp": check.timestamp_format(timestamp),
                "timezone": offset,
                "timezone_name": zone,
            }
        )
        return self._one_json(_aggregate_window.sync_detailed, kwargs)

    def _one_json(
        self, fetch: Callable[..., Response[Any]], kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        """Send one request and return its JSON object body (runeq's ``response.json()``)."""
        try:
            response = fetch(client=self._client(), **kwargs)
        except RunestreamError:
            raise
        except _UNREADABLE as exc:
            raise APIError(
                f"the response body does not match the spec ({type(exc).__name__}: {exc})"
            ) from exc
        try:
            body: Any = json.loads(response.content)
        except ValueError as exc:
            raise APIError(
                f"the response is not valid JSON ({exc})", status_code=int(response.status_code)
            ) from None
        if not isinstance(body, dict):
            raise APIError(
                "the response is not a JSON object", status_code=int(response.status_code)
            )
        return body
