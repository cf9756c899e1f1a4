"""What each operation answers: a paged row source plus its JSON shape, a list, or bytes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import events as ev
from . import series as sr
from . import state as st
from .catalog import CATALOG, Device
from .context import Ctx, require_resolution, resolve_device, resolve_patient
from .errors import ApiError, conflicting, invalid, not_found
from .frame import F64, Frame
from .grids import (
    AGGREGATORS,
    AvailabilityGrid,
    BucketGrid,
    Buckets,
    Grid,
    RawGrid,
    SpectrogramGrid,
    bucket_count,
    grid_count,
    grid_page,
)
from .sessions import stream_bytes
from .shapes import columns_shape, json_values, partition, spectrogram_shape, streams_shape
from .timefmt import TimeFormat, json_times

MINUTE = 60_000_000
Shape = Callable[[Frame, TimeFormat, "int | None"], dict[str, Any]]
_AGG_RE = re.compile(r"^(first|last|mean|median)\((.+)\)$")


@dataclass
class RowsPlan:
    """Rows that are paged (``page_size`` rows per page) and rendered as CSV or JSON."""

    count: Callable[[], int]
    frame: Callable[[int, int], Frame]
    shape: Shape


@dataclass
class ItemsPlan:
    """Event or span objects, paged, under ``result[key]``."""

    key: str
    items: list[ev.Record]
    render: Callable[[ev.Record], dict[str, Any]]


@dataclass
class FixedPlan:
    """A result that is not paged (analyses, ``event_type``)."""

    result: dict[str, Any]


@dataclass
class BytesPlan:
    """Raw session bytes."""

    body: bytes


Plan = RowsPlan | ItemsPlan | FixedPlan | BytesPlan


def _rows(grid: Grid, shape: Shape) -> RowsPlan:
    return RowsPlan(lambda: grid_count(grid), lambda o, n: grid_page(grid, o, n), shape)


def _bad_expression(ctx: Ctx, allowed: list[str]) -> ApiError:
    return invalid("expression", f"{ctx.expression!r} is not supported; use one of {allowed}")


def _buckets(ctx: Ctx, series: sr.Series, res_us: int) -> Buckets:
    assert ctx.start_us is not None and ctx.end_us is not None
    n = bucket_count(ctx.start_us, ctx.end_us, res_us)
    if n > ctx.settings.max_buckets:
        raise invalid(
            "resolution",
            f"{n} time buckets exceed the limit of {ctx.settings.max_buckets}; "
            "use a coarser resolution or a shorter time range",
        )
    return Buckets(series.timeline, ctx.start_us, ctx.end_us, res_us)


def timeseries(
    ctx: Ctx,
    series: sr.Series,
    kind: str,
    agg: str | None,
    availability_column: str,
    availability_res: int,
    shape: Shape,
    resample_agg: str = "first",
    time_column: str = "time",
) -> RowsPlan:
    """Raw samples, downsampled buckets or availability of a series."""
    assert ctx.start_us is not None and ctx.end_us is not None
    interpolation = str(ctx.get("interpolation") or "")
    if kind == "availability":
        res = ctx.res_us or availability_res
        grid: Grid = AvailabilityGrid(
            series, _buckets(ctx, series, res), availability_column, time_column
        )
    elif agg is not None:
        res = require_resolution(ctx, ctx.expression)
        grid = BucketGrid(series, _buckets(ctx, series, res), agg, interpolation, time_column)
    elif ctx.res_us is not None:
        grid = BucketGrid(
            series, _buckets(ctx, series, ctx.res_us), resample_agg, interpolation, time_column
        )
    else:
        grid = RawGrid(series, ctx.start_us, ctx.end_us, time_column)
    return _rows(grid, shape)


def _split(ctx: Ctx, bases: tuple[str, ...], availability: str) -> tuple[str, str, str | None]:
    """(kind, base, aggregator) of an expression such as ``mean(accel)``."""
    expr = ctx.expression
    allowed = [*bases, availability, *(f"{a}({b})" for a in AGGREGATORS for b in bases)]
    if expr == availability:
        return "availability", bases[0], None
    if expr in bases:
        return "raw", expr, None
    m = _AGG_RE.match(expr)
    if m and m.group(2) in bases:
        return "agg", m.group(2), m.group(1)
    raise _bad_expression(ctx, allowed)


def _open(ctx: Ctx, resource: str) -> Device:
    resolve_patient(ctx)
    return resolve_device(ctx, resource)


def plan_accel(ctx: Ctx) -> RowsPlan:
    """``/v1/accel.{json,csv}``."""
    device = _open(ctx, "accel")
    kind, base, agg = _split(ctx, ("accel", "user", "gravity"), "availability(accel)")
    if base != "accel" and not device.user_gravity:
        raise invalid("expression", f"{base} is not available for device {device.device_id}")
    assert ctx.patient is not None
    series = sr.accel_series(ctx.patient.patient_id, device, base, ctx.settings.accel_rate_hz)
    return timeseries(ctx, series, kind, agg, "availability(accel)", 5 * MINUTE, columns_shape)


def plan_rotation(ctx: Ctx) -> RowsPlan:
    """``/v1/rotation.{json,csv}``."""
    device = _open(ctx, "rotation")
    kind, _, agg = _split(ctx, ("rotation",), "availability(rotation)")
    assert ctx.patient is not None
    series = sr.rotation_series(ctx.patient.patient_id, device, ctx.settings.rotation_rate_hz)
    return timeseries(ctx, series, kind, agg, "availability(rotation)", 5 * MINUTE, columns_shape)


def plan_heartrate(ctx: Ctx) -> RowsPlan:
    """``/v1/heartrate.{json,csv}``."""
    device = _open(ctx, "heartrate")
    kind, _, agg = _split(ctx, ("bpm",), "availability(bpm)")
    assert ctx.patient is not None
    series = sr.heartrate_series(ctx.patient.patient_id, device)
    return timeseries(ctx, series, kind, agg, "availability(bpm)", MINUTE, columns_shape)


def plan_probability(ctx: Ctx) -> RowsPlan:
    """``/v1/probability_symptom.{json,csv}``."""
    device = _open(ctx, "probability_symptom")
    symptom = ctx.raw["symptom"]
    if symptom not in device.symptoms:
        raise not_found(f"device {device.device_id} has no probability data for {symptom!r}")
    kind, _, agg = _split(ctx, ("probability",), "availability(probability)")
    severities: list[str] | None = None
    if ctx.given("severity") and kind == "raw":
        available = list(device.symptoms[symptom])
        if not available:
            raise invalid("severity", f"no severity data is available for {symptom!r}")
        if ctx.raw["severity"].strip() == "*":
            severities = sorted(available)
        else:
            severities = list(dict.fromkeys(ctx.csv_list("severity") or []))
            unknown = [s for s in severities if s not in available]
            if unknown:
                raise invalid("severity", f"unknown severities {unknown}; available: {available}")
    assert ctx.patient is not None
    series = sr.probability_series(ctx.patient.patient_id, device, symptom, severities)
    if severities:
        # "results are bucketed by time ... By default, 60s buckets are used."
        if ctx.res_us is None:
            ctx.res_us = MINUTE
        return timeseries(ctx, series, "agg", "mean", "", MINUTE, columns_shape)
    return timeseries(
        ctx, series, kind, agg, "availability(probability)", MINUTE, columns_shape, "mean"
    )


def _select_streams(ctx: Ctx, series: sr.Series, filters: tuple[str, ...]) -> sr.Series:
    keep = list(range(len(series.streams)))
    for name in filters:
        wanted = ctx.csv_list(name)
        if wanted is not None:
            keep = [i for i in keep if series.streams[i].get(name) in wanted]
    return series.select(keep)


def plan_band_power(ctx: Ctx) -> RowsPlan:
    """``/v1/band_power.{json,csv}``."""
    device = _open(ctx, "band_power")
    expr = ctx.expression
    if expr not in ("power", "availability(power)"):
        raise _bad_expression(ctx, ["power", "availability(power)"])
    assert ctx.patient is not None
    series = sr.band_power_series(ctx.patient.patient_id, device)
    series = _select_streams(ctx, series, ("algorithm", "anatomy", "band", "channel", "sensor"))
    kind = "availability" if expr == "availability(power)" else "raw"
    shape = _streams_shape({"availability(power)": "availability"})
    return timeseries(
        ctx, series, kind, None, "availability(power)", MINUTE, shape, time_column="timestamp"
    )


def _streams_shape(rename: dict[str, str]) -> Shape:
    def shape(frame: Frame, fmt: TimeFormat, part: int | None) -> dict[str, Any]:
        return streams_shape(frame, fmt, part, rename)

    return shape


LFP_CSV_EXPRESSIONS = ["lfp", "availability(lfp)", "spectrogram(lfp)", "frequency_spectrum"]
LFP_ANALYSES = [
    "projection(spectrogram(lfp),y,z)",
    "projection(mean(spectrogram(lfp)),y,z)",
    "mean_std(projection(spectrogram(lfp),y,z))",
    "percentiles(projection(spectrogram(lfp),y,z))",
    "band_power(spectrogram(lfp))",
]


def plan_lfp(ctx: Ctx) -> Plan:
    """``/v1/lfp.{json,csv}`` (v1.0 schema, or the legacy one with ``channels``)."""
    device = _open(ctx, "lfp")
    assert ctx.patient is not None and ctx.start_us is not None and ctx.end_us is not None
    legacy = ctx.given("channels")
    clashing = [n for n in ("algorithm", "anatomy", "channel", "sensor") if ctx.given(n)]
    if legacy and clashing:
        raise conflicting(f"channels cannot be combined with {', '.join(clashing)}")
    series = sr.lfp_series(ctx.patient.patient_id, device, legacy)
    if legacy:
        wanted = ctx.csv_list("channels") or []
        series = series.select([i for i, s in enumerate(series.streams) if s["channel"] in wanted])
    else:
        series = _select_streams(ctx, series, ("algorithm", "anatomy", "channel", "sensor"))
    low, high = int(ctx.get("low_freq")), int(ctx.get("high_freq"))
    if low > high:
        raise invalid("low_freq", "low_freq must not be greater than high_freq")
    expr = ctx.expression
    tcol = "time" if legacy else "timestamp"
    allowed = [
        *LFP_CSV_EXPRESSIONS,
        *(f"{a}(lfp)" for a in AGGREGATORS),
        *(LFP_ANALYSES if ctx.op.fmt == "json" else []),
    ]
    if expr not in allowed:
        raise _bad_expression(ctx, allowed)
    if expr in ("spectrogram(lfp)", "frequency_spectrum"):
        windows = sr.lfp_window_timeline(ctx.patient.patient_id, device)
        grid = SpectrogramGrid(series, windows, ctx.start_us, ctx.end_us, low, high, tcol)
        key = "spectrogram" if expr == "spectrogram(lfp)" else "frequency_spectrum"

        def spec_shape(frame: Frame, fmt: TimeFormat, part: int | None) -> dict[str, Any]:
            return spectrogram_shape(frame, fmt, part, grid.freqs, key)

        return _rows(grid, spec_shape)
    if expr in LFP_ANALYSES:
        return _lfp_analysis(ctx, series, device, expr, low, high, tcol)
    if expr == "availability(lfp)":
        res = 5 * MINUTE if legacy else MINUTE
        shape = _streams_shape({"availability(lfp)": "availability"})
        return timeseries(
            ctx, series, "availability", None, "availability(lfp)", res, shape, time_column=tcol
        )
    m = _AGG_RE.match(expr)
    agg = m.group(1) if m else None
    kind = "agg" if agg else "raw"
    return timeseries(ctx, series, kind, agg, "", MINUTE, _streams_shape({}), time_column=tcol)


_MAX_ANALYSIS_WINDOWS = 20_000


def _lfp_analysis(
    ctx: Ctx, series: sr.Series, device: Device, expr: str, low: int, high: int, tcol: str
) -> Plan:
    """Spectral summaries (simplified but plausibly shaped)."""
    assert ctx.patient is not None and ctx.start_us is not None and ctx.end_us is not None
    windows = sr.lfp_window_timeline(ctx.patient.patient_id, device)
    grid = SpectrogramGrid(series, windows, ctx.start_us, ctx.end_us, low, high, tcol)
    if expr == "band_power(spectrogram(lfp))":
        plan = _rows(grid, _streams_shape({}))
        inner = plan.frame

        def band_frame(offset: int, limit: int) -> Frame:
            f = inner(offset, limit)
            cols = [f.values[c] for c in f.values]
            power = np.mean(np.stack(cols), axis=0) if cols else np.zeros(len(f))
            return Frame(
                f.time_column,
                f.times,
                {"band_power": np.round(power, 4)},
                {"band_power": 4},
                f.streams,
                f.label_columns,
                f.stream_index,
            )

        return RowsPlan(plan.count, band_frame, plan.shape)
    if expr == "projection(mean(spectrogram(lfp)),y,z)":
        require_resolution(ctx, expr)
    n = min(grid.n_times, _MAX_ANALYSIS_WINDOWS)
    _, per_stream = grid.block(0, n)
    streams = []
    for labels, values in zip(grid.streams, per_stream, strict=True):
        streams.append({**_spectral_summary(expr, grid.freqs, values, n), "parameters": labels})
    return FixedPlan({"streams": streams})


def _spectral_summary(
    expr: str, freqs: list[int], values: dict[str, F64], n: int
) -> dict[str, Any]:
    """Projection / mean-std / percentiles of a spectrogram over its windows."""
    if n:
        matrix = np.stack([values[f"f_{f}hz"] for f in freqs], axis=1)
    else:
        matrix = np.full((1, len(freqs)), np.nan)
    item: dict[str, Any] = {"x": list(freqs)}
    if expr.startswith("projection("):
        item["y"] = json_values(np.round(matrix.mean(axis=0), 4), 4)
    elif expr.startswith("mean_std("):
        item["mean"] = json_values(np.round(matrix.mean(axis=0), 4), 4)
        item["std"] = json_values(np.round(matrix.std(axis=0), 4), 4)
        item["point_count"] = n
    else:
        for q in (10, 25, 50, 75, 90):
            item[f"p{q}"] = json_values(np.round(np.percentile(matrix, q, axis=0), 4), 4)
        item["point_count"] = n
    return item


def plan_state(ctx: Ctx) -> Plan:
    """``/v1/state.{json,csv}``."""
    device = _open(ctx, "state")
    assert ctx.patient is not None and ctx.start_us is not None and ctx.end_us is not None
    expr = ctx.expression
    allowed = ["state", "availability(state)"]
    if ctx.op.fmt == "json":
        allowed += ["event_type", "update"]
    if expr not in allowed:
        raise _bad_expression(ctx, allowed)
    if ctx.res_us is not None and expr != "availability(state)":
        name = "frequency" if ctx.given("frequency") else "resolution"
        raise invalid(name, "only supported for the availability(state) expression")
    if expr == "event_type":
        return FixedPlan({"event_type": sorted(device.state_events)})
    event = ctx.raw["event"]
    if event not in device.state_events:
        raise not_found(f"device {device.device_id} has no state event type {event!r}")
    known = list(device.state_events[event])
    fields = ctx.csv_list("fields")
    if fields is not None:
        unknown = [f for f in fields if f not in known]
        if unknown:
            raise invalid("fields", f"unknown fields {unknown} for {event!r}; known: {known}")
    upd = st.updates(ctx.patient.patient_id, device.device_id, event)
    if expr == "update":
        times, items = st.update_items(upd, fields, ctx.start_us, ctx.end_us)
        return _update_plan(times, items)
    assert fields is not None
    src: st.StateRows | st.StateAvailability
    if expr == "availability(state)":
        src = st.StateAvailability(upd, fields, ctx.start_us, ctx.end_us, ctx.res_us or MINUTE)
    else:
        src = st.StateRows(upd, fields, ctx.start_us, ctx.end_us)
    return RowsPlan(src.count, src.frame, columns_shape)


def _update_plan(times: Any, items: list[dict[str, float]]) -> RowsPlan:
    """``expression=update``: ``{"cardinality", "time", "update"}`` paged by update."""

    def frame(offset: int, limit: int) -> Frame:
        idx = np.arange(offset, min(len(items), offset + limit), dtype=np.int64)
        return Frame("time", times[idx], {"_i": idx.astype(float)}, {"_i": 0})

    def shape(f: Frame, fmt: TimeFormat, part: int | None) -> dict[str, Any]:
        picked = [items[int(i)] for i in f.values["_i"]]
        return {
            "cardinality": len(picked),
            "time": partition(json_times(f.times, fmt), part),
            "update": partition(picked, part),
        }

    return RowsPlan(lambda: len(items), frame, shape)


def _records(ctx: Ctx, kind: str) -> list[ev.Record]:
    patient = resolve_patient(ctx)
    if ctx.given("device_id"):
        resolve_device(ctx, None)
    prefix = ctx.raw.get("event", "").strip()
    if prefix and any(not p for p in prefix.split(".")):
        raise invalid("event", "must be namespace[.category[.enum]]")
    device_id = ctx.device.device_id if ctx.device else None
    start = ctx.start_us / 1e6 if ctx.start_us is not None else None
    end = ctx.end_us / 1e6 if ctx.end_us is not None else None
    out = []
    for r in ev.records(patient.patient_id):
        if r.kind != kind or not ev.matches_prefix(r.event_type, prefix):
            continue
        if device_id is not None and r.device_id != device_id:
            continue
        if kind == "event":
            if (start is not None and r.time < start) or (end is not None and r.time >= end):
                continue
        else:
            assert r.end is not None and start is not None and end is not None
            if not (r.time < end and r.end > start):  # every overlapping span
                continue
        out.append(r)
    return out


def _time_renderer(fmt: TimeFormat) -> Callable[[float | None], Any]:
    def render(t: float | None) -> Any:
        if t is None:
            return None
        if fmt.kind == "unix":
            return ev.unix_number(t)
        return json_times(np.array([round(t * 1_000_000)], dtype=np.int64), fmt)[0]

    return render


def plan_event(ctx: Ctx) -> ItemsPlan:
    """``/v1/event.json``."""
    render = _time_renderer(ctx.time_format)
    return ItemsPlan("event", _records(ctx, "event"), lambda r: ev.event_item(r, render))


def plan_span(ctx: Ctx) -> ItemsPlan:
    """``/v1/span.json``."""
    render = _time_renderer(ctx.time_format)
    return ItemsPlan("span", _records(ctx, "span"), lambda r: ev.span_item(r, render))


def plan_session(ctx: Ctx) -> BytesPlan:
    """``/v1/session``: one stream of a dataset, as raw bytes."""
    dataset = CATALOG.dataset(ctx.raw["session_id"])
    if dataset is None:
        raise not_found(f"session not found: {ctx.raw['session_id']}")
    ctx.principal.check_patient(dataset.patient_id)
    name = ctx.raw["stream_name"]
    if name not in dataset.streams:
        raise not_found(f"stream {name!r} not found in session {dataset.dataset_id}")
    return BytesPlan(stream_bytes(dataset, name))


PLANNERS: dict[str, Callable[[Ctx], Plan]] = {
    "accel": plan_accel,
    "rotation": plan_rotation,
    "heartrate": plan_heartrate,
    "probability_symptom": plan_probability,
    "band_power": plan_band_power,
    "lfp": plan_lfp,
    "state": plan_state,
    "event": plan_event,
    "span": plan_span,
    "session": plan_session,
}
