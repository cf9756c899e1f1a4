"""The retry policy, in one place, as an httpx transport wrapper.

Every request made through a client from :func:`~runestream.build_generated_client` goes through
:class:`RetryTransport` (or :class:`AsyncRetryTransport`), so every generated call retries the
same way. The *same* request is sent again, so a retried page is the page asked for: no row is
duplicated or skipped.

Retried: connection failures and timeouts, a response body cut off mid-transfer or that cannot
be decoded (the body is read and decoded inside the transport, so such a body is detected
before anyone sees it), and statuses 408, 429, 500, 502, 503, 504. ``Retry-After`` (seconds or
an HTTP date) is honoured up to a cap; a longer one is not waited for: the status is returned at
once (its error says when to retry). Otherwise the wait is exponential backoff with full jitter.
Other statuses are returned at once.

Within a call's deadline (:mod:`runestream.core._deadline`) every attempt's timeouts are capped at
what remains, a body still arriving when it passes is abandoned, and a retry whose wait would
pass it is not made.

Requests whose ``extensions`` carry ``runestream_stream=True`` are not read eagerly: their
successful body is handed over unread (session downloads stream to disk and restart on their
own); statuses and connection failures before the body are still retried.

In a thread working for a cancellable call (read-ahead, parallel windows; see
:mod:`runestream.core._cancel`) a cancellation ends the wait before a retry, cuts a body being
read, and stops the request: nothing is sent again.
"""

from __future__ import annotations

import asyncio
import io
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final

import httpx

from ._cancel import Cancelled, aborting, interruptible_sleep, raise_if_cancelled
from ._deadline import Deadline, current_deadline, deadline_scope
from ._errors import (
    GAVE_UP_EXTENSION,
    APIConnectionError,
    APITimeoutError,
    IncompleteResponseError,
    redacted_path,
)
from ._logging import logger
from ._retry_after import parse_retry_after

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "SAFE_TO_REPEAT_EXTENSION",
    "STREAM_EXTENSION",
    "UNSENT_EXCEPTIONS",
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

#: Request extension that marks a request as safe to repeat whatever its method (a GraphQL
#: query sent with POST): it is retried like a GET. Without it a POST (a GraphQL mutation) is
#: retried only after an error that proves nothing was sent (:data:`UNSENT_EXCEPTIONS`).
SAFE_TO_REPEAT_EXTENSION: Final = "runestream_safe_to_repeat"

#: Statuses retried by default.
RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
#: Methods retried by default (the Stream API is read-only).
RETRY_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
#: Transport errors worth retrying: the network or the peer failed, not our request. A body
#: that cannot be decoded (garbage under ``Content-Encoding: gzip``) is a broken transfer too.
RETRY_EXCEPTIONS: Final = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.DecodingError,
)
#: Errors raised before any byte of the request left: no connection was made, or none was free
#: in the pool. Repeating after them is safe for any request, a mutation included.
UNSENT_EXCEPTIONS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a request is retried.

    Attributes:
        max_attempts: Total attempts per request, including the first (1 disables retries).
        initial_backoff: Upper bound of the first jittered wait, in seconds.
        max_backoff: Upper bound of any jittered wait, in seconds.
        retry_after_cap: Longest wait honoured from a ``Retry-After`` header, in seconds. A
            longer one is not waited for: the status is returned (raised) at once, and its
            error says when to retry.
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
            ``Retry-After`` capped at ``retry_after_cap`` when given (the transports do not
            wait at all for a longer one), else a full-jitter
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
    deadline = current_deadline()
    if deadline is not None:  # the next attempt then fails at once, naming the deadline
        delay = max(min(delay, deadline.remaining()), 0.0)
    interruptible_sleep(delay)
    raise_if_cancelled()
    return delay


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
    """A response holding its body in memory, decoded for a 2xx (raises DecodingError)."""
    check_body_length(request, response, len(raw))
    rebuilt = httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=httpx.ByteStream(raw),
        request=request,
        extensions=response.extensions,
    )
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity") or not rebuilt.is_success:
        return rebuilt
    # Decoded here, where a garbled body can still be retried (the client would decode it
    # after the transport, beyond any retry). The headers then describe the decoded body.
    try:
        content = rebuilt.read()
    except httpx.DecodingError as exc:
        raise httpx.DecodingError(f"Content-Encoding {encoding}: {exc}", request=request) from exc
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length")
    ]
    headers.append(("Content-Length", str(len(content))))
    return httpx.Response(
        response.status_code,
        headers=headers,
        stream=httpx.ByteStream(content),
        request=request,
        extensions=response.extensions,
    )


def _check_deadline(deadline: Deadline | None, request: httpx.Request | None) -> None:
    if deadline is not None:
        deadline.check("the response body was still arriving", request)


def read_raw(
    response: httpx.Response,
    limit: int | None = None,
    *,
    deadline: Deadline | None = None,
    request: httpx.Request | None = None,
) -> bytes:
    """Read a transport-level response's raw (still encoded) body and close it.

    Args:
        response: A response as returned by a transport.
        limit: Stop reading once this many bytes have arrived (``None`` reads everything).
        deadline: Give up once it passes, checked after every chunk (a trickling body).
        request: The request, for the deadline's error.

    Returns:
        The raw body bytes (possibly more than ``limit``: whole chunks are kept).

    Raises:
        DeadlineExceededError: The deadline passed while the body was arriving.
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
            _check_deadline(deadline, request)
    finally:
        response.close()
    return buffer.getvalue()


async def aread_raw(
    response: httpx.Response,
    limit: int | None = None,
    *,
    deadline: Deadline | None = None,
    request: httpx.Request | None = None,
) -> bytes:
    """The async twin of :func:`read_raw`.

    Args:
        response: A response as returned by an async transport.
        limit: Stop reading once this many bytes have arrived (``None`` reads everything).
        deadline: Give up once it passes, checked after every chunk.
        request: The request, for the deadline's error.

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
            _check_deadline(deadline, request)
    finally:
        await response.aclose()
    return buffer.getvalue()


def host_of(url: httpx.URL) -> str:
    """``host:port`` of a URL for messages (the port is the scheme's default when not given)."""
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{host}:{port}" if port is not None else host


def describe_exception(exc: BaseException) -> str:
    """``"ConnectError: [Errno 111] Connection refused"``; never an empty detail."""
    detail = str(exc).strip()
    if not detail and exc.__cause__ is not None:
        detail = str(exc.__cause__).strip() or type(exc.__cause__).__name__
    if not detail:
        detail = "no further detail from the network layer"
    return f"{type(exc).__name__}: {detail}"


def deadline_detail(exc: BaseException, attempt: int) -> str:
    """What was going on when ``exc`` ended attempt ``attempt`` at the deadline, for messages."""
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return f"still connecting on attempt {attempt}"
    if isinstance(exc, httpx.WriteTimeout):
        return f"the request was still being sent on attempt {attempt}"
    if isinstance(exc, httpx.ReadTimeout):
        return f"the response was still arriving on attempt {attempt}"
    return f"{describe_exception(exc)} on attempt {attempt}"


def connection_error(exc: Exception, request: httpx.Request, attempts: int) -> APIConnectionError:
    """Map the exception that ended the last attempt to the error raised to the caller.

    The message names the host and port (the error's ``path`` has only the path and query).
    """
    path = redacted_path(request.url)
    where = host_of(request.url)
    suffix = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
    if isinstance(exc, TruncatedBodyError):
        return IncompleteResponseError(
            f"response body from {where} incomplete ({exc}){suffix}", path=path, request=request
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return IncompleteResponseError(
            f"connection to {where} broke mid-response ({describe_exception(exc)}){suffix}",
            path=path,
            request=request,
        )
    if isinstance(exc, httpx.DecodingError):
        return APIConnectionError(
            f"response body from {where} could not be decoded ({exc}){suffix}",
            path=path,
            request=request,
        )
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"{type(exc).__name__} talking to {where}{suffix}", path=path, request=request
        )
    return APIConnectionError(
        f"{describe_exception(exc)} ({where}){suffix}", path=path, request=request
    )


#: Request extension holding the request's own per-phase timeouts (before any deadline cap).
_TIMEOUT_EXTENSION: Final = "runestream_timeout"


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

    def __init__(
        self,
        policy: RetryPolicy | None,
        rand: Callable[[], float] | None,
        deadline: float | None = None,
    ) -> None:
        self.policy = policy or DEFAULT_RETRY_POLICY
        self.rand = rand or random.random
        self.deadline = deadline

    def retries_method(self, request: httpx.Request) -> bool:
        """Whether ``request`` may be repeated after any failure: its method is one the policy
        retries, or it is marked :data:`SAFE_TO_REPEAT_EXTENSION`."""
        return request.method.upper() in self.policy.retry_methods or bool(
            request.extensions.get(SAFE_TO_REPEAT_EXTENSION)
        )

    def retries_error(self, request: httpx.Request, exc: Exception) -> bool:
        """Whether ``request`` may be repeated after ``exc``: any error for a request safe to
        repeat; for another (a POST mutation) only an error raised before anything was sent."""
        return self.retries_method(request) or isinstance(exc, UNSENT_EXCEPTIONS)

    def deadline_for(self) -> Deadline | None:
        """The call's deadline (the current scope's), else one of this transport's default."""
        current = current_deadline()
        if current is None and self.deadline is not None:
            return Deadline(self.deadline)
        return current

    def begin_attempt(
        self, request: httpx.Request, deadline: Deadline | None, attempt: int
    ) -> None:
        """Refuse an attempt past the deadline; cap the attempt's timeouts at what remains."""
        if deadline is None:
            return
        deadline.check(
            "before the request was sent" if attempt == 1 else f"before attempt {attempt}",
            request,
        )
        timeouts = request.extensions.get(_TIMEOUT_EXTENSION)
        if timeouts is None:
            timeouts = dict(request.extensions.get("timeout") or {})
        request.extensions = {
            **request.extensions,
            _TIMEOUT_EXTENSION: timeouts,
            "timeout": deadline.capped(timeouts),
        }

    def delay_after_error(
        self, request: httpx.Request, attempt: int, exc: Exception, deadline: Deadline | None
    ) -> float | None:
        """Seconds to wait before retrying after ``exc``, or None to give up.

        Raises:
            DeadlineExceededError: The deadline has passed, or the wait would pass it.
        """
        if deadline is not None:
            deadline.check(deadline_detail(exc, attempt), request)
        if attempt >= self.policy.max_attempts or not self.retries_error(request, exc):
            return None
        delay = self.policy.backoff(attempt, rand=self.rand)
        if deadline is not None and delay >= deadline.remaining():
            raise deadline.error(
                f"{describe_exception(exc)} on attempt {attempt}; the {delay:.1f} s wait before "
                "the next attempt would pass it",
                request,
            )
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
        self,
        request: httpx.Request,
        attempt: int,
        response: httpx.Response,
        deadline: Deadline | None,
    ) -> float | None:
        """Seconds to wait before retrying after ``response``, or None to return it.

        A ``Retry-After`` beyond the policy's cap, or a wait that would pass the deadline, is
        not waited for: the response is returned at once, marked with why (its error says so,
        and when to retry).
        """
        if (
            response.status_code not in self.policy.retry_statuses
            or attempt >= self.policy.max_attempts
            or not self.retries_method(request)
        ):
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is not None and retry_after > self.policy.retry_after_cap:
            self._give_up(
                request,
                response,
                f"not retried: longer than the {self.policy.retry_after_cap:g} s cap on waits",
            )
            return None
        delay = self.policy.backoff(attempt, retry_after, rand=self.rand)
        if deadline is not None and delay >= deadline.remaining():
            self._give_up(
                request,
                response,
                f"not retried: the {delay:.1f} s wait would pass the deadline of "
                f"{deadline.seconds:g} s",
            )
            return None
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

    @staticmethod
    def _give_up(request: httpx.Request, response: httpx.Response, why: str) -> None:
        logger.info(
            "giving up on %s %s after HTTP %d: %s",
            request.method,
            redacted_path(request.url),
            response.status_code,
            why,
        )
        response.extensions[GAVE_UP_EXTENSION] = why


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
        deadline: Seconds each request may take in all, retries and waits included, unless
            the call it belongs to set its own deadline (``None``: no bound).
    """

    def __init__(
        self,
        transport: httpx.BaseTransport,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = interruptible_sleep,
        rand: Callable[[], float] | None = None,
        deadline: float | None = None,
    ) -> None:
        self._transport = transport
        self._core = _RetryCore(policy, rand, deadline)
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
        deadline = current_deadline()
        if deadline is not None:  # the next attempt then fails at once, naming the deadline
            delay = max(min(delay, deadline.remaining()), 0.0)
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
        deadline = self._core.deadline_for()
        with deadline_scope(deadline):  # socket I/O below finds it (see _deadline_io)
            return self._send(request, deadline, streamed)

    def _send(
        self, request: httpx.Request, deadline: Deadline | None, streamed: bool
    ) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            raise_if_cancelled()
            self._core.begin_attempt(request, deadline, attempt)
            try:
                response = self._transport.handle_request(request)
                if not streamed or response.status_code in self._core.policy.retry_statuses:
                    with aborting(response):
                        raw = read_raw(response, deadline=deadline, request=request)
                    response = _rebuilt(request, response, raw)
                    del raw
            except (*RETRY_EXCEPTIONS, TruncatedBodyError) as exc:
                if_cancelled_raise_from(exc)
                delay = self._core.delay_after_error(request, attempt, exc, deadline)
                if delay is None:
                    raise connection_error(exc, request, attempt) from exc
                self._sleep(delay)
                continue
            delay = self._core.delay_after_status(request, attempt, response, deadline)
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
        deadline: Seconds each request may take in all (see :class:`RetryTransport`).
    """

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] | None = None,
        deadline: float | None = None,
    ) -> None:
        self._transport = transport
        self._core = _RetryCore(policy, rand, deadline)
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
        deadline = self._core.deadline_for()
        with deadline_scope(deadline):  # socket I/O below finds it (see _deadline_io)
            return await self._send(request, deadline, streamed)

    async def _send(
        self, request: httpx.Request, deadline: Deadline | None, streamed: bool
    ) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            self._core.begin_attempt(request, deadline, attempt)
            try:
                response = await self._transport.handle_async_request(request)
                if not streamed or response.status_code in self._core.policy.retry_statuses:
                    raw = await aread_raw(response, deadline=deadline, request=request)
                    response = _rebuilt(request, response, raw)
                    del raw
            except (*RETRY_EXCEPTIONS, TruncatedBodyError) as exc:
                delay = self._core.delay_after_error(request, attempt, exc, deadline)
                if delay is None:
                    raise connection_error(exc, request, attempt) from exc
                await self._sleep(delay)
                continue
            delay = self._core.delay_after_status(request, attempt, response, deadline)
            if delay is None:
                return response
            await response.aclose()
            await self._sleep(delay)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._transport.aclose()
