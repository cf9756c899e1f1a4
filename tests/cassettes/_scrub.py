"""What goes into a cassette: no credentials, no recording port, no volatile headers.

Applied by vcrpy to every request (also before matching during replay) and every response
before it is written. Header names are matched case-insensitively (``X-Rune-Client-Key-ID``
as runeq spells it, ``x-rune-client-key-id`` as httpx stores it, ...).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from vcr.request import Request

from ._world import (
    ACCESS_TOKEN_ID,
    ACCESS_TOKEN_SECRET,
    CLIENT_ACCESS_KEY,
    CLIENT_KEY_ID,
    JWT,
    PLACEHOLDER_URL,
    WRONG_SECRET,
)

REDACTED = "REDACTED"
CREDENTIAL_HEADERS = frozenset(
    {
        "x-rune-user-access-token-id",
        "x-rune-user-access-token-secret",
        "x-rune-client-key-id",
        "x-rune-client-access-key",
        "x-rune-user-access-token",  # V2: a JWT, no "Bearer"
    }
)
CREDENTIAL_VALUES = (
    ACCESS_TOKEN_ID,
    ACCESS_TOKEN_SECRET,
    CLIENT_KEY_ID,
    CLIENT_ACCESS_KEY,
    JWT,
    WRONG_SECRET,
)
# Response headers that change on every recording and that no test reads.
VOLATILE_RESPONSE_HEADERS = frozenset({"date", "server"})


def is_credential_header(name: str) -> bool:
    """A header carrying a credential (by name, any case)."""
    return name.strip().lower() in CREDENTIAL_HEADERS


def scrub_request(request: Request) -> Request:
    """Redact credential headers and move the URI onto :data:`PLACEHOLDER_URL` (vcrpy hook)."""
    placeholder = urlsplit(PLACEHOLDER_URL)
    headers = {}
    for name, value in request.headers.items():
        if is_credential_header(name):
            value = REDACTED
        elif name.lower() == "host":
            value = placeholder.netloc  # not the recording port
        headers[name] = value
    request.headers = headers
    parts = urlsplit(request.uri)
    request.uri = urlunsplit((placeholder.scheme, placeholder.netloc, parts.path, parts.query, ""))
    return request


def _scrub_text(value: str) -> str:
    for secret in CREDENTIAL_VALUES:
        value = value.replace(secret, REDACTED)
    return value


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop volatile headers, redact credential headers and any credential in the body."""
    headers: dict[str, list[str]] = {}
    for name, values in response["headers"].items():
        if name.lower() in VOLATILE_RESPONSE_HEADERS:
            continue
        redact = is_credential_header(name)
        headers[name] = [REDACTED if redact else _scrub_text(v) for v in values]
    response["headers"] = headers
    body = response["body"].get("string")
    if isinstance(body, bytes) and any(s.encode() in body for s in CREDENTIAL_VALUES):
        for secret in CREDENTIAL_VALUES:
            body = body.replace(secret.encode(), REDACTED.encode())
        response["body"]["string"] = body
    return response


#: The name of the matcher that compares GraphQL requests by operation and variables.
GRAPHQL_MATCHER = "graphql_operation"


def graphql_operation(body: bytes | str | None) -> tuple[Any, ...] | None:
    """A GraphQL request body as (operationName, variables, query with whitespace collapsed),
    or ``None`` when the body is not a GraphQL request."""
    if not body:
        return None
    try:
        decoded = json.loads(body)
    except ValueError:
        return None
    if not isinstance(decoded, dict) or "query" not in decoded:
        return None
    query = " ".join(str(decoded["query"]).split())
    variables = json.dumps(decoded.get("variables") or {}, sort_keys=True)
    return decoded.get("operationName"), variables, query


def match_graphql_operation(recorded: Request, asked: Request) -> None:
    """vcrpy matcher: two GraphQL requests match when their operation, variables and query
    (whitespace aside) are equal; any other request is left to the other matchers."""
    ours, theirs = graphql_operation(asked.body), graphql_operation(recorded.body)
    if ours != theirs:
        raise AssertionError(f"GraphQL request {ours!r:.200} is not the recorded {theirs!r:.200}")


def vcr_options() -> dict[str, Any]:
    """The vcrpy configuration shared by every cassette test."""
    return {
        # Not host or port: replays must not depend on where the recording sandbox listened.
        "match_on": ["method", "path", "query", GRAPHQL_MATCHER],
        "filter_headers": [(name, REDACTED) for name in sorted(CREDENTIAL_HEADERS)],
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
    }
