"""Helpers of the V2 sandbox tests: streams by role and the V2 error envelope."""

from __future__ import annotations

import httpx

import runestream_sandbox as rs

from ._helpers import MORNING

ACCEL_X = rs.find_stream(device_id=rs.WATCH_ID, measurement="acceleration", axis="x")
HEART = rs.find_stream(device_id=rs.WATCH_ID, measurement="heart_rate")
OTHER_HEART = rs.find_stream(device_id=rs.OTHER_WATCH_ID, measurement="heart_rate")
IS_ON = rs.find_stream(measurement="is_on")
WALKS = rs.find_stream(patient_id=rs.PATIENT_ID, measurement="patient.activity.walk")
IMPLANT = rs.find_stream(measurement="device.implant")
LFP_0 = rs.find_stream(measurement="lfp", channel="0")
PHONE_X = rs.find_stream(device_id=rs.SPECIAL_DEVICE_ID, measurement="acceleration", axis="x")


def data_path(stream: rs.Stream, suffix: str = "") -> str:
    """``/v2/streams/<id>`` plus an optional ``/availability`` etc."""
    return f"/v2/streams/{stream.id}{suffix}"


def second(start: float = MORNING, seconds: float = 1.0) -> dict[str, float]:
    """``start_time``/``end_time`` of a short window (default: one second at 08:00 day 1)."""
    return {"start_time": start, "end_time": start + seconds}


def v2_error(response: httpx.Response, status: int, error_type: str) -> str:
    """Assert a V2 error envelope (``{"error": {...}}`` only) and return its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["type"] == error_type, body
    assert body["error"]["message"]
    return str(body["error"]["message"])
