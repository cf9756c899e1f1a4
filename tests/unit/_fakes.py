"""Fakes for the data-access tests: a paged Stream API behind ``httpx.MockTransport``."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

import runestream

FAKE_TOKEN_ID = "fake-token-id-7f3a9c"
FAKE_TOKEN_SECRET = "fake-token-secret-d41d8cd98f00b204"
FAKE_KEY_ID = "fake-client-key-id-5b2e"
FAKE_ACCESS_KEY = "fake-client-access-key-e99a18c428cb38d5"
BASE_URL = "https://stream.example.test"

PageItem = bytes | str | dict[str, Any] | httpx.Response | Callable[[httpx.Request], httpx.Response]


def token_for(index: int) -> str:
    """The opaque token the fake server hands out for page ``index`` (0-based)."""
    return f"dG9rZW4t{index}=="


class PagedServer:
    """Serve a list of pages in token order and record every request.

    A request without ``next_page_token`` gets page ``start`` (or page ``int(page)`` when a
    deprecated ``page`` parameter is sent); a request with ``token_for(i)`` gets page ``i``.
    Every page but the last carries ``X-Rune-Next-Page-Token: token_for(i + 1)``. A page item
    may be bytes/str (CSV), a dict (JSON body), a ready ``httpx.Response`` or a callable.

    Args:
        pages: The pages, in order.
        tokens: Overrides the token sent with each page (``None`` for no header).
    """

    def __init__(self, pages: Sequence[PageItem], *, tokens: Sequence[str | None] | None = None):
        self.pages = list(pages)
        self.tokens = list(tokens) if tokens is not None else None
        self.requests: list[httpx.Request] = []

    def _index(self, request: httpx.Request) -> int:
        token = request.url.params.get("next_page_token")
        if token is None:
            page = request.url.params.get("page")
            return int(page) if page is not None else 0
        for index in range(len(self.pages)):
            if token == token_for(index):
                return index
        raise AssertionError(f"unknown token {token!r}")

    def _next_token(self, index: int) -> str | None:
        if self.tokens is not None:
            return self.tokens[index]
        return token_for(index + 1) if index + 1 < len(self.pages) else None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = self._index(request)
        item = self.pages[index]
        if callable(item) and not isinstance(item, httpx.Response):
            return item(request)
        if isinstance(item, httpx.Response):
            return httpx.Response(item.status_code, headers=item.headers, content=item.content)
        headers: dict[str, str] = {}
        token = self._next_token(index)
        if token is not None:
            headers["X-Rune-Next-Page-Token"] = token
        if isinstance(item, dict):
            headers["Content-Type"] = "application/json"
            return httpx.Response(200, headers=headers, content=json.dumps(item).encode())
        headers["Content-Type"] = "text/csv"
        content = item.encode() if isinstance(item, str) else item
        return httpx.Response(200, headers=headers, content=content)

    @property
    def transport(self) -> httpx.MockTransport:
        """The transport to inject."""
        return httpx.MockTransport(self)

    def query(self, index: int) -> dict[str, str]:
        """The query parameters of request ``index`` (repeated names would be an error)."""
        params = self.requests[index].url.params
        assert len(params.multi_items()) == len(params), "a parameter was sent twice"
        return dict(params.items())

    def queries_without_token(self) -> list[dict[str, str]]:
        """Every request's query without ``next_page_token``."""
        out = []
        for index in range(len(self.requests)):
            query = self.query(index)
            query.pop("next_page_token", None)
            out.append(query)
        return out

    def paths(self) -> list[str]:
        """Every request's URL path."""
        return [request.url.path for request in self.requests]


def error_response(
    status: int, message: str = "boom", error_type: str = "Failure"
) -> httpx.Response:
    """A Stream API error envelope response."""
    body = {"success": False, "error": {"message": message, "type": error_type}, "result": None}
    return httpx.Response(status, json=body)


def json_page(result: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON success envelope."""
    return {"success": True, "result": dict(result)}


def make_config(auth: str = "access_token") -> runestream.Config:
    """A config with fake credentials of the given method."""
    if auth == "client_key":
        return runestream.Config(
            client_key_id=FAKE_KEY_ID, client_access_key=FAKE_ACCESS_KEY, stream_url=BASE_URL
        )
    return runestream.Config(
        access_token_id=FAKE_TOKEN_ID, access_token_secret=FAKE_TOKEN_SECRET, stream_url=BASE_URL
    )


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], *, auth: str = "access_token"
) -> runestream.V1Client:
    """A V1Client over a mock transport, without retries (so error tests never sleep)."""
    return runestream.V1Client(
        make_config(auth), transport=httpx.MockTransport(handler), max_attempts=1
    )
