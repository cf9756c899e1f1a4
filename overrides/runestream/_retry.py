"""The retry policy, in one place, as an httpx transport wrapper.

Every request made through a client from :func:`~runestream.build_generated_client` goes through
:class:`RetryTransport` (or :class:`AsyncRetryTransport`), so every generated call retries the
same way. The *same* request is sent again, so a retried page is the page asked for: no row is
duplicated or skipped.

Retried: connection failures and timeouts, a response body cut off mid-transfer (the body is
read inside the transport, so a truncated body is detected before anyone sees it), and statuses
408, 429, 500, 502, 503, 504. ``Retry-After`` (seconds or an HTTP date) is honoured up to a cap;
otherwise the wait is exponential backoff with full jitter. Other statuses are returned at once.

Requests whose ``extensions`` carry ``runestream_stream=True`` are not read eagerly: their
successful body is handed over unread (session downloads stream to disk and restart on their
own); statuses and connection failures before the body are still retried.

In a thread working for a cancellable call (read-ahead, parallel windows; see
:mod:`runestream._cancel`) a cancellation ends the wait before a retry, cuts a body being
read, and stops the request: nothing is sent again.
"""

from __future__ import annotations

import asyncio
import email.utils
import io
import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

import httpx

from ._cancel import Cancelled, aborting, interruptible_sleep, raise_if_cancelled
from ._errors import APIConnectionError, APITimeoutError, IncompleteResponseError, redacted_path
from ._logging import logger

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "STREAM_EXTENSION",
    "AsyncRetryTransport",
    "RetryPolicy",
    "RetryTransport",
    "check_body_length",
    "default_pause",
    "if_cancelled_raise_from",
    "parse_retry_after",
]

#: Request extension that marks a streamed download: the transport does not read its body.
STREAM_EXTENSION: Final = "runestream_stream"

#: Statuses retried by default.
RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
#: Methods retried by default (the Stream API is read-only).
RETRY_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
#: Transport errors worth retrying: the network or the peer failed, not our request.
RETRY_EXCEPTIONS: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a request is retried.

    Attributes:
        max_attempts: Total attempts per request, including the first (1 disables retries).
        initial_backoff: Upper bound of the first jittered wait, in seconds.
        max_backoff: Upper bound of any jittered wait, in seconds.
        retry_after_cap: Longest wait honoured from a ``Retry-After`` header, in seconds.
        retry_statuses: Response statuses that are retried.
        retry_methods: HTTP methods that are retried.
    """

    max_attempts: int = 4
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    retry_after_cap: float = 60.0
    retry_statuses: frozenset[int] = field(default=RETRY_STATUSES)
    retry_methods: frozenset[str] = field(default=RETRY_METHODS)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.initial_backoff < 0 or self.max_backoff < 0 or self.retry_after_cap < 0:
            raise ValueError("backoff times must not be negative")

    def backoff(
        self, attempt: int, retry_after: float | None = None, *, rand: Callable[[], float]
    ) -> float:
        """Return how long to wait after failed attempt number ``attempt`` (1-based).

        Args:
            attempt: The attempt that just failed, counting from 1.
            retry_after: Seconds from the response's ``Retry-After`` header, if any.
            rand: A uniform random number source on [0, 1).

        Returns:
            ``Retry-After`` capped at ``retry_after_cap`` when given, else a full-jitter
            exponential backoff: uniform on [0, min(max_backoff, initial_backoff * 2**(attempt-1))].
        """
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        ceiling = min(self.max_backoff, self.initial_backoff * 2.0 ** (attempt - 1))
        return rand() * ceiling


DEFAULT_RETRY_POLICY: Final = RetryPolicy()


def default_pause(attempt: int) -> float:
    """Sleep :data:`DEFAULT_RETRY_POLICY`'s backoff after failed attempt ``attempt``.

    For callers that restart a request on their own and were given an ``httpx.Client`` without
    a :class:`RetryTransport` (see :meth:`RetryTransport.pause`).

    Args:
        attempt: The attempt that just failed, counting from 1.

    Returns:
        The seconds slept.
    """
    delay = DEFAULT_RETRY_POLICY.backoff(attempt, rand=random.random)
    interruptible_sleep(delay)
    raise_if_cancelled()
    return delay


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


class TruncatedBodyError(Exception):
    """The body's length differs from its Content-Length (internal; retried)."""


def check_body_length(request: httpx.Request, response: httpx.Response, received: int) -> None:
    """Raise :class:`TruncatedBodyError` unless ``received`` bytes is the ``Content-Length``.

    Args:
        request: The request (a ``HEAD`` has no body to check).
        response: The response whose header is checked (204 and 304 have no body).
        received: Raw body bytes received.

    Raises:
        TruncatedBodyError: The counts differ.
    """
    expected = response.headers.get("content-length")
    if (
        expected is None
        or request.method == "HEAD"
        or response.status_code in (204, 304)
        or not expected.isdigit()
    ):
        return
    if int(expected) != received:
        raise TruncatedBodyError(f"received {received} of {expected} bytes")


def _rebuilt(request: httpx.Request, response: httpx.Response, raw: bytes) -> httpx.Response:
    """A response holding the raw (still encoded) body in memory."""
    check_body_length(request, response, len(raw))
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=httpx.ByteStream(raw),
        request=request,
        extensions=response.extensions,
    )


def read_raw(response: httpx.Response, limit: int | None = None) -> bytes:
    """Read a transport-level response's raw (still encoded) body and close it.

    Args:
        response: A response as returned by a transport.
        limit: Stop reading once this many bytes have arrived (``None`` reads everything).

    Returns:
        The raw body bytes (possibly more than ``limit``: whole chunks are kept).
    """
    if isinstance(response.stream, httpx.ByteStream):  # already in memory
        return b"".join(response.stream)
    # BytesIO.getvalue() hands over its buffer without a copy: peak memory stays near one body.
    buffer = io.BytesIO()
    try:
        for chunk in response.iter_raw():
            buffer.write(chunk)
            if limit is not None and buffer.tell() >= limit:
                break
    finally:
        response.close()
    return buffer.getvalue()


async def aread_raw(response: httpx.Response, limit: int | None = None) -> bytes:
    """The async twin of :func:`read_raw`.

    Args:
        response: A response as returned by an async transport.
        limit: Stop reading once this many bytes have arrived (``None`` reads everything).

    Returns:
        The raw body bytes.
    """
    if isinstance(response.stream, httpx.ByteStream):
        return b"".join(response.stream)
    buffer = io.BytesIO()
    try:
        async for chunk in response.aiter_raw():
            buffer.write(chunk)
            if limit is not None and buffer.tell() >= limit:
                break
    finally:
        await response.aclose()
    return buffer.getvalue()


def connection_error(exc: Exception, request: httpx.Request, attempts: int) -> APIConnectionError:
    """Map the exception that ended the last attempt to the error raised to the caller."""
    path = redacted_path(request.url)
    suffix = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
    if isinstance(exc, TruncatedBodyError):
        return IncompleteResponseError(
            f"response body incomplete ({exc}){suffix}", path=path, request=request
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return IncompleteResponseError(
            f"connection broke mid-response ({type(exc).__name__}){suffix}",
            path=path,
            request=request,
        )
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{type(exc).__name__}{suffix}", path=path, request=request)
    return APIConnectionError(f"{type(exc).__name__}: {exc}{suffix}", path=path, request=request)


def if_cancelled_raise_from(exc: BaseException) -> None:
    """Raise :class:`Cancelled` (from ``exc``) if this thread's work was cancelled.

    A read cut off by a cancellation fails like a broken connection; it is not retried.
    """
    try:
        raise_if_cancelled()
    except Cancelled as cancelled:
        raise cancelled from exc


class _RetryCore:
    """Decisions shared by the sync and async transports (no I/O here)."""

    def __init__(self, policy: RetryPolicy | None, rand: Callable[[], float] | None) -> None:
        self.policy = policy or DEFAULT_RETRY_POLICY
        self.rand = rand or random.random

    def retries_method(self, request: httpx.Request) -> bool:
        return request.method.upper() in self.policy.retry_methods

    def delay_after_error(
        self, request: httpx.Request, attempt: int, exc: Exception
    ) -> float | None:
        """Seconds to wait before retrying after ``exc``, or None to give up."""
        if attempt >= self.policy.max_attempts or not self.retries_method(request):
            return None
        delay = self.policy.backoff(attempt, rand=self.rand)
        logger.info(
            "retrying %s %s after %s (attempt %d of %d) in %.2fs",
            request.method,
            redacted_path(request.url),
            type(exc).__name__,
            attempt,
            self.policy.max_attempts,
            delay,
        )
        return delay

    def delay_after_status(
        self, request: httpx.Request, attempt: int, response: httpx.Response
    ) -> float | None:
        """Seconds to wait before retrying after ``response``, or None to return it."""
        if (
            response.status_code not in self.policy.retry_statuses
            or attempt >= self.policy.max_attempts
            or not self.retries_method(request)
        ):
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        delay = self.policy.backoff(attempt, retry_after, rand=self.rand)
        logger.info(
            "retrying %s %s after HTTP %d (attempt %d of %d) in %.2fs",
            request.method,
            redacted_path(request.url),
            response.status_code,
            attempt,
            self.policy.max_attempts,
            delay,
        )
        return delay


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport with the retry policy; reads bodies eagerly to catch truncation.

    After the last attempt a retryable status is returned as is (the caller maps it to an
    error carrying that status); a connection failure raises :class:`APIConnectionError`,
    :class:`APITimeoutError` or :class:`IncompleteResponseError`.

    Args:
        transport: The transport that sends requests (``httpx.HTTPTransport``, or a
            ``httpx.MockTransport`` in tests).
        policy: The retry policy; :data:`DEFAULT_RETRY_POLICY` by default.
        sleep: Called with seconds to wait between attempts (inject a fake in tests); by
            default ``time.sleep``, cut short by a cancellation.
        rand: Uniform random source on [0, 1) for jitter.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = interruptible_sleep,
        rand: Callable[[], float] | None = None,
    ) -> None:
        self._transport = transport
        self._core = _RetryCore(policy, rand)
        self._sleep = sleep

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy in force."""
        return self._core.policy

    def pause(self, attempt: int) -> float:
        """Sleep the policy's jittered backoff after failed attempt ``attempt`` (1-based).

        Used by callers that restart a request on their own, such as session downloads.

        Args:
            attempt: The attempt that just failed, counting from 1.

        Returns:
            The seconds slept.

        Raises:
            Cancelled: The thread's work was cancelled meanwhile (internal).
        """
        delay = self._core.policy.backoff(attempt, rand=self._core.rand)
        self._sleep(delay)
        raise_if_cancelled()
        return delay

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying per the policy.

        Args:
            request: The request to send.

        Returns:
            The response: body in memory unless the request is a marked stream.

        Raises:
            APIConnectionError: The last attempt failed without a usable response.
        """
        streamed = bool(request.extensions.get(STREAM_EXTENSION))
        attempt = 0
        while True:
            attempt += 1
            raise_if_cancelled()
            try:
                response = self._transport.handle_request(request)
                if not streamed or response.status_code in self._core.policy.retry_statuses:
                    with aborting(response):
                        raw = read_raw(response)
                    response = _rebuilt(request, response, raw)
            except (*RETRY_EXCEPTIONS, TruncatedBodyError) as exc:
                if_cancelled_raise_from(exc)
                delay = self._core.delay_after_error(request, attempt, exc)
                if delay is None:
                    raise connection_error(exc, request, attempt) from exc
                self._sleep(delay)
                continue
            delay = self._core.delay_after_status(request, attempt, response)
            if delay is None:
                return response
            response.close()
            self._sleep(delay)

    def close(self) -> None:
        """Close the wrapped transport."""
        self._transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`RetryTransport`.

    Args:
        transport: The async transport that sends requests.
        policy: The retry policy; :data:`DEFAULT_RETRY_POLICY` by default.
        sleep: Awaited with seconds to wait between attempts (inject a fake in tests).
        rand: Uniform random source on [0, 1) for jitter.
    """

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] | None = None,
    ) -> None:
        self._transport = transport
        self._core = _RetryCore(policy, rand)
        self._sleep = sleep

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy in force."""
        return self._core.policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying per the policy.

        Args:
            request: The request to send.

        Returns:
            The response: body in memory unless the request is a marked stream.

        Raises:
            APIConnectionError: The last attempt failed without a usable response.
        """
        streamed = bool(request.extensions.get(STREAM_EXTENSION))
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._transport.handle_async_request(request)
                if not streamed or response.status_code in self._core.policy.retry_statuses:
                    response = _rebuilt(request, response, await aread_raw(response))
            except (*RETRY_EXCEPTIONS, TruncatedBodyError) as exc:
                delay = self._core.delay_after_error(request, attempt, exc)
                if delay is None:
                    raise connection_error(exc, request, attempt) from exc
                await self._sleep(delay)
                continue
            delay = self._core.delay_after_status(request, attempt, response)
            if delay is None:
                return response
            await response.aclose()
            await self._sleep(delay)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._transport.aclose()
