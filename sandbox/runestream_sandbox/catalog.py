"""The synthetic world: credentials, patients, devices, their streams and session datasets.

Everything here is static; the data values themselves come from :mod:`.signals` as pure
functions of (patient, device, stream, time).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

ACCESS_TOKEN_ID = "sandbox-access-token-id"
ACCESS_TOKEN_SECRET = "sandbox-access-token-secret"
CLIENT_KEY_ID = "sandbox-client-key-id"
CLIENT_ACCESS_KEY = "sandbox-client-access-key"

PATIENT_ID = "patient-0001"
OTHER_PATIENT_ID = "patient-0002"
WATCH_ID = "watch-0001"
DBS_ID = "dbs-0001"
SPECIAL_DEVICE_ID = "6*yEo_Mb2#phone"
OTHER_WATCH_ID = "watch-0002"

DATA_START = datetime(2024, 5, 1, tzinfo=UTC)
DATA_END = datetime(2024, 5, 9, tzinfo=UTC)
DATA_START_S = int(DATA_START.timestamp())
DATA_END_S = int(DATA_END.timestamp())
DATA_START_US = DATA_START_S * 1_000_000
DATA_END_US = DATA_END_S * 1_000_000

SEVERITIES = ("mild", "moderate", "none", "slight", "strong", "unknown")


def _dataset_id(name: str) -> str:
    return "dataset-" + hashlib.sha256(name.encode()).hexdigest()


DATASET_ID = _dataset_id("sandbox/patient-0001/watch-session-1")
OTHER_DATASET_ID = _dataset_id("sandbox/patient-0002/watch-session-1")


@dataclass(frozen=True)
class LfpChannel:
    """One LFP / band power sensing stream of an implant."""

    algorithm: str
    anatomy: str
    channel: str
    sensor: str


@dataclass(frozen=True)
class Device:
    """A device and the resources it records.

    ``resources`` uses the URL names: accel, rotation, heartrate, probability_symptom, lfp,
    band_power, state. Events and spans are per patient (see :class:`Patient`).
    """

    device_id: str
    kind: str
    resources: tuple[str, ...]
    user_gravity: bool = False
    symptoms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lfp_channels: tuple[LfpChannel, ...] = ()
    band_channels: tuple[LfpChannel, ...] = ()
    bands: tuple[str, ...] = ()
    state_events: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """A raw upload (session) of a patient: named streams of deterministic bytes."""

    dataset_id: str
    patient_id: str
    streams: dict[str, int]


@dataclass(frozen=True)
class Patient:
    """A patient with devices and session datasets."""

    patient_id: str
    devices: dict[str, Device]
    datasets: dict[str, Dataset]


@dataclass(frozen=True)
class Catalog:
    """Everything a test or demo needs to discover valid IDs and the span of data."""

    start_time: float
    end_time: float
    patients: dict[str, Patient]
    event_types: tuple[str, ...]
    span_types: tuple[str, ...]
    severities: tuple[str, ...] = SEVERITIES

    def device(self, patient_id: str, device_id: str) -> Device | None:
        """Return the device of a patient, or ``None``."""
        patient = self.patients.get(patient_id)
        return None if patient is None else patient.devices.get(device_id)

    def dataset(self, dataset_id: str) -> Dataset | None:
        """Return a dataset of any patient, or ``None``."""
        for patient in self.patients.values():
            if dataset_id in patient.datasets:
                return patient.datasets[dataset_id]
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly view (used by the CLI's ``--catalog``)."""

        def device(d: Device) -> dict[str, Any]:
            return {
                "device_id": d.device_id,
                "kind": d.kind,
                "resources": list(d.resources),
                "user_gravity": d.user_gravity,
                "symptoms": {k: list(v) for k, v in d.symptoms.items()},
                "lfp_channels": [c.__dict__ for c in d.lfp_channels],
                "band_channels": [c.__dict__ for c in d.band_channels],
                "bands": list(d.bands),
                "state_events": {k: list(v) for k, v in d.state_events.items()},
            }

        return {
            "start_time": self.start_time,
            "end_time": self.end_time,
            "event_types": list(self.event_types),
            "span_types": list(self.span_types),
            "patients": {
                p.patient_id: {
                    "devices": {d.device_id: device(d) for d in p.devices.values()},
                    "datasets": {s.dataset_id: dict(s.streams) for s in p.datasets.values()},
                }
                for p in self.patients.values()
            },
        }


_WATCH_RESOURCES = ("accel", "rotation", "heartrate", "probability_symptom")
_SYMPTOMS = {"tremor": SEVERITIES, "dyskinesia": ()}
_LFP = (
    LfpChannel("example-dbs-v2", "GPi", "0", "7-5"),
    LfpChannel("example-dbs-v2", "GPi", "1", "4-6"),
    LfpChannel("example-dbs-v2", "STN", "2", "0-2"),
    LfpChannel("example-dbs-v2", "STN", "3", "1-3"),
)
_BAND_CHANNELS = (
    LfpChannel("medtronic-percept-1", "GPi", "0", "7-5"),
    LfpChannel("medtronic-percept-1", "STN", "2", "0-2"),
)
_BANDS = ("16.4hz-19.8hz", "8.5hz-9.6hz")
_STATE_EVENTS = {
    "stimulation_state": ("ld0.threshold.low", "ld0.threshold.high", "amplitude_ma", "is_on"),
    "battery_state": ("battery_level",),
}

MB = 1024 * 1024


def _build() -> Catalog:
    watch = Device(WATCH_ID, "watch", _WATCH_RESOURCES, user_gravity=True, symptoms=_SYMPTOMS)
    dbs = Device(
        DBS_ID,
        "dbs",
        ("lfp", "band_power", "state"),
        lfp_channels=_LFP,
        band_channels=_BAND_CHANNELS,
        bands=_BANDS,
        state_events=_STATE_EVENTS,
    )
    phone = Device(SPECIAL_DEVICE_ID, "phone", ("accel", "rotation"))
    watch2 = Device(
        OTHER_WATCH_ID, "watch", _WATCH_RESOURCES, user_gravity=True, symptoms=_SYMPTOMS
    )
    ds1 = Dataset(
        DATASET_ID,
        PATIENT_ID,
        {"metadata": 1_234, "accel": 6 * MB + 321, "events": 20_000},
    )
    ds2 = Dataset(OTHER_DATASET_ID, OTHER_PATIENT_ID, {"metadata": 1_000, "accel": 100_000})
    p1 = Patient(PATIENT_ID, {d.device_id: d for d in (watch, dbs, phone)}, {DATASET_ID: ds1})
    p2 = Patient(OTHER_PATIENT_ID, {OTHER_WATCH_ID: watch2}, {OTHER_DATASET_ID: ds2})
    return Catalog(
        start_time=float(DATA_START_S),
        end_time=float(DATA_END_S),
        patients={p1.patient_id: p1, p2.patient_id: p2},
        event_types=(
            "patient.medication.levodopa",
            "patient.medication.propranolol",
            "patient.symptom.tremor",
            "device.implant",
            "device.settings.change",
        ),
        span_types=(
            "patient.activity.walk",
            "patient.activity.sleep",
            "patient.symptom.headache",
        ),
    )


CATALOG = _build()

CLIENT_KEY_PATIENT = PATIENT_ID
