"""Retries: statuses, connection errors, cut bodies, Retry-After, backoff, final failures."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

import runestream
import runestream_api
from runestream import (
    APIConnectionError,
    APITimeoutError,
    IncompleteResponseError,
    RetryPolicy,
    build_generated_client,
)
from runestream.core._retry import (
    SAFE_TO_REPEAT_EXTENSION,
    STREAM_EXTENSION,
    RetryTransport,
    parse_retry_after,
)
from runestream_api.api.accel import get_accel_csv

from .conftest import ChunkStream, Recorder, cut_response

CSV = b"time,x,y,z\n1,0.1,0.2,0.3\n2,0.4,0.5,0.6\n"


def ok() -> httpx.Response:
    return httpx.Response(200, content=CSV, headers={"Content-Type": "text/csv"})


def client_for(
    config: runestream.Config, recorder: Recorder, sleeps: list[float], **kwargs: Any
) -> runestream_api.Client:
    return build_generated_client(
        config, transport=recorder.transport, sleep=sleeps.append, rand=lambda: 1.0, **kwargs
    )


def fetch(client: runestream_api.Client, **params: Any) -> bytes:
    response = get_accel_csv.sync_detailed(
        client=client, device_id="dev*1", start_time=1.0, end_time=2.0, **params
    )
    return response.content


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_status_is_retried(
    config: runestream.Config, sleeps: list[float], status: int
) -> None:
    recorder = Recorder(httpx.Response(status), ok())
    assert fetch(client_for(config, recorder, sleeps)) == CSV
    assert len(recorder.requests) == 2
    assert sleeps == [0.5]
    assert recorder.requests[0].url == recorder.requests[1].url


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow connect"),
        httpx.ReadTimeout("slow read"),
        httpx.ReadError("reset"),
        httpx.WriteError("broken pipe"),
        httpx.PoolTimeout("pool"),
        httpx.RemoteProtocolError("server hung up"),
    ],
)
def test_connection_errors_are_retried(
    config: runestream.Config, sleeps: list[float], exc: Exception
) -> None:
    recorder = Recorder(exc, ok())
    assert fetch(client_for(config, recorder, sleeps)) == CSV
    assert len(recorder.requests) == 2


def test_body_cut_mid_transfer_is_refetched_with_the_same_request(
    config: runestream.Config, sleeps: list[float]
) -> None:
    recorder = Recorder(lambda _: cut_response(CSV, 15), ok())
    assert fetch(client_for(config, recorder, sleeps), next_page_token="TOKEN-2") == CSV
    first, second = recorder.requests
    assert first.url == second.url
    assert first.url.params["next_page_token"] == "TOKEN-2"


def test_body_shorter_than_content_length_is_refetched(
    config: runestream.Config, sleeps: list[float]
) -> None:
    short = httpx.Response(200, content=CSV[:10], headers={"Content-Length": str(len(CSV))})
    recorder = Recorder(short, ok())
    assert fetch(client_for(config, recorder, sleeps)) == CSV
    assert len(recorder.requests) == 2


def test_gzip_body_is_decoded_once(config: runestream.Config, sleeps: list[float]) -> None:
    import gzip

    packed = gzip.compress(CSV)
    recorder = Recorder(
        lambda _: httpx.Response(
            200,
            headers={"Content-Encoding": "gzip", "Content-Length": str(len(packed))},
            stream=ChunkStream([packed[:7], packed[7:]]),
        )
    )
    assert fetch(client_for(config, recorder, sleeps)) == CSV


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), ("0.25", 0.25), ("60", 60.0)])
def test_retry_after_seconds_honoured_up_to_the_cap(
    config: runestream.Config, sleeps: list[float], header: str, expected: float
) -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": header}), ok())
    assert fetch(client_for(config, recorder, sleeps)) == CSV
    assert sleeps == [expected]


def test_retry_after_beyond_the_cap_is_not_waited_for(
    config: runestream.Config, sleeps: list[float]
) -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "3600"}), ok())
    with pytest.raises(runestream.RateLimitError, match="retry after 60 min") as info:
        fetch(client_for(config, recorder, sleeps))
    assert sleeps == [] and len(recorder.requests) == 1
    assert info.value.retry_after == 3600


def test_retry_after_http_date(config: runestream.Config, sleeps: list[float]) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    recorder = Recorder(httpx.Response(503, headers={"Retry-After": when}), ok())
    fetch(client_for(config, recorder, sleeps))
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 30


def test_retry_after_custom_cap(config: runestream.Config, sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "50"}), ok())
    policy = RetryPolicy(retry_after_cap=60)
    fetch(client_for(config, recorder, sleeps, retry_policy=policy))
    assert sleeps == [50.0]
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "50"}), ok())
    with pytest.raises(runestream.RateLimitError, match="longer than the 5 s cap"):
        fetch(client_for(config, recorder, sleeps, retry_policy=RetryPolicy(retry_after_cap=5)))
    assert sleeps == [50.0]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, runestream.BadRequestError),
        (401, runestream.AuthenticationError),
        (403, runestream.PermissionDeniedError),
        (404, runestream.NotFoundError),
        (409, runestream.APIStatusError),
        (422, runestream.APIStatusError),
        (501, runestream.ServerError),
    ],
)
def test_non_retryable_status_raises_at_once(
    config: runestream.Config, sleeps: list[float], status: int, cls: type[Exception]
) -> None:
    envelope = {"success": False, "error": {"message": "nope", "type": "Bad"}, "result": None}
    recorder = Recorder(httpx.Response(status, json=envelope), ok())
    with pytest.raises(cls) as info:
        fetch(client_for(config, recorder, sleeps))
    assert len(recorder.requests) == 1
    assert sleeps == []
    assert info.value.status_code == status  # type: ignore[attr-defined]
    assert info.value.message == "nope"  # type: ignore[attr-defined]


def test_final_failure_carries_last_status(config: runestream.Config, sleeps: list[float]) -> None:
    recorder = Recorder(
        httpx.Response(503),
        httpx.Response(500),
        httpx.Response(504),
        httpx.Response(502, text="<html>Bad Gateway</html>"),
        ok(),
    )
    with pytest.raises(runestream.ServerError) as info:
        fetch(client_for(config, recorder, sleeps))
    assert info.value.status_code == 502
    assert info.value.message == "Bad Gateway"
    assert len(recorder.requests) == 4
    assert sleeps == [0.5, 1.0, 2.0]  # full jitter upper bounds with rand() == 1.0


def test_exhausted_429_is_rate_limit_error(config: runestream.Config, sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "1"}))
    with pytest.raises(runestream.RateLimitError):
        fetch(client_for(config, recorder, sleeps, max_attempts=2))
    assert len(recorder.requests) == 2
    assert sleeps == [1.0]


@pytest.mark.parametrize(
    ("failure", "cls"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
        (lambda _: cut_response(CSV, 5), IncompleteResponseError),
    ],
)
def test_exhausted_connection_failures(
    config: runestream.Config, sleeps: list[float], failure: object, cls: type[Exception]
) -> None:
    recorder = Recorder(failure)  # type: ignore[arg-type]
    with pytest.raises(cls) as info:
        fetch(client_for(config, recorder, sleeps))
    assert len(recorder.requests) == 4
    assert "after 4 attempts" in str(info.value)
    assert info.value.path.startswith("/v1/accel.csv?")  # type: ignore[attr-defined]


def test_unretryable_transport_error_is_mapped(
    config: runestream.Config, sleeps: list[float]
) -> None:
    recorder = Recorder(httpx.LocalProtocolError("bad request line"))
    with pytest.raises(APIConnectionError):
        fetch(client_for(config, recorder, sleeps))
    assert len(recorder.requests) == 1


def test_max_attempts_one_disables_retries(config: runestream.Config, sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(503), ok())
    with pytest.raises(runestream.ServerError):
        fetch(client_for(config, recorder, sleeps, max_attempts=1))
    assert len(recorder.requests) == 1


def test_backoff_full_jitter_and_cap() -> None:
    policy = RetryPolicy(initial_backoff=0.5, max_backoff=3.0)
    assert [policy.backoff(n, rand=lambda: 1.0) for n in (1, 2, 3, 4, 5)] == [0.5, 1, 2, 3, 3]
    assert policy.backoff(3, rand=lambda: 0.25) == 0.5
    assert policy.backoff(1, rand=lambda: 0.0) == 0.0
    assert policy.backoff(1, 100.0, rand=lambda: 1.0) == 60.0
    assert policy.backoff(1, -5.0, rand=lambda: 1.0) == 0.0


def test_policy_defaults_and_validation() -> None:
    policy = RetryPolicy()
    assert policy.max_attempts == 4
    assert policy.retry_statuses == frozenset({408, 429, 500, 502, 503, 504})
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(initial_backoff=-1)


def test_parse_retry_after() -> None:
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 3 ") == 3.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("Wed, 01 May 2024 12:00:42 GMT", now=now) == 42.0
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None


def test_only_idempotent_methods_are_retried(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(503), httpx.Response(200))
    transport = RetryTransport(recorder.transport, sleep=sleeps.append)
    response = transport.handle_request(httpx.Request("POST", "https://x.test/upload"))
    assert response.status_code == 503
    assert len(recorder.requests) == 1


def post(**extensions: object) -> httpx.Request:
    return httpx.Request(
        "POST",
        "https://x.test/graphql",
        content=b'{"query": "{ user { id } }"}',
        extensions=dict(extensions),
    )


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(503), httpx.Response(429), httpx.ReadTimeout("slow"), httpx.ReadError("reset")],
)
def test_a_post_marked_safe_to_repeat_is_retried_like_a_get(
    sleeps: list[float], failure: httpx.Response | Exception
) -> None:
    recorder = Recorder(failure, httpx.Response(200, content=b"{}"))
    transport = RetryTransport(recorder.transport, sleep=sleeps.append)
    response = transport.handle_request(post(**{SAFE_TO_REPEAT_EXTENSION: True}))
    assert response.status_code == 200
    assert [r.content for r in recorder.requests] == [b'{"query": "{ user { id } }"}'] * 2


@pytest.mark.parametrize(
    "exc",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("pool")],
)
def test_an_unmarked_post_is_retried_after_an_error_that_sent_nothing(
    sleeps: list[float], exc: Exception
) -> None:
    recorder = Recorder(exc, httpx.Response(200, content=b"{}"))
    response = RetryTransport(recorder.transport, sleep=sleeps.append).handle_request(post())
    assert response.status_code == 200
    assert len(recorder.requests) == 2


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("slow read"),
        httpx.ReadError("reset"),
        httpx.WriteError("broken pipe"),
        httpx.RemoteProtocolError("server hung up"),
    ],
)
def test_an_unmarked_post_is_not_repeated_once_it_may_have_been_sent(
    sleeps: list[float], exc: Exception
) -> None:
    recorder = Recorder(exc, httpx.Response(200))
    with pytest.raises(APIConnectionError):
        RetryTransport(recorder.transport, sleep=sleeps.append).handle_request(post())
    assert len(recorder.requests) == 1
    assert sleeps == []


def test_streamed_request_body_is_not_read_eagerly(sleeps: list[float]) -> None:
    body = ChunkStream([b"a" * 10, b"b" * 10])
    recorder = Recorder(httpx.Response(503), lambda _: httpx.Response(200, stream=body))
    transport = RetryTransport(recorder.transport, sleep=sleeps.append)
    request = httpx.Request("GET", "https://x.test/v1/session", extensions={STREAM_EXTENSION: True})
    response = transport.handle_request(request)
    assert response.stream is body  # handed over untouched
    assert len(recorder.requests) == 2  # the 503 before it was still retried
    assert b"".join(response.iter_raw()) == b"a" * 10 + b"b" * 10


def test_unstreamed_request_body_is_read_inside_the_transport(sleeps: list[float]) -> None:
    body = ChunkStream([b"abc"])
    recorder = Recorder(lambda _: httpx.Response(200, stream=body))
    response = RetryTransport(recorder.transport).handle_request(
        httpx.Request("GET", "https://x.test/v1/accel.csv")
    )
    assert isinstance(response.stream, httpx.ByteStream)
    assert body.closed
    assert response.read() == b"abc"


def test_async_retries(config: runestream.Config) -> None:
    async_sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        async_sleeps.append(seconds)

    recorder = Recorder(
        httpx.Response(429, headers={"Retry-After": "2"}),
        lambda _: cut_response(CSV, 4),
        httpx.ConnectError("refused"),
        ok(),
    )
    client = build_generated_client(
        config, transport=recorder.transport, async_sleep=fake_sleep, rand=lambda: 1.0
    )

    async def run() -> bytes:
        response = await get_accel_csv.asyncio_detailed(
            client=client, device_id="d", start_time=1.0, end_time=2.0
        )
        return response.content

    assert asyncio.run(run()) == CSV
    assert async_sleeps == [2.0, 1.0, 2.0]
    assert len(recorder.requests) == 4


def test_async_final_failure(config: runestream.Config) -> None:
    async def fake_sleep(seconds: float) -> None:
        return None

    recorder = Recorder(httpx.Response(500), httpx.Response(503))
    client = build_generated_client(
        config, transport=recorder.transport, async_sleep=fake_sleep, max_attempts=2
    )

    async def run() -> None:
        await get_accel_csv.asyncio_detailed(client=client, device_id="d", start_time=1, end_time=2)

    with pytest.raises(runestream.ServerError) as info:
        asyncio.run(run())
    assert info.value.status_code == 503
