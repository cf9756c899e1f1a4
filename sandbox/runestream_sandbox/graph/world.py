"""The metadata world the GraphQL API answers from: frozen, deterministic, built from the catalogue.

Everything derives from :data:`..catalog.CATALOG`, :data:`..v2.streams.STREAMS` and
:func:`..events.records`, plus a fixed set of extra patients (no stream data), projects, cohorts
and historic events, so the same world is built on every run and machine.

Ids (see ``sandbox/NOTES.md``, "GraphQL metadata world"):

- patient: the catalogue's ``patient-0001`` is the GraphQL (denormalized) id; its normalized id
  (runeq's ``Patient.normalize_id``) is ``0001``, which is what streams carry as ``patientId``;
- device: ``patient-0001,device-watch-0001`` (runeq's ``Device.denormalize_id``), normalized to
  the catalogue's short id ``watch-0001``;
- org: ``org-<40 hex>,org`` (runeq's ``Org.denormalize_id``), normalized to the 40 hex;
- user: ``user-<40 hex>,user``; projects and cohorts: UUIDs; events: ``event-<24 hex>``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache

from .. import events as catalog_events
from ..catalog import CATALOG, DATA_START_S, DBS_ID, PATIENT_ID, SPECIAL_DEVICE_ID
from ..v2.sources import time_range
from ..v2.streams import CREATED_AT as STREAM_CREATED_AT
from ..v2.streams import streams_with_copies
from ..v2.types import STREAM_TYPES, StreamType

__all__ = [
    "WORLD",
    "Cohort",
    "Device",
    "Event",
    "Membership",
    "Org",
    "Patient",
    "PatientAccess",
    "Project",
    "ProjectPatient",
    "Stream",
    "User",
    "World",
    "build_world",
    "device_graph_id",
    "normalize_org_id",
    "normalize_patient_id",
    "world_for",
]

DAY_S = 86_400
#: How far back the historic (pre-data-window) events reach, in days before the data window.
HISTORY_DAYS = 120


def _ts(year: int, month: int, day: int, hour: int = 0) -> float:
    return datetime(year, month, day, hour, tzinfo=UTC).timestamp()


def _hex(*parts: object, n: int = 40) -> str:
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()[:n]


def _uuid(*parts: object) -> str:
    name = "runestream-sandbox/" + "/".join(str(p) for p in parts)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def normalize_patient_id(patient_id: str) -> str:
    """runeq's ``Patient.normalize_id``: strip one ``patient-`` prefix."""
    return patient_id[8:] if patient_id.startswith("patient-") else patient_id


def normalize_org_id(org_id: str) -> str:
    """runeq's ``Org.normalize_id``: strip ``org-`` and ``,org``."""
    if org_id.startswith("org-"):
        org_id = org_id[4:]
    if org_id.endswith(",org"):
        org_id = org_id[:-4]
    return org_id


def device_graph_id(patient_id: str, short_id: str) -> str:
    """The GraphQL device id (runeq's ``Device.denormalize_id``)."""
    return f"patient-{normalize_patient_id(patient_id)},device-{short_id}"


@dataclass(frozen=True)
class Org:
    """An organization. ``id`` is the GraphQL form ``org-<hex>,org``."""

    id: str
    name: str
    created: float
    tags: tuple[str, ...]

    @property
    def short_id(self) -> str:
        """The normalized id (the 40 hex)."""
        return normalize_org_id(self.id)


@dataclass(frozen=True)
class Membership:
    """The user's membership in one org."""

    id: str
    org_id: str
    created: float


@dataclass(frozen=True)
class User:
    """The one user every credential acts as."""

    id: str
    created: float
    display_name: str
    email: str
    memberships: tuple[Membership, ...]
    default_org_id: str


@dataclass(frozen=True)
class PatientAccess:
    """Which org sees a patient, and since/until when (what project patients read)."""

    org_id: str
    start_time: float | None
    end_time: float | None
    created_at: float


@dataclass(frozen=True)
class Device:
    """A patient's device. ``short_id`` is the normalized id (may hold ``#``, ``*``, ``_``)."""

    short_id: str
    alias: str
    device_type_id: str
    created_at: float
    updated_at: float
    disabled: bool = False
    disabled_at: float | None = None


@dataclass(frozen=True)
class Patient:
    """A patient. ``id`` is the normalized id (``0001``); :attr:`graph_id` the prefixed one."""

    id: str
    code_name: str
    created_at: float
    devices: tuple[Device, ...]
    access: tuple[PatientAccess, ...]
    catalog_id: str | None = None

    @property
    def graph_id(self) -> str:
        """``patient-<id>`` (runeq's ``Patient.denormalize_id``)."""
        return f"patient-{self.id}"

    def org_ids(self) -> frozenset[str]:
        """Orgs with an access entry for this patient."""
        return frozenset(a.org_id for a in self.access)


@dataclass(frozen=True)
class Stream:
    """A V2 stream as GraphQL lists it (``patient_id`` normalized, ``device_id`` GraphQL form)."""

    id: str
    patient_id: str
    device_id: str
    stream_type: StreamType
    algorithm: str
    parameters: tuple[tuple[str, str], ...]
    min_time: float | None
    max_time: float | None
    created_at: float


@dataclass(frozen=True)
class ProjectPatient:
    """A patient's membership in a project or cohort."""

    patient_id: str
    code_name: str
    created_at: float
    updated_at: float
    created_by: str
    updated_by: str


@dataclass(frozen=True)
class Cohort:
    """A group of a project's patients."""

    id: str
    project_id: str
    title: str
    description: str
    created_at: float
    updated_at: float
    created_by: str
    updated_by: str
    patients: tuple[ProjectPatient, ...]


@dataclass(frozen=True)
class Project:
    """A project of one org, with cohorts and patients."""

    id: str
    org_id: str
    title: str
    status: str
    description: str
    type: str
    created_at: float
    updated_at: float
    started_at: float
    created_by: str
    updated_by: str
    cohorts: tuple[Cohort, ...]
    patients: tuple[ProjectPatient, ...]


@dataclass(frozen=True)
class Event:
    """A patient event (runeq's ``event.py``): a point (``end_time`` None) or a duration."""

    id: str
    patient_id: str
    namespace: str
    category: str
    enum: str | None
    display_name: str
    method: str | None
    payload: str  # a JSON object as text (runeq ``json.loads`` it)
    tags: tuple[str, ...]
    start_time: float
    end_time: float | None
    end_time_max: float | None
    created_at: float
    updated_at: float
    custom_display_name: str | None = None
    start_time_min: float | None = None


@dataclass(frozen=True)
class World:
    """The whole metadata world (lookups are cached properties)."""

    user: User
    orgs: tuple[Org, ...]
    patients: tuple[Patient, ...]
    streams: tuple[Stream, ...]
    stream_types: tuple[StreamType, ...]
    projects: tuple[Project, ...]
    events: tuple[Event, ...]

    @cached_property
    def orgs_by_id(self) -> dict[str, Org]:
        """Org by normalized id."""
        return {o.short_id: o for o in self.orgs}

    @cached_property
    def patients_by_id(self) -> dict[str, Patient]:
        """Patient by normalized id."""
        return {p.id: p for p in self.patients}

    @cached_property
    def streams_by_id(self) -> dict[str, Stream]:
        """Stream by id."""
        return {s.id: s for s in self.streams}

    @cached_property
    def projects_by_id(self) -> dict[str, Project]:
        """Project by id."""
        return {p.id: p for p in self.projects}

    @cached_property
    def cohorts_by_id(self) -> dict[str, Cohort]:
        """Cohort by id."""
        return {c.id: c for p in self.projects for c in p.cohorts}

    @cached_property
    def events_by_patient(self) -> dict[str, tuple[Event, ...]]:
        """Each patient's events, sorted by (start time, id)."""
        out: dict[str, list[Event]] = {p.id: [] for p in self.patients}
        for e in self.events:
            out[e.patient_id].append(e)
        return {k: tuple(sorted(v, key=lambda e: (e.start_time, e.id))) for k, v in out.items()}

    def org(self, org_id: str) -> Org | None:
        """The org with this id (any form), or ``None``."""
        return self.orgs_by_id.get(normalize_org_id(org_id))

    def patient(self, patient_id: str) -> Patient | None:
        """The patient with this id (``patient-0001`` or ``0001``), or ``None``."""
        return self.patients_by_id.get(normalize_patient_id(patient_id))


# --- construction -------------------------------------------------------------------------

_USER_NAME = "Sandbox User"
_COORDINATOR = "Study Coordinator"

_DEVICE_TYPES = {"watch": "apple-watch", "dbs": "medtronic-percept-pc", "phone": "strivepd-ios"}
_ALIASES = {"watch": "Apple Watch", "dbs": "Percept PC", "phone": "StrivePD phone"}

#: Extra patients (no stream data): normalized id -> number of devices.
_EXTRA_PATIENTS = {f"{n:04d}": (7 if n == 3 else 1 + n % 2) for n in range(3, 13)}


def _orgs() -> tuple[Org, Org]:
    lab = Org(
        f"org-{_hex('org', 'lab')},org",
        "Sandbox Research Lab",
        _ts(2023, 1, 10),
        ("research", "sandbox"),
    )
    clinic = Org(f"org-{_hex('org', 'clinic')},org", "Sandbox Movement Clinic", _ts(2023, 3, 2), ())
    return lab, clinic


def _user(orgs: tuple[Org, ...]) -> User:
    memberships = tuple(
        Membership(f"membership-{_hex('membership', o.id, n=24)}", o.id, o.created + DAY_S)
        for o in orgs
    )
    return User(
        id=f"user-{_hex('user', 'sandbox')},user",
        created=_ts(2023, 1, 11),
        display_name=_USER_NAME,
        email="sandbox.user@example.org",
        memberships=memberships,
        default_org_id=orgs[0].id,
    )


def _catalog_devices(catalog_id: str) -> list[Device]:
    out: list[Device] = []
    for i, dev in enumerate(CATALOG.patients[catalog_id].devices.values()):
        created = _ts(2024, 1, 15) + i * 3600
        out.append(
            Device(
                dev.device_id,
                _ALIASES[dev.kind],
                _DEVICE_TYPES[dev.kind],
                created,
                created + 30 * DAY_S,
            )
        )
    return out


def _extra_devices(pid: str, count: int) -> list[Device]:
    n = int(pid)
    out: list[Device] = []
    for k in range(count):
        kind = ("phone", "watch")[k % 2]
        if kind == "phone":
            short = f"strive#{n:04d}" if k == 0 else f"strive#{n:04d}_{k}"
        else:
            short = f"aw_{n}*{k}"
        created = _ts(2024, 2, 1) + n * DAY_S + k * 3600
        disabled = k == count - 1 and count > 2
        out.append(
            Device(
                short,
                f"{_ALIASES[kind]} {k + 1}",
                _DEVICE_TYPES[kind],
                created,
                created + (20 if disabled else 5) * DAY_S,
                disabled=disabled,
                disabled_at=created + 20 * DAY_S if disabled else None,
            )
        )
    return out


def _patients(lab: Org, clinic: Org) -> tuple[Patient, ...]:
    out: list[Patient] = []
    # org membership: the lab sees 0001..0009 (two pages of 5), the clinic 0001, 0002 and
    # 0010..0012 (exactly one page of 5)
    for catalog_id in CATALOG.patients:
        pid = normalize_patient_id(catalog_id)
        devices = _catalog_devices(catalog_id)
        if catalog_id == PATIENT_ID:
            retired = _ts(2024, 1, 10)
            devices.append(
                Device(
                    "old_watch#0001",
                    "Apple Watch (retired)",
                    "apple-watch",
                    retired,
                    retired + 5 * DAY_S,
                    disabled=True,
                    disabled_at=retired + 5 * DAY_S,
                )
            )
        created = _ts(2024, 1, 2) + int(pid) * DAY_S
        access: tuple[PatientAccess, ...] = (
            PatientAccess(lab.id, created, None, created),
            PatientAccess(clinic.id, created + 7 * DAY_S, None, created + 7 * DAY_S),
        )
        out.append(Patient(pid, f"SBX-{pid}", created, tuple(devices), access, catalog_id))
    for pid, n_devices in _EXTRA_PATIENTS.items():
        n = int(pid)
        created = _ts(2024, 1, 2) + n * DAY_S
        org = lab if n <= 9 else clinic
        end = _ts(2024, 4, 15) if n == 8 else None
        access = (PatientAccess(org.id, created, end, created),)
        out.append(
            Patient(pid, f"SBX-{pid}", created, tuple(_extra_devices(pid, n_devices)), access)
        )
    return tuple(out)


def _streams(copies: int) -> tuple[Stream, ...]:
    out: list[Stream] = []
    for s in streams_with_copies(copies).values():
        lo, hi = time_range(s)
        out.append(
            Stream(
                id=s.id,
                patient_id=normalize_patient_id(s.patient_id),
                device_id=device_graph_id(s.patient_id, s.device_id),
                stream_type=s.stream_type,
                algorithm=s.algorithm,
                parameters=tuple(s.parameters.items()),
                min_time=lo,
                max_time=hi,
                created_at=STREAM_CREATED_AT,
            )
        )
    return tuple(out)


def _members(
    patients: list[Patient], prefix: str, created: float, by: str
) -> tuple[ProjectPatient, ...]:
    return tuple(
        ProjectPatient(
            p.id,
            f"{prefix}-{i + 1:03d}",
            created + i * 3600,
            created + i * 3600 + DAY_S,
            by,
            _USER_NAME if i % 2 else by,
        )
        for i, p in enumerate(patients)
    )


def _projects(lab: Org, clinic: Org, patients: tuple[Patient, ...]) -> tuple[Project, ...]:
    def seen_by(org: Org) -> list[Patient]:
        return [p for p in patients if org.id in p.org_ids()]

    lab_patients = seen_by(lab)
    clinic_patients = seen_by(clinic)

    def project(
        org: Org,
        key: str,
        title: str,
        kind: str,
        status: str,
        created: float,
        members: list[Patient],
        cohorts: list[tuple[str, str, list[Patient]]],
    ) -> Project:
        pid = _uuid("project", key)
        pps = _members(members, key.upper(), created + DAY_S, _COORDINATOR)
        by_patient = {pp.patient_id: pp for pp in pps}
        cohort_objs = tuple(
            Cohort(
                id=_uuid("cohort", key, ckey),
                project_id=pid,
                title=ctitle,
                description=f"{ctitle} patients of {title}",
                created_at=created + 2 * DAY_S,
                updated_at=created + 3 * DAY_S,
                created_by=_COORDINATOR,
                updated_by=_USER_NAME,
                patients=tuple(by_patient[p.id] for p in cmembers),
            )
            for ckey, ctitle, cmembers in cohorts
        )
        return Project(
            id=pid,
            org_id=org.id,
            title=title,
            status=status,
            description=f"{title} ({kind.lower().replace('_', ' ')})",
            type=kind,
            created_at=created,
            updated_at=created + 10 * DAY_S,
            started_at=created + 7 * DAY_S,
            created_by=_COORDINATOR,
            updated_by=_USER_NAME,
            cohorts=cohort_objs,
            patients=pps,
        )

    return (
        project(
            lab,
            "aDBS",
            "Adaptive DBS pilot",
            "CLINICAL_TRIAL",
            "ACTIVE",
            _ts(2024, 1, 20),
            lab_patients,
            [
                ("tremor", "Tremor dominant", lab_patients[:7]),
                ("pigd", "Gait and balance", lab_patients[6:9]),
            ],
        ),
        project(
            lab,
            "wear",
            "Wearables feasibility",
            "EXPLORATORY",
            "ACTIVE",
            _ts(2024, 2, 5),
            lab_patients[:4],
            [("all", "All wearers", lab_patients[:4])],
        ),
        project(
            lab,
            "retro",
            "Retrospective review",
            "RETROSPECTIVE_STUDY",
            "COMPLETED",
            _ts(2024, 3, 1),
            lab_patients[4:6],
            [],
        ),
        project(
            clinic,
            "clinic",
            "Clinic follow-up",
            "PROSPECTIVE_STUDY",
            "ACTIVE",
            _ts(2024, 1, 25),
            clinic_patients,
            [("followup", "Follow-up", clinic_patients[1:4])],
        ),
    )


def _event(
    patient_id: str,
    key: tuple[object, ...],
    kind: str,
    display_name: str,
    start: float,
    *,
    end: float | None = None,
    end_max: float | None = None,
    start_min: float | None = None,
    payload: dict[str, object] | None = None,
    method: str | None = "manual",
    tags: tuple[str, ...] = (),
    created: float | None = None,
    custom_display_name: str | None = None,
) -> Event:
    bits = kind.split(".")
    created_at = created if created is not None else (end or start) + 60
    return Event(
        id=f"event-{_hex('graph-event', patient_id, *key, n=24)}",
        patient_id=patient_id,
        namespace=bits[0],
        category=bits[1],
        enum=bits[2] if len(bits) > 2 else None,
        display_name=display_name,
        method=method,
        payload=json.dumps(payload or {}, sort_keys=True),
        tags=tags,
        start_time=start,
        end_time=end,
        end_time_max=end_max,
        created_at=created_at,
        updated_at=created_at + (3600 if len(key) % 2 else 0),
        custom_display_name=custom_display_name,
        start_time_min=start_min,
    )


def _catalog_window_events(patient: Patient) -> list[Event]:
    """The catalogue's events and spans of the data window, as GraphQL events."""
    assert patient.catalog_id is not None
    out: list[Event] = []
    for r in catalog_events.records(patient.catalog_id):
        out.append(
            _event(
                patient.id,
                ("catalog", r.id),
                r.event_type,
                r.display_name,
                r.time,
                end=r.end,
                end_max=r.end_max if r.kind == "span" else None,
                start_min=r.start_min if r.kind == "span" else None,
                payload=dict(r.payload),
                method="device" if r.device_id == DBS_ID else "manual",
                tags=(r.event_type.split(".")[1],),
                created=r.created_time,
            )
        )
    return out


def _history_events(patient: Patient) -> list[Event]:
    """Older events reaching back :data:`HISTORY_DAYS` days before the data window.

    Daily medication logs (alternating autolog/manual; one custom medication a week), a
    weekly wellbeing note (no enum), a monthly clinic visit (a one-hour duration).
    """
    n = int(patient.id)
    out: list[Event] = []
    for back in range(HISTORY_DAYS, 0, -1):
        day = DATA_START_S - back * DAY_S
        start = float(day + 8 * 3600 + (n * 97 + back * 31) % 1800)
        custom = back % 7 == 0
        out.append(
            _event(
                patient.id,
                ("med", back),
                "patient.medication.levodopa",
                "Levodopa",
                start,
                payload={"dose_mg": 100, "unit": "mg"},
                method="autolog" if back % 2 else "manual",
                tags=("medication",),
                custom_display_name="Levodopa ER (custom)" if custom else None,
            )
        )
        if back % 7 == 3:
            out.append(
                _event(
                    patient.id,
                    ("note", back),
                    "patient.wellbeing",
                    "Wellbeing note",
                    float(day + 20 * 3600),
                    payload={"mood": 3 + back % 3},
                    tags=(),
                )
            )
        if back % 30 == 15:
            visit = float(day + 14 * 3600)
            out.append(
                _event(
                    patient.id,
                    ("visit", back),
                    "clinic.visit.in_person",
                    "Clinic visit",
                    visit,
                    end=visit + 3600,
                    payload={"clinician": "Dr. Sandbox"},
                    method="clinician",
                    tags=("clinic", "visit"),
                )
            )
    if patient.catalog_id is None:
        # something inside the data window for the extra patients too
        t = float(DATA_START_S + 2 * DAY_S + 10 * 3600)
        out.append(
            _event(
                patient.id,
                ("walk",),
                "patient.activity.walk",
                "Walk",
                t,
                end=t + 1800,
                payload={"steps": 3600},
                method="healthkit",
                tags=("activity",),
            )
        )
    return out


def build_world(stream_copies: int = 0) -> World:
    """Build the world (deterministic: equal on every call); ``stream_copies`` as
    :attr:`~..settings.SandboxSettings.stream_copies` (only the streams differ)."""
    lab, clinic = _orgs()
    patients = _patients(lab, clinic)
    events: list[Event] = []
    for p in patients:
        events += _history_events(p)
        if p.catalog_id is not None:
            events += _catalog_window_events(p)
    return World(
        user=_user((lab, clinic)),
        orgs=(lab, clinic),
        patients=patients,
        streams=_streams(stream_copies),
        stream_types=tuple(STREAM_TYPES.values()),
        projects=_projects(lab, clinic, patients),
        events=tuple(events),
    )


#: The world of the sandbox.
WORLD = build_world()


@lru_cache(maxsize=8)
def world_for(stream_copies: int) -> World:
    """The world of an app with ``SandboxSettings.stream_copies`` (0: :data:`WORLD` itself)."""
    return WORLD if stream_copies == 0 else build_world(stream_copies)


#: The GraphQL ids of the catalogue's special device (``#``, ``*``, ``_`` in its short id).
SPECIAL_DEVICE_GRAPH_ID = device_graph_id(PATIENT_ID, SPECIAL_DEVICE_ID)
