from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StreamDataColumns")


@_attrs_define
class StreamDataColumns:
    """Column-oriented data: `time`, one array per dimension of the stream type (keyed by the dimension's identifier;
    numbers, text, or objects for `dict` dimensions), and `measurement_duration_ns`.

    """

    time: list[float | str]
    measurement_duration_ns: list[int]
    """ Duration each measurement covers, in nanoseconds. """
    additional_properties: dict[str, list[Any]] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time = []
        for time_item_data in self.time:
            time_item: float | str
            time_item = time_item_data
            time.append(time_item)

        measurement_duration_ns = self.measurement_duration_ns

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop

        field_dict.update(
            {
                "time": time,
                "measurement_duration_ns": measurement_duration_ns,
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

        measurement_duration_ns = cast(list[int], d.pop("measurement_duration_ns"))

        stream_data_columns = cls(
            time=time,
            measurement_duration_ns=measurement_duration_ns,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = cast(list[Any], prop_dict)

            additional_properties[prop_name] = additional_property

        stream_data_columns.additional_properties = additional_properties
        return stream_data_columns

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> list[Any]:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: list[Any]) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
