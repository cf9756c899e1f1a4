"""The V1 time-series accessors (``Accel`` ... ``State``): CSV pages into Arrow, pandas, files.

Every method pages through the CSV operation of its resource (the JSON one for ``points`` and
availability) and parses each page into Arrow as it arrives; several workers fetch time chunks
concurrently and the result is identical to a sequential fetch.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyarrow as pa  # type: ignore[import-untyped]

from ..core._columns import PageColumns
from ..core._csv import (
    DEFAULT_PARQUET_COMPRESSION,
    column_header,
    concat_tables,
    csv_text,
    first_content_byte,
)
from ..core._deadline import check_deadline
from ..core._memory import arrow_memory_pool
from ..core._outputs import (
    atomic_output,
    check_compression,
    check_output_path,
    merge_csv_parts,
    merge_parquet_parts,
    part_files,
)
from ..core._parallel import check_workers, run_parallel
from ._accessor import _AvailabilityJSONMixin
from ._params import AVAILABILITY_EXPRESSIONS
from ._query import _Query, _rows, _split

if TYPE_CHECKING:
    import pandas


__all__ = [
    "AccelAccessor",
    "BandPowerAccessor",
    "HeartRateAccessor",
    "LFPAccessor",
    "ProbabilitySymptomAccessor",
    "RotationAccessor",
    "StateAccessor",
]


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
        :func:`runestream.core._csv.parse_csv_page`). Every table has the first page's columns in
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
