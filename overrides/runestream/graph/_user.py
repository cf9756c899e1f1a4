"""``session.user``: runeq 0.18's ``runeq.resources.user``."""

from __future__ import annotations

from runestream.objects import User

from ._api import GraphAPI, dump, missing

__all__ = ["UserNamespace"]


class UserNamespace:
    """The user the credentials act as."""

    def __init__(self, api: GraphAPI) -> None:
        self._api = api

    def get_current_user(self) -> User:
        """The current user (id, name, created_at, active org, email), as runeq's.

        Raises:
            APIError: The request failed, or the API answered no user.
        """
        user = self._api.client.get_user().user
        if user is None:
            missing("the current user")
        return User.from_graphql(dump(user), _session=self._api.source)

    def __repr__(self) -> str:
        return "UserNamespace()"
