"""Shared constants and helpers of the sandbox tests."""

from __future__ import annotations

from typing import Any

import httpx

import runestream_sandbox as rs

DAY = 86_400.0
T0 = rs.CATALOG.start_time
MORNING = T0 + 8 * 3600  # watch worn, LFP recordings at ten past each hour

TOKEN_HEADERS = {
    "X-Rune-User-Access-Token-Id": rs.ACCESS_TOKEN_ID,
    "X-Rune-User-Access-Token-Secret": rs.ACCESS_TOKEN_SECRET,
}
KEY_HEADERS = {
    "X-Rune-Client-Key-Id": rs.CLIENT_KEY_ID,
    "X-Rune-Client-Access-Key": rs.CLIENT_ACCESS_KEY,
}


def watch(**extra: Any) -> dict[str, Any]:
    """Parameters of a one-second watch query (plus overrides)."""
    params: dict[str, Any] = {
        "patient_id": rs.PATIENT_ID,
        "device_id": rs.WATCH_ID,
        "start_time": MORNING,
        "end_time": MORNING + 1,
    }
    params.update(extra)
    return params


def dbs(**extra: Any) -> dict[str, Any]:
    """Parameters of a DBS query inside the 08:10 LFP recording (plus overrides)."""
    params: dict[str, Any] = {
        "patient_id": rs.PATIENT_ID,
        "device_id": rs.DBS_ID,
        "start_time": MORNING + 600,
        "end_time": MORNING + 601,
    }
    params.update(extra)
    return params


def envelope(response: httpx.Response, status: int, error_type: str) -> str:
    """Assert an error envelope and return its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert body["result"] is None
    assert body["error"]["type"] == error_type, body
    assert body["error"]["message"]
    return str(body["error"]["message"])
