"""Regularly sampled resources of a device: their timelines, streams and value functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import signals
from .catalog import DATA_END_US, DATA_START_US, Device
from .frame import F64, I64
from .timeline import Timeline, step_for_rate

SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
N_DAYS = (DATA_END_US - DATA_START_US) // DAY

ValueFn = Callable[[int, I64], dict[str, F64]]


@dataclass
class Series:
    """A resource of one device: one shared timeline and one or more labelled streams.

    Attributes:
        timeline: sample times (shared by all streams).
        columns: value column names with their decimals.
        streams: labels of each stream (``[{}]`` for single-stream resources).
        label_columns: label names in CSV order.
        fn: ``fn(stream_index, times_us) -> {column: values}`` (already rounded).
    """

    timeline: Timeline
    columns: dict[str, int]
    streams: list[dict[str, str]]
    label_columns: tuple[str, ...]
    fn: ValueFn

    def values(self, stream: int, t_us: I64) -> dict[str, F64]:
        """Values of one stream at the given sample times."""
        return self.fn(stream, t_us)

    def select(self, keep: list[int]) -> Series:
        """The same series restricted to some streams (filters such as ``channel=0,2``)."""
        fn = self.fn
        return Series(
            self.timeline,
            self.columns,
            [self.streams[i] for i in keep],
            self.label_columns,
            lambda s, t: fn(keep[s], t),
        )


def _jitter(seed: int, day: int, k: int, span_s: int) -> int:
    return int(signals.uniform(np.array([day * 7 + k], dtype=np.int64), seed)[0] * span_s)


@lru_cache(maxsize=64)
def wear_segments(patient_id: str, device_id: str) -> tuple[I64, I64]:
    """When a wearable is worn: mornings to late evening, with a charging gap on odd days."""
    seed = signals.seed_of(patient_id, device_id, "wear")
    starts: list[int] = []
    ends: list[int] = []
    for day in range(N_DAYS):
        base = DATA_START_US + day * DAY
        on = base + 7 * HOUR + _jitter(seed, day, 0, 1800) * SECOND
        off = base + 22 * HOUR + 30 * MINUTE - _jitter(seed, day, 1, 1800) * SECOND
        if day % 2 == 1:
            gap = base + 13 * HOUR + _jitter(seed, day, 2, 900) * SECOND
            starts += [on, gap + 40 * MINUTE]
            ends += [gap, off]
        else:
            starts.append(on)
            ends.append(off)
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


def phone_segments() -> tuple[I64, I64]:
    """A phone that records from 09:00 to 18:00 UTC."""
    days = np.arange(N_DAYS, dtype=np.int64)
    starts = DATA_START_US + days * DAY + 9 * HOUR
    return starts, starts + 9 * HOUR


def implant_segments() -> tuple[I64, I64]:
    """On-device band power: continuous except a 20-minute transfer gap at 03:00 each day."""
    days = np.arange(N_DAYS, dtype=np.int64)
    gap = DATA_START_US + days * DAY + 3 * HOUR
    starts = np.concatenate([[DATA_START_US], gap + 20 * MINUTE])
    ends = np.concatenate([gap, [DATA_END_US]])
    return starts.astype(np.int64), ends.astype(np.int64)


def lfp_segments() -> tuple[I64, I64]:
    """Short LFP recordings: 60 s at ten past every hour."""
    hours = np.arange(N_DAYS * 24, dtype=np.int64)
    starts = DATA_START_US + hours * HOUR + 10 * MINUTE
    return starts, starts + MINUTE


@lru_cache(maxsize=256)
def _timeline(kind: str, patient_id: str, device_id: str, step_us: int) -> Timeline:
    if kind == "wear":
        starts, ends = wear_segments(patient_id, device_id)
    elif kind == "phone":
        starts, ends = phone_segments()
    elif kind == "implant":
        starts, ends = implant_segments()
    else:
        starts, ends = lfp_segments()
    return Timeline(starts, ends, step_us)


def motion_timeline(patient_id: str, device: Device, rate_hz: float) -> Timeline:
    """Timeline of accel/rotation samples of a wearable or phone."""
    kind = "phone" if device.kind == "phone" else "wear"
    return _timeline(kind, patient_id, device.device_id, step_for_rate(rate_hz))


def _round(v: F64, decimals: int) -> F64:
    return np.round(v, decimals)


def accel_series(patient_id: str, device: Device, variant: str, rate_hz: float) -> Series:
    """accel (net), user (without gravity) or gravity, in g, as ``x,y,z``."""
    seed = signals.seed_of(patient_id, device.device_id, "accel")

    def fn(_: int, t: I64) -> dict[str, F64]:
        knots = signals.Knots(t)
        if variant == "gravity":
            xyz = signals.gravity(t, seed, knots)
        elif variant == "user":
            xyz = signals.user_accel(t, seed, knots)
        else:
            g = signals.gravity(t, seed, knots)
            u = signals.user_accel(t, seed, knots)
            xyz = (g[0] + u[0], g[1] + u[1], g[2] + u[2])
        return {"x": _round(xyz[0], 4), "y": _round(xyz[1], 4), "z": _round(xyz[2], 4)}

    tl = motion_timeline(patient_id, device, rate_hz)
    return Series(tl, {"x": 4, "y": 4, "z": 4}, [{}], (), fn)


def rotation_series(patient_id: str, device: Device, rate_hz: float) -> Series:
    """Angular velocity in rad/s as ``x,y,z``."""
    seed = signals.seed_of(patient_id, device.device_id, "rotation")

    def fn(_: int, t: I64) -> dict[str, F64]:
        x, y, z = signals.rotation(t, seed)
        return {"x": _round(x, 4), "y": _round(y, 4), "z": _round(z, 4)}

    tl = motion_timeline(patient_id, device, rate_hz)
    return Series(tl, {"x": 4, "y": 4, "z": 4}, [{}], (), fn)


def heartrate_series(patient_id: str, device: Device) -> Series:
    """Heart rate every 5 s while the watch is worn."""
    seed = signals.seed_of(patient_id, device.device_id, "heartrate")

    def fn(_: int, t: I64) -> dict[str, F64]:
        return {"bpm": signals.heartrate(t, seed)}

    tl = _timeline("wear", patient_id, device.device_id, 5 * SECOND)
    return Series(tl, {"bpm": 0}, [{}], (), fn)


def probability_series(
    patient_id: str, device: Device, symptom: str, severities: list[str] | None
) -> Series:
    """Symptom probability every 60 s while worn; per-severity columns when asked for."""
    seed = signals.seed_of(patient_id, device.device_id, "probability", symptom)
    tl = _timeline("wear", patient_id, device.device_id, MINUTE)
    if severities:
        names = list(severities)

        def sev_fn(_: int, t: I64) -> dict[str, F64]:
            all_sev = signals.severities(t, seed)
            return {name: _round(all_sev[name], 4) for name in names}

        return Series(tl, dict.fromkeys(names, 4), [{}], (), sev_fn)

    def fn(_: int, t: I64) -> dict[str, F64]:
        return {"probability": _round(signals.probability(t, seed), 4)}

    return Series(tl, {"probability": 4}, [{}], (), fn)


def lfp_series(patient_id: str, device: Device, legacy: bool) -> Series:
    """LFP at 250 Hz in short recordings, one stream per channel."""
    seeds = [
        signals.seed_of(patient_id, device.device_id, "lfp", c.channel) for c in device.lfp_channels
    ]
    tl = _timeline("lfp", patient_id, device.device_id, step_for_rate(250.0))
    column = "lfp" if legacy else "potential"

    def fn(s: int, t: I64) -> dict[str, F64]:
        return {column: _round(signals.lfp(t, seeds[s]), 3)}

    if legacy:
        streams = [{"channel": c.channel} for c in device.lfp_channels]
        labels: tuple[str, ...] = ("channel",)
    else:
        streams = [
            {
                "algorithm": c.algorithm,
                "anatomy": c.anatomy,
                "channel": c.channel,
                "sensor": c.sensor,
            }
            for c in device.lfp_channels
        ]
        labels = ("algorithm", "anatomy", "channel", "sensor")
    return Series(tl, {column: 3}, streams, labels, fn)


def band_power_series(patient_id: str, device: Device) -> Series:
    """On-device band power every 10 s, one stream per (channel, band)."""
    streams: list[dict[str, str]] = []
    seeds: list[int] = []
    for c in device.band_channels:
        for band in device.bands:
            streams.append(
                {
                    "algorithm": c.algorithm,
                    "anatomy": c.anatomy,
                    "band": band,
                    "channel": c.channel,
                    "sensor": c.sensor,
                }
            )
            seeds.append(signals.seed_of(patient_id, device.device_id, "power", c.channel, band))
    tl = _timeline("implant", patient_id, device.device_id, 10 * SECOND)

    def fn(s: int, t: I64) -> dict[str, F64]:
        return {"power": _round(signals.band_power(t, seeds[s]), 4)}

    labels = ("algorithm", "anatomy", "band", "channel", "sensor")
    return Series(tl, {"power": 4}, streams, labels, fn)


def lfp_window_timeline(patient_id: str, device: Device) -> Timeline:
    """Start times of the 1-second spectrogram windows that fit inside LFP recordings."""
    del patient_id, device
    starts, ends = lfp_segments()
    return Timeline(starts, ends - SECOND + 1, SECOND)
