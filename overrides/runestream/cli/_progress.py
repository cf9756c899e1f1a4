"""A small progress line for terminals, and the one-line summary printed at the end.

On a terminal the line is redrawn in place (at most ~10 times a second); when stderr is not a
terminal nothing decorative is written, only the final summary.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


def human_bytes(count: float) -> str:
    """Format a byte count with a binary unit, e.g. ``12.3 MiB``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(count) < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


class Progress:
    """Counts rows, pages and bytes, and draws them on a terminal.

    Args:
        label: What is being fetched, shown at the start of the line.
        stream: Where to draw; stderr by default.
        enabled: Force drawing on or off; by default only when ``stream`` is a terminal.
        total_bytes: Known total size, for a percentage (session downloads).
    """

    def __init__(
        self,
        label: str,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        total_bytes: int | None = None,
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total_bytes = total_bytes
        self.rows = 0
        self.pages = 0
        self.bytes = 0
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._lock = threading.Lock()  # pages may be counted from several threads

    def page(self, rows: int, nbytes: int) -> None:
        """Record one more page of ``rows`` rows and ``nbytes`` bytes (thread-safe)."""
        with self._lock:
            self.pages += 1
            self.rows += rows
            self.bytes += nbytes
            self._draw()

    def advance_bytes(self, done: int, total: int | None = None) -> None:
        """Record a byte position (for downloads that are not paged)."""
        self.bytes = done
        if total is not None:
            self.total_bytes = total
        self._draw()

    @property
    def elapsed(self) -> float:
        """Seconds since the progress started."""
        return max(time.monotonic() - self.started, 1e-9)

    def _line(self) -> str:
        rate = human_bytes(self.bytes / self.elapsed) + "/s"
        parts = [self.label]
        if self.pages:
            parts.append(f"{self.rows:,} rows")
            parts.append(f"{self.pages} page{'s' if self.pages != 1 else ''}")
        size = human_bytes(self.bytes)
        if self.total_bytes:
            size += (
                f" / {human_bytes(self.total_bytes)} ({100 * self.bytes / self.total_bytes:.0f}%)"
            )
        parts += [size, rate]
        return "  ".join(parts)

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        self.stream.write("\r\x1b[2K" + self._line())
        self.stream.flush()

    def finish(self, summary: str) -> None:
        """Clear the progress line and print the one-line ``summary``."""
        if self.enabled:
            self.stream.write("\r\x1b[2K")
        self.stream.write(summary + "\n")
        self.stream.flush()

    def abandon(self) -> None:
        """Clear the progress line after a failure (the error is printed by the caller)."""
        if self.enabled:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
