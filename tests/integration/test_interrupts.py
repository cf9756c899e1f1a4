"""One Ctrl-C stops a download at once: threads, retries and stalled reads included.

A real SIGINT is delivered to the main thread while every request is stalled by a hostile
server on 127.0.0.1 (mid-body, before the headers, or in a ``Retry-After`` wait). The call must
raise ``KeyboardInterrupt`` within a couple of seconds (the bound is generous), leave no file
behind, and leave no thread blocked on a read or a retry.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from runestream import Config, V1Client

from ._stalling import StallingServer

pytestmark = pytest.mark.slow

#: How long an interrupted call may take to raise (it should take well under a second).
PROMPT = 5.0
# Distinctive fakes: credentials are redacted from every later message of the process.
TOKEN_ID = "stall-test-token-id-81c2"
TOKEN_VALUE = "stall-test-token-value-4e7d9a"
QUERY: dict[str, Any] = {"patient_id": "p1", "device_id": "d1", "start_time": 0, "end_time": 400}


def client_for(server: StallingServer, **kwargs: Any) -> V1Client:
    config = Config(
        access_token_id=TOKEN_ID, access_token_secret=TOKEN_VALUE, stream_url=server.url
    )
    return V1Client(config, max_attempts=3, **kwargs)


def runestream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("runestream")]


def threads_end(timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while runestream_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not runestream_threads()


@pytest.fixture(autouse=True)
def no_thread_before() -> Iterator[None]:
    assert threads_end(10.0), "a thread of an earlier test is still running"
    yield


def interrupt(call: Callable[[], object], server: StallingServer, stalls: int = 1) -> float:
    """Run ``call``, send SIGINT once ``stalls`` responses stall; seconds until it raised."""
    sent: list[float] = []

    def fire() -> None:
        if server.wait_for_stalls(stalls):
            time.sleep(0.2)  # well inside the stalled read (or the retry wait)
            sent.append(time.monotonic())
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    threading.Thread(target=fire, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        call()
    assert sent, "no stall was reached"
    return time.monotonic() - sent[0]


def drain(items: Iterator[Any]) -> None:
    for _ in items:
        pass


METHODS: dict[str, Callable[[V1Client, Path], object]] = {
    "to_arrow": lambda c, _: c.Accel().to_arrow(**QUERY),
    "to_pandas": lambda c, _: c.Accel().to_pandas(**QUERY),
    "to_csv": lambda c, d: c.Accel().to_csv(d / "out.csv", **QUERY),
    "to_parquet": lambda c, d: c.Accel().to_parquet(d / "out.parquet", **QUERY),  # no thread
    "iter_arrow": lambda c, _: drain(c.Accel().iter_arrow(**QUERY)),
    "points": lambda c, _: drain(c.Accel().points(**QUERY)),
}


@pytest.mark.parametrize("method", sorted(METHODS))
def test_ctrl_c_stops_a_read_stalled_mid_body(method: str, tmp_path: Path) -> None:
    with StallingServer("body") as server, client_for(server) as client:
        elapsed = interrupt(lambda: METHODS[method](client, tmp_path), server)
        assert list(tmp_path.iterdir()) == []
        assert elapsed < PROMPT
        assert threads_end(2.0), runestream_threads()  # the stalled read was cut, not waited
        assert len(server.requests) == 1  # and not retried
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_stops_a_retry_after_wait(tmp_path: Path) -> None:
    with StallingServer("retry-after") as server, client_for(server) as client:
        elapsed = interrupt(lambda: client.Accel().to_csv(tmp_path / "out.csv", **QUERY), server)
        assert elapsed < PROMPT
        assert threads_end(2.0), runestream_threads()
        assert len(server.requests) == 1  # the 50 s wait was cut short, and nothing sent after
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_does_not_wait_for_a_server_that_sends_nothing(tmp_path: Path) -> None:
    # No body to cut: the call returns anyway; the thread ends at its read timeout, unretried.
    with StallingServer("headers", stall_cap=30) as server:
        with client_for(server, timeout=httpx.Timeout(10.0, read=2.0)) as client:
            elapsed = interrupt(lambda: client.Accel().to_arrow(**QUERY), server)
            assert elapsed < PROMPT
            assert threads_end(6.0), runestream_threads()
        assert len(server.requests) == 1


PARALLEL: dict[str, Callable[[V1Client, Path], object]] = {
    "to_arrow": lambda c, _: c.Accel().to_arrow(workers=4, **QUERY),
    "to_csv": lambda c, d: c.Accel().to_csv(d / "out.csv", workers=4, **QUERY),
    "to_parquet": lambda c, d: c.Accel().to_parquet(d / "out.parquet", workers=4, **QUERY),
}


@pytest.mark.parametrize("method", sorted(PARALLEL))
def test_ctrl_c_stops_every_parallel_window(method: str, tmp_path: Path) -> None:
    with StallingServer("body") as server, client_for(server) as client:
        elapsed = interrupt(lambda: PARALLEL[method](client, tmp_path), server, stalls=4)
        assert list(tmp_path.iterdir()) == []  # no part file, no temporary file, at once
        assert elapsed < PROMPT
        assert threads_end(2.0), runestream_threads()
        assert len(server.requests) == 4  # one per window, none retried


@pytest.mark.parametrize("workers", [1, 4])
def test_cli_ctrl_c_exits_130_at_once_without_a_file(workers: int, tmp_path: Path) -> None:
    with StallingServer("body") as server:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "RUNE_STREAM_URL": server.url,
            "RUNE_ACCESS_TOKEN_ID": TOKEN_ID,
            "RUNE_ACCESS_TOKEN_SECRET": TOKEN_VALUE,
        }
        out = tmp_path / "out"
        out.mkdir()
        process = subprocess.Popen(
            [sys.executable, "-m", "runestream.cli", "fetch", "accel", "--patient-id", "p1",
             "--device-id", "d1", "--start", "0", "--end", "400", "--workers", str(workers),
             "-o", "out.csv"],
            env=env, cwd=out, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert server.wait_for_stalls(workers), "the fetch never started"
            time.sleep(0.2)
            sent = time.monotonic()
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
            elapsed = time.monotonic() - sent
        finally:
            process.kill()
            process.wait()
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    assert elapsed < PROMPT
    assert list(out.iterdir()) == []
