"""runeq's ``runeq.resources.org``, on the default :class:`~runestream.Session` (or ``client=``)."""

from __future__ import annotations

from .._session_api import Session
from ..graph import OrgNamespace
from ..objects import Org, OrgSet
from ._choose import namespace_of

__all__ = ["Org", "OrgSet", "get_org", "get_orgs", "set_active_org"]

_Client = Session | OrgNamespace | None


def get_orgs(client: _Client = None) -> OrgSet:
    """Every organization of the user; see :meth:`OrgNamespace.get_orgs`."""
    return namespace_of(client, OrgNamespace, "org").get_orgs()


def get_org(org_id: str, client: _Client = None) -> Org:
    """One organization of the user; see :meth:`OrgNamespace.get_org`."""
    return namespace_of(client, OrgNamespace, "org").get_org(org_id)


def set_active_org(org: str | Org, client: _Client = None) -> Org:
    """Switch the active organization; see :meth:`OrgNamespace.set_active_org`."""
    return namespace_of(client, OrgNamespace, "org").set_active_org(org)
