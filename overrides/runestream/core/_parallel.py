"""Work run in parallel threads that stop together: time windows, streams, chunks.

Every ``workers=`` option goes through :func:`check_workers` and every parallel fetch through
:func:`run_parallel`: one thread per unit of work, sharing one
:class:`~runestream.core._cancel.Cancellation`, so that one failure (or a Ctrl-C) stops them all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Final, TypeVar, cast

from ._cancel import Cancellation, Cancelled, active, current
from ._errors import ValidationError
from ._transport import DEFAULT_LIMITS

__all__ = ["MAX_WORKERS", "WINDOWS_WAIT", "check_workers", "run_parallel"]

_T = TypeVar("_T")
_U = TypeVar("_U")

#: Most units of work fetched in parallel (``workers=``, ``--workers``): one thread, one
#: pooled connection and (for files) one temporary part file each. More units than pooled
#: connections would only wait for one, and fail once the pool's wait times out.
MAX_WORKERS: Final = DEFAULT_LIMITS.max_connections or 10
#: How long an interrupted parallel fetch waits for its threads to end, in seconds (they stop
#: at once unless one waits for a server that has not answered: it then ends by itself).
WINDOWS_WAIT: Final = 2.0


def check_workers(workers: object, name: str = "workers") -> int:
    """Return ``workers`` if it is an integer from 1 to :data:`MAX_WORKERS`.

    Args:
        workers: The value given.
        name: The option's name, for the error (``workers``, ``batch_workers``).

    Raises:
        ValidationError: It is not (naming ``name``).
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValidationError(f"{name} must be a positive integer, got {workers!r}", parameter=name)
    if workers > MAX_WORKERS:
        raise ValidationError(
            f"{name} must be at most {MAX_WORKERS} (one pooled connection each), got {workers}",
            parameter=name,
        )
    return workers


def run_parallel(
    items: Sequence[_U], work: Callable[[_U], _T], *, workers: int | None = None
) -> list[_T]:
    """Run ``work`` on each item in threads; results in item order.

    With ``workers`` (default: one thread per item) at most that many items run at once,
    each thread taking the next item when it is done with one. The threads share one
    :class:`~runestream.core._cancel.Cancellation`: when an item fails, the others are cancelled at
    once (a body being received is cut, a retry wait ends) and the first real error, in item
    order, is raised. When the caller is interrupted (Ctrl-C), every thread is cancelled and
    waited for :data:`WINDOWS_WAIT` seconds at most (they are daemon threads: one still
    waiting for a server's first byte never holds up the exit). One item runs in the caller's
    thread.
    """
    if len(items) == 1:
        return [work(items[0])]
    count = len(items) if workers is None else max(1, min(workers, len(items)))
    token = Cancellation(parent=current())
    results: list[_T | None] = [None] * len(items)
    errors: list[BaseException | None] = [None] * len(items)
    lock = threading.Lock()
    queue = iter(range(len(items)))

    # Each thread reports its end on an Event: waiting on one is safely interruptible, unlike
    # Thread.join (in Python 3.11 a Ctrl-C in join() marks a thread that still runs as ended).
    ended = [threading.Event() for _ in range(count)]

    def indexes(slot: int) -> Iterator[int]:
        if count == len(items):  # a thread per item: this one's
            yield slot
            return
        while True:  # fewer threads: each takes the next item when done with one
            with lock:
                index = None if token.cancelled else next(queue, None)
            if index is None:
                return
            yield index

    def run(slot: int) -> None:
        with active(token):
            try:
                for index in indexes(slot):
                    try:
                        results[index] = work(items[index])
                    except BaseException as exc:
                        # Failing after the cancellation is its effect, not a cause to report.
                        errors[index] = Cancelled() if token.cancelled else exc
                        token.cancel()
                        return
            finally:
                ended[slot].set()

    try:
        for slot in range(count):
            name = f"runestream-window-{slot}"
            threading.Thread(target=run, args=(slot,), name=name, daemon=True).start()
        for event in ended:
            event.wait()
    except BaseException:  # KeyboardInterrupt: stop every thread, wait a moment at most
        token.cancel()
        deadline = time.monotonic() + WINDOWS_WAIT
        for event in ended:
            event.wait(max(0.0, deadline - time.monotonic()))
        raise
    finally:
        token.detach()
    real = [e for e in errors if e is not None and not isinstance(e, Cancelled)]
    if real:
        raise real[0]
    if token.cancelled:  # cancelled from outside (the caller's own token)
        raise Cancelled()
    return [cast(_T, result) for result in results]  # every item succeeded
