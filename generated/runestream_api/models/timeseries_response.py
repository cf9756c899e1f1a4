from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.timeseries_result import TimeseriesResult


T = TypeVar("T", bound="TimeseriesResponse")


@_attrs_define
class TimeseriesResponse:
    success: bool
    result: TimeseriesResult
    """ Column-oriented timeseries: `time` plus one array per value column (e.g. `x`, `y`, `z`;
    `availability(accel)`), or `streams` for multi-stream results (LFP, severities). With `partition_size`, each
    array is split into sub-arrays. The exact keys depend on `expression`. """
    next_page: int | Unset = UNSET
    """ Next page number, in deprecated page-number mode only. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        result = self.result.to_dict()

        next_page = self.next_page

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "result": result,
            }
        )
        if next_page is not UNSET:
            field_dict["next_page"] = next_page

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.timeseries_result import TimeseriesResult  # noqa: PLC0415

        d = dict(src_dict)
        success = d.pop("success")

        result = TimeseriesResult.from_dict(d.pop("result"))

        next_page = d.pop("next_page", UNSET)

        timeseries_response = cls(
            success=success,
            result=result,
            next_page=next_page,
        )

        timeseries_response.additional_properties = d
        return timeseries_response

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
