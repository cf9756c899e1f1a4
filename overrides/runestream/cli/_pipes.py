"""A reader that closes the command's output early (``runestream fetch ... -o - | head``).

Closing the pipe is the reader's choice, not a failure of the command: like ``cat``, the command
then stops quietly. Python ignores ``SIGPIPE``, so the next write to stdout raises
``BrokenPipeError``; :func:`output_closed` tells that case apart from a ``BrokenPipeError``
about something else (still an error), and :func:`silence_stdout` keeps the interpreter's own
flush of stdout at exit from printing "Exception ignored ... BrokenPipeError".
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import sys
from typing import TextIO

__all__ = ["output_closed", "silence_stdout"]


def output_closed(error: BaseException) -> bool:
    """Whether ``error`` means that the reader of stdout has gone away.

    True for a ``BrokenPipeError`` (or ``EPIPE``) when stdout is indeed a pipe without a
    reader: flushing it fails, or ``poll`` reports it in error / hung up.
    """
    if not (
        isinstance(error, BrokenPipeError)
        or (isinstance(error, OSError) and error.errno == errno.EPIPE)
    ):
        return False
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        return True
    except OSError as exc:
        return exc.errno == errno.EPIPE
    return _pipe_has_no_reader(sys.stdout)


def _pipe_has_no_reader(stream: TextIO) -> bool:
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    if not hasattr(select, "poll"):  # pragma: no cover - Windows
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    events = poller.poll(0)
    return any(mask & (select.POLLERR | select.POLLHUP) for _, mask in events)


def silence_stdout() -> None:
    """Point stdout's file descriptor at ``/dev/null`` so that nothing more fails on exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
