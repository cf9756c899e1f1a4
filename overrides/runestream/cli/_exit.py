"""Exit codes of the ``runestream`` command and the mapping from exceptions to them."""

from __future__ import annotations

from typing import Final

from ..core._errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    ConfigError,
    PermissionDeniedError,
    ValidationError,
)

OK: Final = 0
#: Anything else: a local failure (the output cannot be written) or a bug (see ``--debug``).
OTHER: Final = 1
USAGE: Final = 2
AUTH_OR_CONFIG: Final = 3
API: Final = 4
NETWORK: Final = 5
INTERRUPTED: Final = 130


class UsageError(Exception):
    """A command line that cannot be run as given (exit code 2)."""


def exit_code_for(error: BaseException) -> int:
    """Return the documented exit code for an exception raised by a command.

    0 success, 1 any other error (e.g. the output file cannot be written), 2 usage error
    (including a missing or invalid parameter), 3 auth or config error, 4 API error, 5 network
    error, 130 interrupted.
    """
    if isinstance(error, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(error, UsageError | ValidationError):
        return USAGE
    if isinstance(error, ConfigError | AuthenticationError | PermissionDeniedError):
        return AUTH_OR_CONFIG
    if isinstance(error, APIConnectionError):
        return NETWORK
    if isinstance(error, APIError):
        return API
    return OTHER
