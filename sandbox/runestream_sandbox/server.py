"""Run the sandbox with uvicorn: in a background thread (tests) or blocking (CLI)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from .app import create_app
from .settings import SandboxSettings


class SandboxServer:
    """A sandbox on ``127.0.0.1`` in a background thread; a context manager.

    >>> with SandboxServer() as server:
    ...     httpx.get(server.url + "/v1/accel.csv", ...)
    """

    def __init__(
        self,
        settings: SandboxSettings | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
    ) -> None:
        self.settings = settings or SandboxSettings()
        self.app: Starlette = create_app(self.settings)
        self.host = host
        self.port = port
        self.log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> SandboxServer:
        """Bind (a free port when ``port=0``), start serving and wait until ready."""
        if self._thread is not None:
            return self
        sock = _listening_socket(self.host, self.port)
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            log_level=self.log_level,
            lifespan="off",
            access_log=False,
            timeout_keep_alive=30,
        )
        self._server = uvicorn.Server(config)
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name="runestream-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _listening_socket(host: str, port: int) -> socket.socket:
    """A bound socket whose accepted connections have TCP_NODELAY.

    Without it, uvicorn's separate header and body writes meet the client's delayed ACK and
    every keep-alive request stalls for ~40 ms, which would swamp client benchmarks.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


def serve(
    host: str = "127.0.0.1", port: int = 8765, settings: SandboxSettings | None = None
) -> None:
    """Serve the sandbox in the foreground until interrupted."""
    sock = _listening_socket(host, port)
    config = uvicorn.Config(create_app(settings), log_level="info", lifespan="off")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
