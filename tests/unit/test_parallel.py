"""run_parallel: results in item order, bounded threads, the first real error, cancellation."""

from __future__ import annotations

import threading
import time

import pytest

from runestream.core._cancel import raise_if_cancelled
from runestream.core._parallel import run_parallel


def test_results_keep_item_order_whatever_finishes_first() -> None:
    def work(n: int) -> int:
        time.sleep(0.01 * (5 - n))
        return n * 10

    assert run_parallel([0, 1, 2, 3, 4], work, workers=2) == [0, 10, 20, 30, 40]


def test_at_most_workers_threads_run_at_once() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()

    def work(n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return n

    assert run_parallel(list(range(9)), work, workers=3) == list(range(9))
    assert peak == 3


def test_a_failure_stops_the_items_not_yet_started_and_is_raised() -> None:
    started: list[int] = []

    def work(n: int) -> int:
        started.append(n)
        if n == 1:
            raise ValueError("item 1 failed")
        time.sleep(0.05)
        raise_if_cancelled()
        return n

    with pytest.raises(ValueError, match="item 1 failed"):
        run_parallel(list(range(20)), work, workers=2)
    assert len(started) < 20


def test_one_item_runs_in_the_callers_thread() -> None:
    assert run_parallel([7], lambda n: threading.current_thread().name) == [
        threading.current_thread().name
    ]
