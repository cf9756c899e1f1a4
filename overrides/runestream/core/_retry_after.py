"""The ``Retry-After`` header: parsed into seconds, and said in words for error messages."""

from __future__ import annotations

import email.utils
import math
from datetime import UTC, datetime, timedelta

__all__ = ["describe_retry_after", "parse_retry_after", "retry_time"]


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Parse a ``Retry-After`` header value into seconds.

    Args:
        value: The header value: delay seconds (``"120"``) or an HTTP date.
        now: The current time for HTTP dates (defaults to now, UTC).

    Returns:
        Seconds to wait (never negative), or ``None`` if absent or unparsable.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((when - now).total_seconds(), 0.0)


def retry_time(seconds: float, *, now: datetime | None = None) -> datetime | None:
    """The UTC time ``seconds`` from now (``None`` if it is beyond what a datetime holds)."""
    try:
        return (now or datetime.now(UTC)) + timedelta(seconds=seconds)
    except OverflowError:
        return None


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{round(seconds, 1):g} s"
    if seconds < 2 * 3600:
        return f"{round(seconds / 60, 1):g} min"
    return f"{round(seconds / 3600, 1):g} h"


def describe_retry_after(seconds: float, at: datetime | None) -> str:
    """``"retry after 27.8 h (at 2026-12-03T19:53+00:00)"``, for messages."""
    when = f" (at {at.isoformat(timespec='minutes')})" if at is not None else ""
    return f"retry after {_duration(seconds)}{when}"
