from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DailyAggregateSummary")


@_attrs_define
class DailyAggregateSummary:
    """Summary over all days; the value statistics are null when there is no data."""

    n_days_with_data_total: int
    duration_mean_per_day: float
    duration_min_per_day: float
    duration_max_per_day: float
    value_mean: float | None
    value_min: float | None
    value_max: float | None
    value_med: float | None
    value_std: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        n_days_with_data_total = self.n_days_with_data_total

        duration_mean_per_day = self.duration_mean_per_day

        duration_min_per_day = self.duration_min_per_day

        duration_max_per_day = self.duration_max_per_day

        value_mean: float | None
        value_mean = self.value_mean

        value_min: float | None
        value_min = self.value_min

        value_max: float | None
        value_max = self.value_max

        value_med: float | None
        value_med = self.value_med

        value_std: float | None
        value_std = self.value_std

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "n_days_with_data_total": n_days_with_data_total,
                "duration_mean_per_day": duration_mean_per_day,
                "duration_min_per_day": duration_min_per_day,
                "duration_max_per_day": duration_max_per_day,
                "value_mean": value_mean,
                "value_min": value_min,
                "value_max": value_max,
                "value_med": value_med,
                "value_std": value_std,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        n_days_with_data_total = d.pop("n_days_with_data_total")

        duration_mean_per_day = d.pop("duration_mean_per_day")

        duration_min_per_day = d.pop("duration_min_per_day")

        duration_max_per_day = d.pop("duration_max_per_day")

        def _parse_value_mean(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value_mean = _parse_value_mean(d.pop("value_mean"))

        def _parse_value_min(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value_min = _parse_value_min(d.pop("value_min"))

        def _parse_value_max(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value_max = _parse_value_max(d.pop("value_max"))

        def _parse_value_med(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value_med = _parse_value_med(d.pop("value_med"))

        def _parse_value_std(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value_std = _parse_value_std(d.pop("value_std"))

        daily_aggregate_summary = cls(
            n_days_with_data_total=n_days_with_data_total,
            duration_mean_per_day=duration_mean_per_day,
            duration_min_per_day=duration_min_per_day,
            duration_max_per_day=duration_max_per_day,
            value_mean=value_mean,
            value_min=value_min,
            value_max=value_max,
            value_med=value_med,
            value_std=value_std,
        )

        daily_aggregate_summary.additional_properties = d
        return daily_aggregate_summary

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
