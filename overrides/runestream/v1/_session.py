"""Raw session downloads (``GET /v1/session``), streamed to disk with bounded memory."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, Final, Protocol

import httpx

from runestream_api.api.session import get_session

from ..core._deadline import current_deadline
from ..core._errors import ValidationError, error_from_response, redacted_path
from ..core._files import create_temp_beside
from ..core._logging import logger
from ..core._retry import (
    RETRY_EXCEPTIONS,
    STREAM_EXTENSION,
    TruncatedBodyError,
    connection_error,
    deadline_detail,
)
from ..core._transport import body_restarts

__all__ = ["DEFAULT_CHUNK_SIZE", "ProgressCallback", "download_session"]

#: Bytes read and written per step; memory use stays near this whatever the file size.
DEFAULT_CHUNK_SIZE: Final = 1024 * 1024

#: Called as ``progress(bytes_so_far, total_bytes_or_None)``; restarts from 0 on a retry.
ProgressCallback = Callable[[int, int | None], None]

_UNSAFE_NAME_RE: Final = re.compile(r"[^A-Za-z0-9._-]+")


class _HasHttpxClient(Protocol):
    def get_httpx_client(self) -> httpx.Client: ...


def _httpx_client(client: _HasHttpxClient | httpx.Client) -> httpx.Client:
    if isinstance(client, httpx.Client):
        return client
    return client.get_httpx_client()


def _names_a_directory(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` ends with a separator (``raw/``): a directory, whether it exists or not."""
    text = os.fspath(path)
    return text.endswith(tuple(sep for sep in (os.sep, os.altsep, "/") if sep))


def _target_path(path: str | os.PathLike[str], stream_name: str) -> tuple[Path, bool]:
    """The file to write, and whether its directory is still to be created (``raw/``)."""
    target = Path(path).expanduser()
    wants_directory = _names_a_directory(path)
    if wants_directory and target.exists() and not target.is_dir():
        raise ValidationError(
            f"path: {os.fspath(path)!r} ends with a separator but {target} is not a directory",
            parameter="path",
        )
    if wants_directory or target.is_dir():
        target = target / (_UNSAFE_NAME_RE.sub("_", stream_name).strip(".") or "stream")
    create = wants_directory and not target.parent.is_dir()
    if not create and not target.parent.is_dir():
        raise ValidationError(f"path: directory {target.parent} does not exist", parameter="path")
    return target, create


def _make_directories(directory: Path) -> list[Path]:
    """Create ``directory`` and any missing parents; return those created, outermost first."""
    missing: list[Path] = []
    probe = directory
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(
            f"path: cannot create directory {directory}: {exc.strerror or exc}", parameter="path"
        ) from None
    return missing[::-1]


def _remove_empty(directories: list[Path]) -> None:
    """Remove directories this download created, innermost first, if they are still empty."""
    for directory in reversed(directories):
        with contextlib.suppress(OSError):
            directory.rmdir()


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _download_once(
    http: httpx.Client,
    request: httpx.Request,
    out: IO[bytes],
    chunk_size: int,
    progress: ProgressCallback | None,
) -> None:
    deadline = current_deadline()
    response = http.send(request, stream=True)
    try:
        if not response.is_success:  # only with an httpx client not built by runestream
            response.read()
            raise error_from_response(response)
        length = response.headers.get("content-length")
        total = int(length) if length is not None and length.isdigit() else None
        if progress is not None:
            progress(0, total)
        for chunk in response.iter_bytes(chunk_size):
            out.write(chunk)
            if progress is not None:
                progress(response.num_bytes_downloaded, total)
            if deadline is not None:
                deadline.check("the download was still arriving", request)
        received = response.num_bytes_downloaded
    finally:
        response.close()
    if total is not None and received != total:
        raise TruncatedBodyError(f"received {received} of {total} bytes")
    out.flush()
    os.fsync(out.fileno())


def download_session(
    client: _HasHttpxClient | httpx.Client,
    *,
    session_id: str,
    stream_name: str,
    path: str | os.PathLike[str],
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: ProgressCallback | None = None,
) -> Path:
    """Download one stream of an uploaded data session to a file (``GET /v1/session``).

    The body is streamed in ``chunk_size`` pieces to a temporary file beside the target, so memory
    stays bounded whatever the size. When the body ends early or its byte count differs from
    ``Content-Length``, the download restarts from scratch, up to the retry policy's
    ``max_attempts``. A complete file is fsynced and atomically renamed onto ``path``; a failed
    download never leaves a partial file behind. The file is created readable only by its owner
    (mode 0600), as raw patient data should be. The response is not paged: there is no page token.

    Args:
        client: A client from :func:`~runestream.build_generated_client` (or its
            ``httpx.Client``); connections, auth, retries and timeouts are shared with it.
        session_id: The dataset ID (``dataset-...``) to download from.
        stream_name: The stream (file) of the dataset to download, e.g. ``"metadata"``.
        path: Target file, or a directory (the file is then named after ``stream_name``):
            an existing one, or a path ending with a separator (``"raw/"``), which is created
            with any missing parents (and removed again if the download fails). An existing
            file is replaced only once the download is complete.
        chunk_size: Bytes per read and write.
        progress: Called with ``(bytes_so_far, total_bytes_or_None)`` as data arrives.

    Returns:
        The path of the complete file.

    Raises:
        ValidationError: An argument is empty or invalid, the target directory is missing
            (without a trailing separator) or cannot be created, or ``path`` ends with a
            separator but names an existing file.
        APIError: The server answered with an error (e.g. :class:`NotFoundError` for 404).
        IncompleteResponseError: Every attempt ended with an incomplete body.
        APIConnectionError: The connection failed on every attempt.
    """
    for name, value in (("session_id", session_id), ("stream_name", stream_name)):
        if not isinstance(value, str) or not value:
            raise ValidationError(f"{name} must be a non-empty string", parameter=name)
    if chunk_size < 1:
        raise ValidationError(
            "chunk_size must be a positive number of bytes", parameter="chunk_size"
        )
    target, create = _target_path(path, stream_name)
    created = _make_directories(target.parent) if create else []
    try:
        return _download(client, session_id, stream_name, target, chunk_size, progress)
    except BaseException:
        _remove_empty(created)  # a failed download leaves nothing behind, not even its directory
        raise


def _download(
    client: _HasHttpxClient | httpx.Client,
    session_id: str,
    stream_name: str,
    target: Path,
    chunk_size: int,
    progress: ProgressCallback | None,
) -> Path:
    http = _httpx_client(client)
    attempts, pause = body_restarts(http)

    kwargs = get_session._get_kwargs(session_id=session_id, stream_name=stream_name)
    request = http.build_request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs["params"],
        extensions={STREAM_EXTENSION: True},
    )
    for attempt in range(1, attempts + 1):
        fd, temp = create_temp_beside(target)
        try:
            with open(fd, "wb") as out:
                _download_once(http, request, out, chunk_size, progress)
            os.replace(temp, target)
        except (*RETRY_EXCEPTIONS, TruncatedBodyError) as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            deadline = current_deadline()
            if deadline is not None:
                deadline.check(deadline_detail(exc, attempt), request)
            if attempt >= attempts:
                raise connection_error(exc, request, attempt) from exc
            logger.info(
                "restarting session download %s after %s (attempt %d of %d)",
                redacted_path(request.url),
                type(exc).__name__,
                attempt,
                attempts,
            )
            pause(attempt)
            continue
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
        _fsync_directory(target.parent)
        return target
    raise AssertionError("unreachable")  # pragma: no cover
