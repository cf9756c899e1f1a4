"""The session a Dask worker process keeps per credentials (``runestream.dask._worker``).

Every read or sync gives its credentials a fresh random token (for Dask's keys); the worker's
session cache must not grow with those tokens: equal credentials share one session across
runs, other credentials or options get their own, a closed one is rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import runestream
from runestream.dask._worker import _SESSIONS, Credentials, worker_session

from .conftest import BASE_URL, FAKE_TOKEN_ID, FAKE_TOKEN_SECRET


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    _SESSIONS.clear()
    yield
    for session in _SESSIONS.values():
        session.close()
    _SESSIONS.clear()


def _config(secret: str = FAKE_TOKEN_SECRET) -> runestream.Config:
    return runestream.Config(
        access_token_id=FAKE_TOKEN_ID, access_token_secret=secret, stream_url=BASE_URL
    )


def test_runs_with_equal_credentials_share_one_session() -> None:
    first = worker_session(Credentials(_config()), ())
    again = worker_session(Credentials(_config()), ())  # a later run: a new random token
    assert again is first
    assert len(_SESSIONS) == 1


def test_other_credentials_or_options_get_their_own_session() -> None:
    first = worker_session(Credentials(_config()), ())
    other = worker_session(Credentials(_config("fake-other-secret-0123456789")), ())
    retried = worker_session(Credentials(_config()), (("max_attempts", 2),))
    assert len({id(first), id(other), id(retried)}) == 3


def test_a_closed_session_is_rebuilt() -> None:
    first = worker_session(Credentials(_config()), ())
    first.close()
    assert worker_session(Credentials(_config()), ()) is not first


def test_the_workers_own_config_is_read_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_ID", FAKE_TOKEN_ID)
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_SECRET", FAKE_TOKEN_SECRET)
    first = worker_session(Credentials(None), ())
    assert worker_session(Credentials(None), ()) is first
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_SECRET", "fake-rotated-secret-0123456789")
    rotated = worker_session(Credentials(None), ())
    assert rotated is not first
    assert "fake-rotated-secret-0123456789" in rotated.config.auth_headers.values()


def test_no_secret_in_the_cache_keys() -> None:
    worker_session(Credentials(_config()), ())
    assert FAKE_TOKEN_SECRET not in repr(list(_SESSIONS))
