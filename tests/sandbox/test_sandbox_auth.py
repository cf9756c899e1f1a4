"""Credentials (401), patient scoping of client keys (403) and unknown resources (404)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

import runestream_sandbox as rs

from ._helpers import DAY, KEY_HEADERS, T0, TOKEN_HEADERS, dbs, envelope, watch

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]


@pytest.fixture(scope="module")
def anon(server: rs.SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Rune-User-Access-Token-Id": rs.ACCESS_TOKEN_ID},
        {"X-Rune-User-Access-Token-Id": rs.ACCESS_TOKEN_ID, "X-Rune-User-Access-Token-Secret": "x"},
        {"X-Rune-Client-Key-Id": rs.CLIENT_KEY_ID},
        {"X-Rune-Client-Key-Id": "nope", "X-Rune-Client-Access-Key": rs.CLIENT_ACCESS_KEY},
    ],
)
@pytest.mark.parametrize("path", ["/v1/accel.csv", "/v1/event.json", "/v1/session"])
def test_401(anon: httpx.Client, headers: dict[str, str], path: str) -> None:
    envelope(anon.get(path, params=watch(), headers=headers), 401, "Unauthorized")


def test_header_names_are_case_insensitive(anon: httpx.Client) -> None:
    headers = {
        "x-rune-client-key-ID": rs.CLIENT_KEY_ID,  # runeq's spelling
        "X-RUNE-CLIENT-ACCESS-KEY": rs.CLIENT_ACCESS_KEY,
    }
    assert anon.get("/v1/accel.csv", params=watch(), headers=headers).status_code == 200


def test_client_key_infers_patient(anon: httpx.Client) -> None:
    params = watch()
    del params["patient_id"]
    r = anon.get("/v1/accel.json", params=params, headers=KEY_HEADERS)
    assert r.status_code == 200, r.text
    with_id = anon.get("/v1/accel.json", params=watch(), headers=KEY_HEADERS)
    assert r.content == with_id.content


def test_access_token_needs_patient_id(anon: httpx.Client) -> None:
    params = watch()
    del params["patient_id"]
    r = anon.get("/v1/accel.json", params=params, headers=TOKEN_HEADERS)
    assert "patient_id" in envelope(r, 400, "MissingParameter")


def test_client_key_other_patient_is_403(anon: httpx.Client) -> None:
    params = watch(patient_id=rs.OTHER_PATIENT_ID, device_id=rs.OTHER_WATCH_ID)
    envelope(anon.get("/v1/accel.csv", params=params, headers=KEY_HEADERS), 403, "Forbidden")
    envelope(
        anon.get("/v1/event.json", params={"patient_id": rs.OTHER_PATIENT_ID}, headers=KEY_HEADERS),
        403,
        "Forbidden",
    )
    session = {"session_id": rs.OTHER_DATASET_ID, "stream_name": "metadata"}
    envelope(anon.get("/v1/session", params=session, headers=KEY_HEADERS), 403, "Forbidden")
    # the access token sees every patient
    assert anon.get("/v1/accel.csv", params=params, headers=TOKEN_HEADERS).status_code == 200


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/accel.csv", watch(patient_id="patient-9999")),
        ("/v1/accel.csv", watch(device_id="watch-9999")),
        ("/v1/accel.json", watch(device_id=rs.DBS_ID)),  # the implant has no accel
        ("/v1/lfp.csv", dbs(device_id=rs.WATCH_ID)),
        ("/v1/probability_symptom.csv", watch(symptom="sneezing")),
        ("/v1/state.csv", dbs(event="nope", fields="a")),
        ("/v1/event.json", {"patient_id": "patient-9999"}),
        (
            "/v1/span.json",
            {"patient_id": rs.PATIENT_ID, "device_id": "x", "start_time": T0, "end_time": T0 + DAY},
        ),
        ("/v1/session", {"session_id": "dataset-nope", "stream_name": "metadata"}),
        ("/v1/session", {"session_id": rs.DATASET_ID, "stream_name": "nope"}),
    ],
)
def test_404(http: httpx.Client, path: str, params: dict[str, object]) -> None:
    envelope(http.get(path, params=params), 404, "NotFound")


def test_unknown_path_uses_envelope(http: httpx.Client) -> None:
    envelope(http.get("/v1/nothing.json"), 404, "NotFound")
    envelope(http.post("/v1/accel.json"), 405, "MethodNotAllowed")
