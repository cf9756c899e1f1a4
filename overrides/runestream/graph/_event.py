"""``session.event``: runeq 0.18's ``runeq.resources.event``.

The API answers at most :data:`MAX_EVENT_WINDOW` seconds (90 days) of events per query, so a
longer range is cut into consecutive windows, as runeq did; here the windows are fetched
concurrently (each paged to its end), and the events come out in window order, each window's
in the API's order. Times accept what every runestream time accepts (a naive datetime is UTC).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from runestream.core._errors import ValidationError
from runestream.core._parallel import run_parallel
from runestream.core._times import TimeLike, to_unix_seconds
from runestream.objects import Event, EventSet
from runestream_graphql.input_types import EventClassificationFilter

from ._api import GraphAPI, check_id, dump, missing
from ._paging import follow_cursor

__all__ = ["MAX_EVENT_WINDOW", "EventNamespace", "event_windows"]

#: Longest time range one ``eventList`` query may cover, in seconds (90 days).
MAX_EVENT_WINDOW: Final = 90 * 24 * 60 * 60.0
_FILTER_KEYS: Final = frozenset({"namespace", "category", "enum"})


def event_windows(start: float, end: float) -> list[tuple[float, float]]:
    """``[start, end)`` cut into consecutive windows of at most :data:`MAX_EVENT_WINDOW`."""
    windows = []
    while start < end:
        stop = min(start + MAX_EVENT_WINDOW, end)
        windows.append((start, stop))
        start = stop
    return windows


def _filters(include_filters: object) -> list[EventClassificationFilter | None] | None:
    if include_filters is None:
        return None
    if isinstance(include_filters, str | bytes) or not isinstance(include_filters, Sequence):
        raise ValidationError(
            "include_filters must be a list of {namespace, category, enum} dicts",
            parameter="include_filters",
        )
    out: list[EventClassificationFilter | None] = []
    for given in include_filters:
        if not isinstance(given, dict) or set(given) - _FILTER_KEYS:
            raise ValidationError(
                f"each include_filters entry must be a dict with keys among namespace, "
                f"category, enum; got {given!r}",
                parameter="include_filters",
            )
        if any(v is not None and not isinstance(v, str) for v in given.values()):
            raise ValidationError(
                f"include_filters values must be strings; got {given!r}",
                parameter="include_filters",
            )
        out.append(EventClassificationFilter(**given))
    return out or None


def _category(category: str) -> list[dict[str, str]]:
    return [{"namespace": "patient", "category": category, "enum": "*"}]


class EventNamespace:
    """Patient events (activities, medications, symptoms, wellbeing, ...)."""

    def __init__(self, api: GraphAPI) -> None:
        self._api = api

    def get_patient_events(
        self,
        patient_id: str,
        start_time: TimeLike,
        end_time: TimeLike,
        include_filters: list[dict[str, str]] | None = None,
    ) -> EventSet:
        """A patient's events from ``start_time`` to ``end_time``.

        Args:
            patient_id: The patient (either form).
            start_time: Start of the range (unix seconds, datetime, date or ISO text).
            end_time: End of the range.
            include_filters: Classifications to include, ``[{namespace, category, enum}]``
                (``"*"`` or a missing key matches anything); default: every event.

        Raises:
            ValidationError: Bad arguments (before any request).
        """
        check_id(patient_id, "patient_id")
        start = to_unix_seconds(start_time, parameter="start_time")
        end = to_unix_seconds(end_time, parameter="end_time")
        if start >= end:
            raise ValidationError("start_time must be before end_time", parameter="start_time")
        filters = _filters(include_filters)

        def window(span: tuple[float, float]) -> list[dict[str, Any]]:
            def fetch(cursor: str | None) -> tuple[Iterable[dict[str, Any]], str | None]:
                patient = self._api.client.get_event_list(
                    patient_id=patient_id,
                    start_time=span[0],
                    end_time=span[1],
                    cursor=cursor,
                    include_filters=filters,
                ).patient
                if patient is None:
                    missing(f"patient {patient_id}")
                listing = patient.event_list
                if listing is None:  # no events: the API answers null, not an empty list
                    return (), None
                events = [dump(e) for e in listing.events or () if e is not None]
                return events, listing.page_info.end_cursor

            return list(follow_cursor(fetch, what=f"the events of patient {patient_id}"))

        windows = run_parallel(event_windows(start, end), window, workers=self._api.workers)
        source = self._api.source
        events = (
            Event.from_graphql(e, patient_id=patient_id, _session=source)
            for found in windows
            for e in found
        )
        return EventSet(events, _session=source)

    def get_patient_activity_events(
        self, patient_id: str, start_time: TimeLike, end_time: TimeLike
    ) -> EventSet:
        """A patient's activity events (logged in StrivePD or ingested from HealthKit)."""
        return self.get_patient_events(patient_id, start_time, end_time, _category("activity"))

    def get_patient_medication_events(
        self, patient_id: str, start_time: TimeLike, end_time: TimeLike
    ) -> EventSet:
        """A patient's medication events."""
        return self.get_patient_events(patient_id, start_time, end_time, _category("medication"))

    def get_patient_symptom_events(
        self, patient_id: str, start_time: TimeLike, end_time: TimeLike
    ) -> EventSet:
        """A patient's symptom events."""
        return self.get_patient_events(patient_id, start_time, end_time, _category("symptom"))

    def get_patient_wellbeing_events(
        self, patient_id: str, start_time: TimeLike, end_time: TimeLike
    ) -> EventSet:
        """A patient's wellbeing events."""
        return self.get_patient_events(patient_id, start_time, end_time, _category("wellbeing"))

    def __repr__(self) -> str:
        return "EventNamespace()"
