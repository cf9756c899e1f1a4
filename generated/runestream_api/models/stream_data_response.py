from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stream_data_columns import StreamDataColumns


T = TypeVar("T", bound="StreamDataResponse")


@_attrs_define
class StreamDataResponse:
    cardinality: int
    """ Number of timestamps in this page. """
    data: StreamDataColumns
    """ Column-oriented data: `time`, one array per dimension of the stream type (keyed by the dimension's
    identifier; numbers, text, or objects for `dict` dimensions), and `measurement_duration_ns`. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cardinality = self.cardinality

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cardinality": cardinality,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stream_data_columns import StreamDataColumns  # noqa: PLC0415

        d = dict(src_dict)
        cardinality = d.pop("cardinality")

        data = StreamDataColumns.from_dict(d.pop("data"))

        stream_data_response = cls(
            cardinality=cardinality,
            data=data,
        )

        stream_data_response.additional_properties = d
        return stream_data_response

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
