"""Fixtures: one shared sandbox server on 127.0.0.1 and an authenticated httpx client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

import runestream_sandbox as rs

from ._helpers import TOKEN_HEADERS


@pytest.fixture(scope="session")
def server() -> Iterator[rs.SandboxServer]:
    """A sandbox with default settings for the whole test session."""
    with rs.SandboxServer() as srv:
        yield srv


@pytest.fixture(scope="session")
def http(server: rs.SandboxServer) -> Iterator[httpx.Client]:
    """An httpx client with the access-token headers."""
    with httpx.Client(base_url=server.url, headers=TOKEN_HEADERS, timeout=60) as client:
        yield client
