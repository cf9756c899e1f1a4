"""Unknown keyword arguments to the V2 functions: named, with a did-you-mean, before any request.

Python's own error (``got an unexpected keyword argument 'strat_time'``) names the argument but
not what was meant; :func:`suggest_names` keeps each function's exact signature (runeq's) and
turns that error into an :class:`UnknownParameterError`, which is both a
:class:`~runestream.ValidationError` and the ``TypeError`` Python would raise.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from ..core._errors import ValidationError

__all__ = ["UnknownParameterError", "suggest_names"]

F = TypeVar("F", bound=Callable[..., Any])


class UnknownParameterError(ValidationError, TypeError):
    """A keyword argument the function does not take (the message suggests the closest one)."""


def suggest_names(fn: F) -> F:
    """Wrap ``fn`` so an unknown keyword argument raises :class:`UnknownParameterError`.

    Args:
        fn: A function or method with a fixed signature (no ``**kwargs``).

    Returns:
        The wrapped function; ``inspect.signature`` still shows ``fn``'s signature.
    """
    signature = inspect.signature(fn)
    known = [name for name in signature.parameters if name != "self"]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        unknown = [name for name in kwargs if name not in signature.parameters]
        if unknown:
            name = unknown[0]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; it takes {', '.join(known)}"
            raise UnknownParameterError(
                f"{fn.__name__}() got an unknown parameter {name!r}{hint}", parameter=name
            )
        return fn(*args, **kwargs)

    return cast(F, wrapper)
