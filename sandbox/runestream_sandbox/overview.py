"""What the sandbox holds, for people: ids, parameter values and when each stream has data.

:func:`describe_catalog` renders the catalogue as text (``runestream sandbox`` prints it, and
``runestream sandbox --catalog`` prints only it). The time ranges are computed from the same
timelines the server answers from, so the text cannot drift from the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from . import events, series, state
from .catalog import CATALOG, Catalog, Device
from .settings import SandboxSettings
from .timeline import Timeline

__all__ = ["Coverage", "describe_catalog", "resource_coverage"]

_US = 1_000_000


@dataclass(frozen=True)
class Coverage:
    """When one stream has data.

    Attributes:
        first: Time of the first sample (unix seconds).
        last: Time of the last sample (unix seconds).
        count: Number of samples (or state updates).
        stretches: Number of contiguous recordings (gaps between them); 0 for state updates.
        median_stretch_s: Median length of a recording, seconds.
        step_s: Seconds between samples inside a recording; 0 for state updates.
    """

    first: float
    last: float
    count: int
    stretches: int
    median_stretch_s: float
    step_s: float


def _from_timeline(timeline: Timeline) -> Coverage:
    lengths = (timeline.ends - timeline.starts) / _US
    return Coverage(
        first=float(timeline.times(0, 1)[0]) / _US,
        last=float(timeline.times(timeline.total - 1, timeline.total)[0]) / _US,
        count=timeline.total,
        stretches=len(timeline.starts),
        median_stretch_s=float(np.median(lengths)),
        step_s=timeline.step / _US,
    )


def _from_updates(times: np.ndarray[tuple[int], np.dtype[np.int64]]) -> Coverage:
    return Coverage(float(times[0]) / _US, float(times[-1]) / _US, len(times), 0, 0.0, 0.0)


def resource_coverage(
    patient_id: str, device: Device, settings: SandboxSettings | None = None
) -> dict[str, Coverage]:
    """When each resource of a device has data (``state`` per event type: ``state:<event>``).

    Args:
        patient_id: The device's patient.
        device: A device of :data:`CATALOG`.
        settings: The server's settings (sample rates); defaults when omitted.
    """
    settings = settings or SandboxSettings()
    out: dict[str, Coverage] = {}
    for resource in device.resources:
        if resource == "accel":
            tl = series.motion_timeline(patient_id, device, settings.accel_rate_hz)
        elif resource == "rotation":
            tl = series.motion_timeline(patient_id, device, settings.rotation_rate_hz)
        elif resource == "heartrate":
            tl = series.heartrate_series(patient_id, device).timeline
        elif resource == "probability_symptom":
            symptom = next(iter(device.symptoms))
            tl = series.probability_series(patient_id, device, symptom, None).timeline
        elif resource == "lfp":
            tl = series.lfp_series(patient_id, device, legacy=False).timeline
        elif resource == "band_power":
            tl = series.band_power_series(patient_id, device).timeline
        else:  # state
            for event in device.state_events:
                times = state.updates(patient_id, device.device_id, event).times
                out[f"state:{event}"] = _from_updates(times)
            continue
        out[resource] = _from_timeline(tl)
    return out


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _rate(step_s: float) -> str:
    return f"{1 / step_s:g} Hz" if step_s < 1 else f"every {step_s:g} s"


def _coverage_line(name: str, cov: Coverage) -> str:
    span = f"{_when(cov.first)} .. {_when(cov.last)}"
    if cov.stretches == 0:
        return f"      {name:<24} {f'{cov.count} updates':>11}  {span}"
    shape = f"{cov.stretches} recordings of ~{_duration(cov.median_stretch_s)}"
    return f"      {name:<24} {_rate(cov.step_s):>11}  {span}  {shape}"


def _device_lines(patient_id: str, device: Device, settings: SandboxSettings) -> list[str]:
    lines = [f"    device_id={device.device_id}  ({device.kind})"]
    for name, cov in resource_coverage(patient_id, device, settings).items():
        lines.append(_coverage_line(name, cov))
    if device.user_gravity:
        lines.append("        accel: expression=accel, user or gravity")
    for symptom, severities in device.symptoms.items():
        extra = f", severity: {', '.join(severities)} or *" if severities else ""
        lines.append(f"        probability_symptom: symptom={symptom}{extra}")
    for c in device.lfp_channels:
        lines.append(
            f"        lfp: channel={c.channel} anatomy={c.anatomy} sensor={c.sensor} "
            f"algorithm={c.algorithm}"
        )
    for c in device.band_channels:
        lines.append(
            f"        band_power: channel={c.channel} anatomy={c.anatomy} sensor={c.sensor} "
            f"algorithm={c.algorithm} bands: {', '.join(device.bands)}"
        )
    for event, fields in device.state_events.items():
        lines.append(f"        state: event={event} fields={','.join(fields)}")
    return lines


def _record_lines(patient_id: str) -> list[str]:
    grouped: dict[tuple[str, str], list[float]] = {}
    for record in events.records(patient_id):
        grouped.setdefault((record.kind, record.event_type), []).append(record.time)
    lines = []
    for (kind, event_type), times in sorted(grouped.items()):
        lines.append(
            f"    {kind:<5} {event_type:<32} {len(times):>3} x  "
            f"{_when(min(times))} .. {_when(max(times))}"
        )
    return lines


def describe_catalog(catalog: Catalog = CATALOG, settings: SandboxSettings | None = None) -> str:
    """The catalogue as text: every id, parameter value and time range a query needs.

    Args:
        catalog: The catalogue (the sandbox's own by default).
        settings: The server's settings (sample rates); defaults when omitted.
    """
    settings = settings or SandboxSettings()
    lines = [
        f"Data from {_when(catalog.start_time)} to {_when(catalog.end_time)} "
        f"(start_time={catalog.start_time:.0f}, end_time={catalog.end_time:.0f}); "
        "none outside it.",
    ]
    for patient in catalog.patients.values():
        lines.append("")
        lines.append(f"  patient_id={patient.patient_id}")
        for device in patient.devices.values():
            lines += _device_lines(patient.patient_id, device, settings)
        lines.append("    events and spans (fetch event / span):")
        lines += _record_lines(patient.patient_id)
        for dataset in patient.datasets.values():
            streams = ", ".join(f"{name} ({size:,} B)" for name, size in dataset.streams.items())
            lines.append(f"    session_id={dataset.dataset_id}")
            lines.append(f"      stream_name: {streams}")
    return "\n".join(lines) + "\n"
