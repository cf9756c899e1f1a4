"""Binding of the generated V1 operations: fetch functions that return a parsed page.

Each V1 operation is one generated ``sync_detailed`` / ``asyncio_detailed`` function; these
helpers wrap one into the fetch callable a :class:`~runestream.Paginator` drives (checked body,
JSON envelope raised as the API's error, CSV parsed as it arrives).
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any, Final

import httpx

import runestream_api
from runestream_api.types import Response

from ..core._bodies import check_page_body, raise_for_json_envelope
from ..core._csvstream import fetch_csv_table
from ._params import Operation


def _fetch_for(operation: Operation, *, raw: bool = False) -> Callable[..., Response[Any]]:
    """The function a query's paginator calls for each page.

    What the generated ``sync_detailed`` does — the request built by the generated
    ``_get_kwargs``, sent on the same client, the body parsed by the generated
    ``_build_response`` — with the body's shape checked first (an HTML page or an error
    envelope answered with 200 is an error, never data; see :func:`check_page_body`). With
    ``raw`` (CSV pages) the body is left as bytes: ``sync_detailed`` would also decode a page
    of up to ~70 MB to ``str`` (about a third of the parse time, and a second copy in memory)
    only for the result to be thrown away. Operations whose generated signature lacks
    ``next_page_token`` get it added to the query. Each call is the next page (retries happen
    inside), which numbers the pages for messages.
    """
    numbers = itertools.count(1)

    def fetch(*, client: runestream_api.Client, **kwargs: Any) -> Response[Any]:
        request = operation.request_kwargs(kwargs)
        response = client.get_httpx_client().request(**request)
        return _wrap(operation, client, response, kwargs, next(numbers), raw=raw)

    return fetch


def _parsed_csv_fetch_for(operation: Operation, timestamps: str) -> Callable[..., Response[Any]]:
    """The fetch of a query whose CSV pages are parsed as they arrive (one per iteration).

    The request is the one ``sync_detailed`` would send (the generated ``_get_kwargs``), on the
    same client; the body goes straight into :func:`~runestream.core._csvstream.fetch_csv_table`.
    Each call is the next page (retries happen inside), which numbers the pages for messages.
    """
    numbers = itertools.count(1)

    def fetch(*, client: runestream_api.Client, **kwargs: Any) -> Response[Any]:
        http = client.get_httpx_client()
        return fetch_csv_table(
            http,
            http.build_request(**operation.request_kwargs(kwargs)),
            page=next(numbers),
            path=operation.describe(kwargs),
            timestamps=timestamps,
        )

    return fetch


def _async_fetch_for(
    operation: Operation, *, raw: bool = False
) -> Callable[..., Awaitable[Response[Any]]]:
    """The async twin of :func:`_fetch_for` (what ``asyncio_detailed`` does, checked)."""
    numbers = itertools.count(1)

    async def fetch(*, client: runestream_api.Client, **kwargs: Any) -> Response[Any]:
        request = operation.request_kwargs(kwargs)
        response = await client.get_async_httpx_client().request(**request)
        return _wrap(operation, client, response, kwargs, next(numbers), raw=raw)

    return fetch


#: What generated parsing raises on a body that does not match the spec.
_UNREADABLE: Final = (ValueError, TypeError, KeyError, AttributeError)


def _wrap(
    operation: Operation,
    client: runestream_api.Client,
    response: httpx.Response,
    kwargs: Mapping[str, Any],
    page: int,
    *,
    raw: bool,
) -> Response[Any]:
    """Check a page's body shape, then make the generated ``Response`` of it."""
    check_page_body(
        operation.format,
        response.content,
        response.headers.get("content-type"),
        page=page,
        path=operation.describe(kwargs),
        status=response.status_code,
    )
    if raw:
        return Response(
            status_code=HTTPStatus(response.status_code),
            content=response.content,
            headers=response.headers,
            parsed=None,
        )
    try:
        built: Response[Any] = operation.module._build_response(client=client, response=response)
    except _UNREADABLE:
        # An error envelope answered with a 2xx keeps the server's message and type.
        raise_for_json_envelope(
            response.content, status=response.status_code, path=operation.describe(kwargs)
        )
        raise
    if response.is_success and getattr(built.parsed, "success", None) is False:
        raise_for_json_envelope(
            response.content, status=response.status_code, path=operation.describe(kwargs)
        )
    return built
