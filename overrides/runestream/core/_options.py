"""The transport options every API's HTTP stack takes, and their checks.

:class:`TransportOptions` names the knobs :func:`~runestream.core._transport.build_httpx_client`
and ``Session`` pass through; :func:`check_max_attempts` and :func:`check_timeout` refuse bad
values (a :class:`~runestream.ValidationError` naming them) before any client is built.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypedDict

import httpx

from ._errors import ValidationError
from ._retry import RetryPolicy

__all__ = ["TransportOptions", "check_max_attempts", "check_timeout"]


class TransportOptions(TypedDict, total=False):
    """The transport knobs ``build_httpx_client`` takes by keyword (see
    :func:`~runestream.core._transport.build_generated_client` for each one's meaning)."""

    transport: httpx.BaseTransport | None
    async_transport: httpx.AsyncBaseTransport | None
    timeout: httpx.Timeout | float | None
    max_attempts: int | None
    retry_policy: RetryPolicy | None
    limits: httpx.Limits | None
    proxy: str | None
    sleep: Callable[[float], None] | None
    async_sleep: Callable[[float], Awaitable[None]] | None
    rand: Callable[[], float] | None
    deadline: float | None


def check_max_attempts(value: object, parameter: str = "max_attempts") -> int | None:
    """``value`` as a number of attempts per request (an integer of at least 1, ``None``: the
    policy's own), else a :class:`ValidationError` naming ``parameter``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{parameter} must be an integer of at least 1 (attempts per request), got {value!r}",
            parameter=parameter,
        )
    return value


def check_timeout(value: object, parameter: str = "timeout") -> httpx.Timeout | float | None:
    """``value`` as a timeout: an ``httpx.Timeout``, or seconds (a positive number) for each
    phase of a request, ``None``: the default; else a :class:`ValidationError` naming it."""
    if value is None or isinstance(value, httpx.Timeout):
        return value
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < float("inf")
    ):
        raise ValidationError(
            f"{parameter} must be a positive number of seconds or an httpx.Timeout, got {value!r}",
            parameter=parameter,
        )
    return float(value)
