from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payload import Payload


T = TypeVar("T", bound="Span")


@_attrs_define
class Span:
    """start_time_min <= start_time < end_time <= end_time_max."""

    start_time: float | str
    """ A timestamp: unix seconds (int or float) with `timestamp=unix`, otherwise a string. """
    end_time: float | str
    """ A timestamp: unix seconds (int or float) with `timestamp=unix`, otherwise a string. """
    id: str
    event_namespace: str
    event_type: str
    start_time_min: float | str | Unset = UNSET
    """ A timestamp: unix seconds (int or float) with `timestamp=unix`, otherwise a string. """
    end_time_max: float | str | Unset = UNSET
    """ A timestamp: unix seconds (int or float) with `timestamp=unix`, otherwise a string. """
    created_time: float | str | Unset = UNSET
    """ A timestamp: unix seconds (int or float) with `timestamp=unix`, otherwise a string. """
    device_id: str | Unset = UNSET
    event_enum: None | str | Unset = UNSET
    """ The `enum` level of the classification; null for types without one (the docs' example is `device.implant`),
    see spec/NOTES.md. """
    display_name: str | Unset = UNSET
    payload: Payload | Unset = UNSET
    """ Free-form payload; its contents depend on the event type. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_time: float | str
        start_time = self.start_time

        end_time: float | str
        end_time = self.end_time

        id = self.id

        event_namespace = self.event_namespace

        event_type = self.event_type

        start_time_min: float | str | Unset
        if isinstance(self.start_time_min, Unset):
            start_time_min = UNSET
        else:
            start_time_min = self.start_time_min

        end_time_max: float | str | Unset
        if isinstance(self.end_time_max, Unset):
            end_time_max = UNSET
        else:
            end_time_max = self.end_time_max

        created_time: float | str | Unset
        if isinstance(self.created_time, Unset):
            created_time = UNSET
        else:
            created_time = self.created_time

        device_id = self.device_id

        event_enum: None | str | Unset
        if isinstance(self.event_enum, Unset):
            event_enum = UNSET
        else:
            event_enum = self.event_enum

        display_name = self.display_name

        payload: dict[str, Any] | Unset = UNSET
        if not isinstance(self.payload, Unset):
            payload = self.payload.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "start_time": start_time,
                "end_time": end_time,
                "id": id,
                "event_namespace": event_namespace,
                "event_type": event_type,
            }
        )
        if start_time_min is not UNSET:
            field_dict["start_time_min"] = start_time_min
        if end_time_max is not UNSET:
            field_dict["end_time_max"] = end_time_max
        if created_time is not UNSET:
            field_dict["created_time"] = created_time
        if device_id is not UNSET:
            field_dict["device_id"] = device_id
        if event_enum is not UNSET:
            field_dict["event_enum"] = event_enum
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if payload is not UNSET:
            field_dict["payload"] = payload

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payload import Payload  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_start_time(data: object) -> float | str:
            return cast(float | str, data)

        start_time = _parse_start_time(d.pop("start_time"))

        def _parse_end_time(data: object) -> float | str:
            return cast(float | str, data)

        end_time = _parse_end_time(d.pop("end_time"))

        id = d.pop("id")

        event_namespace = d.pop("event_namespace")

        event_type = d.pop("event_type")

        def _parse_start_time_min(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        start_time_min = _parse_start_time_min(d.pop("start_time_min", UNSET))

        def _parse_end_time_max(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        end_time_max = _parse_end_time_max(d.pop("end_time_max", UNSET))

        def _parse_created_time(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        created_time = _parse_created_time(d.pop("created_time", UNSET))

        device_id = d.pop("device_id", UNSET)

        def _parse_event_enum(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        event_enum = _parse_event_enum(d.pop("event_enum", UNSET))

        display_name = d.pop("display_name", UNSET)

        _payload = d.pop("payload", UNSET)
        payload: Payload | Unset
        if isinstance(_payload, Unset):
            payload = UNSET
        else:
            payload = Payload.from_dict(_payload)

        span = cls(
            start_time=start_time,
            end_time=end_time,
            id=id,
            event_namespace=event_namespace,
            event_type=event_type,
            start_time_min=start_time_min,
            end_time_max=end_time_max,
            created_time=created_time,
            device_id=device_id,
            event_enum=event_enum,
            display_name=display_name,
            payload=payload,
        )

        span.additional_properties = d
        return span

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
