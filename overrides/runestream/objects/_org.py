"""runeq's ``Org`` / ``OrgSet``: the user's organizations (``runeq/resources/org.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import ItemBase, ItemSet
from ._frames import Kind, Schema

if TYPE_CHECKING:
    from ._hook import MetadataDataSource

__all__ = ["Org", "OrgSet"]


class Org(ItemBase):
    """Metadata for an organization (a lab, a clinical site).

    Args:
        id: Organization ID, in any form (``org-<hex>,org`` or bare); kept normalized (bare).
        name: Display name.
        created_at: When the organization was created (unix seconds).
        tags: Organization tags (``None`` is read as none; runeq raised ``TypeError``).
        **attributes: Other attributes.
    """

    def __init__(
        self,
        id: str,
        name: str | None,
        created_at: float | None,
        tags: Iterable[str] | None = (),
        **attributes: Any,
    ) -> None:
        self.name = name
        self.created_at = created_at
        self.tags = list(tags or ())
        super().__init__(
            id=Org.normalize_id(id),
            name=name,
            created_at=created_at,
            tags=self.tags,
            **attributes,
        )

    @staticmethod
    def normalize_id(org_id: str) -> str:
        """Strip the ``org-`` prefix and ``,org`` suffix, if present."""
        if org_id.startswith("org-"):
            org_id = org_id[4:]
        if org_id.endswith(",org"):
            org_id = org_id[:-4]
        return org_id

    @staticmethod
    def denormalize_id(org_id: str) -> str:
        """Add the ``org-`` prefix and ``,org`` suffix (the form GraphQL requests use)."""
        if not org_id.startswith("org-"):
            org_id = f"org-{org_id}"
        if not org_id.endswith(",org"):
            org_id = f"{org_id},org"
        return org_id

    @classmethod
    def from_graphql(
        cls, data: Mapping[str, Any], *, _session: MetadataDataSource | None = None
    ) -> Org:
        """Build from an ``org`` object of runeq's ``getOrgMemberships`` query (a membership's
        ``org``) or ``updateDefaultMembership`` mutation (``defaultMembership.org``).

        ``data`` is ``{id, created_at, name, tags}`` (runeq's aliases); other keys become
        attributes, as in runeq.
        """
        return cls(**{**data, "_session": _session})


class OrgSet(ItemSet[Org]):
    """A collection of organizations."""

    _item_class: ClassVar[type[ItemBase]] = Org
    _schema: ClassVar[Schema] = (
        ("name", Kind.STR),
        ("created_at", Kind.FLOAT),
        ("tags", Kind.OBJECT),
        ("id", Kind.STR),
    )
