"""Which query function answers which GraphQL field, for one caller.

The SDL's field names are routed here to the pure functions of :mod:`.query`: root fields
(``user``, ``patient(id)``, ``streamList(filters, cursor)``, the ``updateDefaultMembership``
mutation, ...) by :func:`resolve_root`, and the fields that take arguments inside an object
(``membershipList(cursor)``, ``deviceList(cursor)``, ``eventList(...)``, ...) by
:func:`resolve_nested`, given the parent's dict. Every other field is a key of its parent's dict.

Both the sandbox's executable schema (:mod:`.schema`) and the tests' tiny executor use this
table, so they answer alike.

A **client key** (one patient's credential) reads only its own patient: that patient, its
devices and events, and its streams; any other root field is a ``PermissionDeniedError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import query as q
from .world import World, normalize_patient_id

__all__ = [
    "NESTED_FIELDS",
    "ROOT_FIELDS",
    "GraphContext",
    "GraphForbidden",
    "resolve_nested",
    "resolve_root",
]

JSON = dict[str, Any]

#: Root fields (of ``Query`` and ``Mutation``) answered by :func:`resolve_root`.
ROOT_FIELDS = frozenset(
    {
        "user",
        "org",
        "patient",
        "streamTypeList",
        "streamList",
        "streamListByIds",
        "project",
        "cohort",
        "updateDefaultMembership",
    }
)
#: Fields inside an object answered by :func:`resolve_nested` (they take arguments).
NESTED_FIELDS = frozenset(
    {
        "membershipList",
        "patientAccessList",
        "projectList",
        "deviceList",
        "eventList",
        "projectPatientList",
        "cohortPatientList",
    }
)
#: Root fields a client key may use (each then limited to its patient).
_CLIENT_KEY_ROOTS = frozenset({"patient", "streamTypeList", "streamList", "streamListByIds"})


class GraphForbidden(q.GraphError):
    """The credential may not read this (a client key asking beyond its patient)."""

    code = "PermissionDeniedError"


@dataclass
class GraphContext:
    """One caller's view: the world, its mutable state (active org), settings, restriction.

    ``only_patient`` is the normalized id of the one patient a client key may read, or ``None``
    for an access token or JWT (everything the active org sees).
    """

    world: World
    state: q.GraphState
    settings: q.GraphSettings = field(default_factory=lambda: q.DEFAULT_SETTINGS)
    only_patient: str | None = None

    def check_root(self, name: str) -> None:
        if self.only_patient is not None and name not in _CLIENT_KEY_ROOTS:
            raise GraphForbidden(f"a client key may only read its own patient, not {name}")

    def check_patient(self, patient_id: Any) -> None:
        if self.only_patient is None or not isinstance(patient_id, str):
            return
        if normalize_patient_id(patient_id) != self.only_patient:
            raise q.GraphNotFound(f"patient not found: {patient_id}")


def _own_streams(ctx: GraphContext, answer: JSON) -> JSON:
    if ctx.only_patient is None:
        return answer
    streams = [s for s in answer["streams"] if s["patientId"] == ctx.only_patient]
    return {**answer, "streams": streams}


def _asks_for_another_patient(ctx: GraphContext, filters: Any) -> bool:
    """A client key's ``streamList`` filtered on a patient that is not its own."""
    if ctx.only_patient is None or not isinstance(filters, Mapping):
        return False
    asked = filters.get("patientId")
    return isinstance(asked, str) and normalize_patient_id(asked) != ctx.only_patient


def _stream_filters(ctx: GraphContext, filters: Any) -> Any:
    """A client key's ``streamList`` filters: its own patient, whatever else is asked."""
    if ctx.only_patient is None:
        return filters  # null or absent: no filter
    given = dict(filters) if isinstance(filters, Mapping) else {}
    return {**given, "patientId": ctx.only_patient}


def resolve_root(ctx: GraphContext, name: str, args: Mapping[str, Any]) -> Any:
    """The answer of root field ``name`` with these arguments (GraphQL names)."""
    ctx.check_root(name)
    w, st, s = ctx.world, ctx.state, ctx.settings
    if name == "user":
        return q.current_user(w, st)
    if name == "org":
        return q.org(w, st)
    if name == "patient":
        ctx.check_patient(args.get("id"))
        return q.patient(w, st, args.get("id"), settings=s)  # type: ignore[arg-type]
    if name == "streamTypeList":
        return q.stream_type_list(w)
    if name == "streamList":
        if _asks_for_another_patient(ctx, args.get("filters")):
            return {"pageInfo": {"endCursor": None}, "streams": []}
        filters = _stream_filters(ctx, args.get("filters"))
        return q.stream_list(w, st, filters, args.get("cursor"), settings=s)
    if name == "streamListByIds":
        answer = q.stream_list_by_ids(w, st, args.get("streamIds"), settings=s)
        return _own_streams(ctx, answer)
    if name == "project":
        return q.project(w, st, args.get("id"))  # type: ignore[arg-type]
    if name == "cohort":
        return q.cohort(w, st, args.get("id"))  # type: ignore[arg-type]
    if name == "updateDefaultMembership":
        given = args.get("input")
        org_id = given.get("orgId") if isinstance(given, Mapping) else None
        return q.update_default_membership(w, st, org_id)  # type: ignore[arg-type]
    raise KeyError(name)


def resolve_nested(
    ctx: GraphContext, parent: Mapping[str, Any], name: str, args: Mapping[str, Any]
) -> Any:
    """The answer of field ``name`` (one of :data:`NESTED_FIELDS`) inside ``parent``'s dict."""
    w, st, s = ctx.world, ctx.state, ctx.settings
    cursor = args.get("cursor")
    if name == "membershipList":
        return q.membership_list(w, st, cursor, settings=s)
    if name == "patientAccessList":
        return q.patient_access_list(w, st, cursor, settings=s)
    if name == "projectList":
        return q.project_list(w, st, cursor, settings=s)
    if name == "deviceList":
        return q.device_list(w, st, parent["id"], cursor, settings=s)
    if name == "eventList":
        return q.event_list(
            w,
            st,
            parent["id"],
            args.get("startTime"),  # type: ignore[arg-type]
            args.get("endTime"),  # type: ignore[arg-type]
            cursor,
            args.get("includeFilters"),
            settings=s,
        )
    if name == "projectPatientList":
        return q.project_patient_list(w, st, parent["id"], args.get("cursorInput"), settings=s)
    if name == "cohortPatientList":
        return q.cohort_patient_list(w, st, parent["id"], args.get("cursorInput"), settings=s)
    raise KeyError(name)
