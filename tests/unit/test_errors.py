"""The error tree and error_from_response."""

from __future__ import annotations

import httpx
import pytest

import runestream
from runestream import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RunestreamError,
    ServerError,
    ValidationError,
    error_from_response,
)

from .conftest import ChunkStream

URL = "https://stream.example.test/v1/accel.csv?device_id=d%2A1&next_page_token=MTIzNDU2Nzg5&page_size=10"


def response(
    status: int, body: bytes = b"", content_type: str = "application/json"
) -> httpx.Response:
    return httpx.Response(
        status,
        content=body,
        headers={"Content-Type": content_type},
        request=httpx.Request("GET", URL),
    )


ENVELOPE = (
    b'{"success": false, "error": {"message": "no such device", "type": "NotFound"}, '
    b'"result": null}'
)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (599, ServerError),
        (409, APIStatusError),
        (418, APIStatusError),
        (304, APIStatusError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[APIError]) -> None:
    error = error_from_response(response(status, ENVELOPE))
    assert type(error) is cls
    assert isinstance(error, APIStatusError)
    assert isinstance(error, APIError)
    assert isinstance(error, RunestreamError)
    assert error.status_code == status


def test_envelope_fields() -> None:
    error = error_from_response(response(404, ENVELOPE))
    assert error.message == "no such device"
    assert error.error_type == "NotFound"
    assert error.body is not None and "no such device" in error.body
    assert error.path == "/v1/accel.csv?device_id=d%2A1&next_page_token=...&page_size=10"
    assert str(error) == f"404 NotFound: no such device ({error.path})"
    assert "MTIzNDU2Nzg5" not in str(error)
    assert "MTIzNDU2Nzg5" not in repr(error)
    assert error.response is not None and error.request is not None


def test_html_502_still_maps() -> None:
    html = (
        b"<html><head><title>502 Bad Gateway</title></head>"
        b"<body><h1>Bad   Gateway</h1></body></html>"
    )
    error = error_from_response(response(502, html, "text/html"))
    assert isinstance(error, ServerError)
    assert error.error_type is None
    # The page's title, without the status code it repeats (str() shows the status already).
    assert error.message == "Bad Gateway"
    assert str(error).startswith("502 Bad Gateway")
    assert error.body is not None and error.body.startswith("<html>")


def test_empty_body_uses_reason_phrase() -> None:
    error = error_from_response(response(503))
    assert error.message == "Service Unavailable"
    assert error.body is None


def test_long_text_body_is_cut() -> None:
    error = error_from_response(response(500, b"x" * 10_000, "text/plain"))
    assert len(error.message) <= 200
    assert error.body is not None and len(error.body) <= 500


@pytest.mark.parametrize(
    ("body", "message", "error_type"),
    [
        (b'{"message": "flat", "type": "T"}', "flat", "T"),
        (b'{"error": "just a string"}', "just a string", None),
        (b"[1, 2]", "[1, 2]", None),
        (b'{"success": false}', '{"success": false}', None),
    ],
)
def test_other_json_shapes(body: bytes, message: str, error_type: str | None) -> None:
    error = error_from_response(response(400, body))
    assert (error.message, error.error_type) == (message, error_type)


def test_unread_streamed_body_is_treated_as_empty() -> None:
    streamed = httpx.Response(500, stream=ChunkStream([b"boom"]), request=httpx.Request("GET", URL))
    error = error_from_response(streamed)
    assert isinstance(error, ServerError)


def test_response_without_request() -> None:
    error = error_from_response(httpx.Response(404, content=ENVELOPE))
    assert error.path is None
    assert str(error) == "404 NotFound: no such device"


def test_other_errors() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(runestream.IncompleteResponseError, APIConnectionError)
    assert issubclass(runestream.RedirectError, APIError)
    assert issubclass(runestream.PaginationError, APIError)
    assert issubclass(runestream.CSVParseError, APIError)
    assert issubclass(runestream.ConfigError, ValueError)
    error = ValidationError("page_size must be at most 10000", parameter="page_size")
    assert isinstance(error, ValueError) and isinstance(error, RunestreamError)
    assert error.parameter == "page_size"
    connection = APIConnectionError("ConnectError", path="/v1/x")
    assert connection.status_code is None
    assert str(connection) == "ConnectError (/v1/x)"
    token_error = runestream.PaginationError("page token repeated", path="/v1/accel.csv")
    assert "repeated" in str(token_error)
