from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DailyAggregateColumns")


@_attrs_define
class DailyAggregateColumns:
    offset: list[str]
    """ Start of each interval within the day, as `HH:MM`. """
    values: list[float | None]
    """ Aggregated value of each interval; null where no day has data. """
    n_days_with_data: list[int]
    """ Number of days with data in each interval. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        offset = self.offset

        values = []
        for values_item_data in self.values:
            values_item: float | None
            values_item = values_item_data
            values.append(values_item)

        n_days_with_data = self.n_days_with_data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "offset": offset,
                "values": values,
                "n_days_with_data": n_days_with_data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        offset = cast(list[str], d.pop("offset"))

        values = []
        _values = d.pop("values")
        for values_item_data in _values:

            def _parse_values_item(data: object) -> float | None:
                if data is None:
                    return data
                return cast(float | None, data)

            values_item = _parse_values_item(values_item_data)

            values.append(values_item)

        n_days_with_data = cast(list[int], d.pop("n_days_with_data"))

        daily_aggregate_columns = cls(
            offset=offset,
            values=values,
            n_days_with_data=n_days_with_data,
        )

        daily_aggregate_columns.additional_properties = d
        return daily_aggregate_columns

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
