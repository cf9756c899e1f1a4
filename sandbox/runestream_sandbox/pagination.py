"""Opaque, signed page tokens bound to the query they continue."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from .errors import INVALID_PAGE_TOKEN, ApiError

# parameters that select the page rather than the query
PAGE_PARAMS = frozenset({"next_page_token", "page"})


def fingerprint(path: str, values: dict[str, Any]) -> str:
    """A short hash of the operation and every parsed parameter except the page selectors."""
    canonical = json.dumps(
        [path, {k: v for k, v in sorted(values.items()) if k not in PAGE_PARAMS}],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


def _sign(payload: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()[:16]


def make_token(offset: int, query_fp: str, secret: str) -> str:
    """Token for the page that starts at ``offset`` (urlsafe base64 of a signed JSON object)."""
    body = {"o": offset, "q": query_fp}
    payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    body["s"] = _sign(payload, secret)
    data = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(data).decode()


def read_token(token: str, query_fp: str, secret: str) -> int:
    """The offset in a token; 400 ``InvalidPageToken`` if forged, garbled or for another query."""
    try:
        padded = token + "=" * (-len(token) % 4)
        body = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset, fp, sig = body["o"], body["q"], body["s"]
        if not isinstance(offset, int) or offset < 0 or not isinstance(fp, str):
            raise ValueError("bad token fields")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(INVALID_PAGE_TOKEN, "next_page_token is not a valid page token") from exc
    payload = json.dumps({"o": offset, "q": fp}, separators=(",", ":"), sort_keys=True).encode()
    if not hmac.compare_digest(str(sig), _sign(payload, secret)):
        raise ApiError(INVALID_PAGE_TOKEN, "next_page_token is not a valid page token")
    if fp != query_fp:
        raise ApiError(
            INVALID_PAGE_TOKEN,
            "next_page_token belongs to a different query: keep every other parameter identical "
            "between pages",
        )
    return offset
