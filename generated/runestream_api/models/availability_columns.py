from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AvailabilityColumns")


@_attrs_define
class AvailabilityColumns:
    time: list[float | str]
    """ Start of each bin. """
    availability: list[int]
    """ 1 where the bin has data (for a batch, per `batch_operation`), 0 otherwise. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time = []
        for time_item_data in self.time:
            time_item: float | str
            time_item = time_item_data
            time.append(time_item)

        availability = self.availability

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "time": time,
                "availability": availability,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        time = []
        _time = d.pop("time")
        for time_item_data in _time:

            def _parse_time_item(data: object) -> float | str:
                return cast(float | str, data)

            time_item = _parse_time_item(time_item_data)

            time.append(time_item)

        availability = cast(list[int], d.pop("availability"))

        availability_columns = cls(
            time=time,
            availability=availability,
        )

        availability_columns.additional_properties = d
        return availability_columns

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
