"""runeq 0.18's data frames of stream metadata, fetched through a session's V2 Stream API.

:class:`SessionDataSource` implements :class:`~runestream.objects.MetadataDataSource`, the hook
behind ``StreamMetadata(Set).get_stream_dataframe``, ``get_stream_availability_dataframe``,
``get_batch_availability_dataframe`` and ``iter_stream_data``. It is built from a session's
``stream`` namespace (:class:`~runestream.v2.StreamNamespace`) and sends every request through
its pooled client (auth, timeouts, retries, the error tree).

The frames hold **the same values** as runeq 0.18.1's for the same ``timestamp``, ``timezone``
and ``translate_enums``: each stream is asked for exactly what runeq asks for
(``GET /v2/streams/{stream_id}?format=csv&timestamp=...``), so times are the server's own
text (``iso``) or numbers (``unix``, ``unixns``), and the other columns are read as pandas'
``read_csv`` reads them (integers, floats or text, JSON ``dict`` dimensions decoded to dicts).
How, and where it differs from runeq on purpose:

* Pages are parsed by pyarrow as they arrive (never by pandas, page by page), the streams of
  a set fetched ``workers`` at a time over the pooled client, and the frame assembled once
  (one Arrow table, one conversion to pandas). The result is the same as a sequential fetch's:
  rows stream by stream in the set's order, each stream's in time order.
* Column order is runeq's documented one for every set: ``time``, every dimension (first seen
  first), ``measurement_duration_ns``, ``stream_id, stream_type_id, patient_id, device_id,
  algorithm``, every parameter key (first seen first). (runeq's ``pd.concat`` of streams with
  different dimensions puts a later stream's dimensions after the first's parameters.)
* Metadata columns (``stream_id`` ... parameters) are pandas ``Categorical`` (one small code
  per row, not a string per row); they compare equal to runeq's strings value by value
  (``df.stream_id == "..."``, ``groupby``, ``astype(str)``). A stream without a parameter has
  NaN there, as in runeq.
* Column types do not depend on where pages break or on empty streams: each column has the
  widest type of its pages (integers, then floats, then text). runeq reads a header-only page
  as ``object`` columns, which turns the whole column ``object`` once concatenated; here an
  empty result keeps its columns with the types the stream types declare (``float`` ->
  float64, ``int`` -> int64, ``iso`` times and enum names -> text, ``dict`` -> object).
* ``limit`` is per stream (as runeq sends it); ``page_token`` resumes **one** stream, so with a
  set of several streams it is refused (runeq sent the same token to every stream, which the
  server refuses for all but the stream it came from).
* ``timezone_name`` (an IANA zone) is sent (runeq's frame helpers have no such argument);
  ``date`` and naive ``datetime`` bounds are UTC (runeq: local time) - the V2 layer's rule.
* A ``dict`` cell left empty is NaN (runeq's ``json.loads`` fails on it).

Bad arguments raise :class:`~runestream.ValidationError` before any request (the V2 layer's
checks, run for every stream before the first is fetched).

It also implements :class:`~runestream.objects.TypedDataSource`, behind
``StreamMetadataSet.to_arrow`` / ``to_pandas`` / ``to_parquet``: the V2 typed paths
(``timestamp=unixns``, exact nanoseconds, ``time`` a ``timestamp[ns, tz]``) with the set's
metadata as dictionary-encoded tag columns after ``stream_id`` (:func:`metadata_tags`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pyarrow as pa  # type: ignore[import-untyped]

import runestream_api

from .core._csv import ColumnRule, concat_tables, conform_table, parse_csv_page, widest_schema
from .core._errors import ValidationError
from .core._memory import arrow_memory_pool
from .core._parallel import check_workers, run_parallel
from .core._times import TimeLike
from .objects import StreamMetadata
from .v2 import StreamNamespace
from .v2._schema import V2_RULE, Tags, check_zone, declared_type, empty_table
from .v2._tables import StreamQuery

if TYPE_CHECKING:
    import numpy as np
    import pandas

__all__ = ["DEFAULT_FRAME_WORKERS", "SessionDataSource"]

#: Streams of a set fetched at once by default.
DEFAULT_FRAME_WORKERS: Final = 4
#: runeq's metadata columns, after the data columns, before the parameters.
METADATA_COLUMNS: Final = ("stream_id", "stream_type_id", "patient_id", "device_id", "algorithm")
TIME: Final = "time"
DURATION: Final = "measurement_duration_ns"
#: The server's ``timestamp`` default when none is sent (runeq always sends one).
DEFAULT_TIMESTAMP: Final = "iso"


# -- column types --------------------------------------------------------------------------


def _timestamp_kind(kwargs: dict[str, Any]) -> str:
    value = kwargs.get("timestamp")
    return DEFAULT_TIMESTAMP if value is None else str(getattr(value, "value", value))


def _time_type(kind: str) -> pa.DataType | None:
    """A timestamp column's type for a ``timestamp`` format (``None``: inferred, as pandas)."""
    if kind == "iso":
        return pa.string()
    if kind == "unixns":
        return pa.int64()
    return None  # unix: integers or decimals, read as pandas reads them


def _declared_types(stream: StreamMetadata, kind: str, enums: bool) -> dict[str, pa.DataType]:
    """The types a stream's columns get when their pages carry no value to infer from."""
    out: dict[str, pa.DataType] = {}
    for dim in stream.stream_type.dimensions:
        data_type = str(getattr(dim, "data_type", "") or "")
        if data_type == "timestamp":
            out[dim.id] = _time_type(kind) or pa.float64()
        elif data_type:
            out[dim.id] = declared_type(data_type, translate_enums=enums)
    out[TIME] = _time_type(kind) or pa.float64()
    out[DURATION] = pa.int64()
    return out


def _rule(stream: StreamMetadata, kind: str) -> ColumnRule:
    """How this stream's CSV pages are parsed: text where runeq holds text, else inferred.

    ``iso`` times (``time`` and timestamp dimensions) and ``dict`` dimensions are text;
    ``unixns`` times and ``measurement_duration_ns`` int64; the other columns inferred like
    the typed paths (integers, floats or text; text looking like a date stays text).
    """
    fixed: dict[str, pa.DataType] = {DURATION: pa.int64()}
    time_type = _time_type(kind)
    for dim in stream.stream_type.dimensions:
        data_type = getattr(dim, "data_type", None)
        if data_type == "dict":
            fixed[dim.id] = pa.string()
        elif data_type == "timestamp" and time_type is not None:
            fixed[dim.id] = time_type
    if time_type is not None:
        fixed[TIME] = time_type

    def types(names: Sequence[str], text: frozenset[str]) -> dict[str, pa.DataType]:
        return {name: fixed[name] for name in names if name in fixed}

    return ColumnRule(types, infer=True, retype=False, finish=V2_RULE.finish)


class _StreamFetch:
    """One stream's validated query: its pages into one table (runeq's ``timestamp`` etc.)."""

    def __init__(
        self,
        client: Callable[[], runestream_api.Client],
        stream: StreamMetadata,
        kwargs: dict[str, Any],
        declared: dict[str, pa.DataType],
    ) -> None:
        self.client = client
        self.stream = stream
        self.kwargs = kwargs
        self.declared = declared
        self.rule = _rule(stream, _timestamp_kind(kwargs))
        self.limit: int | None = kwargs.get("limit") or None

    def table(self) -> pa.Table:
        """Every page (to ``limit`` rows) as one table; header-only pages give 0-row columns."""
        query = StreamQuery(
            client=self.client,
            kwargs=self.kwargs,
            limit=self.limit,
            zone="UTC",
            tags=None,
            index=0,
            rule=self.rule,
        )
        tables = list(query.page_tables(ahead=True))
        if not tables:
            return pa.table({})
        schema = widest_schema([t.schema for t in tables])
        return pa.concat_tables(
            [conform_table(t, schema) for t in tables], memory_pool=arrow_memory_pool()
        )


# -- assembling the frame ------------------------------------------------------------------


def _data_columns(tables: Sequence[pa.Table]) -> list[str]:
    names: dict[str, None] = {}
    for table in tables:
        names.update(dict.fromkeys(n for n in table.column_names if n not in (TIME, DURATION)))
    return [TIME, *names, DURATION]


def _parameter_keys(streams: Sequence[StreamMetadata], taken: set[str]) -> list[str]:
    keys: dict[str, None] = {}
    for stream in streams:
        keys.update(dict.fromkeys(k for k in stream.parameters if k not in taken))
    return list(keys)


def _metadata_values(stream: StreamMetadata) -> dict[str, Any]:
    return {
        "stream_id": stream.id,
        "stream_type_id": stream.stream_type.id,
        "patient_id": stream.patient_id,
        "device_id": stream.device_id,
        "algorithm": stream.algorithm,
    }


def metadata_tags(streams: Sequence[StreamMetadata]) -> dict[str, list[str | None]]:
    """The tag columns of a set's typed table: ``stream_type_id, patient_id, device_id,
    algorithm`` and every parameter key (first seen first), one value per stream. A parameter
    named like a dimension or a metadata column is left out (it would hide that column)."""
    dimensions = {d.id for s in streams for d in s.stream_type.dimensions}
    taken = dimensions | {TIME, DURATION, *METADATA_COLUMNS}
    tags: dict[str, list[str | None]] = {}
    for name in METADATA_COLUMNS[1:]:  # stream_id is the V2 layer's own tag
        tags[name] = [_text(_metadata_values(s)[name]) for s in streams]
    for key in _parameter_keys(streams, taken):
        tags[key] = [_text(s.parameters.get(key)) for s in streams]
    return tags


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _categorical(values: Sequence[Any], counts: np.ndarray) -> pa.DictionaryArray:
    """One value per stream, repeated over its rows, dictionary-encoded (nulls stay null)."""
    import numpy as np  # with pandas (the frames need it), not at import

    dictionary: dict[str, int] = {}
    codes = np.empty(len(values), dtype=np.int32)
    for i, value in enumerate(values):
        codes[i] = -1 if value is None else dictionary.setdefault(str(value), len(dictionary))
    per_row = np.repeat(codes, counts)
    indices = pa.array(per_row, pa.int32(), mask=per_row < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(dictionary), pa.string()))


def _typed(table: pa.Table, declared: dict[str, pa.DataType]) -> pa.Table:
    """Columns without any value (null-typed) given their declared type."""
    if not any(f.type == pa.null() and f.name in declared for f in table.schema):
        return table
    schema = pa.schema(
        [
            pa.field(f.name, declared[f.name]) if f.type == pa.null() and f.name in declared else f
            for f in table.schema
        ]
    )
    return conform_table(table, schema)


def _frame(
    fetches: Sequence[_StreamFetch],
    tables: Sequence[pa.Table],
    dict_columns: set[str],
    kind: str,
) -> pandas.DataFrame:
    """The streams' tables as runeq's frame (see the module docs for the columns)."""
    import numpy as np

    streams = [f.stream for f in fetches]
    declared: dict[str, pa.DataType] = {}
    for fetch in reversed(fetches):  # the first stream declaring a column wins
        declared.update(fetch.declared)
    shaped: list[pa.Table] = []
    for fetch, table in zip(fetches, tables, strict=True):
        if not table.num_columns:  # no page at all: the stream type's columns
            names = [TIME, *(d.id for d in fetch.stream.stream_type.dimensions[1:]), DURATION]
            table = pa.schema([pa.field(n, fetch.declared.get(n, pa.null())) for n in names])
            table = table.empty_table()
        shaped.append(table)
    if not shaped:  # an empty set: runeq's pd.concat([]) raised ValueError
        time_type = pa.string() if kind == "iso" else _time_type(kind) or pa.float64()
        shaped = [pa.schema([(TIME, time_type), (DURATION, pa.int64())]).empty_table()]
    names = _data_columns(shaped)
    schema = widest_schema([t.schema for t in shaped])
    schema = pa.schema([schema.field(n) for n in names])
    data = _typed(
        pa.concat_tables(
            [conform_table(t, schema) for t in shaped], memory_pool=arrow_memory_pool()
        ),
        declared,
    )
    counts = np.array([t.num_rows for t in shaped], dtype=np.int64)
    taken = set(names) | set(METADATA_COLUMNS)
    columns = dict(zip(data.column_names, data.columns, strict=True))
    for name in METADATA_COLUMNS:
        columns[name] = _categorical([_metadata_values(s)[name] for s in streams], counts)
    for key in _parameter_keys(streams, taken):
        columns[key] = _categorical([s.parameters.get(key) for s in streams], counts)
    frame: pandas.DataFrame = pa.table(columns).to_pandas(memory_pool=arrow_memory_pool())
    for name in dict_columns & set(names):
        frame[name] = frame[name].map(_decode_json, na_action="ignore").astype(object)
    return frame


def _decode_json(cell: Any) -> Any:
    return json.loads(cell) if isinstance(cell, str) else cell


def _availability_rule(kind: str) -> ColumnRule:
    fixed = {"availability": pa.int64()}
    time_type = _time_type(kind)
    if time_type is not None:
        fixed[TIME] = time_type

    def types(names: Sequence[str], text: frozenset[str]) -> dict[str, pa.DataType]:
        return {name: fixed[name] for name in names if name in fixed}

    return ColumnRule(types, infer=True, retype=False, finish=V2_RULE.finish)


def _availability_table(pages: Iterator[Any], kind: str) -> pa.Table:
    """CSV availability pages (``time,availability``) as one table, typed even when empty."""
    rule = _availability_rule(kind)
    tables = [
        parse_csv_page(str(p).encode("utf-8"), page=n, rule=rule)
        for n, p in enumerate(pages, start=1)
    ]
    table = concat_tables(tables)
    if not table.num_columns:
        table = pa.table({TIME: pa.array([], pa.null()), "availability": pa.array([], pa.null())})
    types = {TIME: _time_type(kind) or pa.float64(), "availability": pa.int64()}
    return _typed(table, types)


class SessionDataSource:
    """The :class:`~runestream.objects.MetadataDataSource` of a session: data frames of stream
    metadata over its V2 Stream API.

    Args:
        stream: The session's ``stream`` namespace (:class:`~runestream.v2.StreamNamespace`).
        workers: Streams of a set fetched at once over the pooled client (1 to
            :data:`~runestream.MAX_WORKERS`; default 4). The frame is the same for any value.

    Raises:
        ValidationError: ``stream`` is not a StreamNamespace, or ``workers`` is out of range.
    """

    def __init__(self, stream: StreamNamespace, *, workers: int = DEFAULT_FRAME_WORKERS) -> None:
        if not isinstance(stream, StreamNamespace):
            raise ValidationError(
                f"stream must be a session's StreamNamespace (session.stream), not "
                f"{type(stream).__name__}",
                parameter="stream",
            )
        self.stream = stream
        self.workers = check_workers(workers)

    def _client(self) -> runestream_api.Client:
        # The namespace's own client callable: raises once the session is closed.
        return self.stream.generated_client()

    def stream_dataframe(
        self,
        streams: Sequence[StreamMetadata],
        *,
        start_time: TimeLike | None = None,
        start_time_ns: int | None = None,
        end_time: TimeLike | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool | None = True,
    ) -> pandas.DataFrame:
        """Data of ``streams`` as one frame with runeq's columns and values (module docs).

        One ``GET /v2/streams/{stream_id}`` query per stream (CSV, every page, following
        ``X-Rune-Next-Page-Token``), ``workers`` streams at a time.

        Raises:
            ValidationError: An argument is invalid, or ``page_token`` is given for several
                streams (before any request).
            APIError: A request failed after the retry policy.
        """
        import pandas  # noqa: F401  (the frame needs it: fail before any request)

        streams = _check_streams(streams)
        if timezone_name is not None:
            check_zone(timezone_name)  # as the typed paths do: a zone this machine knows
        if page_token is not None and len(streams) > 1:
            raise ValidationError(
                f"page_token resumes one stream's query, but the set has {len(streams)} "
                "streams: fetch the stream it came from alone",
                parameter="page_token",
            )
        fetches = []
        for stream in streams:
            kwargs = self.stream.data_kwargs(
                stream.id,
                start_time=start_time,
                start_time_ns=start_time_ns,
                end_time=end_time,
                end_time_ns=end_time_ns,
                format="csv",
                limit=limit,
                page_token=page_token,
                timestamp=timestamp,
                timezone=timezone,
                timezone_name=timezone_name,
                translate_enums=translate_enums,
            )
            kind = _timestamp_kind(kwargs)
            declared = _declared_types(stream, kind, translate_enums is not False)
            fetches.append(_StreamFetch(self._client, stream, kwargs, declared))
        self._client()  # a closed session fails here, before any request
        tables = run_parallel(fetches, _StreamFetch.table, workers=self.workers) if fetches else []
        dict_columns = {
            dim.id
            for stream in streams
            for dim in stream.stream_type.dimensions
            if getattr(dim, "data_type", None) == "dict"
        }
        kind = _timestamp_kind({"timestamp": timestamp})
        return _frame(fetches, tables, dict_columns, kind)

    def stream_availability_dataframe(
        self,
        stream: StreamMetadata,
        *,
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        timezone_name: str | None = None,
    ) -> pandas.DataFrame:
        """One stream's availability (``GET /v2/streams/{stream_id}/availability``, CSV) with
        its metadata: ``time, availability, stream_id, stream_type_id, patient_id, device_id,
        algorithm, <parameters>`` (runeq's columns; metadata categorical, as in
        :meth:`stream_dataframe`).

        Raises:
            ValidationError: An argument is invalid (before any request).
            APIError: A request failed after the retry policy.
        """
        import pandas  # noqa: F401

        (stream,) = _check_streams([stream])
        pages = self.stream.get_stream_availability(
            stream.id,
            start_time,
            end_time,
            resolution,
            format="csv",
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
        )
        table = _availability_table(pages, _timestamp_kind({"timestamp": timestamp}))
        import numpy as np

        counts = np.array([table.num_rows], dtype=np.int64)
        columns = dict(zip(table.column_names, table.columns, strict=True))
        for name, value in _metadata_values(stream).items():
            columns[name] = _categorical([value], counts)
        for key in _parameter_keys([stream], set(columns)):
            columns[key] = _categorical([stream.parameters[key]], counts)
        frame: pandas.DataFrame = pa.table(columns).to_pandas(memory_pool=arrow_memory_pool())
        return frame

    def batch_availability_dataframe(
        self,
        streams: Sequence[StreamMetadata],
        *,
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        batch_operation: str | None = None,
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        timezone_name: str | None = None,
    ) -> pandas.DataFrame:
        """Availability of all or any (``batch_operation``) of ``streams``: ``time,
        availability`` (``GET /v2/batch/availability``; more ids than the session's
        ``max_batch_ids`` are fetched in chunks and combined bin by bin, see
        :meth:`~runestream.v2.StreamNamespace.get_stream_availability`; one stream uses its own
        availability endpoint, as runeq does).

        Raises:
            ValidationError: An argument is invalid (before any request).
            APIError: A request failed after the retry policy.
        """
        import pandas  # noqa: F401

        streams = _check_streams(streams)
        pages = self.stream.get_stream_availability(
            [s.id for s in streams],
            start_time,
            end_time,
            resolution,
            batch_operation,
            format="csv",
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
        )
        table = _availability_table(pages, _timestamp_kind({"timestamp": timestamp}))
        frame: pandas.DataFrame = table.to_pandas(memory_pool=arrow_memory_pool())
        return frame

    def iter_stream_data(
        self,
        stream: StreamMetadata,
        *,
        start_time: TimeLike | None = None,
        start_time_ns: int | None = None,
        end_time: TimeLike | None = None,
        end_time_ns: int | None = None,
        format: str | None = "csv",
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool | None = True,
    ) -> Iterator[str | dict[str, Any]]:
        """Each page of one stream's data: :meth:`~runestream.v2.StreamNamespace.get_stream_data`
        (CSV text, or dicts with ``format="json"``; ``None`` is CSV, runeq's default).

        Raises:
            ValidationError: An argument is invalid (raised by this call, before any request).
        """
        (stream,) = _check_streams([stream])
        return self.stream.get_stream_data(
            stream.id,
            start_time=start_time,
            start_time_ns=start_time_ns,
            end_time=end_time,
            end_time_ns=end_time_ns,
            format="csv" if format is None else format,
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
        )

    def stream_table(
        self,
        streams: Sequence[StreamMetadata],
        *,
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int | None = None,
        deadline: float | None = None,
    ) -> pa.Table:
        """The set's data and metadata as one typed table (see the module docs)."""
        chosen = _check_streams(streams)
        tags = metadata_tags(chosen)
        if not chosen:
            zone = check_zone(timezone_name)
            return empty_table(zone, tags=Tags.of([], {k: [] for k in tags}))
        table: pa.Table = self.stream.to_arrow(
            [s.id for s in chosen],
            start_time,
            end_time,
            start_time_ns=start_time_ns,
            end_time_ns=end_time_ns,
            limit=limit,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
            workers=self.workers if workers is None else workers,
            deadline=deadline,
            tags=tags,
        )
        return table

    def write_streams(
        self,
        path: str | os.PathLike[str],
        streams: Sequence[StreamMetadata],
        *,
        format: str = "parquet",
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int | None = None,
        deadline: float | None = None,
        compression: str = "zstd",
    ) -> Path:
        """:meth:`stream_table`'s table written to ``path`` page by page (never partial)."""
        chosen = _check_streams(streams)
        if not chosen:
            raise ValidationError("the set has no streams to write", parameter="streams")
        return self.stream.write(
            path,
            [s.id for s in chosen],
            start_time,
            end_time,
            format=format,
            start_time_ns=start_time_ns,
            end_time_ns=end_time_ns,
            limit=limit,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
            workers=self.workers if workers is None else workers,
            deadline=deadline,
            compression=compression,
            tags=metadata_tags(chosen),
        )

    def dask_frame(self, streams: Sequence[StreamMetadata], **options: Any) -> Any:
        """:func:`runestream.dask.read_streams` of ``streams`` (backs
        ``StreamMetadataSet.to_dask``; Dask is imported only here, when asked for)."""
        from .dask import read_streams
        from .objects import StreamMetadataSet

        return read_streams(StreamMetadataSet(_check_streams(streams)), **options)


def _check_streams(streams: object) -> list[StreamMetadata]:
    """The streams as a list: at least one, each a StreamMetadata, no id twice."""
    if isinstance(streams, StreamMetadata):
        streams = [streams]
    if isinstance(streams, str | bytes) or not isinstance(streams, Sequence):
        raise ValidationError(
            f"streams must be a sequence of StreamMetadata, not {type(streams).__name__}",
            parameter="streams",
        )
    out = list(streams)
    seen: set[str] = set()
    for stream in out:
        if not isinstance(stream, StreamMetadata):
            raise ValidationError(
                f"streams must hold StreamMetadata, not {type(stream).__name__}",
                parameter="streams",
            )
        if stream.id in seen:
            raise ValidationError(f"stream {stream.id!r} is listed twice", parameter="streams")
        seen.add(stream.id)
    return out
