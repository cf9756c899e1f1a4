"""runeq's ``Event`` / ``EventSet``: StrivePD app events (``runeq/resources/event.py``).

Different from runeq, deliberately:

* ``EventSet.to_dataframe`` has the same columns **and dtypes** empty or not: the four time
  columns are always ``datetime64[ns]`` (naive UTC, as runeq's), rounded to the microsecond
  (runeq: float noise such as ``.032000065``; ``float64`` columns when empty; ``end_time`` in
  ``datetime64[us]`` when it has gaps, on pandas 3). Rows are sorted by start then end time
  with a **stable** sort, so ties keep set order.
* ``Event.from_graphql`` does not modify the dict it is given (runeq reformatted it in place),
  accepts a payload that is already an object, and keeps the patient id normalized (runeq
  kept whatever id the caller passed, ``patient-0001`` included).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import ItemBase, ItemSet
from ._frames import (
    Kind,
    Schema,
    records_frame,
    require_pandas,
    stabilize,
    unix_seconds_to_datetime,
)
from ._patient import Patient

if TYPE_CHECKING:
    import pandas

    from ._hook import MetadataDataSource

__all__ = ["Event", "EventSet"]


class Event(ItemBase):
    """An event recorded by a StrivePD user (an activity, a medication, a symptom, ...).

    Args:
        id: Event ID.
        patient_id: Patient ID.
        start_time: Start of the event (unix seconds).
        end_time: End of the event (unix seconds), if it has one.
        classification: ``{namespace, category[, enum]}``.
        display_name: Display name.
        payload: The event's payload (a dict).
        method: How the event was recorded (``manual``, ``autolog``, ...).
        **attributes: Other attributes (``tags``, ``created_at``, ``updated_at``).

    Raises:
        ValueError: ``classification`` lacks ``namespace`` or ``category`` (as runeq).
    """

    def __init__(
        self,
        id: str,
        patient_id: str,
        start_time: float | None,
        end_time: float | None,
        classification: dict[str, Any],
        display_name: str | None,
        payload: dict[str, Any] | None = None,
        method: str | None = None,
        **attributes: Any,
    ) -> None:
        self.patient_id = patient_id
        self.start_time = start_time
        self.end_time = end_time
        missing = {"namespace", "category"} - classification.keys()
        if missing:
            raise ValueError(f"Classification missing required keys: {missing}")
        self.classification = classification
        self.display_name = display_name
        self.payload = payload or {}
        self.method = method
        super().__init__(
            id=id,
            patient_id=patient_id,
            start_time=start_time,
            end_time=end_time,
            classification=classification,
            display_name=display_name,
            payload=payload,
            method=method,
            **attributes,
        )

    def __repr__(self) -> str:
        """``Event(name="...", start_time=...)``."""
        return f'{type(self).__name__}(name="{self.display_name}", start_time={self.start_time})'

    @classmethod
    def from_graphql(
        cls,
        data: Mapping[str, Any],
        *,
        patient_id: str,
        _session: MetadataDataSource | None = None,
    ) -> Event:
        """Build from an ``eventList.events`` entry of runeq's ``getEventList`` query.

        ``data`` is ``{id, display_name, custom_detail: {display_name}, duration: {start_time,
        end_time, end_time_max}, payload (JSON text), classification, tags: [{name}], method,
        created_at, updated_at}`` (runeq's aliases). As runeq: the end time is ``end_time_max``
        when set, else ``end_time``; a custom display name wins; the payload is parsed; tags
        become their names. ``patient_id`` may be in either form.
        """
        attrs = dict(data)
        duration = attrs.pop("duration", None) or {}
        attrs["start_time"] = duration.get("start_time")
        end_time_max = duration.get("end_time_max")
        attrs["end_time"] = end_time_max if end_time_max is not None else duration.get("end_time")
        custom = attrs.pop("custom_detail", None) or {}
        if custom.get("display_name"):
            attrs["display_name"] = custom["display_name"]
        payload = attrs.pop("payload", None) or "{}"
        attrs["payload"] = json.loads(payload) if isinstance(payload, str | bytes) else payload
        attrs["tags"] = [tag["name"] for tag in attrs.pop("tags", None) or ()]
        return cls(patient_id=Patient.normalize_id(patient_id), _session=_session, **attrs)


#: The columns of ``EventSet.to_dataframe()``, in order (runeq's).
EVENT_COLUMNS: Schema = (
    ("patient_id", Kind.STR),
    ("start_time", Kind.DATETIME),
    ("end_time", Kind.DATETIME),
    ("namespace", Kind.STR),
    ("category", Kind.STR),
    ("enum", Kind.STR),
    ("display_name", Kind.STR),
    ("method", Kind.STR),
    ("payload", Kind.OBJECT),
    ("tags", Kind.OBJECT),
    ("created_at", Kind.DATETIME),
    ("updated_at", Kind.DATETIME),
    ("id", Kind.STR),
)

_TIME_COLUMNS = ("start_time", "end_time", "created_at", "updated_at")


class EventSet(ItemSet[Event]):
    """A collection of events."""

    _item_class: ClassVar[type[ItemBase]] = Event
    _schema: ClassVar[Schema] = EVENT_COLUMNS

    def to_dataframe(self) -> pandas.DataFrame:
        """The events sorted by time, columns ``patient_id, start_time, end_time, namespace,
        category, enum, display_name, method, payload, tags, created_at, updated_at, id``
        (classification split into its three fields; times naive UTC ``datetime64[ns]``)."""
        require_pandas("EventSet.to_dataframe")
        records = []
        for event in self._items.values():
            row = event.to_dict()
            classification = row.get("classification") or {}
            row["namespace"] = classification.get("namespace")
            row["category"] = classification.get("category")
            row["enum"] = classification.get("enum")
            records.append(row)
        if not records:
            return records_frame([], EVENT_COLUMNS)
        frame = records_frame(records, ())
        # Two stable sorts: by start time, ties by end time, remaining ties in set order
        # (sort_values ignores ``kind`` for several columns).
        frame = frame.sort_values(by="end_time", kind="stable", na_position="last")
        frame = frame.sort_values(by="start_time", kind="stable", na_position="last")
        frame = frame.reset_index(drop=True).reindex(columns=[name for name, _ in EVENT_COLUMNS])
        for name in _TIME_COLUMNS:
            frame[name] = unix_seconds_to_datetime(frame[name])
        return stabilize(frame, EVENT_COLUMNS)
