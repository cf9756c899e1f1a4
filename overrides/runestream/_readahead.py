"""Read ahead: request the next page while the caller is still working on the current one.

A page's token comes with the page before it, so pages are requested strictly in turn; what
can overlap is page N+1's transfer with page N's parse (pyarrow releases the GIL while it
parses). :func:`read_ahead` runs the page iterator in one background thread, at most one item
ahead of the caller: memory stays at about two pages (the one being parsed and the one being
received), the requests are exactly those the iterator would make on its own, in the same
order, on the same pooled client.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterable
from typing import Final, TypeVar, cast

__all__ = ["read_ahead"]

T = TypeVar("T")

_ITEM: Final = "item"
_ERROR: Final = "error"
_END: Final = "end"


def read_ahead(
    items: Iterable[T], *, name: str = "runestream-read-ahead"
) -> Generator[T, None, None]:
    """Yield ``items`` in order, producing each next one in a thread while the caller works.

    Nothing is produced before the first ``next()``. When the caller takes item N, the thread
    starts producing item N+1 (and never item N+2 before the caller has taken N+1). An error
    raised while producing item N+1 is raised to the caller in its place, after item N.

    Closing the returned iterator (``close()``, ``break`` out of a ``for``, an exception in the
    caller, garbage collection) stops the thread: it finishes the item in progress, if any,
    produces no other, closes ``items`` and ends; ``close()`` returns once it has ended.

    Args:
        items: The iterable to read ahead of (iterated in the background thread only).
        name: The thread's name.

    Returns:
        A generator of the same items.
    """
    return _read_ahead(items, name)


def _read_ahead(items: Iterable[T], name: str) -> Generator[T, None, None]:
    handoff: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
    wanted = threading.Semaphore(1)  # one permit per item the caller may have produced next
    stop = threading.Event()

    def produce() -> None:
        iterator = iter(items)
        try:
            while True:
                wanted.acquire()
                if stop.is_set():
                    return
                try:
                    item = next(iterator)
                except StopIteration:
                    handoff.put((_END, None))
                    return
                except BaseException as exc:  # handed to the caller, in order
                    handoff.put((_ERROR, exc))
                    return
                handoff.put((_ITEM, item))
                del item  # the caller's now: held here no longer than there
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == _END:
                return
            if kind == _ERROR:
                assert isinstance(value, BaseException)
                raise value
            wanted.release()  # request the next item while the caller works on this one
            yield cast(T, value)
            del value
    finally:
        stop.set()
        wanted.release()  # wake the thread if it is waiting for a permit
        if thread is not threading.current_thread():
            thread.join()
