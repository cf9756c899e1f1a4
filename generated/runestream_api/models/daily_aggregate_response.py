from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.daily_aggregate_columns import DailyAggregateColumns
    from ..models.daily_aggregate_summary import DailyAggregateSummary


T = TypeVar("T", bound="DailyAggregateResponse")


@_attrs_define
class DailyAggregateResponse:
    approx_available_duration_s: float
    cardinality: int
    """ Number of intervals in the aggregated day. """
    data: DailyAggregateColumns
    summary: DailyAggregateSummary
    """ Summary over all days; the value statistics are null when there is no data. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        approx_available_duration_s = self.approx_available_duration_s

        cardinality = self.cardinality

        data = self.data.to_dict()

        summary = self.summary.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "approx_available_duration_s": approx_available_duration_s,
                "cardinality": cardinality,
                "data": data,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.daily_aggregate_columns import DailyAggregateColumns  # noqa: PLC0415
        from ..models.daily_aggregate_summary import DailyAggregateSummary  # noqa: PLC0415

        d = dict(src_dict)
        approx_available_duration_s = d.pop("approx_available_duration_s")

        cardinality = d.pop("cardinality")

        data = DailyAggregateColumns.from_dict(d.pop("data"))

        summary = DailyAggregateSummary.from_dict(d.pop("summary"))

        daily_aggregate_response = cls(
            approx_available_duration_s=approx_available_duration_s,
            cardinality=cardinality,
            data=data,
            summary=summary,
        )

        daily_aggregate_response.additional_properties = d
        return daily_aggregate_response

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
