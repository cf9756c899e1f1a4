"""runeq's ``User``: the user the credentials belong to (``runeq/resources/user.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._base import ItemBase

if TYPE_CHECKING:
    from ._hook import MetadataDataSource

__all__ = ["User"]


class User(ItemBase):
    """A user of the Rune platform.

    Args:
        id: User ID (as the API answers it; runeq does not normalize it either).
        name: Display name.
        created_at: When the user was created (unix seconds).
        active_org_id: ID of the user's active organization.
        active_org_name: Display name of the active organization.
        **attributes: Other attributes (``email``).
    """

    def __init__(
        self,
        id: str,
        name: str | None,
        created_at: float | None,
        active_org_id: str | None,
        active_org_name: str | None,
        **attributes: Any,
    ) -> None:
        self.name = name
        self.created_at = created_at
        self.active_org_id = active_org_id
        self.active_org_name = active_org_name
        super().__init__(
            id=id,
            name=name,
            created_at=created_at,
            active_org_id=active_org_id,
            active_org_name=active_org_name,
            **attributes,
        )

    @staticmethod
    def normalize_id(user_id: str) -> str:
        """Strip the ``user-`` prefix and ``,user`` suffix, if present."""
        if user_id.startswith("user-"):
            user_id = user_id[5:]
        if user_id.endswith(",user"):
            user_id = user_id[:-5]
        return user_id

    @classmethod
    def from_graphql(
        cls, data: Mapping[str, Any], *, _session: MetadataDataSource | None = None
    ) -> User:
        """Build from the ``user`` object of runeq's ``getUser`` query.

        ``data`` is ``{id, created_at, name, defaultMembership: {org: {id, name}}, email}``
        (runeq's aliases). A missing ``defaultMembership`` or ``org`` gives ``None`` for the
        active org (runeq raised ``AttributeError``).
        """
        membership = data.get("defaultMembership") or {}
        org = membership.get("org") or {}
        return cls(
            id=data["id"],
            name=data.get("name"),
            created_at=data.get("created_at"),
            active_org_id=org.get("id"),
            active_org_name=org.get("name"),
            email=data.get("email"),
            _session=_session,
        )
