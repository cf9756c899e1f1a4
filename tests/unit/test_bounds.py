"""A total deadline per call, and the give-up rules for waits that would outlast it.

Hostile servers on 127.0.0.1 trickle bytes, stall, or ask for a wait of a day; the calls must
end within their deadline with a clear error, not after minutes.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

import runestream
from runestream import (
    Config,
    DeadlineExceededError,
    RateLimitError,
    RetryPolicy,
    V1Client,
    ValidationError,
)
from runestream.core._transport import DEFAULT_TIMEOUT

from ._hostile import (
    CSV_BODY,
    HostileServer,
    csv_response,
    head,
    send_trickled,
    stall,
    timed,
)
from .conftest import FAKE_TOKEN_ID, FAKE_TOKEN_SECRET, Recorder

QUERY: dict[str, Any] = {"patient_id": "p1", "device_id": "d1", "start_time": 0, "end_time": 60}


def loopback(url: str) -> Config:
    return Config(
        access_token_id=FAKE_TOKEN_ID, access_token_secret=FAKE_TOKEN_SECRET, stream_url=url
    )


def trickling_body(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
    """Headers at once, then the body one byte every 0.05 s (each read well within timeout)."""
    body = CSV_BODY * 200
    conn.sendall(head(Content_Type="text/csv", Content_Length=len(body)))
    send_trickled(conn, body, 0.05, stop)


def trickling_head(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
    """The status line and headers one byte every 0.05 s (each read well within timeout)."""
    padding = "x" * 600
    send_trickled(conn, head(Content_Type="text/csv", X_Padding=padding), 0.05, stop)


def stalled_body(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
    conn.sendall(head(Content_Type="text/csv", Content_Length=1000) + b"time,x\n")
    stall(stop)


def call(accessor: Any, method: str, tmp_path: Path, **extra: Any) -> Any:
    if method == "iter_csv_text":
        return list(accessor.iter_csv_text(**QUERY))
    if method == "to_csv":
        return accessor.to_csv(tmp_path / "out.csv", **QUERY, **extra)
    return getattr(accessor, method)(**QUERY, **extra)


@pytest.mark.parametrize("method", ["to_arrow", "iter_csv_text", "to_csv"])
def test_trickling_body_ends_at_the_client_deadline(method: str, tmp_path: Path) -> None:
    with HostileServer(trickling_body) as server:
        v1 = V1Client(loopback(server.url), deadline=1.0, timeout=10.0)
        with v1, timed() as elapsed, pytest.raises(DeadlineExceededError) as info:
            call(v1.Accel(), method, tmp_path)
    assert elapsed[0] < 2.5
    assert "deadline of 1 s" in str(info.value)
    assert info.value.path is not None and info.value.path.startswith("/v1/accel.csv")
    assert isinstance(info.value, runestream.APITimeoutError)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("method", ["to_arrow", "to_pandas", "to_csv", "to_parquet"])
def test_per_call_deadline_overrides_the_client_one(method: str, tmp_path: Path) -> None:
    if method == "to_pandas":
        pytest.importorskip("pandas")
    with HostileServer(trickling_body) as server, V1Client(loopback(server.url)) as v1:
        accessor = v1.Accel()
        with timed() as elapsed, pytest.raises(DeadlineExceededError):
            if method in ("to_csv", "to_parquet"):
                getattr(accessor, method)(tmp_path / "out", deadline=0.5, **QUERY)
            else:
                getattr(accessor, method)(deadline=0.5, **QUERY)
    assert elapsed[0] < 2.0


@pytest.mark.parametrize("method", ["to_arrow", "iter_csv_text"])
def test_trickling_headers_end_at_the_deadline(method: str, tmp_path: Path) -> None:
    with HostileServer(trickling_head) as server:
        v1 = V1Client(loopback(server.url), deadline=1.0, timeout=10.0)
        with v1, timed() as elapsed, pytest.raises(DeadlineExceededError):
            call(v1.Accel(), method, tmp_path)
        assert len(server.requests) == 1
    assert elapsed[0] < 2.5


def test_trickling_headers_end_at_a_typed_call_deadline(config: Config) -> None:
    from runestream_api.api.accel import get_accel_csv

    with HostileServer(trickling_head) as server:
        client = runestream.build_generated_client(loopback(server.url), deadline=1.0)
        with client, timed() as elapsed, pytest.raises(DeadlineExceededError):
            get_accel_csv.sync_detailed(client=client, **QUERY)
    assert elapsed[0] < 2.5


def test_async_trickling_headers_end_at_the_deadline() -> None:
    async def run(v1: V1Client) -> None:
        try:
            async for _ in v1.Accel().async_pages("csv", **QUERY).iter_pages():
                pass
        finally:
            await v1.aclose()

    with HostileServer(trickling_head) as server:
        v1 = V1Client(loopback(server.url), deadline=1.0, timeout=10.0)
        with timed() as elapsed, pytest.raises(DeadlineExceededError):
            asyncio.run(run(v1))
    assert elapsed[0] < 2.5


def test_async_pages_share_the_deadline() -> None:
    async def run(v1: V1Client) -> None:
        async for _ in v1.Accel().async_pages("csv", **QUERY).iter_pages():
            pass

    with HostileServer(trickling_body) as server:
        v1 = V1Client(loopback(server.url), deadline=1.0, timeout=10.0)
        with timed() as elapsed, pytest.raises(DeadlineExceededError, match="still arriving"):
            asyncio.run(run(v1))
        asyncio.run(v1.aclose())
    assert elapsed[0] < 2.5


def test_stalled_body_fails_at_the_deadline_not_the_read_timeout() -> None:
    with HostileServer(stalled_body) as server:
        v1 = V1Client(loopback(server.url), deadline=1.0, timeout=30.0)
        with v1, timed() as elapsed, pytest.raises(DeadlineExceededError):
            list(v1.Accel().iter_csv_text(**QUERY))
        assert len(server.requests) == 1  # no retry was started past the deadline
    assert elapsed[0] < 2.5


def test_stalled_streamed_page_fails_at_the_deadline() -> None:
    with HostileServer(stalled_body) as server:
        v1 = V1Client(loopback(server.url), deadline=1.0, timeout=30.0)
        with v1, timed() as elapsed, pytest.raises(DeadlineExceededError):
            v1.Accel().to_arrow(**QUERY)
    assert elapsed[0] < 2.5


def test_deadline_covers_all_pages_of_one_call() -> None:
    """Each page is quick (0.3 s), but five of them are not: the deadline spans the call."""

    def slow_pages(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
        stop.wait(0.3)
        conn.sendall(csv_response(X_Rune_Next_Page_Token=f"t{number}"))

    with HostileServer(slow_pages) as server:
        v1 = V1Client(loopback(server.url), deadline=1.0)
        with v1, timed() as elapsed, pytest.raises(DeadlineExceededError):
            v1.Accel().to_arrow(**QUERY)
        assert 2 <= len(server.requests) <= 4
    assert elapsed[0] < 2.0


def test_deadline_covers_all_windows_of_a_parallel_call() -> None:
    def slow_pages(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
        stop.wait(0.3)
        conn.sendall(csv_response(X_Rune_Next_Page_Token=f"t{number}"))

    with (
        HostileServer(slow_pages) as server,
        V1Client(loopback(server.url)) as v1,
        timed() as elapsed,
        pytest.raises(DeadlineExceededError),
    ):
        v1.Accel().to_arrow(workers=2, deadline=1.0, **QUERY)
    assert elapsed[0] < 2.5


def test_deadline_is_checked_between_pages_of_an_iterator() -> None:
    def slow_pages(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
        conn.sendall(csv_response(X_Rune_Next_Page_Token=f"t{number}"))

    with HostileServer(slow_pages) as server, V1Client(loopback(server.url), deadline=0.3) as v1:
        pages = v1.Accel().iter_csv_text(**QUERY)
        next(pages)
        threading.Event().wait(0.4)
        with pytest.raises(DeadlineExceededError, match=r"deadline of 0\.3 s"):
            next(pages)


def test_a_quick_call_is_not_affected_by_its_deadline(config: Config) -> None:
    recorder = Recorder(httpx.Response(200, text="time,x\n1,2\n"))
    with V1Client(config, transport=recorder.transport, deadline=30) as v1:
        assert v1.Accel().to_arrow(**QUERY).num_rows == 1
    # Each phase's timeout is capped by what remains of the deadline.
    timeouts = recorder.requests[0].extensions["timeout"]
    assert 29 < timeouts["read"] <= 30
    assert timeouts["connect"] == DEFAULT_TIMEOUT.connect


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), "5", True])
def test_invalid_deadline_is_refused_before_any_request(config: Config, value: object) -> None:
    recorder = Recorder(httpx.Response(200, text="time,x\n1,2\n"))
    with pytest.raises(ValidationError, match="deadline"):
        V1Client(config, transport=recorder.transport, deadline=value)  # type: ignore[arg-type]
    with (
        V1Client(config, transport=recorder.transport) as v1,
        pytest.raises(ValidationError, match="deadline"),
    ):
        v1.Accel().to_arrow(deadline=value, **QUERY)  # type: ignore[arg-type]
    assert recorder.requests == []


def test_typed_calls_get_the_deadline_per_request(config: Config) -> None:
    from runestream_api.api.accel import get_accel_csv

    recorder = Recorder(httpx.Response(503, headers={"Retry-After": "5"}))
    sleeps: list[float] = []
    client = runestream.build_generated_client(
        config, transport=recorder.transport, deadline=2.0, sleep=sleeps.append
    )
    with client, pytest.raises(runestream.ServerError) as info:
        get_accel_csv.sync_detailed(client=client, **QUERY)
    assert len(recorder.requests) == 1 and sleeps == []
    assert "retry after 5 s" in str(info.value)


# --- Retry-After beyond the cap or the deadline: give up at once ---------------------------


def test_retry_after_beyond_the_cap_gives_up_at_once(config: Config) -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "100000"}))
    sleeps: list[float] = []
    client = runestream.build_generated_client(
        config, transport=recorder.transport, sleep=sleeps.append
    )
    v1 = V1Client(config, client=client)
    with v1, pytest.raises(RateLimitError) as info:
        v1.Accel().to_arrow(**QUERY)
    assert len(recorder.requests) == 1
    assert sleeps == []
    error = info.value
    assert error.retry_after == 100000
    assert error.retry_at is not None
    assert "retry after 27.8 h" in str(error)
    assert error.retry_at.isoformat(timespec="minutes") in str(error)


def test_retry_after_within_the_cap_is_still_honoured(config: Config) -> None:
    recorder = Recorder(
        httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, text="time,x\n1,2\n")
    )
    sleeps: list[float] = []
    client = runestream.build_generated_client(
        config, transport=recorder.transport, sleep=sleeps.append
    )
    with V1Client(config, client=client) as v1:
        assert v1.Accel().to_arrow(**QUERY).num_rows == 1
    assert sleeps == [2.0]


def test_retry_after_beyond_the_deadline_gives_up_at_once() -> None:
    def limited(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
        conn.sendall(head("429 Too Many Requests", Retry_After=5, Content_Length=0))

    with HostileServer(limited) as server:
        v1 = V1Client(loopback(server.url), deadline=2.0)
        with v1, timed() as elapsed, pytest.raises(RateLimitError) as info:
            v1.Accel().to_arrow(**QUERY)
        assert len(server.requests) == 1
    assert elapsed[0] < 1.0
    assert "retry after 5 s" in str(info.value)
    assert "deadline" in str(info.value)


def test_backoff_beyond_the_deadline_gives_up_at_once(config: Config) -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    sleeps: list[float] = []
    policy = RetryPolicy(initial_backoff=10.0, max_backoff=10.0)
    client = runestream.build_generated_client(
        config,
        transport=recorder.transport,
        retry_policy=policy,
        sleep=sleeps.append,
        rand=lambda: 0.9,
    )
    with (
        V1Client(config, client=client, deadline=5.0) as v1,
        pytest.raises(DeadlineExceededError, match=r"9\.0 s wait"),
    ):
        v1.Accel().to_arrow(**QUERY)
    assert len(recorder.requests) == 1 and sleeps == []


# --- The default read timeout -----------------------------------------------------------------


def test_default_read_timeout_bounds_a_stalled_page_well_under_minutes() -> None:
    policy = runestream.DEFAULT_RETRY_POLICY
    assert DEFAULT_TIMEOUT.read is not None
    # Worst case for a page stalled on every attempt: every read timeout plus every backoff.
    worst = policy.max_attempts * DEFAULT_TIMEOUT.read + sum(
        min(policy.max_backoff, policy.initial_backoff * 2**i)
        for i in range(policy.max_attempts - 1)
    )
    assert worst <= 150


def test_session_download_ends_at_the_deadline_and_leaves_no_file(tmp_path: Path) -> None:
    with HostileServer(trickling_body) as server:
        v1 = V1Client(loopback(server.url), deadline=1.0, timeout=10.0)
        with v1, timed() as elapsed, pytest.raises(DeadlineExceededError):
            v1.download_session(
                session_id="dataset-1", stream_name="metadata", path=tmp_path / "out.bin"
            )
    assert elapsed[0] < 2.5
    assert list(tmp_path.iterdir()) == []
