"""The V2 stream catalogue: every V1 resource of every device as one or more streams.

Each stream has a stable 64-hex id (SHA-256 of patient, device, stream type, algorithm and the
sorted parameters), so ids never change between runs, machines or sandbox versions that keep
the same world. The values themselves come from the V1 generators (:mod:`..series`,
:mod:`..state`, :mod:`..events`): V1 and V2 describe the same data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .. import events as ev
from ..catalog import CATALOG, DATA_START_S, SEVERITIES, Device
from .types import STREAM_TYPES, StreamType

#: ``created_at`` of every stream (a day before the data starts).
CREATED_AT = float(DATA_START_S - 86_400)

_AXES = ("x", "y", "z")
_ACCEL_VARIANTS = {"accel": "acceleration", "user": "user_acceleration", "gravity": "gravity"}
_STATE_TYPES = {
    "ld0.threshold.low": "threshold",
    "ld0.threshold.high": "threshold",
    "amplitude_ma": "current",
    "is_on": "stimulation_status",
    "battery_level": "battery_level",
}


@dataclass(frozen=True)
class Recipe:
    """How the sandbox generates a stream's points from the V1 world.

    ``kind`` is ``accel``, ``rotation``, ``heartrate``, ``probability``, ``severity``,
    ``duration``, ``lfp``, ``band_power``, ``state``, ``event`` or ``span``; ``args`` says which
    part (axis, accel variant, symptom, severity, channel index, state event and field, event
    type).
    """

    kind: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Stream:
    """Metadata of one stream (what the GraphQL API would list) plus its recipe.

    Streams are singletons of :data:`STREAMS`: equality and hashing are by identity.
    """

    id: str
    patient_id: str
    device_id: str
    stream_type: StreamType
    algorithm: str
    parameters: dict[str, str]
    recipe: Recipe

    def to_dict(self) -> dict[str, Any]:
        """runeq's ``StreamMetadata.to_dict()`` form (``min_time``/``max_time`` in unix s)."""
        from .sources import time_range

        lo, hi = time_range(self)
        return {
            "id": self.id,
            "created_at": CREATED_AT,
            "algorithm": self.algorithm,
            "device_id": self.device_id,
            "patient_id": self.patient_id,
            "stream_type": self.stream_type.to_dict(),
            "min_time": lo,
            "max_time": hi,
            "parameters": dict(self.parameters),
        }


def stream_id(
    patient_id: str, device_id: str, type_id: str, algorithm: str, parameters: dict[str, str]
) -> str:
    """The stable 64-hex id of a stream."""
    key = "\x1f".join(
        [patient_id, device_id, type_id, algorithm]
        + [f"{k}={v}" for k, v in sorted(parameters.items())]
    )
    return hashlib.sha256(key.encode()).hexdigest()


def _make(
    patient_id: str,
    device_id: str,
    type_id: str,
    algorithm: str,
    parameters: dict[str, str],
    recipe: Recipe,
) -> Stream:
    sid = stream_id(patient_id, device_id, type_id, algorithm, parameters)
    return Stream(sid, patient_id, device_id, STREAM_TYPES[type_id], algorithm, parameters, recipe)


def _device_streams(patient_id: str, device: Device) -> list[Stream]:
    out: list[Stream] = []
    dev = device.device_id
    kind = device.kind
    if "accel" in device.resources:
        variants = ("accel", "user", "gravity") if device.user_gravity else ("accel",)
        for variant in variants:
            for axis in _AXES:
                params = {
                    "category": "kinematics",
                    "measurement": _ACCEL_VARIANTS[variant],
                    "axis": axis,
                }
                out.append(
                    _make(
                        patient_id,
                        dev,
                        "acceleration",
                        f"{kind}-motion-1",
                        params,
                        Recipe("accel", (variant, axis)),
                    )
                )
    if "rotation" in device.resources:
        for axis in _AXES:
            params = {"category": "kinematics", "measurement": "rotation", "axis": axis}
            out.append(
                _make(
                    patient_id,
                    dev,
                    "angular_velocity",
                    f"{kind}-motion-1",
                    params,
                    Recipe("rotation", (axis,)),
                )
            )
    if "heartrate" in device.resources:
        params = {"category": "vitals", "measurement": "heart_rate"}
        out.append(
            _make(patient_id, dev, "heart_rate", f"{kind}-vitals-1", params, Recipe("heartrate"))
        )
    if "probability_symptom" in device.resources:
        algorithm = f"{kind}-symptom-1"
        for symptom, severities in device.symptoms.items():
            params = {"category": "symptom", "measurement": symptom}
            out.append(
                _make(
                    patient_id,
                    dev,
                    "probability",
                    algorithm,
                    params,
                    Recipe("probability", (symptom,)),
                )
            )
            out.append(
                _make(
                    patient_id, dev, "duration", algorithm, params, Recipe("duration", (symptom,))
                )
            )
            for severity in severities:
                sev_params = {**params, "severity": severity}
                out.append(
                    _make(
                        patient_id,
                        dev,
                        "probability",
                        algorithm,
                        sev_params,
                        Recipe("severity", (symptom, severity)),
                    )
                )
    if "lfp" in device.resources:
        for i, ch in enumerate(device.lfp_channels):
            params = {
                "category": "neural",
                "measurement": "lfp",
                "anatomy": ch.anatomy,
                "channel": ch.channel,
                "sensor": ch.sensor,
            }
            out.append(
                _make(patient_id, dev, "voltage", ch.algorithm, params, Recipe("lfp", (str(i),)))
            )
    if "band_power" in device.resources:
        i = 0
        for ch in device.band_channels:
            for band in device.bands:
                params = {
                    "category": "neural",
                    "measurement": "band_power",
                    "anatomy": ch.anatomy,
                    "band": band,
                    "channel": ch.channel,
                    "sensor": ch.sensor,
                }
                out.append(
                    _make(
                        patient_id,
                        dev,
                        "power",
                        ch.algorithm,
                        params,
                        Recipe("band_power", (str(i),)),
                    )
                )
                i += 1
    if "state" in device.resources:
        for event, fields in device.state_events.items():
            for name in fields:
                params = {"category": "device_state", "measurement": name, "event": event}
                out.append(
                    _make(
                        patient_id,
                        dev,
                        _STATE_TYPES[name],
                        f"{kind}-state-1",
                        params,
                        Recipe("state", (event, name)),
                    )
                )
    return out


def _record_streams(patient_id: str) -> list[Stream]:
    seen: dict[tuple[str, str, str], None] = {}
    for r in ev.records(patient_id):
        seen.setdefault((r.kind, r.device_id, r.event_type), None)
    out: list[Stream] = []
    for kind, device_id, event_type in seen:
        params = {"category": kind, "measurement": event_type}
        out.append(
            _make(
                patient_id,
                device_id,
                kind,
                "patient-records-1",
                params,
                Recipe(kind, (event_type,)),
            )
        )
    return out


def _build() -> dict[str, Stream]:
    streams: list[Stream] = []
    for patient in CATALOG.patients.values():
        for device in patient.devices.values():
            streams += _device_streams(patient.patient_id, device)
        streams += _record_streams(patient.patient_id)
    by_id = {s.id: s for s in streams}
    assert len(by_id) == len(streams), "stream ids must be unique"
    return by_id


#: Every stream of the sandbox by id (insertion order: patient, device, resource).
STREAMS: dict[str, Stream] = _build()

#: The parameter that tells a copy from its stream (``SandboxSettings.stream_copies``).
COPY_PARAMETER = "copy"


@lru_cache(maxsize=8)
def streams_with_copies(copies: int = 0) -> dict[str, Stream]:
    """:data:`STREAMS`, then ``copies`` copies of every stream (``SandboxSettings.stream_copies``).

    Copy ``n`` of a stream has its patient, device, stream type, algorithm and recipe (the same
    points) and the parameters plus ``copy=str(n)``, so its own stable id. Copies come after
    the catalogue's streams, copy 1 of every stream first. ``copies=0`` is :data:`STREAMS`
    itself.
    """
    if copies == 0:
        return STREAMS
    out = dict(STREAMS)
    for n in range(1, copies + 1):
        for s in STREAMS.values():
            params = {**s.parameters, COPY_PARAMETER: str(n)}
            copy = _make(s.patient_id, s.device_id, s.stream_type.id, s.algorithm, params, s.recipe)
            out[copy.id] = copy
    assert len(out) == len(STREAMS) * (copies + 1), "stream ids must be unique"
    return out


#: Severity names of per-severity probability streams (as in V1).
SEVERITY_NAMES = SEVERITIES


def find_streams(
    patient_id: str | None = None,
    device_id: str | None = None,
    stream_type_id: str | None = None,
    algorithm: str | None = None,
    **parameters: str,
) -> list[Stream]:
    """Streams matching every given filter (exact string match, like runeq's ``filter``)."""
    out = []
    for s in STREAMS.values():
        if patient_id is not None and s.patient_id != patient_id:
            continue
        if device_id is not None and s.device_id != device_id:
            continue
        if stream_type_id is not None and s.stream_type.id != stream_type_id:
            continue
        if algorithm is not None and s.algorithm != algorithm:
            continue
        if any(s.parameters.get(k) != v for k, v in parameters.items()):
            continue
        out.append(s)
    return out


def find_stream(**filters: str) -> Stream:
    """The one stream matching the filters of :func:`find_streams`; ``LookupError`` otherwise."""
    found = find_streams(**filters)
    if len(found) != 1:
        raise LookupError(f"{len(found)} streams match {filters}")
    return found[0]


def stream_catalog() -> list[dict[str, Any]]:
    """Every stream as a JSON-friendly dict (runeq's ``StreamMetadata.to_dict()`` form)."""
    return [s.to_dict() for s in STREAMS.values()]
