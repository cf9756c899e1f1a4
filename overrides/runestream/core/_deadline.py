"""A total time bound for one call: every page, request, retry and wait of it.

``timeout=`` bounds each phase of one request (connecting, each read, ...): a server that sends
a byte every few seconds never trips it. A :class:`Deadline` bounds the whole call. The call
(a paginator, a ``to_arrow``) opens a :func:`deadline_scope`; everything below it in the same
thread, the retry transport and the streamed CSV reader, finds the deadline with
:func:`current_deadline` and

* caps each phase's timeout at what remains, so a stalled read ends at the deadline;
* checks it between the body's chunks, so a trickling body ends there too;
* gives up at once when the next retry's wait would pass it.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from collections.abc import Iterator, Mapping
from typing import Final

import httpx

from ._errors import DeadlineExceededError, ValidationError, redacted_path

__all__ = [
    "Deadline",
    "check_deadline",
    "current_deadline",
    "deadline_scope",
    "start_deadline",
]

#: What counts as "no time left": a timeout capped at the remaining time fires this close to it.
_SLACK: Final = 0.005

_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "runestream_deadline", default=None
)


class Deadline:
    """A point in time (monotonic clock) by which a call must be done.

    Args:
        seconds: The budget, from now.

    Attributes:
        seconds: The budget it was created with (for messages).
    """

    __slots__ = ("_expires", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._expires = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self._expires - time.monotonic()

    def expired(self) -> bool:
        """Whether no time is left."""
        return self.remaining() <= _SLACK

    def error(
        self, detail: str, request: httpx.Request | None = None, *, path: str | None = None
    ) -> DeadlineExceededError:
        """The error to raise for this deadline, with what was going on when it passed."""
        if path is None and request is not None:
            path = redacted_path(request.url)
        return DeadlineExceededError(
            f"deadline of {self.seconds:g} s exceeded" + (f": {detail}" if detail else ""),
            path=path,
            request=request,
        )

    def check(
        self, detail: str, request: httpx.Request | None = None, *, path: str | None = None
    ) -> None:
        """Raise :meth:`error` if no time is left."""
        if self.expired():
            raise self.error(detail, request, path=path)

    def capped(self, timeouts: Mapping[str, float | None]) -> dict[str, float]:
        """httpx's per-phase timeouts (``request.extensions["timeout"]``) capped at what remains."""
        left = max(self.remaining(), _SLACK)
        capped = {
            phase: left if value is None else min(value, left) for phase, value in timeouts.items()
        }
        for phase in ("connect", "read", "write", "pool"):
            capped.setdefault(phase, left)
        return capped

    def __repr__(self) -> str:
        return f"Deadline(seconds={self.seconds:g}, remaining={self.remaining():.3f})"


def check_deadline(value: object, name: str = "deadline") -> float | None:
    """Validate a ``deadline`` argument: ``None`` or a positive, finite number of seconds.

    Raises:
        ValidationError: Anything else (before any request).
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(
            f"{name} must be a positive number of seconds or None, got {value!r}", parameter=name
        )
    if value <= 0:
        raise ValidationError(f"{name} must be positive, got {value!r}", parameter=name)
    return float(value)


def start_deadline(value: float | Deadline | None) -> Deadline | None:
    """A deadline starting now from seconds; an existing :class:`Deadline` is kept as is."""
    if value is None or isinstance(value, Deadline):
        return value
    return Deadline(value)


def current_deadline() -> Deadline | None:
    """The deadline of the call running in this thread (or task), if any."""
    return _CURRENT.get()


@contextlib.contextmanager
def deadline_scope(deadline: Deadline | None) -> Iterator[None]:
    """Make ``deadline`` the current one inside the block (``None``: leave things as they are).

    Open it around a request, never around a ``yield``: the scope belongs to the thread or task
    that runs the block.
    """
    if deadline is None:
        yield
        return
    token = _CURRENT.set(deadline)
    try:
        yield
    finally:
        _CURRENT.reset(token)
