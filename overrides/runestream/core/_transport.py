"""The HTTP stack under every generated call: pooling, auth, timeouts, retries, redirects, errors.

:func:`build_generated_client` returns a generated ``runestream_api.Client`` holding one pooled
``httpx.Client`` and its ``httpx.AsyncClient`` twin (built on first async use), each built as::

    httpx client (base_url, RuneAuth, timeouts, follow_redirects=False)
      -> ErrorTransport    follows same-origin redirects, refuses others, raises APIError on non-2xx
        -> RetryTransport  retries per the RetryPolicy, reads bodies in full
          -> HTTPTransport (keep-alive pool), or the transport a test injects

Because errors are raised inside the transport, generated code never parses an error body and an
error is never returned as data. Both httpx clients drop a response's reference cycle once its
body is read, so a page's body is freed as soon as the caller lets go of it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
import threading
import urllib.request
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Final, Unpack

import attrs
import httpx

import runestream_api

from .._version import __version__
from ._auth import RuneAuth, origin_of
from ._cancel import interruptible_sleep
from ._config import Config, is_loopback
from ._deadline import check_deadline, current_deadline
from ._deadline_io import bound_by_deadline
from ._errors import (
    APIConnectionError,
    ClientClosedError,
    ConfigError,
    RedirectError,
    error_from_response,
    redacted_path,
)
from ._logging import install_redaction, logger
from ._options import TransportOptions, check_max_attempts, check_timeout
from ._retry import (
    DEFAULT_RETRY_POLICY,
    AsyncRetryTransport,
    RetryPolicy,
    RetryTransport,
    aread_raw,
    default_pause,
    describe_exception,
    host_of,
    read_raw,
)

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "MAX_REDIRECTS",
    "AsyncErrorTransport",
    "ErrorTransport",
    "LazyAsyncClient",
    "body_restarts",
    "build_generated_client",
    "build_httpx_client",
    "build_httpx_clients",
    "release_stream",
    "retry_transport_for",
]

#: Connect 10 s; read 30 s (the longest silence between two reads of a body, not the time a
#: ~70 MB CSV page takes); write 30 s; wait for a pooled connection 30 s. With the default
#: retry policy a page that stalls on every attempt fails after about two minutes; a total
#: bound per call is ``deadline=``.
DEFAULT_TIMEOUT: Final = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=30.0)
#: Connection pool: a few parallel downloads, connections kept alive between pages.
DEFAULT_LIMITS: Final = httpx.Limits(
    max_connections=10, max_keepalive_connections=10, keepalive_expiry=60.0
)
#: Most same-origin redirect hops followed for one request.
MAX_REDIRECTS: Final = 5
USER_AGENT: Final = f"runestream/{__version__} httpx/{httpx.__version__}"

_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
#: Cap on how much of an error body is read from a streamed response.
_ERROR_BODY_LIMIT: Final = 64 * 1024

# The retry transport of each client built here, so streamed session downloads (which restart
# on their own) wait the same way the transport does.
_RETRY_TRANSPORTS: weakref.WeakKeyDictionary[httpx.Client, RetryTransport]
_RETRY_TRANSPORTS = weakref.WeakKeyDictionary()


def retry_transport_for(client: httpx.Client) -> RetryTransport | None:
    """Return the retry transport inside a client built by this module.

    Args:
        client: An ``httpx.Client``.

    Returns:
        Its :class:`RetryTransport`, or ``None`` for a client built elsewhere.
    """
    return _RETRY_TRANSPORTS.get(client)


def body_restarts(client: httpx.Client) -> tuple[int, Callable[[int], float]]:
    """How a caller that restarts a broken streamed body on its own retries it.

    Streamed bodies (``STREAM_EXTENSION``) are handed over unread, so a body that breaks off is
    the caller's to request again (session downloads, CSV pages parsed as they arrive).

    Args:
        client: An ``httpx.Client`` (built by this module or not).

    Returns:
        ``(max_attempts, pause)``: the client's retry policy and its backoff sleep, or the
        default policy's for a client built elsewhere.
    """
    retry = retry_transport_for(client)
    if retry is None:
        return DEFAULT_RETRY_POLICY.max_attempts, default_pause
    return retry.policy.max_attempts, retry.pause


def _next_request(request: httpx.Request, response: httpx.Response) -> httpx.Request:
    """The request for a same-origin redirect; raises RedirectError for any other origin."""
    location = response.headers.get("location")
    if not location:
        raise RedirectError(
            f"HTTP {response.status_code} redirect without a Location header",
            status_code=response.status_code,
            path=redacted_path(request.url),
            request=request,
        )
    try:
        target = request.url.join(location)
    except httpx.InvalidURL:
        raise RedirectError(
            "redirect to an invalid URL",
            status_code=response.status_code,
            path=redacted_path(request.url),
            request=request,
        ) from None
    if origin_of(target) != origin_of(request.url):
        port = f":{target.port}" if target.port is not None else ""
        raise RedirectError(
            f"refused redirect to another origin ({target.scheme}://{target.host}{port}); "
            "credentials are never sent to another host",
            status_code=response.status_code,
            path=redacted_path(request.url),
            request=request,
        )
    method = request.method
    if response.status_code == 303 and method != "HEAD":
        method = "GET"
    # Same origin: the credential headers stay. Only body-less requests reach here (GET API).
    return httpx.Request(method, target, headers=request.headers, extensions=request.extensions)


def _too_many_redirects(request: httpx.Request) -> RedirectError:
    return RedirectError(
        f"more than {MAX_REDIRECTS} redirects", path=redacted_path(request.url), request=request
    )


def _wrap_transport_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    return APIConnectionError(
        f"{describe_exception(exc)} ({host_of(request.url)})",
        path=redacted_path(request.url),
        request=request,
    )


class ErrorTransport(httpx.BaseTransport):
    """Follows same-origin redirects, refuses cross-origin ones, raises on non-2xx responses.

    Args:
        transport: The transport below (normally a :class:`~runestream.RetryTransport`).
        max_redirects: Most redirect hops followed per request.
    """

    def __init__(self, transport: httpx.BaseTransport, *, max_redirects: int = MAX_REDIRECTS):
        self._transport = transport
        self._max_redirects = max_redirects

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; return only a 2xx response.

        Args:
            request: The request to send.

        Returns:
            The 2xx response.

        Raises:
            APIError: The mapped error for a non-2xx final response.
            RedirectError: A cross-origin redirect, or too many hops.
        """
        for _ in range(self._max_redirects + 1):
            try:
                response = self._transport.handle_request(request)
            except httpx.TransportError as exc:
                raise _wrap_transport_error(exc, request) from exc
            response.request = request
            if response.status_code in _REDIRECT_STATUSES:
                response.close()
                request = _next_request(request, response)
                logger.debug("following redirect to %s", redacted_path(request.url))
                continue
            if not response.is_success:
                body = read_raw(
                    response, _ERROR_BODY_LIMIT, deadline=current_deadline(), request=request
                )
                raise error_from_response(_with_body(response, body))
            return response
        raise _too_many_redirects(request)

    def close(self) -> None:
        """Close the wrapped transport."""
        self._transport.close()


class AsyncErrorTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`ErrorTransport`.

    Args:
        transport: The async transport below.
        max_redirects: Most redirect hops followed per request.
    """

    def __init__(
        self, transport: httpx.AsyncBaseTransport, *, max_redirects: int = MAX_REDIRECTS
    ) -> None:
        self._transport = transport
        self._max_redirects = max_redirects

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; return only a 2xx response.

        Args:
            request: The request to send.

        Returns:
            The 2xx response.

        Raises:
            APIError: The mapped error for a non-2xx final response.
            RedirectError: A cross-origin redirect, or too many hops.
        """
        for _ in range(self._max_redirects + 1):
            try:
                response = await self._transport.handle_async_request(request)
            except httpx.TransportError as exc:
                raise _wrap_transport_error(exc, request) from exc
            response.request = request
            if response.status_code in _REDIRECT_STATUSES:
                await response.aclose()
                request = _next_request(request, response)
                logger.debug("following redirect to %s", redacted_path(request.url))
                continue
            if not response.is_success:
                body = await aread_raw(
                    response, _ERROR_BODY_LIMIT, deadline=current_deadline(), request=request
                )
                raise error_from_response(_with_body(response, body))
            return response
        raise _too_many_redirects(request)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._transport.aclose()


def _with_body(response: httpx.Response, raw: bytes) -> httpx.Response:
    """A copy of an error response with its (decoded) body in memory."""
    copy = httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=httpx.ByteStream(raw),
        request=response.request,
        extensions=response.extensions,
    )
    try:
        copy.read()
    except httpx.DecodingError:
        copy = httpx.Response(
            response.status_code,
            content=raw,
            request=response.request,
            extensions=response.extensions,
        )
    return copy


def _env_proxy(url: httpx.URL) -> str | None:
    """The proxy the environment (HTTPS_PROXY, NO_PROXY, ...) asks for, if any.

    A loopback host (the sandbox, an SSH tunnel) is never proxied, whatever the environment says:
    with a plain ``http://`` URL the credentials would travel in clear to the proxy, and the
    proxy's answer would be taken as data.
    """
    if is_loopback(url.host) or urllib.request.proxy_bypass(url.host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(url.scheme) or proxies.get("all")


def _unencodable(auth: httpx.Auth | None) -> ConfigError:
    """The error for a request whose headers cannot be encoded (names headers, never values)."""
    names = auth.non_ascii_headers() if isinstance(auth, RuneAuth) else []
    which = ", ".join(names) if names else "a request header"
    return ConfigError(
        f"{which}: the value is not ASCII text and cannot be sent in an HTTP header; "
        "check the configured credentials (the value is not shown)"
    )


class _Client(httpx.Client):
    """``httpx.Client`` that lets go of a response's body as soon as nothing else holds it.

    httpx binds every response to its stream (``response.stream = BoundSyncStream(stream,
    response=response)``): a reference cycle. Once the body has been read, the cycle keeps the
    body (``response.content`` and the in-memory stream under it) alive until the cyclic
    garbage collector happens to run, which a page loop rarely triggers: a ~80 MB CSV page
    would outlive its use by several pages. A read response's stream is never used again
    (``iter_bytes`` serves ``content``; ``iter_raw`` refuses a consumed stream; ``elapsed``
    was set when it closed), so after the read it is swapped for an empty one: no cycle, and
    the body is freed the moment the last reference to the response or its content goes.
    Streamed responses (``stream=True``) are left alone.
    """

    def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send ``request`` as :meth:`httpx.Client.send` does, then break the response cycle.

        Raises:
            ClientClosedError: The client has been closed.
            ConfigError: A header (a credential) cannot be encoded.
        """
        if self.is_closed:
            raise ClientClosedError("the client is closed; create a new one to send requests")
        try:
            response = super().send(request, stream=stream, **kwargs)
        except UnicodeEncodeError:
            raise _unencodable(self.auth) from None
        if not stream:
            response.stream = _CONSUMED
        return response


class _AsyncClient(httpx.AsyncClient):
    """The async twin of :class:`_Client` (``BoundAsyncStream`` makes the same cycle)."""

    async def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send ``request`` as :meth:`httpx.AsyncClient.send` does, then break the cycle.

        Raises:
            ClientClosedError: The client has been closed.
            ConfigError: A header (a credential) cannot be encoded.
        """
        if self.is_closed:
            raise ClientClosedError("the client is closed; create a new one to send requests")
        try:
            response = await super().send(request, stream=stream, **kwargs)
        except UnicodeEncodeError:
            raise _unencodable(self.auth) from None
        if not stream:
            response.stream = _CONSUMED
        return response


#: What a read response's stream is replaced with (stateless, shared).
_CONSUMED: Final = httpx.ByteStream(b"")


def release_stream(response: httpx.Response) -> None:
    """Close a streamed response and break its reference cycle with its stream.

    What :class:`_Client` does for read responses, for a caller done with a ``stream=True``
    one: its buffers are then freed by reference counting, not by a later garbage collection.

    Args:
        response: A response from ``send(..., stream=True)``.
    """
    response.close()
    response.stream = _CONSUMED


def _ssl_context(base_url: httpx.URL) -> ssl.SSLContext:
    """The one TLS context the transports of a client share.

    For an ``https://`` API it is httpx's default (certifi's CA bundle, or ``SSL_CERT_FILE``/
    ``SSL_CERT_DIR``), loaded once per client (loading a CA bundle takes ~0.1 s). A plain
    ``http://`` API (only allowed on the loopback interface) never negotiates TLS: requests
    go to that origin only, and redirects to another are refused. Its transports get a
    context that trusts no certificate at all, so nothing could be sent over an unverified
    TLS connection, and no CA bundle is loaded.
    """
    if base_url.scheme == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, with no trust anchors
    return httpx.create_ssl_context(trust_env=True)


class _Stack:
    """Everything the sync and async httpx clients of one generated client share.

    Each client is built on demand; they share configuration and the TLS context, not
    connections.
    """

    def __init__(
        self,
        config: Config,
        *,
        transport: httpx.BaseTransport | None,
        async_transport: httpx.AsyncBaseTransport | None,
        timeout: httpx.Timeout | float | None,
        max_attempts: int | None,
        retry_policy: RetryPolicy | None,
        limits: httpx.Limits | None,
        proxy: str | None,
        sleep: Callable[[float], None] | None,
        async_sleep: Callable[[float], Awaitable[None]] | None,
        rand: Callable[[], float] | None,
        deadline: float | None = None,
        base_url: str | None = None,
    ) -> None:
        install_redaction()
        self.deadline = check_deadline(deadline)
        max_attempts = check_max_attempts(max_attempts)
        timeout = check_timeout(timeout)
        policy = retry_policy or DEFAULT_RETRY_POLICY
        if max_attempts is not None:
            policy = dataclasses.replace(policy, max_attempts=max_attempts)
        self.policy = policy
        if timeout is None:
            timeout = DEFAULT_TIMEOUT
        elif not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(timeout)
        self.timeout = timeout
        self.limits = limits or DEFAULT_LIMITS
        self.base_url = httpx.URL(base_url if base_url is not None else config.stream_url)
        if proxy is not None and self.base_url.scheme == "http":
            raise ConfigError(
                f"a proxy cannot be used with the plain http:// URL {self.base_url}: the "
                "credentials would reach the proxy unencrypted. Use https://, or no proxy"
            )
        if proxy is None and (transport is None or async_transport is None):
            proxy = _env_proxy(self.base_url)
        self.proxy = proxy
        self.transport = transport
        self.async_transport = async_transport
        self.sleep = sleep or interruptible_sleep
        self.async_sleep = async_sleep or asyncio.sleep
        self.rand = rand
        self.auth = RuneAuth(config.auth_headers, self.base_url)
        self.headers = {"User-Agent": USER_AGENT}
        self._ssl: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def ssl_context(self) -> ssl.SSLContext:
        with self._lock:
            if self._ssl is None:
                self._ssl = _ssl_context(self.base_url)
            return self._ssl

    def sync_client(self) -> httpx.Client:
        inner = self.transport or bound_by_deadline(
            httpx.HTTPTransport(
                verify=self.ssl_context(), limits=self.limits, proxy=self.proxy, retries=0
            )
        )
        retry = RetryTransport(
            inner, self.policy, sleep=self.sleep, rand=self.rand, deadline=self.deadline
        )
        # Proxies come from the environment into our own transports above; with trust_env the
        # clients would mount extra proxy transports that bypass retries and the origin guard.
        client = _Client(transport=ErrorTransport(retry), **self._client_options())
        _RETRY_TRANSPORTS[client] = retry
        return client

    def _client_options(self) -> dict[str, Any]:
        """Options shared by the sync and async clients (ErrorTransport handles redirects)."""
        return {
            "base_url": self.base_url,
            "auth": self.auth,
            "timeout": self.timeout,
            "headers": self.headers,
            "follow_redirects": False,
            "trust_env": False,
        }

    def async_client(self) -> httpx.AsyncClient:
        inner = self.async_transport
        if inner is None:
            if isinstance(self.transport, httpx.AsyncBaseTransport):  # e.g. httpx.MockTransport
                inner = self.transport
            else:
                inner = bound_by_deadline(
                    httpx.AsyncHTTPTransport(
                        verify=self.ssl_context(), limits=self.limits, proxy=self.proxy, retries=0
                    )
                )
        retry = AsyncRetryTransport(
            inner, self.policy, sleep=self.async_sleep, rand=self.rand, deadline=self.deadline
        )
        return _AsyncClient(transport=AsyncErrorTransport(retry), **self._client_options())


@attrs.define
class LazyAsyncClient(runestream_api.Client):
    """The generated client, its ``httpx.AsyncClient`` built on first async use.

    Building an async client costs as much as the sync one (a transport, and for ``https://``
    its share of the TLS setup), which sync-only use never needs.
    """

    _async_factory: Callable[[], httpx.AsyncClient] | None = attrs.field(
        default=None, kw_only=True, alias="async_factory", repr=False
    )
    _async_lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Return the async httpx client, building it on first use."""
        with self._async_lock:
            if self._async_client is None and self._async_factory is not None:
                self.set_async_httpx_client(self._async_factory())
        return super().get_async_httpx_client()

    def built_async_httpx_client(self) -> httpx.AsyncClient | None:
        """The async httpx client if it has been built (``None`` before any async use)."""
        with self._async_lock:
            return self._async_client


def build_httpx_client(
    config: Config, *, base_url: str | None = None, **options: Unpack[TransportOptions]
) -> httpx.Client:
    """Build only the pooled sync ``httpx.Client`` of :func:`build_httpx_clients` (for an API
    used synchronously only, such as GraphQL: no async twin is built, so none needs closing).

    Args:
        config: Credentials.
        base_url: The API the client talks to (default ``config.stream_url``); credentials are
            sent to that origin only.
        **options: As :func:`build_generated_client` (``async_*`` ones are accepted and unused).
    """
    return _Stack(config, base_url=base_url, **options).sync_client()


def build_httpx_clients(
    config: Config,
    *,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
    timeout: httpx.Timeout | float | None = None,
    max_attempts: int | None = None,
    retry_policy: RetryPolicy | None = None,
    limits: httpx.Limits | None = None,
    proxy: str | None = None,
    sleep: Callable[[float], None] | None = None,
    async_sleep: Callable[[float], Awaitable[None]] | None = None,
    rand: Callable[[], float] | None = None,
    deadline: float | None = None,
    base_url: str | None = None,
) -> tuple[httpx.Client, httpx.AsyncClient]:
    """Build the pooled sync and async httpx clients used under the generated client.

    Takes the same arguments as :func:`build_generated_client`, plus ``base_url``: the API the
    clients talk to (default ``config.stream_url``; the GraphQL API passes
    ``config.graph_url``). Credentials are sent to that origin only.

    Returns:
        ``(httpx.Client, httpx.AsyncClient)`` sharing configuration and one TLS context, not
        connections.
    """
    stack = _Stack(
        config,
        transport=transport,
        async_transport=async_transport,
        timeout=timeout,
        max_attempts=max_attempts,
        retry_policy=retry_policy,
        limits=limits,
        proxy=proxy,
        sleep=sleep,
        async_sleep=async_sleep,
        rand=rand,
        deadline=deadline,
        base_url=base_url,
    )
    return stack.sync_client(), stack.async_client()


def build_generated_client(
    config: Config,
    *,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
    timeout: httpx.Timeout | float | None = None,
    max_attempts: int | None = None,
    retry_policy: RetryPolicy | None = None,
    limits: httpx.Limits | None = None,
    proxy: str | None = None,
    sleep: Callable[[float], None] | None = None,
    async_sleep: Callable[[float], Awaitable[None]] | None = None,
    rand: Callable[[], float] | None = None,
    deadline: float | None = None,
) -> runestream_api.Client:
    """Return a ``runestream_api.Client`` for typed ``GET /v1/...`` calls, with auth and retries.

    Every generated operation called with this client (``sync``, ``sync_detailed``,
    ``asyncio``, ``asyncio_detailed``) sends the ``X-Rune-*`` header pair, retries per the policy,
    follows same-origin redirects only, and raises an :class:`~runestream.APIError` subclass for
    a non-2xx response. Use it as a context manager (``with client:``) or call
    ``client.get_httpx_client().close()`` to release pooled connections.

    Args:
        config: Credentials and base URL.
        transport: Innermost sync transport (tests inject ``httpx.MockTransport``); default is
            a pooled ``httpx.HTTPTransport``. A transport that is also async (like
            ``MockTransport``) serves the async client too unless ``async_transport`` is given.
        async_transport: Innermost async transport.
        timeout: An ``httpx.Timeout`` or seconds for each phase of a request; default
            :data:`DEFAULT_TIMEOUT` (connect 10 s, read 30 s, write 30 s, pool 30 s).
        max_attempts: Overrides ``retry_policy.max_attempts`` (1 disables retries).
        retry_policy: The retry policy; default :class:`RetryPolicy()`.
        limits: Connection pool limits; default :data:`DEFAULT_LIMITS`.
        proxy: Proxy URL; default taken from ``HTTPS_PROXY``/``ALL_PROXY`` honouring ``NO_PROXY``.
        sleep: Sleep function between sync retries (tests pass a fake).
        async_sleep: Awaitable sleep between async retries (tests pass a fake).
        rand: Uniform [0, 1) source for backoff jitter.
        deadline: Seconds one request may take in all, retries and their waits included
            (``None``, the default: no total bound). A ``Retry-After`` or backoff that would
            pass it is not waited for. Calls of a :class:`~runestream.V1Client` bound all
            their pages with its own ``deadline`` instead.

    Returns:
        The generated client (a :class:`LazyAsyncClient`), its ``httpx.Client`` set; its
        ``httpx.AsyncClient`` is built on the first ``get_async_httpx_client()``.
    """
    stack = _Stack(
        config,
        transport=transport,
        async_transport=async_transport,
        timeout=timeout,
        max_attempts=max_attempts,
        retry_policy=retry_policy,
        limits=limits,
        proxy=proxy,
        sleep=sleep,
        async_sleep=async_sleep,
        rand=rand,
        deadline=deadline,
    )
    client = stack.sync_client()
    generated = LazyAsyncClient(
        base_url=config.stream_url, timeout=client.timeout, async_factory=stack.async_client
    )
    generated.set_httpx_client(client)
    return generated
