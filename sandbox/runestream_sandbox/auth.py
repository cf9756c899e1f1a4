"""The two documented credential pairs, checked against the fake credentials."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .catalog import (
    ACCESS_TOKEN_ID,
    ACCESS_TOKEN_SECRET,
    CLIENT_ACCESS_KEY,
    CLIENT_KEY_ID,
    CLIENT_KEY_PATIENT,
)
from .errors import FORBIDDEN, UNAUTHORIZED, ApiError

TOKEN_ID_HEADER = "x-rune-user-access-token-id"
TOKEN_SECRET_HEADER = "x-rune-user-access-token-secret"
KEY_ID_HEADER = "x-rune-client-key-id"
KEY_SECRET_HEADER = "x-rune-client-access-key"


@dataclass(frozen=True)
class Principal:
    """Who is asking: an access token (all patients) or a client key (one patient)."""

    method: str  # "access_token" or "client_key"
    patient_id: str | None = None  # the only patient a client key may read

    def check_patient(self, patient_id: str) -> None:
        """Raise 403 when a client key asks for another patient."""
        if self.patient_id is not None and patient_id != self.patient_id:
            raise ApiError(FORBIDDEN, "this client key may only access its own patient")


def authenticate(headers: Mapping[str, str]) -> Principal:
    """Check the credential headers (names are case-insensitive; Starlette lowercases them).

    An access token pair wins when both pairs are sent. A half pair or wrong values give 401.
    """
    token_id, token_secret = headers.get(TOKEN_ID_HEADER), headers.get(TOKEN_SECRET_HEADER)
    key_id, key_secret = headers.get(KEY_ID_HEADER), headers.get(KEY_SECRET_HEADER)
    if token_id is not None or token_secret is not None:
        if token_id == ACCESS_TOKEN_ID and token_secret == ACCESS_TOKEN_SECRET:
            return Principal("access_token")
        raise ApiError(UNAUTHORIZED, "invalid or incomplete access token credentials")
    if key_id is not None or key_secret is not None:
        if key_id == CLIENT_KEY_ID and key_secret == CLIENT_ACCESS_KEY:
            return Principal("client_key", CLIENT_KEY_PATIENT)
        raise ApiError(UNAUTHORIZED, "invalid or incomplete client key credentials")
    raise ApiError(
        UNAUTHORIZED,
        "authentication required: send X-Rune-User-Access-Token-Id and "
        "X-Rune-User-Access-Token-Secret, or X-Rune-Client-Key-Id and X-Rune-Client-Access-Key",
    )
