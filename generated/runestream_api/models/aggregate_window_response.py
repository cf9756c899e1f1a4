from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.aggregate_window_columns import AggregateWindowColumns
    from ..models.value_summary import ValueSummary


T = TypeVar("T", bound="AggregateWindowResponse")


@_attrs_define
class AggregateWindowResponse:
    cardinality: int
    """ Number of windows. """
    data: AggregateWindowColumns
    summary: ValueSummary
    """ Statistics of the aggregated values; null when there is no data. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cardinality = self.cardinality

        data = self.data.to_dict()

        summary = self.summary.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cardinality": cardinality,
                "data": data,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.aggregate_window_columns import AggregateWindowColumns  # noqa: PLC0415
        from ..models.value_summary import ValueSummary  # noqa: PLC0415

        d = dict(src_dict)
        cardinality = d.pop("cardinality")

        data = AggregateWindowColumns.from_dict(d.pop("data"))

        summary = ValueSummary.from_dict(d.pop("summary"))

        aggregate_window_response = cls(
            cardinality=cardinality,
            data=data,
            summary=summary,
        )

        aggregate_window_response.additional_properties = d
        return aggregate_window_response

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
