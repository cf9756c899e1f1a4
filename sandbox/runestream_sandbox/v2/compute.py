"""Availability bins and the two aggregates (daily_aggregate, aggregate_window) of V2 streams."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..csvfmt import _POOL
from ..frame import F64, I64
from .sources import NUMBER, Points, Source

#: Points processed per chunk when aggregating (bounds memory on 50-Hz streams).
CHUNK = 1_000_000


def bin_edges(start_us: int, end_us: int, res_us: int, b0: int, b1: int) -> I64:
    """Edges of bins ``[b0, b1)`` (``b1 - b0 + 1`` values; the last edge clipped to the end)."""
    edges = start_us + np.arange(b0, b1 + 1, dtype=np.int64) * res_us
    return np.minimum(edges, end_us)


def availability(sources: list[Source], edges: I64, operation: str) -> I64:
    """1 per bin where any/all of the streams have a point in ``[edge_k, edge_k+1)``."""
    combined: I64 | None = None
    for src in sources:
        idx = src.index_at(edges)
        has = (np.diff(idx) > 0).astype(np.int64)
        if combined is None:
            combined = has
        elif operation == "all":
            combined = combined & has
        else:
            combined = combined | has
    assert combined is not None
    return combined


@dataclass
class Windows:
    """Per-window sums, counts and summed durations (ns) of a stream's numeric values."""

    sums: F64
    counts: I64
    durations_ns: F64


def accumulate(src: Source, start_us: int, res_us: int, n: int, end_us: int) -> Windows:
    """Accumulate the points in ``[start, end)`` into ``n`` windows of ``res_us``."""
    sums = np.zeros(n)
    counts = np.zeros(n, dtype=np.int64)
    durations = np.zeros(n)
    i0, i1 = src.index_of(start_us), src.index_of(end_us)
    chunks = [(a, min(i1, a + CHUNK)) for a in range(i0, i1, CHUNK)]
    for k in range(0, len(chunks), 2):  # two chunks at a time: one in the pool, one here
        pair = chunks[k : k + 2]
        ahead = _POOL.submit(src.points, *pair[1]) if len(pair) > 1 else None
        pages = [src.points(*pair[0])] + ([ahead.result()] if ahead is not None else [])
        for page in pages:
            _add(page, start_us, res_us, n, sums, counts, durations)
    return Windows(sums, counts, durations)


def _add(
    page: Points, start_us: int, res_us: int, n: int, sums: F64, counts: I64, durations: F64
) -> None:
    """Add one chunk of points to the window accumulators (in place)."""
    col = page.columns[0]
    assert col.kind == NUMBER and col.numbers is not None
    w = (page.times - start_us) // res_us
    ok = ~np.isnan(col.numbers)
    sums += np.bincount(w[ok], weights=col.numbers[ok], minlength=n)[:n]
    counts += np.bincount(w[ok], minlength=n)[:n]
    durations += np.bincount(w, weights=page.durations_ns.astype(np.float64), minlength=n)[:n]


def means(win: Windows) -> F64:
    """Mean per window (NaN where a window holds no point)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(win.counts > 0, win.sums / np.maximum(win.counts, 1), np.nan)


def summary(values: F64) -> dict[str, float | None]:
    """``value_mean/min/max/med/std`` of the non-null values (population std); nulls if none."""
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return dict.fromkeys(("value_mean", "value_min", "value_max", "value_med", "value_std"))
    return {
        "value_mean": float(np.mean(v)),
        "value_min": float(np.min(v)),
        "value_max": float(np.max(v)),
        "value_med": float(np.median(v)),
        "value_std": float(np.std(v)),
    }


def nullable(values: F64, decimals: int) -> list[float | None]:
    """JSON numbers, ``None`` for NaN, rounded to ``decimals`` (+2 for means)."""
    out: list[float | None] = []
    for x in np.round(values, decimals).tolist():
        out.append(None if x != x else float(x))
    return out


def offset_label(seconds: int) -> str:
    """``HH:MM`` (``HH:MM:SS`` when the interval does not start on a whole minute)."""
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}" if s == 0 else f"{h:02d}:{m:02d}:{s:02d}"
