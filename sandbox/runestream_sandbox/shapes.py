"""JSON result objects built from a page :class:`Frame` (column-oriented, optional partitions)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .frame import F64, Frame
from .timefmt import TimeFormat, json_times


def json_values(values: F64, decimals: int) -> list[Any]:
    """Numbers for JSON: ints when ``decimals == 0``, ``None`` for NaN."""
    nan = np.isnan(values)
    out: list[Any] = (
        np.where(nan, 0, values).astype(np.int64).tolist() if decimals == 0 else values.tolist()
    )
    for i in np.flatnonzero(nan):
        out[int(i)] = None
    return out


def partition(seq: list[Any], size: int | None) -> list[Any]:
    """Split a per-point array into sub-arrays of ``size`` points (the last may be shorter)."""
    if not size:
        return seq
    return [seq[i : i + size] for i in range(0, len(seq), size)]


def columns_shape(frame: Frame, fmt: TimeFormat, part: int | None) -> dict[str, Any]:
    """``{"time": [...], "<column>": [...], ...}`` for a single-stream frame."""
    result: dict[str, Any] = {"time": partition(json_times(frame.times, fmt), part)}
    for name, values in frame.values.items():
        result[name] = partition(json_values(values, frame.decimals[name]), part)
    return result


def streams_shape(
    frame: Frame, fmt: TimeFormat, part: int | None, rename: dict[str, str] | None = None
) -> dict[str, Any]:
    """``{"streams": [{"time": [...], "<value>": [...], "parameters": {...}}, ...]}``.

    Every selected stream is listed, with empty arrays when the page holds none of its rows.
    """
    rename = rename or {}
    streams = []
    for s, labels in enumerate(frame.streams):
        rows = frame.stream_index == s
        item: dict[str, Any] = {"time": partition(json_times(frame.times[rows], fmt), part)}
        for name, values in frame.values.items():
            key = rename.get(name, name)
            item[key] = partition(json_values(values[rows], frame.decimals[name]), part)
        item["parameters"] = dict(labels)
        streams.append(item)
    return {"streams": streams}


def spectrogram_shape(
    frame: Frame, fmt: TimeFormat, part: int | None, freqs: list[int], key: str
) -> dict[str, Any]:
    """Per stream: ``time``, ``y`` (frequencies) and ``key``: one array per frequency."""
    streams = []
    for s, labels in enumerate(frame.streams):
        rows = frame.stream_index == s
        per_freq = [partition(json_values(frame.values[f"f_{f}hz"][rows], 4), part) for f in freqs]
        streams.append(
            {
                "time": partition(json_times(frame.times[rows], fmt), part),
                "y": list(freqs),
                key: per_freq,
                "parameters": dict(labels),
            }
        )
    return {"streams": streams}
