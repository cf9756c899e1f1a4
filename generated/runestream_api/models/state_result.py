from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.state_result_update_item import StateResultUpdateItem


T = TypeVar("T", bound="StateResult")


@_attrs_define
class StateResult:
    """Depends on `expression`: `state`/`availability(state)` give `time` plus one array per field; `event_type` gives
    `{event_type: [...]}`; `update` gives `{cardinality, time, update: [{field: value}, ...]}`.

    """

    time: list[Any] | Unset = UNSET
    event_type: list[str] | Unset = UNSET
    cardinality: int | Unset = UNSET
    update: list[StateResultUpdateItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time: list[Any] | Unset = UNSET
        if not isinstance(self.time, Unset):
            time = self.time

        event_type: list[str] | Unset = UNSET
        if not isinstance(self.event_type, Unset):
            event_type = self.event_type

        cardinality = self.cardinality

        update: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.update, Unset):
            update = []
            for update_item_data in self.update:
                update_item = update_item_data.to_dict()
                update.append(update_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if time is not UNSET:
            field_dict["time"] = time
        if event_type is not UNSET:
            field_dict["event_type"] = event_type
        if cardinality is not UNSET:
            field_dict["cardinality"] = cardinality
        if update is not UNSET:
            field_dict["update"] = update

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.state_result_update_item import StateResultUpdateItem  # noqa: PLC0415

        d = dict(src_dict)
        time = cast(list[Any], d.pop("time", UNSET))

        event_type = cast(list[str], d.pop("event_type", UNSET))

        cardinality = d.pop("cardinality", UNSET)

        _update = d.pop("update", UNSET)
        update: list[StateResultUpdateItem] | Unset = UNSET
        if _update is not UNSET:
            update = []
            for update_item_data in _update:
                update_item = StateResultUpdateItem.from_dict(update_item_data)

                update.append(update_item)

        state_result = cls(
            time=time,
            event_type=event_type,
            cardinality=cardinality,
            update=update,
        )

        state_result.additional_properties = d
        return state_result

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
