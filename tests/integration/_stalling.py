"""A hostile HTTP/1.1 server on 127.0.0.1 that stalls: before its headers, or mid-body.

Every request is answered by ``mode``:

* ``"body"``: a 200 CSV page announcing ``Content-Length`` of many megabytes, some rows of it,
  then nothing at all (the connection stays open).
* ``"headers"``: nothing at all (not even a status line).
* ``"retry-after"``: ``503`` with ``Retry-After: 50`` (a client obeying it sleeps 50 s).

A stall lasts until :meth:`close` or ``stall_cap`` seconds (then the connection is closed, so
that a client that does not stop on its own finishes, late, instead of hanging the tests).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlsplit

ROWS = b"".join(b"%d,%d\n" % (i, i) for i in range(5000))


class StallingServer:
    """Serve stalls on ``127.0.0.1``; :attr:`url` is its base URL.

    Args:
        mode: ``"body"``, ``"headers"`` or ``"retry-after"`` (see the module docstring).
        stall_cap: Longest stall, in seconds.
    """

    def __init__(self, mode: str = "body", *, stall_cap: float = 8.0) -> None:
        self.mode = mode
        self.stall_cap = stall_cap
        self.requests: list[dict[str, list[str]]] = []
        self._lock = threading.Lock()
        self._stalled = threading.Condition(self._lock)
        self._stalls = 0
        self._release = threading.Event()
        self._connections: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._accept, name="stalling-server", daemon=True)
        self._thread.start()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release every stall and close every connection."""
        self._release.set()
        with self._lock:
            sockets = [self._listener, *self._connections]
        for sock in sockets:  # shut down first: on Linux, close() wakes no blocked accept/recv
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._thread.join(5.0)

    def wait_for_stalls(self, count: int, timeout: float = 30.0) -> bool:
        """Wait until ``count`` responses are stalled (or were) at once; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._stalled:
            while self._stalls < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._stalled.wait(left)
        return True

    def _accept(self) -> None:
        while not self._release.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection:
            while not self._release.is_set():
                head = b""
                while b"\r\n\r\n" not in head:
                    data = connection.recv(65536)
                    if not data:
                        return
                    head += data
                target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode()
                with self._lock:
                    self.requests.append(parse_qs(urlsplit(target).query))
                if self.mode == "retry-after":
                    connection.sendall(
                        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 50\r\n"
                        b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                    )
                    self._count_stall()
                    continue
                if self.mode == "body":
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n"
                        b"Content-Length: 50000000\r\n\r\ntime,x\n" + ROWS
                    )
                self._count_stall()
                self._release.wait(self.stall_cap)
                return

    def _count_stall(self) -> None:
        with self._stalled:
            self._stalls += 1
            self._stalled.notify_all()
