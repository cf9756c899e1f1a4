"""The runestream exception tree, and the one function that maps an HTTP response to it.

Every error the package raises derives from :class:`RunestreamError`. Errors that come from
talking to the API derive from :class:`APIError`; errors in what the caller passed derive from
:class:`ValidationError` (also a :class:`ValueError`) or :class:`ConfigError`.

No exception text ever contains a credential: credentials travel only in request headers, and
no header value is copied into an error.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Final

import httpx

from ._logging import redact
from ._retry_after import describe_retry_after, parse_retry_after, retry_time

__all__ = [
    "GRAPHQL_ERROR_CLASSES",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CSVParseError",
    "ClientClosedError",
    "ConfigError",
    "DeadlineExceededError",
    "IncompleteResponseError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RunestreamError",
    "ServerError",
    "ValidationError",
    "error_from_graphql",
    "error_from_response",
    "graphql_errors",
    "redacted_path",
]

#: Longest body snippet kept on an :class:`APIError` (characters).
BODY_SNIPPET_CHARS = 500
#: Longest message taken from a non-JSON error body (characters).
TEXT_MESSAGE_CHARS = 200
#: Query parameters whose values are replaced by ``...`` in :attr:`APIError.path`.
ELIDED_QUERY_PARAMS = frozenset({"next_page_token", "page_token"})
#: Response extension the retry transport sets when it gave up early on a retryable status
#: (its value says why, e.g. the wait would pass the deadline); the error message carries it.
GAVE_UP_EXTENSION: Final = "runestream_gave_up"


class RunestreamError(Exception):
    """Base class of every exception raised by runestream.

    Text arguments are passed through :func:`~runestream.core._logging.redact`, so a registered
    credential never appears in ``str()`` or ``repr()`` of an error, whatever quoted it.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))


class ConfigError(RunestreamError, ValueError):
    """The configuration is missing, incomplete, ambiguous or invalid.

    The message names the missing or offending key (or environment variable) and where it was
    looked for; it never contains a credential value.
    """


class ClientClosedError(RunestreamError, RuntimeError):
    """The client was closed (:meth:`~runestream.V1Client.close`); it sends no more requests."""


class ValidationError(RunestreamError, ValueError):
    """A caller-supplied argument is invalid; raised before any request is sent.

    Args:
        message: What is wrong, naming the parameter.
        parameter: The name of the offending parameter, if there is one.

    Attributes:
        parameter: The name of the offending parameter, or ``None``.
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class APIError(RunestreamError):
    """Base class of errors that come from a request to the Stream API.

    Args:
        message: Human-readable description (the server's ``message`` when there is one).
        status_code: HTTP status of the response, or ``None`` when there was no response.
        error_type: The server's error ``type`` from the JSON error envelope, if any.
        path: Request path and query, with long opaque values (page tokens) elided.
        body: A short snippet of the response body, if any.
        request: The request that failed, if known.
        response: The response that failed, if any.

    Attributes:
        message: Human-readable description (the server's ``message`` when there is one).
        status_code: HTTP status of the response, or ``None``.
        error_type: The server's error ``type``, or ``None``.
        path: Request path and query without secrets, or ``None``.
        body: Short snippet of the response body, or ``None``.
        request: The :class:`httpx.Request`, or ``None``.
        response: The :class:`httpx.Response`, or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        error_type: str | None = None,
        path: str | None = None,
        body: str | None = None,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.error_type = error_type
        self.path = path
        self.body = redact(body) if body is not None else None
        self.request = request
        self.response = response

    def __str__(self) -> str:
        parts = []
        if self.status_code is not None:
            parts.append(str(self.status_code))
        if self.error_type:
            parts.append(f"{self.error_type}:")
        parts.append(self.message)
        if self.path:
            parts.append(f"({self.path})")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, status_code={self.status_code!r}, "
            f"error_type={self.error_type!r}, path={self.path!r})"
        )


class APIStatusError(APIError):
    """The API answered with a non-2xx status (after any retries).

    Raised as is for statuses without a dedicated subclass; ``except APIStatusError`` catches
    every status error.

    Args:
        message: As for :class:`APIError`.
        retry_after: Seconds the response's ``Retry-After`` asked to wait, if it had one.
        retry_at: When that wait ends (UTC), if it had one.
        **kwargs: The other :class:`APIError` arguments.

    Attributes:
        retry_after: Seconds from the ``Retry-After`` header, or ``None``.
        retry_at: The UTC time to retry at, or ``None``. The message says it too.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        retry_at: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.retry_at = retry_at


class BadRequestError(APIStatusError):
    """HTTP 400: the server rejected the request's parameters."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the credentials are missing, wrong or deactivated."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the credentials are valid but may not access this resource."""


class NotFoundError(APIStatusError):
    """HTTP 404: the resource (patient, device, session, stream) does not exist."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests, still refused after the retry policy was exhausted."""


class ServerError(APIStatusError):
    """HTTP 5xx: the server failed, still failing after the retry policy was exhausted."""


class APIConnectionError(APIError):
    """No usable response: the connection failed or broke, after any retries."""


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired, after any retries."""


class DeadlineExceededError(APITimeoutError):
    """The call's total ``deadline`` passed before it was done (see :class:`~runestream.V1Client`).

    The message names the deadline and what was going on: a body still arriving, a retry whose
    wait would have passed it, or the next page.
    """


class IncompleteResponseError(APIConnectionError):
    """A response body ended before all of it arrived, after any retries."""


class RedirectError(APIError):
    """A redirect was refused: it pointed to another origin, or there were too many hops.

    Credentials are never sent to the redirect target; the message names only its origin.
    """


class PaginationError(APIError):
    """The API broke the paging contract (for example it returned the same page token twice)."""


class CSVParseError(APIError):
    """A CSV page from the API could not be parsed."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}

_TAG_RE = re.compile(r"<[^>]*>")
_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_ELIDE_RE = re.compile(r"([?&](?:" + "|".join(sorted(ELIDED_QUERY_PARAMS)) + r")=)[^&#]*")
_SPACE_RE = re.compile(r"\s+")


def redacted_path(url: httpx.URL) -> str:
    """Return ``url``'s path and query for use in messages, with page tokens elided.

    Args:
        url: The request URL.

    Returns:
        For example ``/v1/accel.csv?device_id=d1&next_page_token=...``. The host is left out;
        the query holds no credentials (they travel in headers).
    """
    raw = url.raw_path.decode("ascii", errors="replace")
    return _ELIDE_RE.sub(r"\1...", raw)


def _collapse(text: str, limit: int) -> str:
    text = _SPACE_RE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _response_body(response: httpx.Response) -> bytes:
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""


def _text_message(text: str, status: int) -> str:
    """A short message from a non-JSON body: an HTML page's title, else its text.

    A leading status code is dropped (``"502 Bad Gateway"`` -> ``"Bad Gateway"``): the status is
    shown beside the message already.
    """
    if not text:
        return ""
    title = _TITLE_RE.search(text)
    source = title.group(1) if title is not None and title.group(1).strip() else text
    message = _collapse(_TAG_RE.sub(" ", source), TEXT_MESSAGE_CHARS)
    return re.sub(rf"^{status}\b[\s:-]*", "", message)


def _parse_envelope(body: bytes) -> tuple[str | None, str | None]:
    """Return (message, type) from a JSON error envelope, or (None, None)."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    graphql = _graphql_errors(data.get("errors"))
    if graphql:
        return _graphql_message(graphql), _graphql_code(graphql[0])
    error = data.get("error")
    source = error if isinstance(error, dict) else data
    message = source.get("message")
    error_type = source.get("type")
    if message is None and isinstance(error, str):
        message = error
    return (
        str(message) if message is not None else None,
        str(error_type) if error_type is not None else None,
    )


def _graphql_errors(errors: Any) -> list[dict[str, Any]]:
    """The well-formed entries of a GraphQL ``errors`` list (``[]`` if there are none)."""
    if not isinstance(errors, list):
        return []
    return [e for e in errors if isinstance(e, dict)]


def _graphql_code(error: dict[str, Any]) -> str | None:
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    return str(code) if code is not None else None


def _graphql_message(errors: list[dict[str, Any]]) -> str:
    """The first error's message (with its field path), and how many more there were."""
    first = errors[0]
    message = str(first.get("message") or "GraphQL error")
    where = first.get("path")
    if isinstance(where, list) and where:
        message = f"{message} (at {'.'.join(str(part) for part in where)})"
    if len(errors) > 1:
        message = f"{message}; and {len(errors) - 1} more error(s)"
    return message


#: ``extensions.code`` values of GraphQL errors and the class each raises (any other code:
#: :class:`APIStatusError`). Both the Rune API's names and Apollo's common ones are mapped.
GRAPHQL_ERROR_CLASSES: Final[dict[str, type[APIStatusError]]] = {
    "NotFoundError": NotFoundError,
    "NOT_FOUND": NotFoundError,
    "PermissionDeniedError": PermissionDeniedError,
    "FORBIDDEN": PermissionDeniedError,
    "AuthenticationError": AuthenticationError,
    "InvalidAuthentication": AuthenticationError,
    "UNAUTHENTICATED": AuthenticationError,
    "BadRequestError": BadRequestError,
    "BAD_REQUEST": BadRequestError,
    "BAD_USER_INPUT": BadRequestError,
    "GRAPHQL_PARSE_FAILED": BadRequestError,
    "GRAPHQL_VALIDATION_FAILED": BadRequestError,
    "RateLimitError": RateLimitError,
    "InternalError": ServerError,
    "INTERNAL_SERVER_ERROR": ServerError,
}


def graphql_errors(body: Any) -> list[dict[str, Any]]:
    """The entries of a decoded GraphQL response's ``errors`` (``[]`` when it has none).

    Args:
        body: The decoded JSON body of a GraphQL response.
    """
    return _graphql_errors(body.get("errors")) if isinstance(body, dict) else []


def error_from_graphql(errors: list[dict[str, Any]], response: httpx.Response) -> APIError:
    """Build the error for a GraphQL response that carries ``errors`` (HTTP 2xx).

    The class follows the first error's ``extensions.code`` (:data:`GRAPHQL_ERROR_CLASSES`:
    ``NotFoundError`` raises :class:`NotFoundError`, ...); ``error_type`` is that code, the
    message the first error's (with its field path) and the count of the others.

    Args:
        errors: The non-empty :func:`graphql_errors` of the body.
        response: The response they came in.

    Returns:
        The error to raise; the caller raises it.
    """
    code = _graphql_code(errors[0])
    cls = GRAPHQL_ERROR_CLASSES.get(code, APIStatusError) if code else APIStatusError
    try:
        request: httpx.Request | None = response.request
    except RuntimeError:
        request = None
    return cls(
        _graphql_message(errors),
        status_code=response.status_code,
        error_type=code,
        path=redacted_path(request.url) if request is not None else None,
        body=_collapse(json.dumps(errors[:3]), BODY_SNIPPET_CHARS),
        request=request,
        response=response,
    )


def error_from_response(response: httpx.Response) -> APIError:
    """Build the :class:`APIError` subclass that matches a non-2xx response.

    Both JSON error envelopes give ``message`` and ``error_type``: V1's ``{"success": false,
    "error": {"message", "type"}}`` and V2's ``{"error": {"type", "message"}}`` (sent for CSV
    requests too); any other body (an HTML 502 page, plain text, nothing) still
    yields an error whose message is a short snippet of the text or the reason phrase.

    Args:
        response: A response whose body has been read (an unread body is treated as empty).

    Returns:
        The error to raise; the caller raises it.
    """
    status = response.status_code
    body = _response_body(response)
    text = body.decode("utf-8", errors="replace") if body else ""
    message, error_type = _parse_envelope(body) if body else (None, None)
    if message is None:
        message = _text_message(text, status) or response.reason_phrase or f"HTTP {status}"
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    retry_at = retry_time(retry_after) if retry_after is not None else None
    notes = [describe_retry_after(retry_after, retry_at)] if retry_after is not None else []
    gave_up = response.extensions.get(GAVE_UP_EXTENSION)
    if gave_up:
        notes.append(str(gave_up))
    if notes:
        message = "; ".join([message, *notes])
    if status in _STATUS_CLASSES:
        cls: type[APIStatusError] = _STATUS_CLASSES[status]
    elif 500 <= status <= 599:
        cls = ServerError
    else:
        cls = APIStatusError
    try:
        request: httpx.Request | None = response.request
    except RuntimeError:
        request = None
    return cls(
        message,
        retry_after=retry_after,
        retry_at=retry_at,
        status_code=status,
        error_type=error_type,
        path=redacted_path(request.url) if request is not None else None,
        body=_collapse(text, BODY_SNIPPET_CHARS) if text else None,
        request=request,
        response=response,
    )
