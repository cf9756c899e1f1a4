"""``session.org``: runeq 0.18's ``runeq.resources.org``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from runestream.core._errors import ValidationError
from runestream.objects import ItemNotFoundError, Org, OrgSet
from runestream_graphql.fragments import OrgFields
from runestream_graphql.input_types import UpdateDefaultMembershipInput

from ._api import GraphAPI, check_id, dump, missing
from ._paging import follow_cursor

__all__ = ["OrgNamespace"]


class OrgNamespace:
    """The organizations the user is a member of, and which one is active."""

    def __init__(self, api: GraphAPI) -> None:
        self._api = api

    def _iter_orgs(self) -> Iterator[Org]:
        def page(cursor: str | None) -> tuple[Iterable[OrgFields], str | None]:
            user = self._api.client.get_org_memberships(cursor=cursor).user
            listing = user.membership_list if user is not None else None
            if listing is None:
                return (), None
            orgs = [m.org for m in listing.memberships or () if m is not None and m.org]
            return orgs, listing.page_info.end_cursor

        for org in follow_cursor(page, what="organization memberships"):
            yield Org.from_graphql(dump(org), _session=self._api.source)

    def get_orgs(self) -> OrgSet:
        """Every organization the user is a member of (all pages)."""
        return OrgSet(self._iter_orgs(), _session=self._api.source)

    def get_org(self, org_id: str) -> Org:
        """The organization with this id (either form), among the user's memberships.

        Raises:
            ItemNotFoundError: The user is not a member of such an org (a ``ValueError``, as
                runeq raised).
        """
        wanted = Org.normalize_id(check_id(org_id, "org_id"))
        for org in self._iter_orgs():
            if org.id == wanted:
                return org
        raise ItemNotFoundError(f"Org not found with id: {wanted}")

    def set_active_org(self, org: str | Org) -> Org:
        """Make ``org`` (an id or an :class:`~runestream.objects.Org`) the active one.

        Returns:
            The now active organization.
        """
        if isinstance(org, Org):
            org_id = org.id
        elif isinstance(org, str):
            org_id = check_id(org, "org")
        else:
            raise ValidationError(
                f"org must be an org id or an Org, not {type(org).__name__}", parameter="org"
            )
        answer = self._api.client.update_default_membership(
            input=UpdateDefaultMembershipInput(orgId=org_id)
        ).update_default_membership
        user = answer.user if answer is not None else None
        membership = user.default_membership if user is not None else None
        if membership is None or membership.org is None:
            missing(f"the active org after switching to {org_id}")
        return Org.from_graphql(dump(membership.org), _session=self._api.source)

    def __repr__(self) -> str:
        return "OrgNamespace()"
