"""The cancellation token: children, callbacks, sleeps, and what it stops in the HTTP stack."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from runestream.core._cancel import (
    Cancellation,
    Cancelled,
    active,
    current,
    interruptible_sleep,
    raise_if_cancelled,
)
from runestream.core._readahead import read_ahead
from runestream.core._retry import RetryPolicy, RetryTransport

WAIT = 10.0  # seconds: only reached when something is broken


def test_cancelling_a_parent_cancels_its_children_once() -> None:
    parent = Cancellation()
    child = Cancellation(parent)
    calls: list[str] = []
    child.on_cancel(lambda: calls.append("child"))
    parent.cancel()
    parent.cancel()
    assert child.cancelled and calls == ["child"]


def test_a_detached_child_is_not_cancelled() -> None:
    parent = Cancellation()
    child = Cancellation(parent)
    child.detach()
    parent.cancel()
    assert not child.cancelled


def test_a_callback_registered_after_cancelling_runs_at_once() -> None:
    token = Cancellation()
    token.cancel()
    calls: list[int] = []
    assert token.on_cancel(lambda: calls.append(1)) is None
    assert calls == [1]


def test_a_failing_callback_does_not_stop_the_others() -> None:
    token = Cancellation()
    calls: list[int] = []
    token.on_cancel(lambda: 1 / 0)
    token.on_cancel(lambda: calls.append(1))
    token.cancel()
    assert calls == [1]


def test_the_active_token_belongs_to_the_thread_and_the_block() -> None:
    token = Cancellation()
    seen: list[Cancellation | None] = []
    with active(token):
        assert current() is token
        other = threading.Thread(target=lambda: seen.append(current()))
        other.start()
        other.join()
    assert current() is None
    assert seen == [None]


def test_raise_if_cancelled() -> None:
    raise_if_cancelled()  # no token: nothing to cancel
    token = Cancellation()
    with active(token):
        raise_if_cancelled()
        token.cancel()
        with pytest.raises(Cancelled):
            raise_if_cancelled()


def test_interruptible_sleep_ends_when_cancelled() -> None:
    token = Cancellation()
    threading.Timer(0.1, token.cancel).start()
    started = time.monotonic()
    with active(token):
        interruptible_sleep(WAIT)
    assert time.monotonic() - started < WAIT / 2


def test_a_cancelled_thread_sends_no_retry() -> None:
    sent: list[httpx.Request] = []
    slept: list[float] = []
    token = Cancellation()

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        token.cancel()  # e.g. Ctrl-C while this attempt was under way
        return httpx.Response(503)

    transport = RetryTransport(
        httpx.MockTransport(handler), RetryPolicy(max_attempts=4), sleep=slept.append
    )
    with httpx.Client(transport=transport) as client, active(token), pytest.raises(Cancelled):
        client.get("https://stream.example.test/v1/accel.csv")
    assert len(sent) == 1


def test_a_read_ahead_made_under_a_token_is_cancelled_with_it() -> None:
    parent = Cancellation()
    blocked = threading.Event()

    def items() -> Iterator[int]:
        yield 1
        blocked.set()
        current_token = current()
        assert current_token is not None
        current_token.wait(WAIT)  # stands for a read that cancellation cuts
        yield 2

    with active(parent):
        pages = read_ahead(items())
    assert next(pages) == 1
    assert blocked.wait(WAIT)
    threading.Timer(0.1, parent.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        next(pages)  # wakes, whatever the thread is doing
    assert time.monotonic() - started < WAIT / 2
    pages.close()


def test_interrupted_windows_are_waited_for_while_they_clean_up() -> None:
    # Each window needs a moment to clean up once cancelled (say, to remove its part file).
    # Python 3.11's Thread.join, interrupted, takes the joined thread for ended: the wait
    # must not rely on it.
    from runestream.core._parallel import run_parallel as _run_chunks

    started = threading.Barrier(4)
    cleaned: list[int] = []

    def work(index: int) -> int:
        token = current()
        assert token is not None
        started.wait(WAIT)
        token.wait(WAIT)
        time.sleep(0.6 if index == 0 else 0.1)  # the window waited for first is the slowest
        cleaned.append(index)
        return index

    def fire() -> None:
        started.wait(WAIT)
        time.sleep(0.1)
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    threading.Thread(target=fire, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        _run_chunks([0, 1, 2], work)  # type: ignore[list-item, arg-type]
    assert sorted(cleaned) == [0, 1, 2]
