"""Row sources of V2 streams: index arithmetic over time and columnar pages of points.

A source answers "how many points lie before time t" (vectorised, for ranges, availability bins
and aggregate windows) and "give me points i0..i1" as a :class:`Points` page. Regular streams
use the V1 :class:`~..timeline.Timeline` (no materialisation); sparse ones (state, events,
spans) hold their few points in arrays.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .. import events as ev
from .. import series as sr
from .. import state as st
from ..catalog import CATALOG
from ..frame import F64, I64
from ..settings import SandboxSettings
from ..timeline import Timeline
from .streams import Stream

#: Column kinds of a page: numbers (NaN = null), enum codes, timestamps (µs), JSON text.
NUMBER, ENUM, TIME, JSON = "number", "enum", "time", "json"


@dataclass
class Column:
    """One value column of a page."""

    name: str
    kind: str
    numbers: F64 | None = None
    codes: I64 | None = None
    times: I64 | None = None
    texts: list[str] = field(default_factory=list)
    decimals: int = 0
    enum_values: tuple[str, ...] = ()


@dataclass
class Points:
    """Points ``[i0, i1)`` of a stream: times (µs), value columns, durations (ns)."""

    times: I64
    columns: list[Column]
    durations_ns: I64

    def __len__(self) -> int:
        return len(self.times)


class Source:
    """Points of one stream, addressable by index."""

    total: int

    def index_at(self, t_us: I64) -> I64:
        """Number of points with time ``< t`` for each ``t``."""
        raise NotImplementedError

    def index_of(self, t_us: int) -> int:
        """Scalar :meth:`index_at`."""
        return int(self.index_at(np.array([t_us], dtype=np.int64))[0])

    def points(self, i0: int, i1: int) -> Points:
        """Points with global indices ``[i0, i1)``."""
        raise NotImplementedError

    def times(self, i0: int, i1: int) -> I64:
        """Just the times of points ``[i0, i1)`` (cheaper than :meth:`points`)."""
        return self.points(i0, i1).times


class SampledSource(Source):
    """A regularly sampled stream: a V1 timeline and a value function."""

    def __init__(
        self, timeline: Timeline, fn: Callable[[I64], F64], column: Column, duration_ns: int
    ) -> None:
        self.timeline = timeline
        self.fn = fn
        self.column = column
        self.duration_ns = duration_ns
        self.total = timeline.total

    def index_at(self, t_us: I64) -> I64:
        return self.timeline.index_at(t_us)

    def times(self, i0: int, i1: int) -> I64:
        return self.timeline.times(i0, i1)

    def points(self, i0: int, i1: int) -> Points:
        t = self.timeline.times(i0, i1)
        values = self.fn(t) if len(t) else np.empty(0)
        col = Column(
            self.column.name,
            self.column.kind,
            numbers=np.asarray(values, dtype=np.float64),
            decimals=self.column.decimals,
        )
        return Points(t, [col], np.full(len(t), self.duration_ns, dtype=np.int64))


class ArraySource(Source):
    """A sparse stream whose points are held in arrays (state updates, events, spans)."""

    def __init__(
        self, t_us: I64, make: Callable[[int, int], list[Column]], durations_ns: I64
    ) -> None:
        self.t = np.asarray(t_us, dtype=np.int64)
        self.make = make
        self.durations = np.asarray(durations_ns, dtype=np.int64)
        self.total = len(self.t)

    def index_at(self, t_us: I64) -> I64:
        return np.searchsorted(self.t, np.asarray(t_us, dtype=np.int64), side="left").astype(
            np.int64
        )

    def times(self, i0: int, i1: int) -> I64:
        return self.t[i0:i1]

    def points(self, i0: int, i1: int) -> Points:
        return Points(self.t[i0:i1], self.make(i0, i1), self.durations[i0:i1])


def _number(stream: Stream) -> Column:
    dim = stream.stream_type.value_dimensions[0]
    return Column(dim.identifier, NUMBER, decimals=dim.decimals)


def _sampled(stream: Stream, series: sr.Series, column: str, scale: float = 1.0) -> SampledSource:
    fn = series.fn
    decimals = stream.stream_type.value_dimensions[0].decimals

    def values(t: I64) -> F64:
        v = fn(0, t)[column]
        return np.round(v * scale, decimals) if scale != 1.0 else v

    return SampledSource(series.timeline, values, _number(stream), series.timeline.step * 1000)


def _indexed(series: sr.Series, index: int) -> sr.Series:
    return series.select([index])


def _state_source(stream: Stream) -> ArraySource:
    event, name = stream.recipe.args
    upd = st.updates(stream.patient_id, stream.device_id, event)
    column = upd.fields[name]
    keep = ~np.isnan(column)
    times = upd.times[keep]
    values = column[keep]
    dim = stream.stream_type.value_dimensions[0]

    def make(i0: int, i1: int) -> list[Column]:
        v = values[i0:i1]
        if dim.data_type == "enum":
            return [
                Column(dim.identifier, ENUM, codes=v.astype(np.int64), enum_values=dim.enum_values)
            ]
        return [Column(dim.identifier, NUMBER, numbers=v, decimals=dim.decimals)]

    return ArraySource(times, make, np.zeros(len(times), dtype=np.int64))


def _us(t: float | None) -> int:
    return 0 if t is None else round(t * 1_000_000)


def _event_json(r: ev.Record) -> str:
    body = {
        "id": r.id,
        "display_name": r.display_name,
        "created_time": None if r.created_time is None else ev.unix_number(r.created_time),
        "payload": r.payload,
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def _record_source(stream: Stream) -> ArraySource:
    (event_type,) = stream.recipe.args
    kind = stream.recipe.kind
    recs = [
        r
        for r in ev.records(stream.patient_id)
        if r.kind == kind and r.event_type == event_type and r.device_id == stream.device_id
    ]
    times = np.array([_us(r.time) for r in recs], dtype=np.int64)
    texts = [_event_json(r) for r in recs]
    if kind == "event":

        def make_event(i0: int, i1: int) -> list[Column]:
            return [Column("event", JSON, texts=texts[i0:i1])]

        return ArraySource(times, make_event, np.zeros(len(recs), dtype=np.int64))
    bounds = {
        "start_time_min": np.array([_us(r.start_min) for r in recs], dtype=np.int64),
        "start_time": times,
        "end_time": np.array([_us(r.end) for r in recs], dtype=np.int64),
        "end_time_max": np.array([_us(r.end_max) for r in recs], dtype=np.int64),
    }

    def make_span(i0: int, i1: int) -> list[Column]:
        cols = [Column(name, TIME, times=t[i0:i1]) for name, t in bounds.items()]
        return [*cols, Column("event", JSON, texts=texts[i0:i1])]

    durations = (bounds["end_time"] - times) * 1000
    return ArraySource(times, make_span, durations)


def source_for(stream: Stream, settings: SandboxSettings) -> Source:
    """The row source of a stream under the app's settings (sample rates)."""
    return _source(stream, settings.accel_rate_hz, settings.rotation_rate_hz)


@lru_cache(maxsize=512)
def _source(stream: Stream, accel_hz: float, rotation_hz: float) -> Source:
    device = CATALOG.device(stream.patient_id, stream.device_id)
    kind, args = stream.recipe.kind, stream.recipe.args
    pid = stream.patient_id
    if kind in ("state", "event", "span"):
        return _state_source(stream) if kind == "state" else _record_source(stream)
    assert device is not None
    if kind == "accel":
        variant, axis = args
        return _sampled(stream, sr.accel_series(pid, device, variant, accel_hz), axis)
    if kind == "rotation":
        return _sampled(stream, sr.rotation_series(pid, device, rotation_hz), args[0])
    if kind == "heartrate":
        return _sampled(stream, sr.heartrate_series(pid, device), "bpm")
    if kind == "probability":
        return _sampled(stream, sr.probability_series(pid, device, args[0], None), "probability")
    if kind == "duration":
        series = sr.probability_series(pid, device, args[0], None)
        return _sampled(stream, series, "probability", scale=60.0)
    if kind == "severity":
        symptom, severity = args
        series = sr.probability_series(pid, device, symptom, [severity])
        return _sampled(stream, series, severity)
    if kind == "lfp":
        series = _indexed(sr.lfp_series(pid, device, legacy=False), int(args[0]))
        return _sampled(stream, series, "potential")
    if kind == "band_power":
        series = _indexed(sr.band_power_series(pid, device), int(args[0]))
        return _sampled(stream, series, "power")
    raise ValueError(f"unknown stream recipe {kind}")  # pragma: no cover


@lru_cache(maxsize=1024)
def time_range(stream: Stream) -> tuple[float | None, float | None]:
    """(first, last) point time in unix seconds under default settings (``None`` if empty)."""
    src = source_for(stream, SandboxSettings())
    if src.total == 0:
        return None, None
    first = int(src.times(0, 1)[0])
    last = int(src.times(src.total - 1, src.total)[0])
    return first / 1e6, last / 1e6
