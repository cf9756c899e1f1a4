"""Cassette fixtures: vcrpy settings, the base URL (live sandbox or placeholder) and configs.

Replay (the default, ``--record-mode=none``): requests are answered from
``tests/cassettes/<module>/<test>.yaml``; the base URL is a placeholder nothing listens on, the
network is blocked, the sandbox is never started. Recording (``scripts/record-cassettes``, or
``pytest tests/cassettes --record-mode=rewrite``): the base URL is a live sandbox.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import runestream

from . import _world as w
from ._scrub import GRAPHQL_MATCHER, match_graphql_operation, vcr_options

HERE = Path(__file__).resolve().parent
_ENV_VARS = (
    "RUNE_ACCESS_TOKEN_ID",
    "RUNE_ACCESS_TOKEN_SECRET",
    "RUNE_CLIENT_KEY_ID",
    "RUNE_CLIENT_ACCESS_KEY",
    "RUNE_STREAM_URL",
    "RUNE_GRAPH_URL",
    "RUNE_CONFIG",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


def is_recording(config: pytest.Config) -> bool:
    """Whether this run records cassettes (any ``--record-mode`` but ``none``)."""
    return config.getoption("--record-mode") not in (None, "none")


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No RUNE_* variables, proxies or ~/.rune/config from the developer's machine."""
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """Register the GraphQL matcher (operation + variables; every request passes it)."""
    vcr.register_matcher(GRAPHQL_MATCHER, match_graphql_operation)


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """vcrpy options (see ``_scrub.py``)."""
    return vcr_options()


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """``tests/cassettes/<test module name>/``."""
    return str(HERE / Path(str(request.node.fspath)).stem)


def _check_world_matches_sandbox() -> None:
    """The literal IDs of ``_world.py`` are the sandbox catalogue's (checked when recording)."""
    import runestream_sandbox as rs

    names = [
        "ACCESS_TOKEN_ID",
        "ACCESS_TOKEN_SECRET",
        "CLIENT_KEY_ID",
        "CLIENT_ACCESS_KEY",
        "PATIENT_ID",
        "OTHER_PATIENT_ID",
        "WATCH_ID",
        "OTHER_WATCH_ID",
        "DBS_ID",
        "SPECIAL_DEVICE_ID",
        "DATASET_ID",
        "JWT",
    ]
    for name in names:
        assert getattr(w, name) == getattr(rs, name), name
    assert rs.CATALOG.start_time + 86_400 == w.DAY2
    v2 = {
        w.ACCEL_X_STREAM: {"device_id": w.WATCH_ID, "measurement": "acceleration", "axis": "x"},
        w.HEART_STREAM: {"device_id": w.WATCH_ID, "measurement": "heart_rate"},
        w.OTHER_HEART_STREAM: {"device_id": w.OTHER_WATCH_ID, "measurement": "heart_rate"},
    }
    for stream_id, filters in v2.items():
        assert rs.find_stream(**filters).id == stream_id, filters


@pytest.fixture(scope="session")
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The stream URL: a live sandbox when recording, else :data:`_world.PLACEHOLDER_URL`."""
    if not is_recording(request.config):
        yield w.PLACEHOLDER_URL
        return
    _check_world_matches_sandbox()
    external = os.environ.get(w.SANDBOX_URL_ENV)
    if external:
        yield external.rstrip("/")
        return
    from ._serve import recording_server

    with recording_server() as server:
        yield server.url


@pytest.fixture
def token_config(base_url: str) -> runestream.Config:
    """An access-token config (every patient)."""
    return runestream.Config(
        access_token_id=w.ACCESS_TOKEN_ID,
        access_token_secret=w.ACCESS_TOKEN_SECRET,
        stream_url=base_url,
        graph_url=base_url,
    )


@pytest.fixture
def key_config(base_url: str) -> runestream.Config:
    """A client-key config (patient-0001 only; ``patient_id`` may be left out)."""
    return runestream.Config(
        client_key_id=w.CLIENT_KEY_ID,
        client_access_key=w.CLIENT_ACCESS_KEY,
        stream_url=base_url,
        graph_url=base_url,
    )


@pytest.fixture
def bad_config(base_url: str) -> runestream.Config:
    """An access token with the wrong secret."""
    return runestream.Config(
        access_token_id=w.ACCESS_TOKEN_ID,
        access_token_secret=w.WRONG_SECRET,
        stream_url=base_url,
        graph_url=base_url,
    )


@pytest.fixture
def jwt_config(base_url: str) -> runestream.Config:
    """A JWT config (``X-Rune-User-Access-Token``; every patient)."""
    return runestream.Config(jwt=w.JWT, stream_url=base_url, graph_url=base_url)


@pytest.fixture
def client(token_config: runestream.Config) -> Iterator[runestream.V1Client]:
    """A V1Client with the access token (closed after the test)."""
    with runestream.V1Client(token_config) as v1:
        yield v1
