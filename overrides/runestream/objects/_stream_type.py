"""runeq's ``Dimension``, ``StreamType``, ``StreamTypeSet`` (``resources/stream_metadata.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import ItemBase, ItemSet
from ._frames import Kind, Schema

if TYPE_CHECKING:
    from ._hook import MetadataDataSource

__all__ = ["Dimension", "StreamType", "StreamTypeSet"]


class Dimension(ItemBase):
    """A dimension of a stream type: a column of its data (``time`` is the first).

    Args:
        id: Dimension id (the data's column name).
        data_type: Data type (``timestamp``, ``float``, ``dict``, ...).
        quantity_name: Name of the measured quantity.
        unit_name: Name of the unit.
        **attributes: Other attributes (``quantity_abbrev``, ``unit_abbrev``).
    """

    def __init__(
        self,
        id: str,
        data_type: str | None,
        quantity_name: str | None,
        unit_name: str | None,
        **attributes: Any,
    ) -> None:
        self.data_type = data_type
        self.quantity_name = quantity_name
        self.unit_name = unit_name
        super().__init__(
            id=id,
            data_type=data_type,
            quantity_name=quantity_name,
            unit_name=unit_name,
            **attributes,
        )

    @classmethod
    def from_graphql(
        cls, data: Mapping[str, Any], *, _session: MetadataDataSource | None = None
    ) -> Dimension:
        """Build from an entry of ``shape.dimensions``: ``{id, data_type, quantity_name,
        quantity_abbrev, unit_name, unit_abbrev}`` (runeq's aliases)."""
        return cls(**{**data, "_session": _session})


class StreamType(ItemBase):
    """A stream type: the quantity measured, its unit, and the shape (dimensions) of the data.

    Args:
        id: Stream type id.
        name: Human-readable name.
        description: Human-readable description.
        dimensions: The dimensions, in column order.
        **attributes: Other attributes.
    """

    def __init__(
        self,
        id: str,
        name: str | None,
        description: str | None,
        dimensions: list[Dimension],
        **attributes: Any,
    ) -> None:
        self.name = name
        self.description = description
        self.dimensions = dimensions
        super().__init__(
            id=id, name=name, description=description, dimensions=dimensions, **attributes
        )

    def to_dict(self) -> dict[str, Any]:
        """The attributes, ``dimensions`` as a list of dimension dicts."""
        attrs = dict(self._attributes)
        attrs["dimensions"] = [dim.to_dict() for dim in self.dimensions]
        return attrs

    @classmethod
    def from_graphql(
        cls, data: Mapping[str, Any], *, _session: MetadataDataSource | None = None
    ) -> StreamType:
        """Build from a ``streamTypes`` entry of runeq's ``getStreamTypes`` query, or a
        stream's ``streamType``: ``{id, name, description, shape: {dimensions: [...]}}``."""
        attrs = dict(data)
        shape = attrs.pop("shape", None) or {}
        dimensions = [
            Dimension.from_graphql(d, _session=_session) for d in shape.get("dimensions") or ()
        ]
        return cls(dimensions=dimensions, _session=_session, **attrs)


class StreamTypeSet(ItemSet[StreamType]):
    """A collection of stream types."""

    _item_class: ClassVar[type[ItemBase]] = StreamType
    _schema: ClassVar[Schema] = (
        ("name", Kind.STR),
        ("description", Kind.STR),
        ("dimensions", Kind.OBJECT),
        ("id", Kind.STR),
    )
