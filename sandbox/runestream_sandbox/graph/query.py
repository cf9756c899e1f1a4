"""The GraphQL query layer: pure functions over a :class:`~.world.World` answering each field.

Every function returns plain dicts keyed by **GraphQL field names** (camelCase, as runeq 0.18.1
selects them before aliasing). Fields that take arguments (``membershipList(cursor)``,
``deviceList(cursor)``, ``eventList(...)``, ``patientAccessList(cursor)``,
``projectList(cursor)``, ``projectPatientList(cursorInput)``, ``cohortPatientList(cursorInput)``)
are *not* inside their parent's dict: each has its own function, given the parent's id, so a
resolver can pass the arguments on.

Scoping: the active org (:class:`GraphState`, per credential) decides what is visible: its
patients (those with an access entry for it), their devices, streams and events, and its
projects and cohorts. Anything else is reported exactly like an unknown id.

Errors: :class:`GraphNotFound` for unknown (or invisible) ids, :class:`GraphBadRequest` for bad
arguments (garbled or foreign cursors, too many ids, too long an event window).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..v2.types import StreamType
from .world import (
    Cohort,
    Device,
    Event,
    Org,
    Patient,
    PatientAccess,
    Project,
    ProjectPatient,
    Stream,
    World,
    normalize_org_id,
    normalize_patient_id,
)

__all__ = [
    "GraphBadRequest",
    "GraphError",
    "GraphNotFound",
    "GraphSettings",
    "GraphState",
    "cohort",
    "cohort_patient_list",
    "current_user",
    "device_list",
    "event_list",
    "membership_list",
    "org",
    "patient",
    "patient_access_list",
    "project",
    "project_list",
    "project_patient_list",
    "stream_list",
    "stream_list_by_ids",
    "stream_type_list",
    "update_default_membership",
]

T = TypeVar("T")
JSON = dict[str, Any]


class GraphError(Exception):
    """An error the GraphQL layer reports in ``errors`` (``extensions.code`` = :attr:`code`)."""

    code = "InternalError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GraphNotFound(GraphError):
    """An unknown id, or one the active org cannot see."""

    code = "NotFoundError"


class GraphBadRequest(GraphError):
    """Invalid arguments: a garbled or foreign cursor, too many ids, too long a window."""

    code = "BadRequestError"


@dataclass(frozen=True)
class GraphSettings:
    """Page sizes and limits of the GraphQL layer (small, so clients and tests cross pages).

    Attributes:
        membership_page_size: memberships per page of ``user.membershipList``.
        patient_page_size: entries per page of ``org.patientAccessList``.
        device_page_size: devices per page of ``patient.deviceList``.
        project_page_size: projects per page of ``org.projectList``.
        project_patient_page_size: patients per page of ``projectPatientList`` and
            ``cohortPatientList``.
        stream_page_size: streams per page of ``streamList``.
        event_page_size: events per page of ``patient.eventList``.
        max_stream_ids: most ids one ``streamListByIds`` takes.
        max_event_window_s: longest ``eventList`` window (``endTime - startTime``), seconds.
        prefixed_patient_ids: answer ``Patient.id`` as ``patient-0001`` instead of ``0001``
            (off: runeq keeps ``Patient.id`` as answered and compares it with the streams'
            ``patientId``, which is normalized).
        cursor_secret: key that signs cursors (stable across restarts).
    """

    membership_page_size: int = 1
    patient_page_size: int = 5
    device_page_size: int = 5
    project_page_size: int = 2
    project_patient_page_size: int = 5
    stream_page_size: int = 20
    event_page_size: int = 20
    max_stream_ids: int = 100
    max_event_window_s: float = 90 * 86_400
    prefixed_patient_ids: bool = False
    cursor_secret: str = "runestream-sandbox-graph-cursor"


DEFAULT_SETTINGS = GraphSettings()


@dataclass
class GraphState:
    """Mutable per-credential state: the active org (``updateDefaultMembership`` switches it).

    ``active_org_id`` is the org's GraphQL id (``org-<hex>,org``).
    """

    active_org_id: str

    @classmethod
    def initial(cls, world: World) -> GraphState:
        """The state of a fresh credential: the user's default membership is active."""
        return cls(world.user.default_org_id)


# --- cursors ---------------------------------------------------------------------------------


def _scope_hash(scope: Sequence[object]) -> str:
    return hashlib.sha256(json.dumps(list(scope), sort_keys=True).encode()).hexdigest()[:16]


def _sign(settings: GraphSettings, body: str) -> str:
    key = settings.cursor_secret.encode()
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:24]


def encode_cursor(settings: GraphSettings, scope: Sequence[object], position: object) -> str:
    """An opaque cursor: urlsafe base64 of ``{"s": scope hash, "p": position, "h": hmac}``."""
    body = json.dumps({"s": _scope_hash(scope), "p": position}, sort_keys=True)
    raw = json.dumps({"b": body, "h": _sign(settings, body)}, sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(settings: GraphSettings, scope: Sequence[object], cursor: str) -> Any:
    """The position of a cursor made by :func:`encode_cursor` for the same scope."""
    if not isinstance(cursor, str) or not cursor:
        raise GraphBadRequest(f"invalid cursor: {cursor!r}")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        outer = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        body, sig = outer["b"], outer["h"]
        if not isinstance(body, str) or not isinstance(sig, str):
            raise ValueError
        inner = json.loads(body)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, binascii.Error):
        raise GraphBadRequest(f"invalid cursor: {cursor!r}") from None
    if not hmac.compare_digest(sig, _sign(settings, body)):
        raise GraphBadRequest(f"invalid cursor: {cursor!r}")
    if inner.get("s") != _scope_hash(scope):
        raise GraphBadRequest("cursor does not belong to this list (arguments or org changed)")
    return inner.get("p")


def _page_offset(
    items: Sequence[T],
    size: int,
    settings: GraphSettings,
    scope: Sequence[object],
    cursor: str | None,
) -> tuple[Sequence[T], str | None]:
    """One page by offset; the end cursor is ``None`` on the last page."""
    start = 0
    if cursor is not None:
        position = decode_cursor(settings, scope, cursor)
        if not isinstance(position, int) or isinstance(position, bool):
            raise GraphBadRequest(f"invalid cursor: {cursor!r}")
        if not 0 < position < len(items):
            raise GraphBadRequest(f"invalid cursor: {cursor!r}")
        start = position
    end = start + size
    page = items[start:end]
    return page, (encode_cursor(settings, scope, end) if end < len(items) else None)


def _page_keyset(
    items: Sequence[T],
    key: Callable[[T], list[Any]],
    size: int,
    settings: GraphSettings,
    scope: Sequence[object],
    cursor: str | None,
) -> tuple[Sequence[T], str | None]:
    """One page after the key of the last item seen (``items`` sorted by ``key``, unique)."""
    start = 0
    if cursor is not None:
        position = decode_cursor(settings, scope, cursor)
        if not isinstance(position, list):
            raise GraphBadRequest(f"invalid cursor: {cursor!r}")
        start = len(items)
        try:
            for i, item in enumerate(items):
                if key(item) > position:
                    start = i
                    break
        except TypeError:
            raise GraphBadRequest(f"invalid cursor: {cursor!r}") from None
    page = items[start : start + size]
    more = start + size < len(items)
    return page, (encode_cursor(settings, scope, key(page[-1])) if more else None)


# --- scoping ---------------------------------------------------------------------------------


def _active_org(world: World, state: GraphState) -> Org:
    found = world.org(state.active_org_id)
    if found is None:  # only if a state is built by hand with a wrong id
        raise GraphNotFound(f"org not found: {state.active_org_id}")
    return found


def _visible_patients(world: World, state: GraphState) -> list[Patient]:
    org_id = _active_org(world, state).id
    return [p for p in world.patients if org_id in p.org_ids()]


def _visible_patient(world: World, state: GraphState, patient_id: str) -> Patient:
    if not isinstance(patient_id, str) or not patient_id:
        raise GraphBadRequest("patient id is required")
    found = world.patient(patient_id)
    if found is None or _active_org(world, state).id not in found.org_ids():
        raise GraphNotFound(f"patient not found: {patient_id}")
    return found


def _visible_patient_ids(world: World, state: GraphState) -> frozenset[str]:
    return frozenset(p.id for p in _visible_patients(world, state))


# --- dict builders ---------------------------------------------------------------------------


def _org_dict(o: Org) -> JSON:
    return {"id": o.id, "created": o.created, "displayName": o.name, "orgTags": list(o.tags)}


def _access_dict(world: World, a: PatientAccess) -> JSON:
    o = world.org(a.org_id)
    assert o is not None
    return {
        "org": _org_dict(o),
        "startTime": a.start_time,
        "endTime": a.end_time,
        "createdAt": a.created_at,
    }


def _patient_dict(world: World, p: Patient, settings: GraphSettings) -> JSON:
    return {
        "id": p.graph_id if settings.prefixed_patient_ids else p.id,
        "codeName": p.code_name,
        "createdAt": p.created_at,
        "patientAccessList": {
            "pageInfo": {"endCursor": None},
            "patientAccess": [_access_dict(world, a) for a in p.access],
        },
    }


def _device_dict(p: Patient, d: Device) -> JSON:
    return {
        "id": f"patient-{p.id},device-{d.short_id}",
        "deviceShortId": d.short_id,
        "alias": d.alias,
        "createdAt": d.created_at,
        "updatedAt": d.updated_at,
        "deviceType": {"id": d.device_type_id},
        "disabled": d.disabled,
        "disabledAt": d.disabled_at,
    }


def _stream_type_dict(t: StreamType) -> JSON:
    return {
        "id": t.id,
        "name": t.name,
        "description": t.description,
        "shape": {
            "dimensions": [
                {
                    "identifier": d.identifier,
                    "dataType": d.data_type,
                    "quantityName": d.quantity_name,
                    "quantityAbbrev": d.quantity_abbrev,
                    "unitName": d.unit_name,
                    "unitAbbrev": d.unit_abbrev,
                }
                for d in t.dimensions
            ]
        },
    }


def _stream_dict(s: Stream) -> JSON:
    return {
        "id": s.id,
        "createdAt": s.created_at,
        "algorithm": s.algorithm,
        "deviceId": s.device_id,
        "patientId": s.patient_id,
        "streamType": _stream_type_dict(s.stream_type),
        "parameters": [{"key": k, "value": v} for k, v in s.parameters],
        "minTime": s.min_time,
        "maxTime": s.max_time,
    }


def _cohort_dict(world: World, c: Cohort) -> JSON:
    owner = world.projects_by_id[c.project_id]
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "createdAt": c.created_at,
        "updatedAt": c.updated_at,
        "createdBy": c.created_by,
        "updatedBy": c.updated_by,
        "organizationId": owner.org_id,
        "projectId": c.project_id,
    }


def _project_dict(world: World, p: Project) -> JSON:
    return {
        "id": p.id,
        "title": p.title,
        "status": p.status,
        "description": p.description,
        "type": p.type,
        "organizationId": p.org_id,
        "createdAt": p.created_at,
        "updatedAt": p.updated_at,
        "startedAt": p.started_at,
        "createdBy": p.created_by,
        "updatedBy": p.updated_by,
        "cohortList": {"cohorts": [_cohort_dict(world, c) for c in p.cohorts]},
    }


def _event_dict(e: Event) -> JSON:
    return {
        "id": e.id,
        "displayName": e.display_name,
        "customDetail": (
            {"displayName": e.custom_display_name} if e.custom_display_name is not None else None
        ),
        "duration": {
            "startTimeMin": e.start_time_min,
            "startTime": e.start_time,
            "endTime": e.end_time,
            "endTimeMax": e.end_time_max,
        },
        "payload": e.payload,
        "classification": {"namespace": e.namespace, "category": e.category, "enum": e.enum},
        "tags": [{"name": t} for t in e.tags],
        "method": e.method,
        "createdAt": e.created_at,
        "updatedAt": e.updated_at,
    }


def _user_dict(world: World, state: GraphState) -> JSON:
    u = world.user
    return {
        "id": u.id,
        "created": u.created,
        "displayName": u.display_name,
        "email": u.email,
        "defaultMembership": {"org": _org_dict(_active_org(world, state))},
    }


# --- root and nested fields ------------------------------------------------------------------


def current_user(world: World, state: GraphState) -> JSON:
    """``user``: id, created, displayName, email, defaultMembership (the active org)."""
    return _user_dict(world, state)


def membership_list(
    world: World,
    state: GraphState,
    cursor: str | None = None,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``user.membershipList(cursor)``: ``{pageInfo {endCursor}, memberships [...]}``.

    Each membership is ``{id, created, org {id, created, displayName, orgTags}}``.
    """
    items = world.user.memberships
    page, end = _page_offset(
        items, settings.membership_page_size, settings, ("membershipList",), cursor
    )
    memberships = []
    for m in page:
        o = world.org(m.org_id)
        assert o is not None
        memberships.append({"id": m.id, "created": m.created, "org": _org_dict(o)})
    return {"pageInfo": {"endCursor": end}, "memberships": memberships}


def update_default_membership(world: World, state: GraphState, org_id: str) -> JSON:
    """``updateDefaultMembership(input: {orgId})``: switch the active org, answer ``{user}``.

    ``orgId`` in any form runeq sends (``org-<hex>,org``, ``<hex>``; its ``set_active_org``
    sends the normalized one). An org the user is no member of is :class:`GraphNotFound`.
    """
    if not isinstance(org_id, str) or not org_id:
        raise GraphBadRequest("orgId is required")
    member_of = {normalize_org_id(m.org_id) for m in world.user.memberships}
    found = world.org(org_id)
    if found is None or found.short_id not in member_of:
        raise GraphNotFound(f"org not found: {org_id}")
    state.active_org_id = found.id
    return {"user": _user_dict(world, state)}


def org(world: World, state: GraphState) -> JSON:
    """``org``: the active org (id, created, displayName, orgTags)."""
    return _org_dict(_active_org(world, state))


def patient_access_list(
    world: World,
    state: GraphState,
    cursor: str | None = None,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``org.patientAccessList(cursor)``: the active org's patients, by normalized id.

    ``{pageInfo {endCursor}, patientAccess [{org, startTime, endTime, createdAt, patient}]}``;
    ``patient`` is the :func:`patient` dict (its ``deviceList`` is :func:`device_list`).
    """
    active = _active_org(world, state)
    items = _visible_patients(world, state)
    page, end = _page_offset(
        items, settings.patient_page_size, settings, ("patientAccessList", active.id), cursor
    )
    entries = []
    for p in page:
        access = next(a for a in p.access if a.org_id == active.id)
        entry = _access_dict(world, access)
        entry["patient"] = _patient_dict(world, p, settings)
        entries.append(entry)
    return {"pageInfo": {"endCursor": end}, "patientAccess": entries}


def patient(
    world: World,
    state: GraphState,
    patient_id: str,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``patient(id)``: id, codeName, createdAt, patientAccessList (every org's entry).

    ``id`` may be ``patient-0001`` or ``0001`` (runeq sends the normalized form).
    """
    return _patient_dict(world, _visible_patient(world, state, patient_id), settings)


def device_list(
    world: World,
    state: GraphState,
    patient_id: str,
    cursor: str | None = None,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``patient.deviceList(cursor)``: ``{pageInfo {endCursor}, devices [...]}``, disabled too."""
    p = _visible_patient(world, state, patient_id)
    page, end = _page_offset(
        p.devices, settings.device_page_size, settings, ("deviceList", p.id), cursor
    )
    return {"pageInfo": {"endCursor": end}, "devices": [_device_dict(p, d) for d in page]}


def _filter_matches(e: Event, f: Mapping[str, Any]) -> bool:
    for name, value in (("namespace", e.namespace), ("category", e.category), ("enum", e.enum)):
        want = f.get(name)
        if want is None or want == "*":
            continue
        if want != value:
            return False
    return True


def _check_filters(include_filters: Any) -> list[Mapping[str, Any]]:
    if include_filters is None:
        return []
    if not isinstance(include_filters, list):
        raise GraphBadRequest("includeFilters must be a list")
    out: list[Mapping[str, Any]] = []
    for f in include_filters:
        if f is None:
            continue
        if not isinstance(f, Mapping) or set(f) - {"namespace", "category", "enum"}:
            raise GraphBadRequest(f"invalid event classification filter: {f!r}")
        if any(v is not None and not isinstance(v, str) for v in f.values()):
            raise GraphBadRequest(f"invalid event classification filter: {f!r}")
        out.append(f)
    return out


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GraphBadRequest(f"{name} must be a number (unix seconds)")
    if value != value or value in (float("inf"), float("-inf")):
        raise GraphBadRequest(f"{name} must be finite")
    return float(value)


def event_list(
    world: World,
    state: GraphState,
    patient_id: str,
    start_time: float,
    end_time: float,
    cursor: str | None = None,
    include_filters: list[Mapping[str, Any]] | None = None,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``patient.eventList(startTime, endTime, cursor, includeFilters)``.

    Events whose ``duration.startTime`` lies in ``[startTime, endTime)``, sorted by (start
    time, id); at most ``max_event_window_s`` (90 days) per query (more is
    :class:`GraphBadRequest`). ``includeFilters``: a list of ``{namespace, category, enum}``; an
    event is kept when any filter matches it, a filter matching when each of its given fields
    equals the event's (``"*"`` or null = any, also a missing enum). No filters = every event.
    """
    p = _visible_patient(world, state, patient_id)
    lo = _number("startTime", start_time)
    hi = _number("endTime", end_time)
    if hi < lo:
        raise GraphBadRequest("endTime must not be before startTime")
    if hi - lo > settings.max_event_window_s:
        days = settings.max_event_window_s / 86_400
        raise GraphBadRequest(f"eventList spans more than {days:g} days; query smaller windows")
    filters = _check_filters(include_filters)
    items = [
        e
        for e in world.events_by_patient[p.id]
        if lo <= e.start_time < hi and (not filters or any(_filter_matches(e, f) for f in filters))
    ]
    scope = ("eventList", p.id, lo, hi, [dict(sorted(f.items())) for f in filters])
    page, end = _page_offset(items, settings.event_page_size, settings, scope, cursor)
    return {"pageInfo": {"endCursor": end}, "events": [_event_dict(e) for e in page]}


def stream_type_list(world: World) -> JSON:
    """``streamTypeList``: ``{streamTypes [{id, name, description, shape {dimensions}}]}``."""
    return {"streamTypes": [_stream_type_dict(t) for t in world.stream_types]}


def _check_parameters(parameters: Any) -> list[tuple[str, str]]:
    if parameters is None:
        return []
    if not isinstance(parameters, list):
        raise GraphBadRequest("filters.parameters must be a list of {key, value}")
    out = []
    for item in parameters:
        if (
            not isinstance(item, Mapping)
            or set(item) != {"key", "value"}
            or not isinstance(item["key"], str)
            or not isinstance(item["value"], str)
        ):
            raise GraphBadRequest(f"invalid stream parameter filter: {item!r}")
        out.append((item["key"], item["value"]))
    return out


_STREAM_FILTERS = {"patientId", "deviceId", "streamTypeId", "algorithm", "parameters"}


def stream_list(
    world: World,
    state: GraphState,
    filters: Mapping[str, Any] | None = None,
    cursor: str | None = None,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``streamList(filters, cursor)``: the visible streams matching every given filter.

    ``filters``: ``patientId`` (either form), ``deviceId`` (the GraphQL form
    ``patient-<pid>,device-<short id>``), ``streamTypeId``, ``algorithm``, ``parameters``
    (``[{key, value}]``, each must match); null or absent = no filter; exact string matches,
    AND-ed. Order: the V2 catalogue's (patient, device, resource).
    """
    f = dict(filters or {})
    unknown = set(f) - _STREAM_FILTERS
    if unknown:
        raise GraphBadRequest(f"unknown stream filters: {', '.join(sorted(unknown))}")
    for name in ("patientId", "deviceId", "streamTypeId", "algorithm"):
        if f.get(name) is not None and not isinstance(f[name], str):
            raise GraphBadRequest(f"filters.{name} must be a string")
    params = _check_parameters(f.get("parameters"))
    patient_id = f.get("patientId")
    want_patient = normalize_patient_id(patient_id) if patient_id is not None else None
    visible = _visible_patient_ids(world, state)

    def keep(s: Stream) -> bool:
        return (
            s.patient_id in visible
            and (want_patient is None or s.patient_id == want_patient)
            and (f.get("deviceId") is None or s.device_id == f["deviceId"])
            and (f.get("streamTypeId") is None or s.stream_type.id == f["streamTypeId"])
            and (f.get("algorithm") is None or s.algorithm == f["algorithm"])
            and all(dict(s.parameters).get(k) == v for k, v in params)
        )

    items = [s for s in world.streams if keep(s)]
    scope = (
        "streamList",
        _active_org(world, state).id,
        want_patient,
        f.get("deviceId"),
        f.get("streamTypeId"),
        f.get("algorithm"),
        sorted(params),
    )
    page, end = _page_offset(items, settings.stream_page_size, settings, scope, cursor)
    return {"pageInfo": {"endCursor": end}, "streams": [_stream_dict(s) for s in page]}


def stream_list_by_ids(
    world: World,
    state: GraphState,
    stream_ids: Iterable[str | None] | None,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``streamListByIds(streamIds)``: the visible streams among the ids, in the given order.

    At most ``max_stream_ids`` (100) ids (more is :class:`GraphBadRequest`); repeated ids are
    listed once; unknown or invisible ids are silently omitted (runeq compares what came back
    with what it asked for and raises its own "not found"). One page: ``endCursor`` is null.
    """
    ids = [i for i in (stream_ids or []) if i is not None]
    if any(not isinstance(i, str) for i in ids):
        raise GraphBadRequest("streamIds must be strings")
    if len(ids) > settings.max_stream_ids:
        raise GraphBadRequest(
            f"streamListByIds takes at most {settings.max_stream_ids} ids, got {len(ids)}"
        )
    visible = _visible_patient_ids(world, state)
    out: list[JSON] = []
    seen: set[str] = set()
    for sid in ids:
        s = world.streams_by_id.get(sid)
        if s is None or s.patient_id not in visible or sid in seen:
            continue
        seen.add(sid)
        out.append(_stream_dict(s))
    return {"pageInfo": {"endCursor": None}, "streams": out}


def _project_key(p: Project) -> list[Any]:
    return [p.created_at, p.id]


def project_list(
    world: World,
    state: GraphState,
    cursor: str | None = None,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``org.projectList(cursor: DateTimeUUIDCursor)``: the active org's projects.

    Ordered by (createdAt, id); the cursor holds the last project's (createdAt, UUID).
    """
    active = _active_org(world, state)
    items = sorted((p for p in world.projects if p.org_id == active.id), key=_project_key)
    scope = ("projectList", active.id)
    size = settings.project_page_size
    page, end = _page_keyset(items, _project_key, size, settings, scope, cursor)
    return {"pageInfo": {"endCursor": end}, "projects": [_project_dict(world, p) for p in page]}


def _visible_project(world: World, state: GraphState, project_id: str) -> Project:
    if not isinstance(project_id, str) or not project_id:
        raise GraphBadRequest("project id is required")
    found = world.projects_by_id.get(project_id)
    if found is None or found.org_id != _active_org(world, state).id:
        raise GraphNotFound(f"project not found: {project_id}")
    return found


def _visible_cohort(world: World, state: GraphState, cohort_id: str) -> Cohort:
    if not isinstance(cohort_id, str) or not cohort_id:
        raise GraphBadRequest("cohort id is required")
    found = world.cohorts_by_id.get(cohort_id)
    if found is None or world.projects_by_id[found.project_id].org_id != (
        _active_org(world, state).id
    ):
        raise GraphNotFound(f"cohort not found: {cohort_id}")
    return found


def project(world: World, state: GraphState, project_id: str) -> JSON:
    """``project(id)``: a project of the active org, with ``cohortList {cohorts}``."""
    return _project_dict(world, _visible_project(world, state, project_id))


def cohort(world: World, state: GraphState, cohort_id: str) -> JSON:
    """``cohort(id)``: a cohort of a project of the active org."""
    return _cohort_dict(world, _visible_cohort(world, state, cohort_id))


def _code_name_key(pp: ProjectPatient) -> list[Any]:
    return [pp.code_name]


def _code_name_cursor(cursor_input: Mapping[str, Any] | None) -> str | None:
    if cursor_input is None:
        return None
    if not isinstance(cursor_input, Mapping) or set(cursor_input) - {"codeNameCursor"}:
        raise GraphBadRequest(f"invalid cursorInput: {cursor_input!r}")
    value = cursor_input.get("codeNameCursor")
    if value is not None and not isinstance(value, str):
        raise GraphBadRequest(f"invalid cursorInput: {cursor_input!r}")
    return value


def _member_page(
    world: World,
    members: Sequence[ProjectPatient],
    scope: Sequence[object],
    cursor_input: Mapping[str, Any] | None,
    settings: GraphSettings,
) -> tuple[list[JSON], str | None]:
    items = sorted(members, key=lambda pp: pp.code_name)
    page, end = _page_keyset(
        items,
        _code_name_key,
        settings.project_patient_page_size,
        settings,
        scope,
        _code_name_cursor(cursor_input),
    )
    out = []
    for pp in page:
        out.append(
            {
                "patient": _patient_dict(world, world.patients_by_id[pp.patient_id], settings),
                "codeName": pp.code_name,
                "createdAt": pp.created_at,
                "updatedAt": pp.updated_at,
                "createdBy": pp.created_by,
                "updatedBy": pp.updated_by,
            }
        )
    return out, end


def project_patient_list(
    world: World,
    state: GraphState,
    project_id: str,
    cursor_input: Mapping[str, Any] | None = None,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``project.projectPatientList(cursorInput: {codeNameCursor})``, ordered by codeName.

    ``{pageInfo {codeNameEndCursor}, projectPatients [{patient, codeName, createdAt, updatedAt,
    createdBy, updatedBy}]}``; ``patient.patientAccessList`` holds every org's access entry
    (runeq picks the project org's start/end time from it).
    """
    p = _visible_project(world, state, project_id)
    scope = ("projectPatientList", p.id)
    rows, end = _member_page(world, p.patients, scope, cursor_input, settings)
    return {"pageInfo": {"codeNameEndCursor": end}, "projectPatients": rows}


def cohort_patient_list(
    world: World,
    state: GraphState,
    cohort_id: str,
    cursor_input: Mapping[str, Any] | None = None,
    *,
    settings: GraphSettings = DEFAULT_SETTINGS,
) -> JSON:
    """``cohort.cohortPatientList(cursorInput: {codeNameCursor})``, like project patients."""
    c = _visible_cohort(world, state, cohort_id)
    scope = ("cohortPatientList", c.id)
    rows, end = _member_page(world, c.patients, scope, cursor_input, settings)
    return {"pageInfo": {"codeNameEndCursor": end}, "cohortPatients": rows}
