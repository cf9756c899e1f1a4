"""Follow ``X-Rune-Next-Page-Token`` across the pages of one Stream API query.

The contract (docs, "Pagination"): while a response carries ``X-Rune-Next-Page-Token``, request
again with that value as ``next_page_token`` and every other parameter unchanged; the header's
absence ends the result. :class:`Paginator` wraps a generated ``sync_detailed`` function and
does exactly that, refusing a token it has already sent (a server bug would otherwise loop
forever). :class:`AsyncPaginator` does the same with ``asyncio_detailed``.

With a ``deadline``, the pages of one iteration share it: it is checked before each page and
bounds every request, retry and wait made for them (see :mod:`runestream.core._deadline`).

A caller-supplied deprecated ``page`` is sent unchanged on every request: the first response is
that page, and tokens are followed from there. Span pages by token only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

import httpx

from runestream_api.types import UNSET, Response

from ._deadline import Deadline, deadline_scope, start_deadline
from ._errors import (
    APIError,
    PaginationError,
    RunestreamError,
    ValidationError,
    error_from_response,
    redacted_path,
)

__all__ = [
    "NEXT_PAGE_TOKEN_HEADER",
    "V2_PAGE_TOKEN_PARAM",
    "AsyncPaginator",
    "Page",
    "Paginator",
    "ParsedBody",
    "check_json_envelope",
]

#: Response header carrying the next page's token.
NEXT_PAGE_TOKEN_HEADER: Final = "X-Rune-Next-Page-Token"
#: Query parameter the token is sent back in.
NEXT_PAGE_TOKEN_PARAM: Final = "next_page_token"
#: The V2 Stream API's name for it.
V2_PAGE_TOKEN_PARAM: Final = "page_token"

T = TypeVar("T")
#: What generated parsing raises on a body that does not match the spec (e.g. ``"result":
#: null`` or malformed JSON with a 200 status).
_UNREADABLE: Final = (ValueError, TypeError, KeyError, AttributeError)
_Describe = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class ParsedBody:
    """A page body that was parsed as it arrived; its bytes were never kept.

    Stands in a page's ``response.parsed`` (with ``response.content`` empty).

    Attributes:
        value: What the body was parsed into (a ``pyarrow.Table`` for CSV pages).
        size: Body bytes received.
    """

    value: Any
    size: int


@dataclass(frozen=True)
class Page:
    """One page of a paginated result.

    Attributes:
        number: Position of the page in this iteration, starting at 1.
        response: The generated ``Response`` (``status_code``, ``content`` bytes, ``headers``,
            ``parsed``).
        path: The request's path and query, page token elided (for messages).
        next_page_token: The ``X-Rune-Next-Page-Token`` of this response, or ``None`` on the
            last page. Only needed to resume a query later; iteration follows it for you.
    """

    number: int
    response: Response[Any]
    path: str
    next_page_token: str | None

    @property
    def content(self) -> bytes:
        """The page's raw body (empty when it was parsed as it arrived, see :attr:`table`)."""
        return self.response.content

    @property
    def size(self) -> int:
        """Body bytes received (also for a page parsed as it arrived)."""
        parsed = self.response.parsed
        return parsed.size if isinstance(parsed, ParsedBody) else len(self.response.content)

    @property
    def table(self) -> Any:
        """The page's ``pyarrow.Table`` when its CSV body was parsed as it arrived, else None.

        ``to_arrow``, ``to_pandas``, ``to_parquet``, ``iter_arrow`` and ``points`` parse CSV
        pages while they are received and keep only the table, so an ``on_page`` callback sees
        the table there (and an empty :attr:`content`).
        """
        parsed = self.response.parsed
        return parsed.value if isinstance(parsed, ParsedBody) else None


def _default_describe(fetch: Callable[..., Any]) -> _Describe:
    """Describe requests with the generated module's ``_get_kwargs``, when there is one."""
    module = sys.modules.get(getattr(fetch, "__module__", ""), None)
    get_kwargs = getattr(module, "_get_kwargs", None)

    def describe(kwargs: Mapping[str, Any]) -> str:
        if get_kwargs is None:
            return getattr(fetch, "__qualname__", "request")
        try:
            request = get_kwargs(**kwargs)
            url = httpx.URL(request["url"], params=request["params"])
        except Exception:
            return getattr(fetch, "__qualname__", "request")
        return redacted_path(url)

    return describe


def _raise_for_status(response: Response[Any], path: str) -> None:
    """Raise the mapped APIError for a non-2xx response the transport let through."""
    status = int(response.status_code)
    if 200 <= status < 300:
        return
    raw = httpx.Response(
        status,
        headers=httpx.Headers(dict(response.headers)),
        content=response.content,
        request=httpx.Request("GET", "http://runestream.invalid" + path),
    )
    raise error_from_response(raw)


def check_json_envelope(page: Page) -> dict[str, Any]:
    """Decode a JSON page and check its envelope.

    Args:
        page: A page of a ``.json`` operation.

    Returns:
        The decoded body (``{"success": true, "result": ...}``).

    Raises:
        APIError: The body is not JSON, is not an object, says ``"success": false`` or has no
            ``result`` — never yielded as data (runeq yielded such bodies silently).
    """
    try:
        body: Any = json.loads(page.content)
    except ValueError as exc:
        raise APIError(
            f"page {page.number} is not valid JSON ({exc})",
            status_code=int(page.response.status_code),
            path=page.path,
        ) from None
    if not isinstance(body, dict):
        raise APIError(
            f"page {page.number} is not a JSON object",
            status_code=int(page.response.status_code),
            path=page.path,
        )
    if body.get("success") is False or "result" not in body:
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        error_type = error.get("type") if isinstance(error, dict) else None
        raise APIError(
            str(message or f"page {page.number} has no result (success={body.get('success')!r})"),
            status_code=int(page.response.status_code),
            error_type=str(error_type) if error_type is not None else None,
            path=page.path,
        )
    return body


class _PagingState:
    """Token bookkeeping shared by the sync and async paginators."""

    def __init__(
        self,
        kwargs: Mapping[str, Any],
        describe: _Describe,
        max_pages: int | None,
        token_param: str = NEXT_PAGE_TOKEN_PARAM,
    ):
        self.kwargs = dict(kwargs)
        self.describe = describe
        self.max_pages = max_pages
        self.token_param = token_param
        start = self.kwargs.get(token_param, UNSET)
        self.seen: set[str] = {start} if isinstance(start, str) else set()
        self.number = 0
        self.done = False

    def next_request(self) -> tuple[dict[str, Any], str]:
        self.number += 1
        return self.kwargs, self.describe(self.kwargs)

    def unreadable(self, exc: Exception, path: str) -> Exception:
        """The error for a 2xx body the generated code could not parse (never yielded)."""
        if isinstance(exc, RunestreamError):
            return exc
        if isinstance(exc, UnicodeEncodeError):  # building the request, not reading a body
            return ValidationError(
                f"page {self.number}: the request could not be encoded (a non-ASCII character "
                "where only ASCII can be sent, such as a header)"
            )
        return APIError(
            f"page {self.number}: the response body could not be read "
            f"({type(exc).__name__}: {exc})",
            path=path,
        )

    def after(self, response: Response[Any], path: str) -> Page:
        _raise_for_status(response, path)
        token = response.headers.get(NEXT_PAGE_TOKEN_HEADER)
        if token is None:
            self.done = True
        else:
            if not token:
                raise PaginationError(
                    f"page {self.number} returned an empty {NEXT_PAGE_TOKEN_HEADER} header",
                    path=path,
                )
            if token in self.seen:
                raise PaginationError(
                    f"page {self.number} returned a page token that was already used; "
                    "stopping instead of requesting the same page again",
                    path=path,
                )
            if self.max_pages is not None and self.number >= self.max_pages:
                raise PaginationError(
                    f"more than max_pages={self.max_pages} pages; the result is incomplete",
                    path=path,
                )
            self.seen.add(token)
            self.kwargs = {**self.kwargs, self.token_param: token}
        return Page(number=self.number, response=response, path=path, next_page_token=token)


class Paginator(Generic[T]):
    """Iterate over every page of a paginated ``GET /v1/...`` query (a generated ``sync_detailed``).

    Iterating yields items (whatever ``map_page`` makes of each page); :meth:`iter_pages`
    yields :class:`Page` objects. Page tokens stay inside: each request sends the previous
    response's ``X-Rune-Next-Page-Token`` as ``next_page_token`` with every other parameter
    unchanged, until a response has no token. Each iteration starts the query again.

    Example:
        >>> from runestream_api.api.accel import get_accel_csv
        >>> pages = Paginator(get_accel_csv.sync_detailed, client=client,  # doctest: +SKIP
        ...                   kwargs={...every parameter...}, map_page=lambda p: [p.content])

    Args:
        fetch: A generated ``sync_detailed`` function (or one with the same calling convention:
            keyword arguments, ``client=``, returning a generated ``Response``).
        client: The generated client passed to ``fetch``.
        kwargs: Every other keyword argument of ``fetch``. A ``next_page_token`` in it is the
            token to start from (resuming a query).
        map_page: Turns a page into the items iteration yields; default yields the page.
        describe: Renders request keyword arguments as a path for messages; default uses the
            generated module's ``_get_kwargs``.
        max_pages: Stop with :class:`PaginationError` after this many pages (``None``: no cap;
            a repeated token is always refused).
        on_page: Called with each page as it arrives, before it is yielded (progress
            reporting); it may be called from worker threads.
        deadline: Seconds the whole iteration may take, from its first request (the caller's
            time between pages counts too), or a :class:`~runestream.core._deadline.Deadline`
            shared with other paginators of the same call. ``None``: no total bound.
        token_param: The query parameter the token is sent back in: ``next_page_token`` (V1,
            the default) or ``page_token`` (V2).

    Raises:
        APIError: A page failed (the transport maps non-2xx responses; a non-2xx response that
            reaches the paginator is mapped here too). Never yielded as data.
        PaginationError: The server repeated a page token, sent an empty one, or exceeded
            ``max_pages``.
    """

    def __init__(
        self,
        fetch: Callable[..., Response[Any]],
        *,
        client: Any,
        kwargs: Mapping[str, Any],
        map_page: Callable[[Page], Iterable[T]] | None = None,
        describe: _Describe | None = None,
        max_pages: int | None = None,
        on_page: Callable[[Page], object] | None = None,
        deadline: float | Deadline | None = None,
        token_param: str = NEXT_PAGE_TOKEN_PARAM,
    ) -> None:
        self._fetch = fetch
        self._deadline = deadline
        self._client = client
        self._kwargs = dict(kwargs)
        self._map_page = map_page
        self._describe = describe or _default_describe(fetch)
        self._max_pages = max_pages
        self._on_page = on_page
        self._token_param = token_param

    def iter_pages(self) -> Iterator[Page]:
        """Yield each page in order, requesting the next one only when asked.

        Yields:
            :class:`Page` objects; the last one has ``next_page_token=None``.

        Raises:
            APIError: A request failed.
            PaginationError: The server broke the paging contract.
        """
        state = _PagingState(self._kwargs, self._describe, self._max_pages, self._token_param)
        deadline = start_deadline(self._deadline)
        while not state.done:
            kwargs, path = state.next_request()
            if deadline is not None:
                deadline.check(f"before page {state.number}", path=path)
            try:
                with deadline_scope(deadline):
                    response = self._fetch(client=self._client, **kwargs)
            except _UNREADABLE as exc:
                raise state.unreadable(exc, path) from exc
            page = state.after(response, path)
            # Drop our references before the next request: one page in memory at a time.
            del response
            if self._on_page is not None:
                self._on_page(page)
            yield page
            del page

    def __iter__(self) -> Iterator[T]:
        """Yield the items of every page (see ``map_page``)."""
        for page in self.iter_pages():
            if self._map_page is None:
                yield page  # type: ignore[misc]
            else:
                yield from self._map_page(page)


class AsyncPaginator(Generic[T]):
    """The async twin of :class:`Paginator` for ``GET /v1/...`` (a generated ``asyncio_detailed``).

    ``async for item in paginator`` yields items; ``async for page in paginator.iter_pages()``
    yields :class:`Page` objects. Same token rules as :class:`Paginator`.

    Args:
        fetch: A generated ``asyncio_detailed`` function.
        client: The generated client passed to ``fetch``.
        kwargs: Every other keyword argument of ``fetch``.
        map_page: Turns a page into the items iteration yields; default yields the page.
        describe: Renders request keyword arguments as a path for messages.
        max_pages: Stop with :class:`PaginationError` after this many pages.
        on_page: Called with each page as it arrives, before it is yielded.
        deadline: Seconds the whole iteration may take (see :class:`Paginator`).
        token_param: The query parameter the token is sent back in (V2: ``page_token``).
    """

    def __init__(
        self,
        fetch: Callable[..., Awaitable[Response[Any]]],
        *,
        client: Any,
        kwargs: Mapping[str, Any],
        map_page: Callable[[Page], Iterable[T]] | None = None,
        describe: _Describe | None = None,
        max_pages: int | None = None,
        on_page: Callable[[Page], object] | None = None,
        deadline: float | Deadline | None = None,
        token_param: str = NEXT_PAGE_TOKEN_PARAM,
    ) -> None:
        self._fetch = fetch
        self._deadline = deadline
        self._client = client
        self._kwargs = dict(kwargs)
        self._map_page = map_page
        self._describe = describe or _default_describe(fetch)
        self._max_pages = max_pages
        self._on_page = on_page
        self._token_param = token_param

    async def iter_pages(self) -> AsyncIterator[Page]:
        """Yield each page in order (``async for``).

        Yields:
            :class:`Page` objects; the last one has ``next_page_token=None``.

        Raises:
            APIError: A request failed.
            PaginationError: The server broke the paging contract.
        """
        state = _PagingState(self._kwargs, self._describe, self._max_pages, self._token_param)
        deadline = start_deadline(self._deadline)
        while not state.done:
            kwargs, path = state.next_request()
            if deadline is not None:
                deadline.check(f"before page {state.number}", path=path)
            try:
                with deadline_scope(deadline):
                    response = await self._fetch(client=self._client, **kwargs)
            except _UNREADABLE as exc:
                raise state.unreadable(exc, path) from exc
            page = state.after(response, path)
            # Drop our references before the next request: one page in memory at a time.
            del response
            if self._on_page is not None:
                self._on_page(page)
            yield page
            del page

    async def __aiter__(self) -> AsyncIterator[T]:
        """Yield the items of every page (see ``map_page``)."""
        async for page in self.iter_pages():
            if self._map_page is None:
                yield page  # type: ignore[misc]
            else:
                for item in self._map_page(page):
                    yield item
