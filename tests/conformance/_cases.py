"""Explicit, realistic requests: at least one success and one error for each of the 17 operations.

Shared by the schemathesis run (its explicit-examples phase, validated by schemathesis's checks)
and the plain jsonschema conformance test, so a spec change the sandbox does not follow fails
even when generation misses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import runestream_sandbox as rs

from ._realistic import KEY_HEADERS, NINE, TOKEN_HEADERS

BAD_TOKEN_HEADERS = {
    "X-Rune-User-Access-Token-Id": rs.ACCESS_TOKEN_ID,
    "X-Rune-User-Access-Token-Secret": "not-the-secret",
}
HALF_KEY_HEADERS = {"X-Rune-Client-Key-Id": rs.CLIENT_KEY_ID}
SPAN_PAGE_SIZE = 3  # the conformance sandboxes page spans (the docs give span no page_size)


@dataclass(frozen=True)
class Example:
    """One request and the status (and error type) it must get."""

    id: str
    path: str
    query: dict[str, Any]
    status: int = 200
    error_type: str | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(TOKEN_HEADERS))
    paginated: bool = False  # a page_size small enough that X-Rune-Next-Page-Token must appear


def _watch(**extra: Any) -> dict[str, Any]:
    return {
        "patient_id": rs.PATIENT_ID,
        "device_id": rs.WATCH_ID,
        "start_time": NINE,
        "end_time": NINE + 2,
        **extra,
    }


def _dbs(**extra: Any) -> dict[str, Any]:
    return {
        "patient_id": rs.PATIENT_ID,
        "device_id": rs.DBS_ID,
        "start_time": NINE + 600,
        "end_time": NINE + 601,
        **extra,
    }


def _day(**extra: Any) -> dict[str, Any]:
    return {
        "patient_id": rs.PATIENT_ID,
        "start_time": NINE - 9 * 3600,
        "end_time": NINE + 15 * 3600,
        **extra,
    }


_STATE = {"event": "stimulation_state", "fields": "ld0.threshold.low,ld0.threshold.high"}
_NOT_FOUND_DEVICE = {"device_id": "no-such-device"}

SUCCESSES: list[Example] = [
    Example("accel.json", "/v1/accel.json", _watch(page_size=30), paginated=True),
    Example(
        "accel.json-iso-partitioned", "/v1/accel.json", _watch(timestamp="iso", partition_size=7)
    ),
    Example("accel.json-availability", "/v1/accel.json", _watch(expression="availability(accel)")),
    Example("accel.csv", "/v1/accel.csv", _watch(page_size=40), paginated=True),
    Example(
        "accel.csv-special-device",
        "/v1/accel.csv",
        _watch(device_id=rs.SPECIAL_DEVICE_ID, expression="mean(accel)", resolution=0.5),
    ),
    Example(
        "band_power.json",
        "/v1/band_power.json",
        _dbs(end_time=NINE + 900, page_size=25),
        paginated=True,
    ),
    Example(
        "band_power.csv",
        "/v1/band_power.csv",
        _dbs(end_time=NINE + 900, band="8.5hz-9.6hz", filename="power.csv", page_size=20),
        paginated=True,
    ),
    Example("event.json", "/v1/event.json", _day(page_size=2), paginated=True),
    Example(
        "event.json-implant", "/v1/event.json", {"patient_id": rs.PATIENT_ID, "event": "device"}
    ),
    Example(
        "span.json",
        "/v1/span.json",
        _day(timestamp="datetime", timezone_name="Europe/Paris"),
        paginated=True,  # with SPAN_PAGE_SIZE spans to a page
    ),
    Example(
        "heartrate.json",
        "/v1/heartrate.json",
        _watch(end_time=NINE + 300, page_size=10),
        paginated=True,
    ),
    Example(
        "heartrate.csv",
        "/v1/heartrate.csv",
        _watch(end_time=NINE + 600, expression="mean(bpm)", resolution=60, interpolation="linear"),
    ),
    Example("lfp.json", "/v1/lfp.json", _dbs(channel="0,2", page_size=100), paginated=True),
    Example("lfp.json-legacy", "/v1/lfp.json", _dbs(channels="0,1")),
    Example(
        "lfp.json-analysis",
        "/v1/lfp.json",
        _dbs(
            end_time=NINE + 603,
            expression="percentiles(projection(spectrogram(lfp),y,z))",
            high_freq=40,
        ),
    ),
    Example("lfp.csv", "/v1/lfp.csv", _dbs(sensor="7-5", page_size=100), paginated=True),
    Example(
        "lfp.csv-spectrogram",
        "/v1/lfp.csv",
        _dbs(end_time=NINE + 602, expression="spectrogram(lfp)", high_freq=20),
    ),
    Example("rotation.json", "/v1/rotation.json", _watch(timezone=-28_800, timestamp="datetime")),
    Example("rotation.csv", "/v1/rotation.csv", _watch(page_size=50), paginated=True),
    Example("session", "/v1/session", {"session_id": rs.DATASET_ID, "stream_name": "metadata"}),
    Example(
        "state.json",
        "/v1/state.json",
        _dbs(end_time=NINE + 86_400, **_STATE, page_size=2),
        paginated=True,
    ),
    Example(
        "state.json-update",
        "/v1/state.json",
        _dbs(end_time=NINE + 86_400, event="stimulation_state", expression="update"),
    ),
    Example("state.json-event-type", "/v1/state.json", _dbs(expression="event_type")),
    Example(
        "state.csv",
        "/v1/state.csv",
        _dbs(end_time=NINE + 86_400, **_STATE, page_size=3),
        paginated=True,
    ),
    Example(
        "probability_symptom.json",
        "/v1/probability_symptom.json",
        _watch(end_time=NINE + 3600, symptom="tremor", severity="*", page_size=20),
        paginated=True,
    ),
    Example(
        "probability_symptom.csv",
        "/v1/probability_symptom.csv",
        _watch(end_time=NINE + 3600, symptom="dyskinesia", page_size=25),
        paginated=True,
    ),
    # The client-key path: patient inferred from the key pair.
    Example(
        "heartrate.csv-client-key",
        "/v1/heartrate.csv",
        {k: v for k, v in _watch(end_time=NINE + 60).items() if k != "patient_id"},
        headers=dict(KEY_HEADERS),
    ),
]

ERRORS: list[Example] = [
    Example("accel.json-404", "/v1/accel.json", _watch(**_NOT_FOUND_DEVICE), 404, "NotFound"),
    Example(
        "accel.csv-400-range", "/v1/accel.csv", _watch(end_time=NINE - 1), 400, "InvalidParameter"
    ),
    Example(
        "band_power.json-400-expression",
        "/v1/band_power.json",
        _dbs(expression="lfp"),
        400,
        "InvalidParameter",
    ),
    Example(
        "band_power.csv-400-page-size",
        "/v1/band_power.csv",
        _dbs(page_size=10_001),
        400,
        "InvalidParameter",
    ),
    Example("event.json-404", "/v1/event.json", {"patient_id": "patient-9999"}, 404, "NotFound"),
    Example(
        "span.json-400-missing",
        "/v1/span.json",
        {"patient_id": rs.PATIENT_ID},
        400,
        "MissingParameter",
    ),
    Example(
        "heartrate.json-400-unknown",
        "/v1/heartrate.json",
        _watch(filename="x.csv"),
        400,
        "UnknownParameter",
    ),
    Example(
        "heartrate.csv-400-conflict",
        "/v1/heartrate.csv",
        _watch(frequency=1, resolution=1),
        400,
        "ConflictingParameters",
    ),
    Example(
        "lfp.json-400-token",
        "/v1/lfp.json",
        _dbs(next_page_token="bm90LWEtdG9rZW4="),
        400,
        "InvalidPageToken",
    ),
    Example("lfp.csv-404", "/v1/lfp.csv", _dbs(device_id=rs.WATCH_ID), 404, "NotFound"),
    Example(
        "rotation.json-400-timezone",
        "/v1/rotation.json",
        _watch(timezone=3600, timezone_name="UTC"),
        400,
        "ConflictingParameters",
    ),
    Example(
        "rotation.csv-400-timestamp",
        "/v1/rotation.csv",
        _watch(timestamp="epoch"),
        400,
        "InvalidParameter",
    ),
    Example(
        "session-404",
        "/v1/session",
        {"session_id": rs.DATASET_ID, "stream_name": "nope"},
        404,
        "NotFound",
    ),
    Example(
        "state.json-404-event", "/v1/state.json", _dbs(event="nope", fields="x"), 404, "NotFound"
    ),
    Example(
        "state.csv-400-missing",
        "/v1/state.csv",
        _dbs(event="stimulation_state"),
        400,
        "MissingParameter",
    ),
    Example(
        "probability_symptom.json-400-severity",
        "/v1/probability_symptom.json",
        _watch(symptom="tremor", severity="severe"),
        400,
        "InvalidParameter",
    ),
    Example(
        "probability_symptom.csv-404",
        "/v1/probability_symptom.csv",
        _watch(symptom="chorea"),
        404,
        "NotFound",
    ),
    # Auth: none, a wrong secret, half a pair, a client key asking for another patient.
    Example("accel.csv-401-none", "/v1/accel.csv", _watch(), 401, "Unauthorized", headers={}),
    Example(
        "event.json-401-bad",
        "/v1/event.json",
        _day(),
        401,
        "Unauthorized",
        headers=BAD_TOKEN_HEADERS,
    ),
    Example(
        "session-401-half",
        "/v1/session",
        {"session_id": rs.DATASET_ID, "stream_name": "metadata"},
        401,
        "Unauthorized",
        headers=HALF_KEY_HEADERS,
    ),
    Example(
        "heartrate.json-403-client-key",
        "/v1/heartrate.json",
        _watch(patient_id=rs.OTHER_PATIENT_ID, device_id=rs.OTHER_WATCH_ID),
        403,
        "Forbidden",
        headers=dict(KEY_HEADERS),
    ),
    Example(
        "session-403-client-key",
        "/v1/session",
        {"session_id": rs.OTHER_DATASET_ID, "stream_name": "metadata"},
        403,
        "Forbidden",
        headers=dict(KEY_HEADERS),
    ),
    # Injected faults answer with the declared 429 (integer Retry-After) and 503 envelopes.
    Example(
        "accel.csv-429",
        "/v1/accel.csv",
        _watch(),
        429,
        "RateLimited",
        headers={**TOKEN_HEADERS, "X-Sandbox-Fault": "429;retry-after=2"},
    ),
    Example(
        "span.json-503",
        "/v1/span.json",
        _day(),
        503,
        "ServiceUnavailable",
        headers={**TOKEN_HEADERS, "X-Sandbox-Fault": "503"},
    ),
]

EXAMPLES: list[Example] = SUCCESSES + ERRORS
