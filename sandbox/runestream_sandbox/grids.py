"""Row sources over a time grid: raw samples, downsampled buckets, availability, spectrograms.

A grid has ``n_times`` time points and ``S`` streams; its rows are time-major (all streams of the
first time, then the next time, ...), which is the CSV row order of multi-stream resources.
Any page ``[offset, offset + limit)`` is computed without touching the rows before it.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from .frame import F64, I64, Frame
from .series import Series
from .timeline import Timeline

AGGREGATORS = ("first", "last", "mean", "median")
_CHUNK_SAMPLES = 2_000_000


class Grid(Protocol):
    """Anything that can produce time-major rows of labelled streams."""

    time_column: str
    columns: dict[str, int]
    streams: list[dict[str, str]]
    label_columns: tuple[str, ...]

    @property
    def n_times(self) -> int:
        """Number of time points."""
        ...

    def block(self, a: int, b: int) -> tuple[I64, list[dict[str, F64]]]:
        """Times ``[a, b)`` and, for each stream, its value columns at those times."""
        ...


def grid_count(grid: Grid) -> int:
    """Total number of rows (time points x streams; filters may leave no stream)."""
    return grid.n_times * len(grid.streams)


def grid_page(grid: Grid, offset: int, limit: int) -> Frame:
    """Rows ``[offset, offset + limit)`` of a grid as a :class:`Frame`."""
    n_streams = len(grid.streams)
    total = grid.n_times * n_streams
    stop = min(total, offset + limit)
    if stop <= offset or n_streams == 0:
        frame = Frame.empty(grid.time_column, grid.columns)
        frame.streams = grid.streams
        frame.label_columns = grid.label_columns
        return frame
    a, b = offset // n_streams, -(-stop // n_streams)
    times, per_stream = grid.block(a, b)
    lo, hi = offset - a * n_streams, stop - a * n_streams
    values: dict[str, F64] = {}
    for col in grid.columns:
        stacked = np.stack([s[col] for s in per_stream], axis=1).reshape(-1)
        values[col] = stacked[lo:hi]
    return Frame(
        time_column=grid.time_column,
        times=np.repeat(times, n_streams)[lo:hi],
        values=values,
        decimals=dict(grid.columns),
        streams=grid.streams,
        label_columns=grid.label_columns,
        stream_index=np.tile(np.arange(n_streams, dtype=np.int64), b - a)[lo:hi],
    )


class RawGrid:
    """The samples of a series with ``start <= t < end``."""

    def __init__(self, series: Series, start_us: int, end_us: int, time_column: str) -> None:
        self.series = series
        self.time_column = time_column
        self.columns = dict(series.columns)
        self.streams = series.streams
        self.label_columns = series.label_columns
        self.n0 = series.timeline.index_of(start_us)
        self.n1 = max(self.n0, series.timeline.index_of(end_us))

    @property
    def n_times(self) -> int:
        """Number of samples in the window."""
        return self.n1 - self.n0

    def block(self, a: int, b: int) -> tuple[I64, list[dict[str, F64]]]:
        """Sample times and values."""
        t = self.series.timeline.times(self.n0 + a, self.n0 + b)
        return t, [self.series.values(s, t) for s in range(len(self.streams))]


class Buckets:
    """Time buckets ``[start + i*R, start + (i+1)*R)`` (the last one ends at ``end``)."""

    def __init__(self, timeline: Timeline, start_us: int, end_us: int, res_us: int) -> None:
        n = -(-(end_us - start_us) // res_us)
        self.start = start_us
        self.res = res_us
        edges = start_us + np.arange(n + 1, dtype=np.int64) * res_us
        edges[-1] = end_us
        self.edges = edges
        self.idx = timeline.index_at(edges)
        self.counts = np.diff(self.idx)
        self.n = int(n)

    def times(self, ids: I64) -> I64:
        """Start time of each bucket."""
        return (self.start + ids * self.res).astype(np.int64)


def bucket_count(start_us: int, end_us: int, res_us: int) -> int:
    """Number of buckets a window has at a resolution."""
    return -(-(end_us - start_us) // res_us)


def aggregate(series: Series, stream: int, lo: I64, hi: I64, agg: str) -> dict[str, F64]:
    """``agg`` of each sample range ``[lo[i], hi[i])`` (all non-empty) of one stream."""
    out = {c: np.empty(len(lo)) for c in series.columns}
    if len(lo) == 0:
        return out
    tl = series.timeline
    if agg in ("first", "last"):
        n = lo if agg == "first" else hi - 1
        vals = series.values(stream, tl.times_at(n))
        return {c: vals[c].astype(np.float64) for c in series.columns}
    counts = hi - lo
    csum = np.cumsum(counts)
    i = 0
    while i < len(lo):
        # chunk of buckets holding at most _CHUNK_SAMPLES samples (and at least one bucket)
        limit = (csum[i - 1] if i else 0) + _CHUNK_SAMPLES
        j = max(i + 1, int(np.searchsorted(csum, limit, side="right")))
        c = counts[i:j]
        base = np.concatenate([[0], np.cumsum(c)[:-1]]).astype(np.int64)
        total = int(c.sum())
        n = np.repeat(lo[i:j] - base, c) + np.arange(total, dtype=np.int64)
        vals = series.values(stream, tl.times_at(n))
        for col in series.columns:
            v = vals[col].astype(np.float64)
            if agg == "mean":
                out[col][i:j] = np.add.reduceat(v, base) / c
            else:
                group = np.repeat(np.arange(j - i), c)
                sv = v[np.lexsort((v, group))]
                out[col][i:j] = (sv[base + (c - 1) // 2] + sv[base + c // 2]) / 2
        i = j
    return out


class BucketGrid:
    """Downsampled series: one aggregated value per bucket, gaps filled by ``interpolation``."""

    def __init__(
        self,
        series: Series,
        buckets: Buckets,
        agg: str,
        interpolation: str,
        time_column: str,
    ) -> None:
        self.series = series
        self.buckets = buckets
        self.agg = agg
        self.interpolation = interpolation
        self.time_column = time_column
        extra = 4 if agg in ("mean", "median") or interpolation == "linear" else 0
        self.columns = {c: max(d, extra) for c, d in series.columns.items()}
        self.streams = series.streams
        self.label_columns = series.label_columns
        filled = buckets.counts > 0
        self.ids: I64 = (
            np.flatnonzero(filled) if interpolation == "" else np.arange(buckets.n, dtype=np.int64)
        )
        ar = np.arange(buckets.n, dtype=np.int64)
        self.prev = np.maximum.accumulate(np.where(filled, ar, -1))
        nxt = np.where(filled, ar, buckets.n)
        self.next = np.minimum.accumulate(nxt[::-1])[::-1]

    @property
    def n_times(self) -> int:
        """Number of output buckets."""
        return len(self.ids)

    def block(self, a: int, b: int) -> tuple[I64, list[dict[str, F64]]]:
        """Bucket times and (interpolated) values."""
        ids = self.ids[a:b]
        bk = self.buckets
        filled = bk.counts[ids] > 0
        needed = [ids[filled]]
        if self.interpolation in ("previous", "linear"):
            p = self.prev[ids[~filled]]
            needed.append(p[p >= 0])
        if self.interpolation == "linear":
            q = self.next[ids[~filled]]
            needed.append(q[q < bk.n])
        src = np.unique(np.concatenate(needed))
        per_stream = []
        for s in range(len(self.streams)):
            agg = aggregate(self.series, s, bk.idx[src], bk.idx[src + 1], self.agg)
            per_stream.append(self._fill(ids, filled, src, agg))
        return bk.times(ids), per_stream

    def _fill(
        self, ids: I64, filled: npt.NDArray[np.bool_], src: I64, agg: dict[str, F64]
    ) -> dict[str, F64]:
        n = self.buckets.n

        def lookup(known: F64, b: I64) -> F64:
            res = np.full(len(b), np.nan)
            ok = (b >= 0) & (b < n)
            if len(src):
                res[ok] = known[np.searchsorted(src, b[ok])]
            return res

        empty = ids[~filled]
        out: dict[str, F64] = {}
        for col, dec in self.columns.items():
            known = agg[col]
            v = np.full(len(ids), np.nan)
            v[filled] = lookup(known, ids[filled])
            if self.interpolation == "zero":
                v[~filled] = 0.0
            elif self.interpolation == "previous":
                v[~filled] = lookup(known, self.prev[empty])
            elif self.interpolation == "linear":
                p, q = self.prev[empty], self.next[empty]
                pv, qv = lookup(known, p), lookup(known, q)
                span = np.where(q > p, q - p, 1).astype(np.float64)
                v[~filled] = pv + (qv - pv) * (empty - p) / span
            out[col] = np.round(v, dec)
        return out


class AvailabilityGrid:
    """1 where a bucket holds at least one sample, else 0 (every bucket is a row)."""

    def __init__(self, series: Series, buckets: Buckets, column: str, time_column: str) -> None:
        self.buckets = buckets
        self.column = column
        self.time_column = time_column
        self.columns = {column: 0}
        self.streams = series.streams
        self.label_columns = series.label_columns

    @property
    def n_times(self) -> int:
        """Number of buckets."""
        return self.buckets.n

    def block(self, a: int, b: int) -> tuple[I64, list[dict[str, F64]]]:
        """Bucket times and 0/1 values."""
        ids = np.arange(a, b, dtype=np.int64)
        avail = (self.buckets.counts[a:b] > 0).astype(np.float64)
        return self.buckets.times(ids), [{self.column: avail} for _ in self.streams]


class SpectrogramGrid:
    """Power spectrum of 1-second LFP windows at 1 Hz resolution (one row per window/stream)."""

    def __init__(
        self,
        series: Series,
        windows: Timeline,
        start_us: int,
        end_us: int,
        low: int,
        high: int,
        time_column: str,
    ) -> None:
        self.series = series
        self.windows = windows
        self.time_column = time_column
        self.fs = round(1_000_000 / series.timeline.step)
        self.freqs = list(range(low, min(high, self.fs // 2) + 1))
        self.columns = {f"f_{f}hz": 4 for f in self.freqs}
        self.streams = series.streams
        self.label_columns = series.label_columns
        self.n0 = windows.index_of(start_us)
        self.n1 = max(self.n0, windows.index_of(end_us))

    @property
    def n_times(self) -> int:
        """Number of windows."""
        return self.n1 - self.n0

    def block(self, a: int, b: int) -> tuple[I64, list[dict[str, F64]]]:
        """Window start times and the power of each frequency."""
        t = self.windows.times(self.n0 + a, self.n0 + b)
        step = self.series.timeline.step
        sample_t = (t[:, None] + np.arange(self.fs, dtype=np.int64)[None, :] * step).reshape(-1)
        out = []
        for s in range(len(self.streams)):
            column = next(iter(self.series.columns))
            x = self.series.values(s, sample_t)[column].reshape(len(t), self.fs)
            x = x - x.mean(axis=1, keepdims=True)
            power = np.abs(np.fft.rfft(x * np.hanning(self.fs), axis=1)) ** 2 / (self.fs * 0.375)
            power = power / (self.fs / 2)
            out.append({f"f_{f}hz": np.round(power[:, f], 4) for f in self.freqs})
        return t, out
