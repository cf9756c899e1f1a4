"""runeq's ``runeq.resources.event``, on the default :class:`~runestream.Session` (or
``client=``)."""

from __future__ import annotations

from .._session_api import Session
from ..core._times import TimeLike
from ..graph import EventNamespace
from ..objects import Event, EventSet
from ._choose import namespace_of

__all__ = [
    "Event",
    "EventSet",
    "get_patient_activity_events",
    "get_patient_events",
    "get_patient_medication_events",
    "get_patient_symptom_events",
    "get_patient_wellbeing_events",
]

_Client = Session | EventNamespace | None


def _ns(client: _Client) -> EventNamespace:
    return namespace_of(client, EventNamespace, "event")


def get_patient_events(
    patient_id: str,
    start_time: TimeLike,
    end_time: TimeLike,
    include_filters: list[dict[str, str]] | None = None,
    client: _Client = None,
) -> EventSet:
    """A patient's events; see :meth:`EventNamespace.get_patient_events`."""
    return _ns(client).get_patient_events(patient_id, start_time, end_time, include_filters)


def get_patient_activity_events(
    patient_id: str, start_time: TimeLike, end_time: TimeLike, client: _Client = None
) -> EventSet:
    """A patient's activity events."""
    return _ns(client).get_patient_activity_events(patient_id, start_time, end_time)


def get_patient_medication_events(
    patient_id: str, start_time: TimeLike, end_time: TimeLike, client: _Client = None
) -> EventSet:
    """A patient's medication events."""
    return _ns(client).get_patient_medication_events(patient_id, start_time, end_time)


def get_patient_symptom_events(
    patient_id: str, start_time: TimeLike, end_time: TimeLike, client: _Client = None
) -> EventSet:
    """A patient's symptom events."""
    return _ns(client).get_patient_symptom_events(patient_id, start_time, end_time)


def get_patient_wellbeing_events(
    patient_id: str, start_time: TimeLike, end_time: TimeLike, client: _Client = None
) -> EventSet:
    """A patient's wellbeing events."""
    return _ns(client).get_patient_wellbeing_events(patient_id, start_time, end_time)
