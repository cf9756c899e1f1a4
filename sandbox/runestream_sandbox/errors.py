"""The API error envelope and the exception that carries it through the handlers."""

from __future__ import annotations

import json

from starlette.responses import Response

# Error ``type`` names used by the sandbox (listed in sandbox/NOTES.md).
UNAUTHORIZED = "Unauthorized"
FORBIDDEN = "Forbidden"
NOT_FOUND = "NotFound"
MISSING_PARAMETER = "MissingParameter"
INVALID_PARAMETER = "InvalidParameter"
UNKNOWN_PARAMETER = "UnknownParameter"
CONFLICTING_PARAMETERS = "ConflictingParameters"
INVALID_PAGE_TOKEN = "InvalidPageToken"
RATE_LIMITED = "RateLimited"
SERVICE_UNAVAILABLE = "ServiceUnavailable"
METHOD_NOT_ALLOWED = "MethodNotAllowed"
INTERNAL_ERROR = "InternalError"

ERROR_TYPES: dict[str, int] = {
    UNAUTHORIZED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    MISSING_PARAMETER: 400,
    INVALID_PARAMETER: 400,
    UNKNOWN_PARAMETER: 400,
    CONFLICTING_PARAMETERS: 400,
    INVALID_PAGE_TOKEN: 400,
    RATE_LIMITED: 429,
    SERVICE_UNAVAILABLE: 503,
    METHOD_NOT_ALLOWED: 405,
    INTERNAL_ERROR: 500,
}


class ApiError(Exception):
    """An error answered with the JSON envelope; the status follows from the type."""

    def __init__(self, error_type: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.status_code = ERROR_TYPES[error_type]
        self.headers = headers or {}


def graphql_error_body(code: str, message: str) -> bytes:
    """A GraphQL-shaped error: ``{"errors": [{"message", "extensions": {"code"}}]}``."""
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


def error_body(error_type: str, message: str) -> bytes:
    """Serialise the error envelope ``{"success": false, "error": {...}, "result": null}``."""
    envelope = {"success": False, "error": {"message": message, "type": error_type}, "result": None}
    return json.dumps(envelope).encode()


def error_response(err: ApiError) -> Response:
    """Build the ``application/json`` response for an :class:`ApiError`."""
    return Response(
        error_body(err.error_type, err.message),
        status_code=err.status_code,
        media_type="application/json",
        headers=err.headers,
    )


def missing(name: str) -> ApiError:
    """A required parameter is absent."""
    return ApiError(MISSING_PARAMETER, f"missing required parameter: {name}")


def invalid(name: str, reason: str) -> ApiError:
    """A parameter has a bad value."""
    return ApiError(INVALID_PARAMETER, f"invalid value for parameter {name}: {reason}")


def conflicting(message: str) -> ApiError:
    """Two parameters may not be combined."""
    return ApiError(CONFLICTING_PARAMETERS, message)


def not_found(message: str) -> ApiError:
    """An unknown patient, device, stream, dataset, ..."""
    return ApiError(NOT_FOUND, message)
