"""Check that a 2xx page body has the shape its endpoint promises, before it becomes data.

A proxy's login page, a captive portal or a server bug can answer ``200`` with something else
than the CSV or JSON that was asked for: an HTML page, an XML error, or the API's JSON error
envelope (``{"success": false, "error": {"message", "type"}}``). Such a body must never become
a CSV file, an empty table or a page of text. Every page fetch of the client (CSV pages
received whole or parsed while they arrive, JSON pages) passes through these checks:

* :func:`check_csv_body` for a CSV page: an HTML/XML body (by ``Content-Type`` or its first
  bytes) raises :class:`~runestream.APIError`; a JSON body raises the envelope's error (with the
  server's ``message`` and ``type``) or a :class:`~runestream.CSVParseError`.
* :func:`check_json_start` before a JSON page is parsed (HTML/XML refused), and
  :func:`raise_for_json_envelope` when the generated model could not read a JSON body: an error
  envelope then keeps its message instead of "the body could not be read".

The checks look at the first bytes only (no copy of a page); a JSON body is parsed only when it
stands where CSV was expected or when the generated parse already failed.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from ._columns import where
from ._errors import APIError, CSVParseError

__all__ = [
    "check_csv_body",
    "check_json_start",
    "check_page_body",
    "envelope_error",
    "is_json_body",
    "media_type",
    "raise_for_json_envelope",
]

#: Media types that are markup, never CSV or JSON data.
_MARKUP_TYPES: Final = frozenset(
    {"text/html", "application/xhtml+xml", "text/xml", "application/xml"}
)
#: Longest piece of a markup body quoted in a message (characters).
SNIPPET_CHARS: Final = 120
#: Bytes of a markup body looked at for its title or text.
_SNIPPET_SOURCE: Final = 4096
#: Any byte but the ASCII whitespace ``bytes.strip()`` removes.
_CONTENT_RE: Final = re.compile(rb"[^ \t\n\r\x0b\x0c]")
_TITLE_RE: Final = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_TAG_RE: Final = re.compile(r"<[^>]*>?")
_SPACE_RE: Final = re.compile(r"\s+")


def media_type(content_type: str | None) -> str:
    """Return the media type of a ``Content-Type`` value, lower case, without parameters.

    Args:
        content_type: The header's value, or ``None``.

    Returns:
        E.g. ``text/html`` for ``text/html; charset=utf-8``; empty when there is none.
    """
    return (content_type or "").split(";", 1)[0].strip().lower()


def _is_json_type(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def _lead(data: bytes) -> bytes:
    match = _CONTENT_RE.search(data)
    return b"" if match is None else data[match.start() : match.start() + 1]


def is_json_body(head: bytes, content_type: str | None) -> bool:
    """Whether a body standing where CSV was expected is JSON (by its type or first byte).

    Args:
        head: The body, or its first bytes.
        content_type: The response's ``Content-Type``.

    Returns:
        True for a JSON media type or a body starting with ``{`` or ``[``.
    """
    return _is_json_type(media_type(content_type)) or _lead(head) in (b"{", b"[")


def _markup(head: bytes, content_type: str | None) -> str | None:
    """Describe a markup body (``an HTML page (text/html): 'Proxy login'``), else ``None``."""
    media = media_type(content_type)
    if media not in _MARKUP_TYPES and _lead(head) != b"<":
        return None
    text = head[:_SNIPPET_SOURCE].decode("utf-8", errors="replace")
    title = _TITLE_RE.search(text)
    snippet = title.group(1) if title is not None else _TAG_RE.sub(" ", text)
    snippet = _SPACE_RE.sub(" ", snippet).strip()
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[: SNIPPET_CHARS - 1] + "…"
    kind = "an XML document" if "xml" in media or text.lstrip().startswith("<?xml") else None
    kind = kind or "an HTML page"
    shown = f" (Content-Type {media})" if media else ""
    return f"{kind}{shown}" + (f": {snippet!r}" if snippet else "")


def envelope_error(body: bytes, *, status: int | None, path: str | None) -> APIError | None:
    """The error a JSON error envelope reports, or ``None`` when ``body`` is not one.

    Args:
        body: A whole response body.
        status: The response's status, for the error.
        path: The request path, for the error.

    Returns:
        An :class:`~runestream.APIError` with the envelope's ``message`` and ``type``, for a body
        ``{"success": false, ...}`` or ``{"error": {...}}``; else ``None``.
    """
    try:
        data: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if data.get("success") is not False and not isinstance(error, dict):
        return None
    message = error.get("message") if isinstance(error, dict) else None
    if message is None and isinstance(error, str):
        message = error
    error_type = error.get("type") if isinstance(error, dict) else None
    return APIError(
        str(message or f"the server answered {status} with an error envelope and no message"),
        status_code=status,
        error_type=str(error_type) if error_type is not None else None,
        path=path or None,
    )


def check_page_body(
    fmt: str,
    data: bytes,
    content_type: str | None,
    *,
    page: int,
    path: str | None,
    status: int,
) -> None:
    """Refuse a page body that is not what ``fmt`` promises (the check of every page fetch).

    Non-2xx responses are left alone (they are mapped to their status errors elsewhere).

    Args:
        fmt: ``"csv"`` or ``"json"``, the operation's format.
        data: The whole body.
        content_type: The response's ``Content-Type``.
        page: The page's number (from 1), for messages.
        path: The request path, for messages.
        status: The response's status.

    Raises:
        APIError: See :func:`check_csv_body` and :func:`check_json_start`.
        CSVParseError: See :func:`check_csv_body`.
    """
    if not 200 <= status < 300:
        return
    if fmt == "csv":
        check_csv_body(data, content_type, page=page, path=path, status=status)
    else:
        check_json_start(data, content_type, page=page, path=path, status=status)


def check_csv_body(
    data: bytes,
    content_type: str | None,
    *,
    page: int,
    path: str | None,
    status: int | None = 200,
) -> None:
    """Refuse a 2xx CSV page whose body is not CSV.

    Args:
        data: The whole body; or its first bytes, when they are not JSON (see
            :func:`is_json_body`: a JSON body must be passed whole).
        content_type: The response's ``Content-Type``.
        page: The page's number (from 1), for messages.
        path: The request path, for messages.
        status: The response's status.

    Raises:
        APIError: The body is HTML or XML (its type or first byte says so), or a JSON error
            envelope (with the server's ``message`` and ``type``).
        CSVParseError: The body is some other JSON.
    """
    markup = _markup(data, content_type)
    if markup is not None:
        raise APIError(
            f"{where(page, path)}: the body is not CSV but {markup} (a proxy or login page?)",
            status_code=status,
            path=path or None,
        )
    if is_json_body(data, content_type):
        error = envelope_error(data, status=status, path=path)
        if error is not None:
            raise error
        raise CSVParseError(f"{where(page, path)}: the body is JSON, not CSV", path=path or None)


def check_json_start(
    data: bytes, content_type: str | None, *, page: int, path: str | None, status: int | None
) -> None:
    """Refuse a 2xx JSON page whose body is HTML or XML (by its type or first byte).

    Args:
        data: The body (its first bytes suffice).
        content_type: The response's ``Content-Type``.
        page: The page's number (from 1), for messages.
        path: The request path, for messages.
        status: The response's status.

    Raises:
        APIError: The body is markup.
    """
    markup = _markup(data, content_type)
    if markup is not None:
        raise APIError(
            f"page {page}: the body is not JSON but {markup} (a proxy or login page?)",
            status_code=status,
            path=path or None,
        )


def raise_for_json_envelope(data: bytes, *, status: int | None, path: str | None) -> None:
    """Raise the error of a JSON error envelope (used when a JSON page could not be read).

    Args:
        data: The whole body.
        status: The response's status.
        path: The request path.

    Raises:
        APIError: ``data`` is an error envelope; nothing is raised otherwise.
    """
    error = envelope_error(data, status=status, path=path)
    if error is not None:
        raise error
