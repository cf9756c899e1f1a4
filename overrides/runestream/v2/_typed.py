"""The fast, typed paths of ``Session.stream``: stream data by id as Arrow, pandas, polars,
Parquet, CSV or JSON Lines.

Mixed into :class:`~runestream.v2.StreamNamespace`. Every argument is checked when the method
is called, before any request or file; the fetching, typing and writing is
:mod:`runestream.v2._tables`'s, the column types :mod:`runestream.v2._schema`'s.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa  # type: ignore[import-untyped]

import runestream_api

from ..core._deadline import check_deadline, start_deadline
from ..core._errors import ValidationError
from ..core._memory import arrow_memory_pool
from ..core._outputs import check_compression, check_output_path
from ..core._pagination import Page
from ..core._parallel import check_workers
from ..core._times import TimeLike
from . import _validate as check
from ._names import suggest_names
from ._schema import Tags, check_zone
from ._tables import OUTPUT_FORMATS, StreamQuery, fetch_table, iter_tables, write_file

if TYPE_CHECKING:
    import pandas
    import polars

__all__ = ["TypedPaths"]


class _Call:
    """One validated typed call: its stream queries and how the result is shaped."""

    def __init__(self, queries: list[StreamQuery], tagged: bool, workers: int) -> None:
        self.queries = queries
        self.tagged = tagged
        self.workers = workers


def _unique(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    for stream_id in ids:
        if stream_id in seen:
            raise ValidationError(
                f"stream_ids names {stream_id!r} more than once", parameter="stream_ids"
            )
        seen.add(stream_id)
    return ids


def _optional(module: str, method: str, extra: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        raise ImportError(
            f"{method}() needs {module}, an optional extra: pip install 'runestream[{extra}]' "
            "(or use to_arrow())"
        ) from None


class TypedPaths:
    """``to_arrow``, ``to_pandas``, ``to_polars``, ``iter_arrow``, ``to_parquet``, ``to_csv``
    and ``write`` (mixed into :class:`~runestream.v2.StreamNamespace`)."""

    _client: Callable[[], runestream_api.Client]
    data_kwargs: Callable[..., dict[str, Any]]

    def _call(
        self,
        stream_ids: str | Iterable[str],
        start_time: TimeLike | None,
        end_time: TimeLike | None,
        start_time_ns: int | None,
        end_time_ns: int | None,
        limit: int | None,
        timezone_name: str | None,
        translate_enums: bool,
        workers: int,
        deadline: float | None,
        on_page: Callable[[Page], object] | None = None,
        tags: Mapping[str, Sequence[str | None]] | None = None,
    ) -> _Call:
        ids = _unique(check.stream_ids(stream_ids))
        zone = check_zone(timezone_name)
        workers = check_workers(workers)
        seconds = check_deadline(deadline)
        if on_page is not None and not callable(on_page):
            raise ValidationError("on_page must be callable", parameter="on_page")
        if tags is not None and not isinstance(tags, Mapping):
            raise ValidationError("tags must be a mapping of column -> values", parameter="tags")
        tagged = not isinstance(stream_ids, str) or bool(tags)
        columns = Tags.of(ids, tags) if tagged else None
        shared = start_deadline(seconds)
        queries = []
        for index, stream_id in enumerate(ids):
            kwargs = self.data_kwargs(
                stream_id,
                start_time=start_time,
                start_time_ns=start_time_ns,
                end_time=end_time,
                end_time_ns=end_time_ns,
                format="csv",
                limit=limit,
                timestamp="unixns",
                translate_enums=translate_enums,
            )
            rows = kwargs.get("limit")
            queries.append(
                StreamQuery(
                    client=self._client,
                    kwargs=kwargs,
                    limit=rows if rows else None,
                    zone=zone,
                    tags=columns,
                    index=index,
                    deadline=shared,
                    on_page=on_page,
                )
            )
        self._client()  # a closed session fails here, before anything else
        return _Call(queries, tagged, workers)

    @suggest_names
    def to_arrow(
        self,
        stream_ids: str | Iterable[str],
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int = 1,
        deadline: float | None = None,
        tags: Mapping[str, Sequence[str | None]] | None = None,
    ) -> pa.Table:
        """Fetch the data of one or several streams into one typed ``pyarrow.Table``.

        Each stream is read as CSV with ``timestamp=unixns`` (exact nanoseconds), every page
        parsed while it arrives, the next page received while this one is parsed, page tokens
        followed to the end.

        Args:
            stream_ids: A stream id (the table has no ``stream_id`` column), or an iterable of
                ids (the table has a ``stream_id`` column, even for one id).
            start_time: Start (inclusive): unix seconds, a ``datetime`` (naive = UTC), a
                ``date`` (midnight UTC) or ISO-8601 text. Omitted: each stream's first data.
            end_time: End (exclusive), in the same forms. Omitted: each stream's last data.
            start_time_ns: Start as integer unix nanoseconds (instead of ``start_time``).
            end_time_ns: End as integer unix nanoseconds (instead of ``end_time``).
            limit: Most rows **per stream**; ``None`` or 0: all.
            timezone_name: IANA zone of the ``time`` column (default UTC); the instants are
                the same.
            translate_enums: Enum dimensions as their names (default) or integer codes.
            workers: Streams fetched at once over the pooled client (1 to 10); the table is
                the same as a sequential fetch's (streams in the order given).
            deadline: Seconds the whole call may take, every stream, page and retry included;
                past it :class:`~runestream.DeadlineExceededError` is raised.
            tags: More constant columns after ``stream_id``: ``{column: [one text or None
                per stream id, in order]}``, dictionary-encoded like ``stream_id`` (a stream
                set's metadata uses this); given, the table has ``stream_id`` even for one id.

        Returns:
            A table: ``time`` (``timestamp[ns, tz]``), the streams' dimensions (int64,
            float64 or text; JSON ``dict`` dimensions kept as JSON text; see
            :mod:`runestream.v2._schema`), ``measurement_duration_ns`` (int64) and, for an
            iterable of ids, ``stream_id`` (``dictionary<int32, string>`` over the ids in the
            order given). Several streams' rows follow each other, stream by stream, each in
            time order; a dimension that a stream lacks is null on its rows.

        Raises:
            ValidationError: An argument is invalid (before any request).
            APIError: A request failed after the retry policy (an unknown id is a
                :class:`~runestream.NotFoundError`).
            CSVParseError: A page is malformed, or its columns differ from the stream's first
                page's.
            DeadlineExceededError: The deadline passed.
        """
        call = self._call(
            stream_ids,
            start_time,
            end_time,
            start_time_ns,
            end_time_ns,
            limit,
            timezone_name,
            translate_enums,
            workers,
            deadline,
            tags=tags,
        )
        return fetch_table(call.queries, call.workers)

    @suggest_names
    def to_pandas(
        self,
        stream_ids: str | Iterable[str],
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int = 1,
        deadline: float | None = None,
        tags: Mapping[str, Sequence[str | None]] | None = None,
    ) -> pandas.DataFrame:
        """:meth:`to_arrow` as a ``pandas.DataFrame`` (``pip install 'runestream[pandas]'``).

        ``time`` is a column of ``datetime64[ns, tz]``, ``stream_id`` a categorical over the
        ids in the order given, integer dimensions ``int64`` (float when they have nulls).

        Raises:
            ImportError: pandas is not installed (before any request).
            ValidationError: An argument is invalid (before any request).
            APIError: A request failed after the retry policy.
        """
        _optional("pandas", "to_pandas", "pandas")
        table = self.to_arrow(
            stream_ids,
            start_time,
            end_time,
            start_time_ns=start_time_ns,
            end_time_ns=end_time_ns,
            limit=limit,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
            workers=workers,
            deadline=deadline,
            tags=tags,
        )
        frame: pandas.DataFrame = table.to_pandas(memory_pool=arrow_memory_pool())
        return frame

    @suggest_names
    def to_polars(
        self,
        stream_ids: str | Iterable[str],
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int = 1,
        deadline: float | None = None,
        tags: Mapping[str, Sequence[str | None]] | None = None,
    ) -> polars.DataFrame:
        """:meth:`to_arrow` as a ``polars.DataFrame`` (``pip install 'runestream[polars]'``).

        ``time`` is ``Datetime("ns", tz)``, ``stream_id`` ``Categorical``.

        Raises:
            ImportError: polars is not installed (before any request).
            ValidationError: An argument is invalid (before any request).
            APIError: A request failed after the retry policy.
        """
        pl = _optional("polars", "to_polars", "polars")
        table = self.to_arrow(
            stream_ids,
            start_time,
            end_time,
            start_time_ns=start_time_ns,
            end_time_ns=end_time_ns,
            limit=limit,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
            workers=workers,
            deadline=deadline,
            tags=tags,
        )
        frame: polars.DataFrame = pl.from_arrow(table, rechunk=False)
        return frame

    @suggest_names
    def iter_arrow(
        self,
        stream_ids: str | Iterable[str],
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        deadline: float | None = None,
        tags: Mapping[str, Sequence[str | None]] | None = None,
    ) -> Iterator[pa.Table]:
        """Yield the typed table of each page, stream after stream, one page in memory.

        The same tables :meth:`to_arrow` concatenates, before they are combined: each has its
        own stream's columns (with ``stream_id`` for an iterable of ids). Arguments as for
        :meth:`to_arrow` (checked by this call, before any request).

        Raises:
            ValidationError: An argument is invalid (raised by this call).
            APIError: A request failed after the retry policy (while iterating).
        """
        call = self._call(
            stream_ids,
            start_time,
            end_time,
            start_time_ns,
            end_time_ns,
            limit,
            timezone_name,
            translate_enums,
            1,
            deadline,
            tags=tags,
        )
        return iter_tables(call.queries)

    @suggest_names
    def write(
        self,
        path: str | os.PathLike[str],
        stream_ids: str | Iterable[str],
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        format: str = "parquet",
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int = 1,
        deadline: float | None = None,
        compression: str = "zstd",
        on_page: Callable[[Page], object] | None = None,
        tags: Mapping[str, Sequence[str | None]] | None = None,
    ) -> Path:
        """Stream the data of one or several streams into one file, never a partial one.

        Each page is written to a temporary part beside ``path`` as it arrives (memory holds
        about one page per stream being fetched, however long the range), and the file is
        renamed into place once complete: on any error or Ctrl-C no file (and no part) is
        left. The file holds :meth:`to_arrow`'s table: same columns, types and row order.

        Args:
            path: Target file (its directory must exist).
            stream_ids: As for :meth:`to_arrow`.
            start_time: As for :meth:`to_arrow`.
            end_time: As for :meth:`to_arrow`.
            format: ``parquet`` (default), ``csv`` (one header; times as
                ``2024-05-01 08:00:00.000000000Z``, i.e. RFC 3339 with a space) or ``jsonl``
                (one JSON object per row, times as that text).
            start_time_ns: As for :meth:`to_arrow`.
            end_time_ns: As for :meth:`to_arrow`.
            limit: As for :meth:`to_arrow`.
            timezone_name: As for :meth:`to_arrow`.
            translate_enums: As for :meth:`to_arrow`.
            workers: As for :meth:`to_arrow`.
            deadline: As for :meth:`to_arrow` (no file is left when it passes).
            compression: Parquet codec: ``zstd`` (default), ``snappy``, ``gzip``, ``brotli``,
                ``lz4``, ``lz4_raw`` or ``none``.
            on_page: Called with each page as it arrives (progress), from any thread.

        Returns:
            The path written.

        Raises:
            ValidationError: An argument, the format, the codec or the path is invalid
                (before any request or file).
            APIError: A request failed after the retry policy.
            DeadlineExceededError: The deadline passed.
        """
        if format not in OUTPUT_FORMATS:
            raise ValidationError(
                f"format={format!r} is not one of {', '.join(OUTPUT_FORMATS)}",
                parameter="format",
            )
        check_compression(compression)
        check_output_path(path)
        call = self._call(
            stream_ids,
            start_time,
            end_time,
            start_time_ns,
            end_time_ns,
            limit,
            timezone_name,
            translate_enums,
            workers,
            deadline,
            on_page,
            tags=tags,
        )
        return write_file(
            call.queries,
            path,
            fmt=format,
            workers=call.workers,
            compression=compression.lower(),
        )

    @suggest_names
    def to_parquet(
        self,
        path: str | os.PathLike[str],
        stream_ids: str | Iterable[str],
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int = 1,
        deadline: float | None = None,
        compression: str = "zstd",
        on_page: Callable[[Page], object] | None = None,
        tags: Mapping[str, Sequence[str | None]] | None = None,
    ) -> Path:
        """:meth:`write` with ``format="parquet"``: one Parquet file, streamed page by page.

        Arguments, returns and errors as for :meth:`write`.
        """
        return self.write(
            path,
            stream_ids,
            start_time,
            end_time,
            format="parquet",
            start_time_ns=start_time_ns,
            end_time_ns=end_time_ns,
            limit=limit,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
            workers=workers,
            deadline=deadline,
            compression=compression,
            on_page=on_page,
            tags=tags,
        )

    @suggest_names
    def to_csv(
        self,
        path: str | os.PathLike[str],
        stream_ids: str | Iterable[str],
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int = 1,
        deadline: float | None = None,
        compression: str = "zstd",
        on_page: Callable[[Page], object] | None = None,
        tags: Mapping[str, Sequence[str | None]] | None = None,
    ) -> Path:
        """:meth:`write` with ``format="csv"``: one CSV file, streamed page by page.

        Arguments, returns and errors as for :meth:`write` (``compression`` is ignored).
        """
        return self.write(
            path,
            stream_ids,
            start_time,
            end_time,
            format="csv",
            start_time_ns=start_time_ns,
            end_time_ns=end_time_ns,
            limit=limit,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
            workers=workers,
            deadline=deadline,
            compression=compression,
            on_page=on_page,
            tags=tags,
        )
