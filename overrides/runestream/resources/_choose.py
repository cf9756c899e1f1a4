"""Which session a runeq-style module function uses: its ``client=``, else the default one."""

from __future__ import annotations

from typing import TypeVar

from .._default_session import default_session
from .._session_api import Session
from ..core._errors import ValidationError

__all__ = ["namespace_of"]

N = TypeVar("N")


def namespace_of(client: object, kind: type[N], name: str, parameter: str = "client") -> N:
    """The ``name`` namespace (of type ``kind``) of ``client``, or of the default session.

    ``client`` may be a :class:`~runestream.Session`, that namespace itself, or ``None`` (the
    session set by :func:`runestream.initialize`). runeq's ``GraphClient`` does not fit.

    Raises:
        ValidationError: ``client`` is something else.
        InitializationError: ``client`` is ``None`` and no default session was initialized.
    """
    if client is None:
        client = default_session()
    if isinstance(client, Session):
        found = getattr(client, name)
        assert isinstance(found, kind)
        return found
    if isinstance(client, kind):
        return client
    raise ValidationError(
        f"{parameter} must be a runestream.Session or its .{name}, not {type(client).__name__}",
        parameter=parameter,
    )
