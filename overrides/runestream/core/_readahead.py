"""Read ahead: request the next page while the caller is still working on the current one.

A page's token comes with the page before it, so pages are requested strictly in turn; what
can overlap is page N+1's transfer with the caller's work on page N (pyarrow releases the GIL
while it parses; a Parquet writer while it compresses). :class:`ReadAhead` runs the page
iterator in one background thread, at most one item ahead of the caller: the requests are
exactly those the iterator would make on its own, in the same order, on the same pooled
client, and memory stays at about two pages (the one being worked on and the one being
received).

Closing it (also on Ctrl-C in the caller) cancels the thread's work at once: a body being
received is cut off, a wait before a retry ends, nothing is requested again (see
:mod:`runestream.core._cancel`); the caller never waits long for the thread.
"""

from __future__ import annotations

import functools
import queue
import sys
import threading
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Final, Generic, Self, TypeVar, cast

from ._cancel import Cancellation, Cancelled, active, current
from ._logging import logger

__all__ = ["CLOSE_WAIT", "ReadAhead", "read_ahead"]

T = TypeVar("T")

_ITEM: Final = "item"
_ERROR: Final = "error"
_END: Final = "end"
_CANCELLED: Final = "cancelled"
THREAD_NAME: Final = "runestream-read-ahead"
#: Longest :meth:`ReadAhead.close` waits for its thread, in seconds. A cancelled thread ends at
#: once, unless it waits for a server that has not answered yet (no body to cut): it is then
#: left to end by itself at its read timeout, without retrying.
CLOSE_WAIT: Final = 1.0


def read_ahead(items: Iterable[T]) -> ReadAhead[T]:
    """Iterate over ``items`` with the next item produced in a thread while the caller works.

    Args:
        items: The iterable to read ahead of (iterated in the background thread only).

    Returns:
        A :class:`ReadAhead` over the same items.
    """
    return ReadAhead(items)


class ReadAhead(Generic[T]):
    """An iterator over ``items``, at most one item ahead of its caller, in a thread.

    Nothing is produced before the first ``next()``. The thread starts producing item N+1 when
    the caller has taken item N, and never item N+2 before the caller has taken N+1. An error
    raised while producing an item is raised to the caller in its place, after the items
    before it.

    :meth:`close` (also on ``with`` exit and when the iterator is garbage collected) stops the
    thread: the item in progress, if any, is cancelled (see :mod:`runestream.core._cancel`; work
    that does not look at cancellation is finished), no other is produced, ``items`` is closed
    and the thread ends. ``close()`` returns once it has ended, or after :data:`CLOSE_WAIT`
    seconds at most.

    The thread works under its own :class:`~runestream.core._cancel.Cancellation`, a child of the
    one active where the iterator is made: cancelling that one (another parallel window
    failed, or was interrupted) cancels this thread and makes ``next()`` raise
    :class:`~runestream.core._cancel.Cancelled`.

    Args:
        items: The iterable to read ahead of.
    """

    def __init__(self, items: Iterable[T]) -> None:
        self._items = items
        self._handoff: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        self._wanted = threading.Semaphore(0)  # one permit per item the thread may produce
        self._token = Cancellation(parent=current())
        # What cancelling wakes: the caller, if it waits for an item; the thread, if it waits
        # for a permit. (Not ``self``: the thread holds the token, and must not keep the
        # iterator alive.)
        self._token.on_cancel(functools.partial(_wake, self._handoff, self._wanted))
        self._thread: threading.Thread | None = None
        # Set by the thread as it ends: waiting on it is safely interruptible, unlike
        # Thread.join (in Python 3.11 a Ctrl-C in join() marks a thread that runs as ended).
        self._ended = threading.Event()
        self._requested = False  # the next item has been asked for
        self._finished = False

    def __iter__(self) -> Self:
        return self

    def _request_next(self) -> None:
        """Let the thread start producing the next item now (at most once per item)."""
        if self._requested or self._finished:
            return
        self._requested = True
        if self._thread is None:
            # The thread sees only what it needs, never ``self``: an abandoned iterator is
            # then garbage, and its finaliser stops the thread.
            self._thread = threading.Thread(
                target=_produce,
                args=(self._items, self._handoff, self._wanted, self._token, self._ended),
                name=THREAD_NAME,
                daemon=True,
            )
            self._thread.start()
        self._wanted.release()

    def __next__(self) -> T:
        if self._finished:
            raise StopIteration
        self._request_next()
        kind, value = self._handoff.get()
        self._requested = False
        if self._token.cancelled:  # by a parent: whatever came in, nothing more is wanted
            kind, value = _CANCELLED, None
        if kind == _ITEM:
            self._request_next()
            return cast(T, value)
        self.close()
        if kind == _ERROR:
            assert isinstance(value, BaseException)
            raise value
        if kind == _CANCELLED:
            raise Cancelled
        raise StopIteration

    def close(self) -> None:
        """Cancel the thread's work and wait for it to end (:data:`CLOSE_WAIT` at most)."""
        self._finished = True
        thread, self._thread = self._thread, None
        self._token.cancel()  # cuts a body being received, ends a retry wait, wakes the thread
        self._token.detach()
        # Never from the thread itself (a finaliser may run there), nor once the interpreter
        # is shutting down: a daemon thread cannot run any more then, and would never end.
        if (
            thread is not None
            and thread is not threading.current_thread()
            and not sys.is_finalizing()
        ):
            if self._ended.wait(CLOSE_WAIT):
                thread.join(CLOSE_WAIT)  # past its last item: only the thread's exit is left
            else:
                logger.debug("read-ahead thread waits for the server; it ends on its own")
        while True:  # an item finished after the caller left is dropped here, not kept
            try:
                self._handoff.get_nowait()
            except queue.Empty:
                break

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def _wake(handoff: queue.SimpleQueue[tuple[str, object]], wanted: threading.Semaphore) -> None:
    """On cancellation: wake the caller waiting for an item, and the thread waiting for a permit."""
    handoff.put((_CANCELLED, None))
    wanted.release()


def _produce(
    items: Iterable[T],
    handoff: queue.SimpleQueue[tuple[str, object]],
    wanted: threading.Semaphore,
    token: Cancellation,
    ended: threading.Event,
) -> None:
    """The thread: one item per permit, until the end, an error, or cancellation."""
    try:
        with active(token):
            _produce_items(items, handoff, wanted, token)
    finally:
        ended.set()


def _produce_items(
    items: Iterable[T],
    handoff: queue.SimpleQueue[tuple[str, object]],
    wanted: threading.Semaphore,
    token: Cancellation,
) -> None:
    iterator: Iterator[T] = iter(items)
    try:
        while True:
            wanted.acquire()
            if token.cancelled:
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
