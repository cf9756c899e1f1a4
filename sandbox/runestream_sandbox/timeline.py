"""Regular sampling inside disjoint segments, with O(log n) index arithmetic.

All times are integer microseconds since the Unix epoch, so timestamps are exact and pages
can be generated for any index range without materialising the whole stream.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


class Timeline:
    """Samples at ``start + i * step`` for each ``[start, end)`` segment (sorted, disjoint)."""

    def __init__(self, starts_us: I64, ends_us: I64, step_us: int) -> None:
        if step_us <= 0:
            raise ValueError("step_us must be positive")
        step = np.int64(step_us)
        # align segment starts on the global grid so that sample times are multiples of step
        starts = -(-np.asarray(starts_us, dtype=np.int64) // step) * step
        ends = np.asarray(ends_us, dtype=np.int64)
        keep = ends > starts
        self.starts: I64 = starts[keep]
        self.ends: I64 = ends[keep]
        self.step = int(step_us)
        self.counts: I64 = (self.ends - self.starts + step - 1) // step
        self.cum: I64 = np.concatenate([[0], np.cumsum(self.counts)]).astype(np.int64)

    @property
    def total(self) -> int:
        """Number of samples in the whole timeline."""
        return int(self.cum[-1])

    def index_at(self, t_us: I64) -> I64:
        """Vectorised: number of samples with time ``< t`` for each ``t``."""
        t = np.asarray(t_us, dtype=np.int64)
        seg = np.searchsorted(self.starts, t, side="right") - 1
        segc = np.clip(seg, 0, max(len(self.starts) - 1, 0))
        if len(self.starts) == 0:
            return np.zeros_like(t)
        inside = -(-(t - self.starts[segc]) // self.step)
        inside = np.clip(inside, 0, self.counts[segc])
        out = self.cum[segc] + inside
        return np.where(seg < 0, 0, out).astype(np.int64)

    def index_of(self, t_us: int) -> int:
        """Scalar :meth:`index_at`."""
        return int(self.index_at(np.array([t_us], dtype=np.int64))[0])

    def times(self, n0: int, n1: int) -> I64:
        """Sample times of global indices ``[n0, n1)``."""
        if n1 <= n0:
            return np.empty(0, dtype=np.int64)
        return self.times_at(np.arange(n0, n1, dtype=np.int64))

    def times_at(self, n: I64) -> I64:
        """Sample times of arbitrary global indices (each ``0 <= n < total``)."""
        seg = np.searchsorted(self.cum, n, side="right") - 1
        return (self.starts[seg] + (n - self.cum[seg]) * self.step).astype(np.int64)


def step_for_rate(rate_hz: float) -> int:
    """Sampling period in whole microseconds (sample times are quantised to 1 µs)."""
    return max(1, round(1_000_000 / rate_hz))
