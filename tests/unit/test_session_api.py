"""``runestream.Session`` (one object, no globals) and runeq's global style on top of it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest

import runestream
from runestream import InitializationError, Session, SessionClosedError, ValidationError
from runestream.resources import stream as rstream

from .conftest import BASE_URL, FAKE_TOKEN_ID, FAKE_TOKEN_SECRET

A = "2522ad92fe25e2b9bc904ab0a7ecd946f44f391352eb0c3f6533be09a828cd51"


def handler(seen: list[httpx.Request]) -> httpx.MockTransport:
    def reply(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="time,x\n1,2\n", headers={"content-type": "text/csv"})

    return httpx.MockTransport(reply)


@pytest.fixture
def reset_default() -> Iterator[None]:
    from runestream import _default_session

    saved = _default_session._default
    _default_session._default = None
    yield
    _default_session._default = saved


def test_session_uses_the_shared_transport_stack(config: runestream.Config) -> None:
    seen: list[httpx.Request] = []
    with Session(config, transport=handler(seen)) as session:
        client = session.generated_client()
        httpx_client = client.get_httpx_client()
        # the same stack V1 uses: the retry transport is registered for the client
        assert runestream.core._transport.retry_transport_for(httpx_client) is not None
        assert httpx_client.timeout == runestream.DEFAULT_TIMEOUT
        assert list(session.stream.get_stream_data(A)) == ["time,x\n1,2\n"]
    assert seen[0].headers["User-Agent"].startswith("runestream/")


def test_closed_session_refuses_calls_before_any_request(config: runestream.Config) -> None:
    seen: list[httpx.Request] = []
    session = Session(config, transport=handler(seen))
    session.close()
    assert session.closed
    with pytest.raises(SessionClosedError, match="closed"):
        session.stream.get_stream_data(A)
    with pytest.raises(SessionClosedError):
        session.stream.get_stream_daily_aggregate(A, 0, 3600, 1)
    assert seen == []
    with pytest.raises(SessionClosedError):
        session.generated_client()
    session.close()  # idempotent


def test_async_client_is_built_lazily_and_closed_by_async_with(config: runestream.Config) -> None:
    seen: list[httpx.Request] = []

    async def main() -> None:
        async with Session(config, transport=handler(seen)) as session:
            generated = session.generated_client()
            assert generated.built_async_httpx_client() is None  # nothing built by sync use
            list(session.stream.get_stream_data(A))
            assert generated.built_async_httpx_client() is None
            async_client = generated.get_async_httpx_client()
            response = await async_client.get(f"/v2/streams/{A}")
            assert response.status_code == 200
        assert async_client.is_closed
        assert generated.get_httpx_client().is_closed
        assert session.closed

    asyncio.run(main())


def test_close_outside_a_loop_closes_a_built_async_client(config: runestream.Config) -> None:
    session = Session(config, transport=handler([]))
    async_client = session.generated_client().get_async_httpx_client()
    session.close()
    assert async_client.is_closed


def test_one_session_serves_many_threads(config: runestream.Config) -> None:
    seen: list[httpx.Request] = []
    errors: list[BaseException] = []
    with Session(config, transport=handler(seen)) as session:

        def work() -> None:
            try:
                for _ in range(20):
                    assert list(session.stream.get_stream_data(A)) == ["time,x\n1,2\n"]
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(seen) == 160


def test_two_sessions_share_nothing(config: runestream.Config) -> None:
    other = runestream.Config(client_key_id="kid", client_access_key="kkey", stream_url=BASE_URL)
    seen_a: list[httpx.Request] = []
    seen_b: list[httpx.Request] = []
    with (
        Session(config, transport=handler(seen_a)) as a,
        Session(other, transport=handler(seen_b)) as b,
    ):
        list(a.stream.get_stream_data(A))
        list(b.stream.get_stream_data(A))
    assert seen_a[0].headers["X-Rune-User-Access-Token-Id"] == FAKE_TOKEN_ID
    assert "X-Rune-User-Access-Token-Id" not in seen_b[0].headers
    assert seen_b[0].headers["X-Rune-Client-Key-Id"] == "kid"


def test_repr_holds_no_secret(config: runestream.Config) -> None:
    with Session(config, transport=handler([])) as session:
        assert FAKE_TOKEN_SECRET not in repr(session)
        assert "open" in repr(session)


# --- runeq's global style ---------------------------------------------------------------------


def test_module_functions_need_initialize(reset_default: None) -> None:
    with pytest.raises(InitializationError, match="initialize"):
        rstream.get_stream_data(A)


def test_initialize_sets_the_default_session(
    reset_default: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[httpx.Request] = []
    original = Session.__init__

    def with_mock(self: Session, config: runestream.Config | None = None, **kw: object) -> None:
        original(self, config, transport=handler(seen))  # type: ignore[arg-type]

    monkeypatch.setattr(Session, "__init__", with_mock)
    session = runestream.initialize(
        access_token_id=FAKE_TOKEN_ID, access_token_secret=FAKE_TOKEN_SECRET, stream_url=BASE_URL
    )
    assert isinstance(session, Session)
    assert list(rstream.get_stream_data(A, limit=1)) == ["time,x\n1,2\n"]
    assert seen[0].url.params["limit"] == "1"
    with pytest.raises(TypeError, match="at most 1 positional"):
        runestream.initialize("a", "b")


def test_client_and_stream_client_keywords(config: runestream.Config, reset_default: None) -> None:
    seen: list[httpx.Request] = []
    with Session(config, transport=handler(seen)) as session:
        list(rstream.get_stream_data(A, client=session))
        list(rstream.get_stream_availability(A, 0, 3600, 300, client=session.stream))
        list(rstream.get_stream_data(A, stream_client=session))
        with pytest.raises(ValidationError, match="not both"):
            rstream.get_stream_data(A, client=session, stream_client=session.stream)
        with pytest.raises(ValidationError, match="client"):
            rstream.get_stream_data(A, client=object())  # type: ignore[arg-type]
    assert [r.url.path for r in seen] == [
        f"/v2/streams/{A}",
        f"/v2/streams/{A}/availability",
        f"/v2/streams/{A}",
    ]


def test_session_deadline_reaches_the_shared_transport(config: runestream.Config) -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []

    def reply(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            429,
            json={"error": {"type": "RateLimited", "message": "wait"}},
            headers={"Retry-After": "100"},
        )

    transport = httpx.MockTransport(reply)
    session = Session(config, transport=transport, sleep=sleeps.append, deadline=5.0)
    with session, pytest.raises(runestream.RateLimitError):
        list(session.stream.get_stream_data(A))
    assert 100.0 not in sleeps  # a wait past the deadline is not taken
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_attempts", 0),
        ("max_attempts", "3"),
        ("max_attempts", True),
        ("timeout", -1),
        ("timeout", 0),
        ("timeout", "30"),
        ("timeout", float("nan")),
    ],
)
def test_bad_transport_options_are_refused_naming_them(
    config: runestream.Config, option: str, value: object
) -> None:
    with pytest.raises(ValidationError, match=option) as raised:
        Session(config, **{option: value})  # type: ignore[arg-type]
    assert raised.value.parameter == option
