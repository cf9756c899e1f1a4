"""Patient events (points in time) and spans (ranges), classified ``namespace.category.enum``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from . import signals
from .catalog import DATA_START_S, DBS_ID, OTHER_WATCH_ID, PATIENT_ID, WATCH_ID
from .series import N_DAYS

DAY_S = 86_400


@dataclass(frozen=True)
class Record:
    """An event (``end`` is None) or a span."""

    id: str
    kind: str  # "event" or "span"
    event_type: str  # full dotted classification
    device_id: str
    time: float  # event time, or span start_time
    display_name: str
    payload: dict[str, Any] = field(default_factory=dict)
    created_time: float | None = None
    end: float | None = None
    start_min: float | None = None
    end_max: float | None = None

    @property
    def parts(self) -> tuple[str, str, str | None]:
        """(namespace, category, enum or None)."""
        bits = self.event_type.split(".")
        return bits[0], bits[1], bits[2] if len(bits) > 2 else None


def _rid(prefix: str, *parts: object) -> str:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()[:24]
    return f"{prefix}-{digest}"


def _jit(seed: int, *k: int) -> float:
    key = 0
    for v in k:
        key = key * 1009 + v
    return float(signals.uniform(np.array([key], dtype=np.int64), seed)[0])


@lru_cache(maxsize=8)
def records(patient_id: str) -> tuple[Record, ...]:
    """Every event and span of a patient, sorted by time then id."""
    watch = WATCH_ID if patient_id == PATIENT_ID else OTHER_WATCH_ID
    seed = signals.seed_of(patient_id, "events")
    out: list[Record] = []
    if patient_id == PATIENT_ID:
        t = float(DATA_START_S + 3600)
        out.append(
            Record(
                _rid("event", patient_id, "implant"),
                "event",
                "device.implant",
                DBS_ID,
                t,
                "Implant",
                {"model": "Percept PC"},
                created_time=t + 120,
            )
        )
    for day in range(N_DAYS):
        base = DATA_START_S + day * DAY_S
        for k, hour in enumerate((8, 13, 18)):
            t = round(base + hour * 3600 + _jit(seed, day, k) * 1800, 3)
            out.append(
                Record(
                    _rid("event", patient_id, day, "levodopa", k),
                    "event",
                    "patient.medication.levodopa",
                    watch,
                    t,
                    "Levodopa",
                    {"dose_mg": 100, "unit": "mg"},
                    created_time=round(t + 30.5, 3),
                )
            )
        t = round(base + 9 * 3600 + _jit(seed, day, 7) * 600, 3)
        out.append(
            Record(
                _rid("event", patient_id, day, "propranolol"),
                "event",
                "patient.medication.propranolol",
                watch,
                t,
                "Propranolol",
                {"dose_mg": 20, "unit": "mg"},
                created_time=round(t + 12.25, 3),
            )
        )
        for k in range(2):
            t = round(base + (10 + 6 * k) * 3600 + _jit(seed, day, 20 + k) * 3600, 3)
            severity = "mild" if _jit(seed, day, 30 + k) < 0.6 else "moderate"
            out.append(
                Record(
                    _rid("event", patient_id, day, "tremor", k),
                    "event",
                    "patient.symptom.tremor",
                    watch,
                    t,
                    "Tremor",
                    {"severity": severity},
                    created_time=round(t + 60, 3),
                )
            )
        if patient_id == PATIENT_ID:
            t = float(base + 12 * 3600)
            out.append(
                Record(
                    _rid("event", patient_id, day, "settings"),
                    "event",
                    "device.settings.change",
                    DBS_ID,
                    t,
                    "Settings change",
                    {"group": "A", "amplitude_ma": round(1.5 + _jit(seed, day, 40), 1)},
                    created_time=t + 5,
                )
            )
        # spans
        for k in range(2):
            start = float(base + (9 + 7 * k) * 3600 + int(_jit(seed, day, 50 + k) * 3600))
            end = start + 1200 + int(_jit(seed, day, 60 + k) * 1200)
            out.append(
                Record(
                    _rid("span", patient_id, day, "walk", k),
                    "span",
                    "patient.activity.walk",
                    watch,
                    start,
                    "Walk",
                    {"steps": int(end - start) * 2},
                    created_time=end + 10,
                    end=end,
                    start_min=start,
                    end_max=end,
                )
            )
        start = float(base + 23 * 3600)
        end = start + 7.5 * 3600
        out.append(
            Record(
                _rid("span", patient_id, day, "sleep"),
                "span",
                "patient.activity.sleep",
                watch,
                start,
                "Sleep",
                {"quality": "good" if day % 3 else "poor"},
                created_time=end + 60,
                end=end,
                start_min=start - 900,
                end_max=end + 1200,
            )
        )
        if day % 3 == 1:
            start = float(base + 15 * 3600)
            out.append(
                Record(
                    _rid("span", patient_id, day, "headache"),
                    "span",
                    "patient.symptom.headache",
                    watch,
                    start,
                    "Headache",
                    {"intensity": 3},
                    created_time=None,
                    end=start + 3600,
                    start_min=start,
                    end_max=start + 7200,
                )
            )
    out.sort(key=lambda r: (r.time, r.id))
    return tuple(out)


def matches_prefix(event_type: str, prefix: str | None) -> bool:
    """Whether a type is selected by a prefix of whole dot-separated components."""
    if not prefix:
        return True
    want = prefix.split(".")
    return event_type.split(".")[: len(want)] == want


def _num(t: float) -> float | int:
    return int(t) if float(t).is_integer() else t


def event_item(r: Record, fmt_time: Any) -> dict[str, Any]:
    """JSON object of an event."""
    ns, cat, enum = r.parts
    return {
        "time": fmt_time(r.time),
        "created_time": fmt_time(r.created_time),
        "device_id": r.device_id,
        "id": r.id,
        "event_namespace": ns,
        "event_type": cat,
        "event_enum": enum,
        "display_name": r.display_name,
        "payload": dict(r.payload),
    }


def span_item(r: Record, fmt_time: Any) -> dict[str, Any]:
    """JSON object of a span (``created_time`` is absent on some spans)."""
    ns, cat, enum = r.parts
    item: dict[str, Any] = {
        "start_time_min": fmt_time(r.start_min),
        "start_time": fmt_time(r.time),
        "end_time": fmt_time(r.end),
        "end_time_max": fmt_time(r.end_max),
    }
    if r.created_time is not None:
        item["created_time"] = fmt_time(r.created_time)
    item.update(
        {
            "device_id": r.device_id,
            "id": r.id,
            "event_namespace": ns,
            "event_type": cat,
            "event_enum": enum,
            "display_name": r.display_name,
            "payload": dict(r.payload),
        }
    )
    return item


def unix_number(t: float) -> float | int:
    """Unix time for JSON: an int when whole (as seen in the wild), else a float."""
    return _num(t)
