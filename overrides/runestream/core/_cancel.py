"""Cancellation shared by the threads that work for one call (read-ahead, parallel windows).

Ctrl-C raises ``KeyboardInterrupt`` in the main thread only; a thread receiving a page in the
background is blocked in a socket read, or sleeping before a retry, and would finish its page
(with retries to go) before it noticed anything. A :class:`Cancellation` is the token such
threads share:

* each thread *activates* its token (:func:`active`), so that code deep in the HTTP stack
  (:class:`~runestream.RetryTransport`, the streamed CSV parse) finds it without being handed
  it: :func:`raise_if_cancelled` between attempts, :func:`interruptible_sleep` for backoffs;
* a response whose body is being read is registered while it is read (:func:`aborting`);
  cancelling shuts its socket down, so that a read blocked mid-body returns at once, from
  whichever thread cancelled;
* a token made while another is active is its child: cancelling a call cancels every thread
  working for it.

Nothing here is public: the caller of ``to_arrow`` & co. sees ``KeyboardInterrupt`` (or the
error that stopped the other threads), never :class:`Cancelled`.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Final

import httpx

from ._logging import logger

__all__ = [
    "Cancellation",
    "Cancelled",
    "aborting",
    "active",
    "current",
    "interruptible_sleep",
    "raise_if_cancelled",
]


class Cancelled(Exception):
    """Raised in a thread working for a call once the call has been cancelled (internal)."""


class Cancellation:
    """A one-way cancel flag with callbacks run when it is set (thread-safe).

    Args:
        parent: A token whose cancellation cancels this one too (default: none).
    """

    def __init__(self, parent: Cancellation | None = None) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: dict[int, Callable[[], object]] = {}
        self._keys = itertools.count()
        self._parent = parent
        self._parent_key = parent.on_cancel(self.cancel) if parent is not None else None

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` has been called (on this token or a parent)."""
        return self._event.is_set()

    def cancel(self) -> None:
        """Set the flag and run every registered callback, once (errors are logged)."""
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        for callback in callbacks:
            try:
                callback()
            except Exception:  # one failed abort must not keep the others from running
                logger.debug("cancellation callback failed", exc_info=True)

    def on_cancel(self, callback: Callable[[], object]) -> int | None:
        """Run ``callback`` on cancellation (at once if already cancelled).

        Args:
            callback: Called without arguments, from the cancelling thread.

        Returns:
            A key for :meth:`remove`, or ``None`` if it already ran.
        """
        with self._lock:
            if not self._event.is_set():
                key = next(self._keys)
                self._callbacks[key] = callback
                return key
        callback()
        return None

    def remove(self, key: int | None) -> None:
        """Forget a callback registered with :meth:`on_cancel` (``None``: nothing)."""
        if key is not None:
            with self._lock:
                self._callbacks.pop(key, None)

    def detach(self) -> None:
        """Stop following the parent (call when the work this token covers is over)."""
        if self._parent is not None:
            self._parent.remove(self._parent_key)
            self._parent = None

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``, less if cancelled meanwhile; return whether cancelled."""
        return self._event.wait(max(seconds, 0.0))


_CURRENT: Final[ContextVar[Cancellation | None]] = ContextVar(
    "runestream_cancellation", default=None
)


def current() -> Cancellation | None:
    """The token active in this thread (``None`` outside any cancellable work)."""
    return _CURRENT.get()


@contextlib.contextmanager
def active(token: Cancellation) -> Iterator[Cancellation]:
    """Make ``token`` the current one of this thread while the block runs."""
    reset = _CURRENT.set(token)
    try:
        yield token
    finally:
        _CURRENT.reset(reset)


def raise_if_cancelled() -> None:
    """Raise :class:`Cancelled` if this thread's token has been cancelled.

    Raises:
        Cancelled: The work this thread does is no longer wanted.
    """
    token = _CURRENT.get()
    if token is not None and token.cancelled:
        raise Cancelled


def interruptible_sleep(seconds: float) -> None:
    """``time.sleep``, cut short when this thread's token is cancelled.

    The default sleep between retries. In the main thread (no token) it is ``time.sleep``,
    which Ctrl-C already interrupts.

    Args:
        seconds: How long to sleep.
    """
    token = _CURRENT.get()
    if token is None:
        time.sleep(seconds)
    else:
        token.wait(seconds)


def _shut_down(response: httpx.Response) -> None:
    """Shut the connection under ``response`` down, waking a read blocked on it."""
    stream = response.extensions.get("network_stream")
    get_extra_info = getattr(stream, "get_extra_info", None)
    sock = get_extra_info("socket") if get_extra_info is not None else None
    if isinstance(sock, socket.socket):
        # socket.socket's own shutdown, also for a TLS socket: SSLSocket.shutdown would drop
        # its TLS state under the thread still reading it. The reader then sees the end of
        # the stream, and the connection is discarded, never reused.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
    # Without a socket (an in-memory test transport) nothing blocks; closing the response from
    # this thread instead could wait on the locks of the pool the reader is using.


@contextlib.contextmanager
def aborting(response: httpx.Response) -> Iterator[None]:
    """While the block reads ``response``'s body, cancelling this thread's token cuts it.

    Outside cancellable work (no token) this does nothing.

    Args:
        response: A response whose body is about to be read.
    """
    token = _CURRENT.get()
    if token is None:
        yield
        return
    key = token.on_cancel(lambda: _shut_down(response))
    try:
        yield
    finally:
        token.remove(key)
