from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.timeseries_result_streams_item import TimeseriesResultStreamsItem


T = TypeVar("T", bound="TimeseriesResult")


@_attrs_define
class TimeseriesResult:
    """Column-oriented timeseries: `time` plus one array per value column (e.g. `x`, `y`, `z`; `availability(accel)`), or
    `streams` for multi-stream results (LFP, severities). With `partition_size`, each array is split into sub-arrays.
    The exact keys depend on `expression`.

    """

    time: list[Any] | Unset = UNSET
    streams: list[TimeseriesResultStreamsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time: list[Any] | Unset = UNSET
        if not isinstance(self.time, Unset):
            time = self.time

        streams: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.streams, Unset):
            streams = []
            for streams_item_data in self.streams:
                streams_item = streams_item_data.to_dict()
                streams.append(streams_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if time is not UNSET:
            field_dict["time"] = time
        if streams is not UNSET:
            field_dict["streams"] = streams

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.timeseries_result_streams_item import TimeseriesResultStreamsItem  # noqa: PLC0415

        d = dict(src_dict)
        time = cast(list[Any], d.pop("time", UNSET))

        _streams = d.pop("streams", UNSET)
        streams: list[TimeseriesResultStreamsItem] | Unset = UNSET
        if _streams is not UNSET:
            streams = []
            for streams_item_data in _streams:
                streams_item = TimeseriesResultStreamsItem.from_dict(streams_item_data)

                streams.append(streams_item)

        timeseries_result = cls(
            time=time,
            streams=streams,
        )

        timeseries_result.additional_properties = d
        return timeseries_result

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
