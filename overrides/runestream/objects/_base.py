"""runeq's ``ItemBase`` / ``ItemSet``: an item with an id and attributes; an ordered set of items.

Kept from runeq 0.18.1 (``runeq/resources/common.py``): item attributes readable with
``item[attr]`` / ``item.get(attr, default)``; items equal when of the same class with the same
id; ``repr`` ``Class(id="...", name="...")``; sets ordered by insertion, keyed by id (adding an
item whose id is already there replaces it in place), ``add`` / ``update`` refusing another
class with ``TypeError``, ``remove`` by id or item (silently ignoring absent ones), ``set[id]``
answering ``None`` when absent, ``get(id)`` raising, ``ids()``, ``to_list()``, ``to_dataframe()``.

Different, deliberately:

* ``to_dict()`` returns a new dict (runeq returned the item's own attribute dict, so changing
  the result changed the item).
* ``update`` checks every item's class before adding any (runeq added the items before the
  first wrong one, then raised).
* ``get`` raises :class:`~runestream.objects.ItemNotFoundError`, a ``ValueError`` like runeq's.
* ``to_dataframe`` of an empty set has the set's columns and dtypes (see ``_frames``).
* Every item and set holds an optional private ``_session`` (a
  :class:`~runestream.objects.MetadataDataSource`, keyword ``_session=``), never a global.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from ._errors import ItemNotFoundError
from ._frames import Schema, records_frame, require_pandas

if TYPE_CHECKING:
    import pandas

    from ._hook import MetadataDataSource

__all__ = ["ItemBase", "ItemSet"]

_NO_NAME = object()


class ItemBase:
    """Base class of the metadata items: an id and a dict of attributes (``id`` included).

    Args:
        id: The item's id.
        _session: The data source network methods use (private; set by the fetching layer).
        **attributes: The item's other attributes, in the order they are shown.
    """

    _id: str
    _attributes: dict[str, Any]
    _session: MetadataDataSource | None

    def __init__(
        self, id: str, *, _session: MetadataDataSource | None = None, **attributes: Any
    ) -> None:
        self._id = id
        self._session = _session
        attributes["id"] = id
        self._attributes = attributes

    @property
    def id(self) -> str:
        """ID of the item."""
        return self._id

    def __eq__(self, right: object) -> bool:
        """Equal when of exactly the same class (not a subclass) and with the same id."""
        return type(self) is type(right) and self.id == right.id

    __hash__ = None  # type: ignore[assignment]  # as runeq: mutable, compared by id

    def __getitem__(self, attr: str) -> Any:
        """The value of an attribute, or ``None``."""
        return self._attributes.get(attr)

    def get(self, attr: str, default: Any = None) -> Any:
        """The value of an attribute, or ``default``."""
        return self._attributes.get(attr, default)

    def __repr__(self) -> str:
        """``Class(id="...", name="...")``, the name only for items that have one."""
        name = getattr(self, "name", _NO_NAME)
        if name is not _NO_NAME:
            return f'{type(self).__name__}(id="{self.id}", name="{name}")'
        return f'{type(self).__name__}(id="{self.id}")'

    def to_dict(self) -> dict[str, Any]:
        """The item's attributes as a new dict (``id`` last, as in runeq)."""
        return dict(self._attributes)


ItemT = TypeVar("ItemT", bound=ItemBase)


class ItemSet(Generic[ItemT]):
    """An ordered collection of items of one class, keyed by id.

    Args:
        items: The initial items (later ones replace earlier ones with the same key).
        _session: The data source network methods use (private; set by the fetching layer).
    """

    #: The one class of the set's items (runeq: an abstract property).
    _item_class: ClassVar[type[ItemBase]] = ItemBase
    #: The set's data-frame columns (see ``_frames``).
    _schema: ClassVar[Schema] = ()

    _items: dict[Hashable, ItemT]
    _session: MetadataDataSource | None

    def __init__(
        self, items: Iterable[ItemT] = (), *, _session: MetadataDataSource | None = None
    ) -> None:
        self._items = {}
        self._session = _session
        for item in items:
            self.add(item)

    # keys ---------------------------------------------------------------------------------

    def _key_of(self, item: ItemT) -> Hashable:
        """The key an item is stored under (its id)."""
        return item.id

    def _key_for(self, ref: Any) -> Hashable | None:
        """The key a caller's reference (an id) names, or ``None`` if the set lacks it."""
        return ref if ref in self._items else None

    # runeq's interface --------------------------------------------------------------------

    def __iter__(self) -> Iterator[ItemT]:
        """Iterate over the items, in insertion order."""
        return iter(self._items.values())

    def __len__(self) -> int:
        """Number of items in the set."""
        return len(self._items)

    def __getitem__(self, id: str) -> ItemT | None:
        """The item with this id, or ``None``."""
        key = self._key_for(id)
        return None if key is None else self._items[key]

    def get(self, id: str) -> ItemT:
        """The item with this id.

        Raises:
            ItemNotFoundError: (a ``ValueError``) the set has no item with the id.
        """
        key = self._key_for(id)
        if key is None:
            raise ItemNotFoundError(
                f"{type(self).__name__} does not contain {self._item_class.__name__} with ID {id}"
            )
        return self._items[key]

    def _check(self, item: object, verb: str) -> ItemT:
        if type(item) is not self._item_class:
            raise TypeError(f"cannot {verb} {item!s}; must be type {self._item_class.__name__}")
        return item  # type: ignore[return-value]

    def add(self, item: ItemT) -> None:
        """Add one item (of the set's class; one with the same key is replaced in place).

        Raises:
            TypeError: the item is not of the set's class.
        """
        self._items[self._key_of(self._check(item, "add"))] = item

    def update(self, items: Iterable[ItemT]) -> None:
        """Add several items (e.g. another set); all are checked before any is added.

        Raises:
            TypeError: an item is not of the set's class (nothing was added).
        """
        checked = [self._check(item, "update with") for item in items]
        for item in checked:
            self._items[self._key_of(item)] = item

    def remove(self, *items: str | ItemT) -> None:
        """Remove items, given by id or as items; absent ones are ignored."""
        for item in items:
            key = self._key_for(item) if isinstance(item, str) else self._key_of(item)
            self._items.pop(key, None)

    def ids(self) -> Iterator[str]:
        """Iterator over the ids of the items, in set order."""
        return (item.id for item in self._items.values())

    def __repr__(self) -> str:
        """The class name and up to 3 items, one per line."""
        lines = []
        for i, item in enumerate(self):
            if i > 2:
                lines.append(f"\t... (and {len(self._items) - 3} others)\n")
                break
            lines.append(f"\t{item!s}\n")
        body = "".join(lines)
        return f"{type(self).__name__} {{\n{body}}}"

    def to_list(self) -> list[dict[str, Any]]:
        """Every item's ``to_dict()``, in set order."""
        return [item.to_dict() for item in self._items.values()]

    def to_dataframe(self) -> pandas.DataFrame:
        """``to_list()`` as a data frame (pandas extra); an empty set keeps the columns."""
        require_pandas(f"{type(self).__name__}.to_dataframe")
        return records_frame(self.to_list(), self._schema)
