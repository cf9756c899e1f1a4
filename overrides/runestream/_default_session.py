"""runeq's global style: ``initialize(...)`` sets a default :class:`~runestream.Session`.

Kept for code moving from runeq (``runeq.initialize`` + ``runeq.resources.stream.*``); new
code should hold a :class:`~runestream.Session` itself. The next ``initialize`` replaces the
default session; the old one is not closed (page iterators started on it keep working) and
goes with its last reference. Access is guarded by a lock.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from ._session_api import Session
from .core._config import Config
from .core._errors import ConfigError

__all__ = ["InitializationError", "default_session", "initialize", "initialize_with_config"]

_lock = threading.Lock()
_default: Session | None = None


class InitializationError(ConfigError):
    """A module-level function was called before :func:`initialize`."""


def initialize(*args: str | os.PathLike[str], **kwargs: Any) -> Session:
    """Configure the default session, as ``runeq.initialize`` does.

    Examples:
        >>> initialize()  # doctest: +SKIP
        # ~/.rune/config (or $RUNE_CONFIG), RUNE_* environment variables
        >>> initialize("./example_config.yaml")  # doctest: +SKIP
        >>> initialize(access_token_id="...", access_token_secret="...")  # doctest: +SKIP

    Args:
        *args: At most one: a config file path.
        **kwargs: :class:`~runestream.Config` keyword arguments (credentials, URLs).

    Returns:
        The new default :class:`~runestream.Session` (runeq returns nothing; ignoring the
        value keeps runeq's behaviour).

    Raises:
        TypeError: More than one positional argument.
        ConfigError: The configuration is incomplete or invalid.
    """
    if len(args) > 1:
        raise TypeError(f"initialize() takes at most 1 positional argument ({len(args)} given)")
    config = Config(args[0] if args else None, **kwargs)
    return initialize_with_config(config)


def initialize_with_config(config: Config) -> Session:
    """Set the default session from a :class:`~runestream.Config` (runeq's name).

    Args:
        config: The configuration.

    Returns:
        The new default session.
    """
    global _default
    session = Session(config)
    with _lock:
        _default = session
    return session


def default_session() -> Session:
    """The session set by :func:`initialize`.

    Raises:
        InitializationError: :func:`initialize` has not been called.
    """
    with _lock:
        session = _default
    if session is None:
        raise InitializationError(
            "runestream is not initialized: call runestream.initialize(...) first, or use "
            "runestream.Session(config) and its .stream functions"
        )
    return session
