"""``read_streams``: the graph of a partitioned read (built without a request for a set)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa  # type: ignore[import-untyped]

from .._data_source import metadata_tags
from .._session_api import Session
from ..core._config import Config
from ..core._errors import ValidationError
from ..core._options import check_max_attempts, check_timeout
from ..core._times import TimeLike, to_unix_seconds
from ..objects import StreamMetadata, StreamMetadataSet
from ..v2._schema import check_zone, declared_type, time_type
from ._worker import Credentials, Part, ReadPartition, detached_spec

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["read_streams", "require_dask"]

TIME = "time"
#: Most time windows, and most partitions, one graph may have (a graph that size already takes
#: seconds and hundreds of MB to build; a too-short ``partition`` is caught before that).
MAX_WINDOWS = 100_000
MAX_PARTITIONS = 100_000
DURATION = "measurement_duration_ns"
STREAM_ID = "stream_id"


def read_streams(
    streams: StreamMetadataSet | Iterable[str],
    start_time: TimeLike,
    end_time: TimeLike,
    *,
    partition: str = "1D",
    index: Literal[None, "time"] = None,
    config: Config | None = None,
    timezone_name: str | None = None,
    translate_enums: bool = True,
    max_attempts: int | None = None,
    timeout: float | None = None,
) -> dd.DataFrame:
    """The data of ``streams`` in ``[start_time, end_time)`` as a lazy Dask data frame.

    Time windows of ``partition`` (a pandas timedelta such as ``"1D"`` or ``"6h"``) start at
    ``start_time``; the last one ends at ``end_time``. The graph is built with
    ``dask.dataframe.from_map``, in one of two shapes:

    * ``index=None`` (the default): **one partition per stream and window**, ordered stream
      by stream (the set's order), each stream's windows in time order, so ``compute()`` gives
      the rows :meth:`StreamMetadataSet.to_pandas` gives for the same window, in the same
      order (with a fresh ``RangeIndex`` per partition: ``reset_index(drop=True)`` to
      compare). ``time`` is a column and the **divisions are unknown** (``None``): different
      streams' partitions overlap in time.
    * ``index="time"``: **one partition per window** holding every stream's rows of that
      window, sorted by time (stably: rows of one time keep the set's stream order), with
      ``time`` as the index and **known divisions**: the window bounds (``start_time``, each
      window's start, ``end_time``), so ``ddf.loc[a:b]`` reads only the windows it needs and
      ``compute()`` equals ``to_pandas(...).sort_values("time", kind="stable")
      .set_index("time")``. *Memory*: a partition holds all the streams' rows of its window
      at once, sorted in one piece (about twice its size while sorting, on one worker), where
      ``index=None`` holds one stream's; choose ``partition`` so that a window of the whole
      set fits a worker thread's share of memory (40 streams at 250 Hz for ``"1h"`` is 36 M
      rows), or stay with ``index=None`` and ``set_index`` (a shuffle) later.

    Columns are ``to_pandas``'s: ``time`` (``datetime64[ns, UTC]``, or ``timezone_name``'s
    zone), every dimension of the set's stream types, ``measurement_duration_ns``, then the
    metadata (``stream_id, stream_type_id, patient_id, device_id, algorithm``, parameter keys)
    as categoricals whose categories are **known**: the set's values, the same in every
    partition. ``meta`` comes from the stream types, not from data: a ``float`` dimension is
    float64 even in a window whose values are all whole (``to_pandas`` infers those as int64);
    ``int`` and ``timestamp`` dimensions (nanoseconds) are pandas' nullable ``Int64`` (exact,
    and the same dtype whether or not a partition has a missing value; ``to_pandas`` gives
    int64, or float64 once a value is missing); ``enum`` text (``Int64`` codes with
    ``translate_enums=False``), ``dict`` and other dimensions text (as Dask's
    ``dataframe.convert-string`` setting shapes text); a stream without a dimension of the
    set has it null.

    **Requests.** With a :class:`StreamMetadataSet`, building the graph sends none (``meta``,
    the windows and the categories come from the metadata). With stream ids, their metadata
    is fetched once, here, through a ``Session(config)`` (``Config()`` if none). ``compute()``
    sends each partition's ``GET /v2/streams/{id}`` pages from the worker that runs it, and
    none for a window that cannot hold a stream's data: one that ends before the stream's
    ``min_time`` or starts after its ``max_time`` (when the metadata has them). Such a
    partition is empty, with the frame's columns and dtypes. The metadata is a snapshot:
    data a stream recorded after the ``max_time`` it had when the metadata was fetched is read
    only in windows that reach that ``max_time`` (fetch the metadata again for newer data).

    **Credentials on the workers.** Each worker process builds one pooled, retrying
    :class:`~runestream.Session` (``max_attempts`` and ``timeout`` as ``Session``'s) and reuses
    it for all its partitions. With ``config=None`` that session reads the **worker's own**
    ``Config()`` (its ``~/.rune/config``, ``$RUNE_CONFIG`` or ``RUNE_*`` environment): set
    credentials on the workers, nothing secret is in the graph. With an explicit ``config`` it
    travels pickled inside the graph to the scheduler and the workers (so only pass one to a
    cluster you trust with it); it never appears in a task key (keys are tokenized from a
    random id, not the credentials), a task name or a repr, hence not on the dashboard.

    A partition that fails raises, from ``compute()``, the error a local fetch raises (for
    example :class:`~runestream.NotFoundError` for a stream that does not exist), after the
    session's retries. A worker lost mid-computation is handled by Dask: its partitions run
    again elsewhere.

    Raises:
        ImportError: Dask is not installed (the ``runestream[dask]`` extra).
        ValidationError: An argument is invalid (before any request): no streams, an empty or
            inverted window, a bad ``partition``, ``index``, ``timezone_name``,
            ``max_attempts``, ``timeout`` or ``config``, or a graph of more than 100,000
            windows or partitions (a ``partition`` too short for the window).
        APIError: Fetching the metadata of stream ids failed.
    """
    dask_dataframe = require_dask("runestream.dask.read_streams")
    import pandas as pd

    if index not in (None, TIME):
        raise ValidationError(f"index must be None or 'time', not {index!r}", parameter="index")
    zone = check_zone(timezone_name)
    start_ns = _ns(start_time, "start_time")
    end_ns = _ns(end_time, "end_time")
    if end_ns <= start_ns:
        raise ValidationError("end_time must be after start_time", parameter="end_time")
    step = _step_ns(partition, pd)
    check_max_attempts(max_attempts)
    check_timeout(timeout)
    if config is not None and not isinstance(config, Config):
        raise ValidationError(
            f"config must be a runestream Config or None, not {type(config).__name__}",
            parameter="config",
        )
    windows_count = -(-(end_ns - start_ns) // step)
    if windows_count > MAX_WINDOWS:
        raise ValidationError(
            f"partition={partition!r} cuts the window into {windows_count:,} windows (at most "
            f"{MAX_WINDOWS:,}): choose a longer partition",
            parameter="partition",
        )
    chosen = _streams(streams, config)
    if not chosen:
        raise ValidationError("there are no streams to read", parameter="streams")
    schema, dictionaries = _schema(chosen, zone, translate_enums)
    nullable = frozenset(f.name for f in schema if f.name != DURATION and f.type == pa.int64())
    options = tuple(
        (k, v) for k, v in (("max_attempts", max_attempts), ("timeout", timeout)) if v is not None
    )
    reader = ReadPartition(
        Credentials(config),
        schema,
        dictionaries,
        nullable,
        timezone_name=timezone_name,
        translate_enums=translate_enums,
        options=options,
        index=index,
    )
    windows = [(lo, min(lo + step, end_ns)) for lo in range(start_ns, end_ns, step)]
    if index is None and len(windows) * len(chosen) > MAX_PARTITIONS:
        raise ValidationError(
            f"{len(chosen)} streams x {len(windows):,} windows of {partition!r} make "
            f"{len(windows) * len(chosen):,} partitions (at most {MAX_PARTITIONS:,}): choose a "
            'longer partition, fewer streams, or index="time" (one partition per window)',
            parameter="partition",
        )
    ranges = [((s.id, detached_spec(s)), _data_range(s)) for s in chosen]
    if index is None:
        parts = [
            Part((entry,) if _reaches(span, lo, hi) else (), lo, hi)
            for entry, span in ranges
            for lo, hi in windows
        ]
        divisions: tuple[Any, ...] | None = None
    else:
        parts = [
            Part(tuple(entry for entry, span in ranges if _reaches(span, lo, hi)), lo, hi)
            for lo, hi in windows
        ]
        divisions = tuple(
            pd.Timestamp(ns, unit="ns", tz="UTC").tz_convert(zone)
            for ns in [*(lo for lo, _ in windows), end_ns]
        )
    meta = reader.shape(schema.empty_table())
    frame: dd.DataFrame = dask_dataframe.from_map(
        reader,
        parts,
        meta=meta,
        divisions=divisions,
        label="runestream-read-streams",
        enforce_metadata=True,
    )
    return frame


def require_dask(what: str) -> Any:
    """``dask.dataframe``, or an ImportError naming the extra that installs it."""
    try:
        import dask.dataframe as dd
    except ImportError as error:
        raise ImportError(
            f"{what} needs Dask: pip install 'runestream[dask]' (dask[dataframe] and "
            f"distributed); {error}"
        ) from error
    return dd


#: Slack around a stream's min_time/max_time (float seconds: ~0.2 us apart near 2024).
_SLACK_NS = 1_000


def _data_range(stream: StreamMetadata) -> tuple[int | None, int | None]:
    """The stream's ``[min_time, max_time]`` in ns (each ``None`` when the metadata lacks it)."""

    def ns(value: object, rounding: str, slack: int) -> int | None:
        if value is None:
            return None
        exact = Decimal(repr(value)) * 1_000_000_000
        return int(exact.to_integral_value(rounding=rounding)) + slack

    return ns(stream.min_time, ROUND_FLOOR, -_SLACK_NS), ns(
        stream.max_time, ROUND_CEILING, _SLACK_NS
    )


def _reaches(span: tuple[int | None, int | None], lo: int, hi: int) -> bool:
    """Whether ``[lo, hi)`` may hold data of a stream whose data spans ``span``."""
    low, high = span
    return (low is None or hi > low) and (high is None or lo <= high)


def _ns(value: TimeLike, parameter: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        to_unix_seconds(value, parameter=parameter)  # the same checks
        return value * 1_000_000_000
    seconds = to_unix_seconds(value, parameter=parameter)
    return int((Decimal(repr(seconds)) * 1_000_000_000).to_integral_value())


def _step_ns(partition: str, pd: Any) -> int:
    try:
        step = int(pd.Timedelta(partition).value)
    except (ValueError, TypeError):
        step = 0
    if step <= 0:
        raise ValidationError(
            f"partition must be a positive pandas timedelta such as '1D' or '6h', not "
            f"{partition!r}",
            parameter="partition",
        )
    return step


def _streams(streams: StreamMetadataSet | Iterable[str], config: Config | None) -> list[Any]:
    if isinstance(streams, StreamMetadataSet):
        return list(streams)
    if isinstance(streams, str | bytes):
        streams = [str(streams)]
    ids = list(streams)
    if any(not isinstance(i, str) for i in ids):
        raise ValidationError(
            "streams must be a StreamMetadataSet or stream ids (text)", parameter="streams"
        )
    if not ids:
        return []
    with Session(config if config is not None else Config()) as session:
        found = session.stream_metadata.get_stream_metadata(ids)
        by_id = {s.id: s for s in found}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ValidationError(f"no metadata for stream ids {missing}", parameter="streams")
    return [by_id[i] for i in dict.fromkeys(ids)]


def _schema(
    streams: Sequence[StreamMetadata], zone: str, enums: bool
) -> tuple[pa.Schema, dict[str, list[str]]]:
    """The columns of ``to_arrow`` for the set, typed from the stream types, and the values
    of each dictionary column (no request)."""
    fields = [pa.field(TIME, time_type(zone))]
    seen = {TIME, DURATION}
    for stream in streams:
        for dim in stream.stream_type.dimensions:
            if dim.id not in seen:
                seen.add(dim.id)
                fields.append(pa.field(dim.id, declared_type(dim.data_type, translate_enums=enums)))
    fields.append(pa.field(DURATION, pa.int64()))
    tags: dict[str, list[str | None]] = {STREAM_ID: [s.id for s in streams]}
    tags.update(metadata_tags(streams))
    dictionaries: dict[str, list[str]] = {}
    for name, values in tags.items():
        fields.append(pa.field(name, pa.dictionary(pa.int32(), pa.string())))
        dictionaries[name] = list(dict.fromkeys(v for v in values if v is not None))
    return pa.schema(fields), dictionaries
