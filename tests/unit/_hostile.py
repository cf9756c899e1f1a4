"""Hostile HTTP servers on 127.0.0.1: raw sockets, so they can trickle, stall or lie."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Self

#: A handler gets the connection, the request head (bytes) and the request's number (from 1),
#: and a stop event it should honour while it trickles or stalls.
Handler = Callable[[socket.socket, bytes, int, threading.Event], None]

CSV_BODY = b"time,x\n1,2\n3,4\n"


def head(status: str = "200 OK", **headers: str | int) -> bytes:
    """A response head: status line and headers (``Content_Type`` -> ``Content-Type``)."""
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def csv_response(body: bytes = CSV_BODY, **headers: str | int) -> bytes:
    """A complete 200 ``text/csv`` response."""
    return head(Content_Type="text/csv", Content_Length=len(body), **headers) + body


class HostileServer:
    """Accept connections on 127.0.0.1 and answer every request with ``handler``.

    Each connection is served in its own thread, one request after another (keep-alive).

    Attributes:
        requests: The heads of the requests received, in order.
        url: ``http://127.0.0.1:<port>``.
    """

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[bytes] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(0.2)
            buffer = b""
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    request, buffer = buffer.split(b"\r\n\r\n", 1)
                    with self._lock:
                        self.requests.append(request)
                        number = len(self.requests)
                    try:
                        self.handler(conn, request, number, self._stop)
                    except OSError:
                        return

    def close(self) -> None:
        """Stop accepting and serving; wait for the threads."""
        self._stop.set()
        self._listener.close()
        self._accepting.join(5)
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def trickle(data: bytes, every: float, stop: threading.Event) -> Iterator[None]:
    """Pace the bytes of ``data``: yield before each byte, after ``every`` seconds."""
    for _ in data:
        if stop.wait(every):
            return
        yield


def send_trickled(conn: socket.socket, data: bytes, every: float, stop: threading.Event) -> None:
    """Send ``data`` one byte every ``every`` seconds (until stopped)."""
    for index, _ in enumerate(trickle(data, every, stop)):
        conn.sendall(data[index : index + 1])


def stall(stop: threading.Event) -> None:
    """Send nothing more until the server stops."""
    stop.wait(30)


def refused_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then closed)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    """Measure a block: the list holds the elapsed seconds once it ends."""
    elapsed: list[float] = []
    start = time.monotonic()
    try:
        yield elapsed
    finally:
        elapsed.append(time.monotonic() - start)
