from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AggregateWindowColumns")


@_attrs_define
class AggregateWindowColumns:
    time: list[float | str]
    """ Start of each window. """
    aggregate_values: list[float | None]
    """ `aggregate_function` of the points in each window; null for a window without points. """
    duration_sum: list[float]
    """ Summed measurement duration of the points in each window. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time = []
        for time_item_data in self.time:
            time_item: float | str
            time_item = time_item_data
            time.append(time_item)

        aggregate_values = []
        for aggregate_values_item_data in self.aggregate_values:
            aggregate_values_item: float | None
            aggregate_values_item = aggregate_values_item_data
            aggregate_values.append(aggregate_values_item)

        duration_sum = self.duration_sum

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "time": time,
                "aggregate_values": aggregate_values,
                "duration_sum": duration_sum,
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

        aggregate_values = []
        _aggregate_values = d.pop("aggregate_values")
        for aggregate_values_item_data in _aggregate_values:

            def _parse_aggregate_values_item(data: object) -> float | None:
                if data is None:
                    return data
                return cast(float | None, data)

            aggregate_values_item = _parse_aggregate_values_item(aggregate_values_item_data)

            aggregate_values.append(aggregate_values_item)

        duration_sum = cast(list[float], d.pop("duration_sum"))

        aggregate_window_columns = cls(
            time=time,
            aggregate_values=aggregate_values,
            duration_sum=duration_sum,
        )

        aggregate_window_columns.additional_properties = d
        return aggregate_window_columns

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
