"""CSV pages parsed while their bodies arrive.

A default CSV page is ~80 MB. Received whole and then parsed, its transfer and its parse happen
one after the other, and the body sits in memory in one piece next to the table made from it.
Here the body's chunks are handed to ``pyarrow.csv`` as they come off the connection: pyarrow
parses block N while block N+1 is received, and no whole-page buffer is ever built.

The result is exactly :func:`~runestream.core._csv.parse_csv_page`'s for the same bytes. Bodies that
are small, start with anything but the header row (blank lines, a JSON error envelope), or whose
header row is not within the first bytes are collected and handed to ``parse_csv_page`` as they
are.

A body cut off mid-transfer cannot be resumed (the API has no ranges), so the page is requested
again from its first byte, as the retry policy allows; the partial table is dropped: no row is
lost or duplicated. A column that looked numeric by its name but holds text is found only when
pyarrow reaches the offending cell, after the bytes before it are gone; the page is then
requested again with that column read as text.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from typing import Any, Final

import httpx
import pyarrow as pa  # type: ignore[import-untyped]

from runestream_api.types import Response

from ._bodies import check_csv_body, is_json_body
from ._cancel import aborting
from ._csv import (
    ColumnRule,
    column_header,
    first_content_byte,
    numeric_column_to_retype,
    page_error,
    parse_csv_page,
    read_csv_table,
)
from ._deadline import Deadline, current_deadline
from ._errors import redacted_path
from ._logging import logger
from ._memory import arrow_memory_pool
from ._pagination import ParsedBody
from ._retry import (
    RETRY_EXCEPTIONS,
    STREAM_EXTENSION,
    TruncatedBodyError,
    check_body_length,
    connection_error,
    deadline_detail,
    if_cancelled_raise_from,
)
from ._transport import body_restarts, release_stream

__all__ = ["PEEK_BYTES", "NotNumericColumn", "fetch_csv_table", "parse_csv_stream"]

#: Bytes collected before deciding how to parse a body; a body this small is parsed whole.
PEEK_BYTES: Final = 1 << 20


class NotNumericColumn(Exception):
    """A column parsed as numbers holds text; the page must be read again (internal).

    Attributes:
        name: The column to read as text next time.
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


_NO_BYTES: Final = memoryview(b"")


class _ChunkReader(io.RawIOBase):
    """A read-only, forward-only file over an iterator of byte chunks.

    pyarrow reads it a block at a time through :meth:`read_buffer`, which fills buffers of
    Arrow's own memory pool: blocks are then reused page after page by the allocator Arrow
    uses for everything else, instead of being fresh Python objects of whichever of Arrow's I/O
    threads happens to read (glibc keeps such memory per thread, and a long download would hold
    more of it with every page).
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._chunk = _NO_BYTES
        self._pool = arrow_memory_pool()

    def readable(self) -> bool:
        return True

    def _piece(self, limit: int) -> memoryview | None:
        """The next at most ``limit`` bytes (``None`` at the end)."""
        while not self._chunk:
            chunk = next(self._chunks, None)
            if chunk is None:
                self.release()
                return None
            self._chunk = memoryview(chunk)
        piece = self._chunk[:limit]
        rest = self._chunk[len(piece) :]
        # An empty slice still holds the whole chunk: drop it, so a used chunk is freed at once
        # rather than when pyarrow's threads let go of this reader (which needs the GIL).
        self._chunk = rest if rest else _NO_BYTES
        return piece

    def release(self) -> None:
        """Let go of the chunk iterator and the current chunk (and with them, the response)."""
        self._chunks = iter(())
        self._chunk = _NO_BYTES

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view):
            piece = self._piece(len(view) - filled)
            if piece is None:
                break
            view[filled : filled + len(piece)] = piece
            filled += len(piece)
        return filled

    def read_buffer(self, size: int) -> pa.Buffer:
        """Up to ``size`` bytes (fewer only at the end) in a buffer of Arrow's memory pool."""
        buffer = pa.allocate_buffer(size, memory_pool=self._pool, resizable=True)
        filled = self.readinto(buffer)
        if filled < size:
            buffer.resize(filled)
        return buffer


def parse_csv_stream(
    chunks: Iterable[bytes],
    *,
    page: int = 1,
    path: str = "",
    timestamps: str = "unix",
    text_columns: Iterable[str] = (),
    use_threads: bool = True,
    content_type: str | None = None,
    status: int | None = None,
    rule: ColumnRule | None = None,
) -> pa.Table:
    """Parse one CSV page from its body's chunks, while they arrive.

    Args:
        chunks: The body, in order (e.g. ``response.iter_bytes()``).
        page: The page's number (from 1), for error messages.
        path: The request path, for error messages.
        timestamps: The request's ``timestamp`` format (see ``parse_csv_page``).
        text_columns: Columns to read as text whatever their name says (found by an earlier
            attempt at this page).
        use_threads: Let pyarrow parse blocks in parallel.
        content_type: The response's ``Content-Type``, if known (an HTML type is refused).
        status: The response's status, for errors.
        rule: How columns are typed (default: by name, from ``timestamps``).

    Returns:
        The same table as ``parse_csv_page`` of the joined chunks.

    Raises:
        NotNumericColumn: A column typed as numbers by its name holds text, found after part
            of the body was consumed: parse the page again with it in ``text_columns``.
        CSVParseError: The page is malformed, naming the page number and request path.
        APIError: The body is a JSON error envelope or HTML (checked on its first bytes, before
            the rest is received; see :func:`runestream.core._bodies.check_csv_body`).
        Exception: Whatever iterating ``chunks`` raised (e.g. a broken connection), as is.
    """
    iterator = iter(chunks)
    head: list[bytes] = []
    size = 0
    for chunk in iterator:
        head.append(chunk)
        size += len(chunk)
        if size >= PEEK_BYTES:
            break
    else:  # the whole body is here, and small
        return parse_csv_page(
            b"".join(head),
            page=page,
            path=path,
            timestamps=timestamps,
            use_threads=use_threads,
            content_type=content_type,
            status=status,
            rule=rule,
        )
    prefix = b"".join(head)
    del head
    json_body = is_json_body(prefix, content_type)
    if not json_body:  # HTML is refused on its first bytes, before the rest arrives
        check_csv_body(prefix, content_type, page=page, path=path, status=status)
    if json_body or first_content_byte(prefix) != 0 or b"\n" not in prefix:
        # A blank start, a JSON body, or a header row longer than the peek: rare shapes, read
        # whole and handled by parse_csv_page exactly as a page received whole would be (it
        # finds text columns in the bytes it holds).
        body = b"".join(itertools.chain([prefix], iterator))
        return parse_csv_page(
            body,
            page=page,
            path=path,
            timestamps=timestamps,
            use_threads=use_threads,
            content_type=content_type,
            status=status,
            rule=rule,
        )
    names = column_header(prefix, page=page, path=path)
    rule = ColumnRule.by_name(timestamps) if rule is None else rule
    types = rule.types(names, text_columns)
    reader = _ChunkReader(itertools.chain([prefix], iterator))
    del prefix
    try:
        table: pa.Table = read_csv_table(reader, types, use_threads=use_threads, infer=rule.infer)
    except pa.ArrowInvalid as exc:
        if not rule.retype:
            raise page_error(str(exc).strip(), page, path) from None
        raise NotNumericColumn(numeric_column_to_retype(exc, types, page=page, path=path)) from None
    finally:
        reader.release()
    return rule.finish(table)


class _CountedBody:
    """A response's decoded body chunks, counting what arrived, within the call's deadline.

    ``Content-Length`` counts the body as sent: with no content encoding that is the decoded
    bytes counted here; with one (e.g. gzip), httpx's count of bytes off the connection.
    """

    def __init__(
        self, response: httpx.Response, request: httpx.Request, deadline: Deadline | None
    ) -> None:
        self._response = response
        self._request = request
        self._deadline = deadline
        self._decoded = 0
        self._encoding = response.headers.get("content-encoding", "").strip().lower()
        self._encoded = self._encoding not in ("", "identity")

    def __iter__(self) -> Iterator[bytes]:
        chunks = self._response.iter_bytes()
        while True:
            try:
                chunk = next(chunks, None)
            except httpx.DecodingError as exc:
                raise httpx.DecodingError(
                    f"Content-Encoding {self._encoding}: {exc}", request=self._request
                ) from exc
            if chunk is None:
                return
            self._decoded += len(chunk)
            if self._deadline is not None:
                self._deadline.check("the response body was still arriving", self._request)
            yield chunk

    def raw_bytes(self) -> int:
        """Body bytes received as sent (compare with ``Content-Length``)."""
        return self._response.num_bytes_downloaded if self._encoded else self._decoded


def fetch_csv_table(
    http: httpx.Client,
    request: httpx.Request,
    *,
    page: int = 1,
    path: str | None = None,
    timestamps: str = "unix",
    rule: ColumnRule | None = None,
) -> Response[Any]:
    """Send a ``GET /v1/<resource>.csv`` request and parse its body as it arrives.

    Statuses and connection failures before the body are retried by the client's transport as
    for any request. A body that breaks off (a network error, or fewer bytes than its
    ``Content-Length``) is requested again from the start, up to the retry policy's
    ``max_attempts``, after the policy's backoff. In a cancellable thread (see
    :mod:`runestream.core._cancel`), a cancellation cuts the body off and nothing is requested
    again.

    Args:
        http: The ``httpx.Client`` of a client built by runestream (or any ``httpx.Client``;
            body restarts then follow the default :class:`~runestream.RetryPolicy`).
        request: The page's request.
        page: The page's number (from 1), for error messages.
        path: The request path for messages (default: the URL's, credentials redacted).
        timestamps: The request's ``timestamp`` format.
        rule: How columns are typed (default: by name, from ``timestamps``).

    Returns:
        A generated ``Response``: for a 2xx, ``content`` is empty and ``parsed`` a
        :class:`~runestream.ParsedBody` holding the table and the body's size; any other
        status comes back with its body in ``content`` (the paginator raises its error).

    Within the call's deadline (:func:`~runestream.core._deadline.current_deadline`) a body still
    arriving when it passes is abandoned, and no restart is begun after it.

    Raises:
        DeadlineExceededError: The call's deadline passed.
        IncompleteResponseError: Every attempt's body broke off.
        APIConnectionError: The connection failed on every attempt.
        CSVParseError: The page is malformed.
        APIError: The body is a JSON error envelope or HTML.
    """
    if not request.extensions.get(STREAM_EXTENSION):
        request.extensions = {**request.extensions, STREAM_EXTENSION: True}
    attempts, pause = body_restarts(http)
    deadline = current_deadline()
    path = redacted_path(request.url) if path is None else path
    text: set[str] = set()
    attempt = 0
    while True:
        attempt += 1
        response = http.send(request, stream=True)
        try:
            if not response.is_success:
                response.read()
                return Response(
                    status_code=HTTPStatus(response.status_code),
                    content=response.content,
                    headers=response.headers,
                    parsed=None,
                )
            body = _CountedBody(response, request, deadline)
            with aborting(response):  # a cancellation cuts the body off mid-transfer
                table = parse_csv_stream(
                    body,
                    page=page,
                    path=path,
                    timestamps=timestamps,
                    text_columns=text,
                    content_type=response.headers.get("content-type"),
                    status=response.status_code,
                    rule=rule,
                )
            received = body.raw_bytes()
            check_body_length(request, response, received)
        except NotNumericColumn as exc:
            # Not a failed attempt: each column is retyped at most once.
            logger.debug(
                "page %d of %s: column %r holds text; reading it again", page, path, exc.name
            )
            text.add(exc.name)
            attempt -= 1
            continue
        except (*RETRY_EXCEPTIONS, TruncatedBodyError) as exc:
            if_cancelled_raise_from(exc)
            if deadline is not None:
                deadline.check(deadline_detail(exc, attempt), request)
            if attempt >= attempts:
                raise connection_error(exc, request, attempt) from exc
            logger.info(
                "requesting page %d of %s again after %s (attempt %d of %d)",
                page,
                path,
                type(exc).__name__,
                attempt,
                attempts,
            )
            pause(attempt)
            continue
        except Exception as exc:  # however a cut body surfaced through the parser
            if_cancelled_raise_from(exc)
            raise
        finally:
            release_stream(response)
        return Response(
            status_code=HTTPStatus(response.status_code),
            content=b"",
            headers=response.headers,
            parsed=ParsedBody(table, received),
        )
