"""Shared fixtures for unit tests: a hermetic environment and a recording mock transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

import runestream

FAKE_TOKEN_ID = "fake-token-id-7f3a9c"
FAKE_TOKEN_SECRET = "fake-token-secret-d41d8cd98f00b204"
FAKE_KEY_ID = "fake-client-key-id-5b2e"
FAKE_ACCESS_KEY = "fake-client-access-key-e99a18c428cb38d5"
BASE_URL = "https://stream.example.test"

_ENV_VARS = (
    "RUNE_ACCESS_TOKEN_ID",
    "RUNE_ACCESS_TOKEN_SECRET",
    "RUNE_CLIENT_KEY_ID",
    "RUNE_CLIENT_ACCESS_KEY",
    "RUNE_STREAM_URL",
    "RUNE_CONFIG",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No RUNE_* variables or proxies from the developer's shell; HOME is an empty temp dir."""
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def config() -> runestream.Config:
    """An access-token config pointing at a fake host."""
    return runestream.Config(
        access_token_id=FAKE_TOKEN_ID, access_token_secret=FAKE_TOKEN_SECRET, stream_url=BASE_URL
    )


class Recorder:
    """A ``httpx.MockTransport`` handler that records requests and replays scripted responses.

    Each scripted item is a response, an exception to raise, or a callable taking the request.
    The last item repeats once the script runs out.
    """

    def __init__(
        self, *script: httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]
    ):
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.script[min(len(self.requests) - 1, len(self.script) - 1)]
        if isinstance(item, Exception):
            raise item
        if isinstance(item, httpx.Response):  # a fresh copy: a response is single-use
            return httpx.Response(item.status_code, headers=item.headers, content=item.content)
        return item(request)

    @property
    def transport(self) -> httpx.MockTransport:
        """The transport to inject."""
        return httpx.MockTransport(self)


@pytest.fixture
def sleeps() -> Iterator[list[float]]:
    """A list collecting the delays a fake sleep was asked for."""
    yield []


class ChunkStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body delivered in chunks, optionally failing after them (a cut connection)."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None) -> None:
        self.chunks = chunks
        self.error = error
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def cut_response(body: bytes, cut_at: int, status: int = 200) -> httpx.Response:
    """A response announcing ``len(body)`` bytes whose connection breaks after ``cut_at``."""
    return httpx.Response(
        status,
        headers={"Content-Length": str(len(body))},
        stream=ChunkStream(
            [body[:cut_at]], httpx.RemoteProtocolError("peer closed connection mid-body")
        ),
    )
