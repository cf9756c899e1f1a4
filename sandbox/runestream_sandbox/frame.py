"""A page of rows in columnar form, shared by the CSV and JSON renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass
class Frame:
    """Rows of one page.

    Attributes:
        time_column: header of the time column (``time`` or ``timestamp``).
        times: row times in integer microseconds since the epoch.
        values: value columns in order; NaN means null (an empty CSV cell, JSON ``null``).
        decimals: digits after the point per value column (0: integers).
        streams: label values of each stream (multi-stream resources: lfp, band_power).
        label_columns: names of the label columns (written between time and values).
        stream_index: the stream of each row (all zeros for single-stream resources).
    """

    time_column: str
    times: I64
    values: dict[str, F64]
    decimals: dict[str, int]
    streams: list[dict[str, str]] = field(default_factory=list)
    label_columns: tuple[str, ...] = ()
    stream_index: I64 = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.times)

    @classmethod
    def empty(cls, time_column: str, columns: dict[str, int]) -> Frame:
        """A frame without rows but with its header."""
        return cls(
            time_column,
            np.empty(0, dtype=np.int64),
            {c: np.empty(0) for c in columns},
            dict(columns),
        )
