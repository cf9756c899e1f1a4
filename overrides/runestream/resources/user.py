"""runeq's ``runeq.resources.user``, on the default :class:`~runestream.Session` (or
``client=``)."""

from __future__ import annotations

from .._session_api import Session
from ..graph import UserNamespace
from ..objects import User
from ._choose import namespace_of

__all__ = ["User", "get_current_user"]


def get_current_user(client: Session | UserNamespace | None = None) -> User:
    """The current user; see :meth:`UserNamespace.get_current_user`."""
    return namespace_of(client, UserNamespace, "user").get_current_user()
