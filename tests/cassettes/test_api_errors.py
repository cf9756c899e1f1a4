"""Cassettes: API errors (JSON and CSV operations) raise the right APIError, in both layers.

The error carries the HTTP status and the server's ``type`` and ``message`` from the JSON
envelope (which CSV and session operations use for errors too). Nothing is retried: 4xx other
than 408/429 are final, so each cassette holds exactly one interaction per failing call.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import runestream
from runestream_api.api.accel import get_accel_csv
from runestream_api.api.event import get_event_json
from runestream_api.api.heartrate import get_heartrate_json

from . import _world as w

pytestmark = pytest.mark.vcr

WINDOW = {"start_time": w.NINE, "end_time": w.NINE + 10}


def test_csv_404_unknown_device(client: runestream.V1Client) -> None:
    accel = client.Accel(patient_id=w.PATIENT_ID, device_id="no-such-device")
    with pytest.raises(runestream.NotFoundError) as info:
        accel.to_arrow(**WINDOW)
    err = info.value
    assert err.status_code == 404 and err.error_type == "NotFound"
    assert "no-such-device" in err.message
    assert err.path is not None and err.path.startswith("/v1/accel.csv")


def test_csv_400_from_the_server(client: runestream.V1Client) -> None:
    # "severe" passes local validation (severities depend on the data) but not the server's.
    tremor = client.ProbabilitySymptom(
        patient_id=w.PATIENT_ID, device_id=w.WATCH_ID, symptom="tremor", severity="severe"
    )
    with pytest.raises(runestream.BadRequestError) as info:
        list(tremor.iter_csv_text(**WINDOW))
    assert info.value.status_code == 400 and info.value.error_type == "InvalidParameter"
    assert "severe" in info.value.message


def test_json_403_client_key_for_another_patient(key_config: runestream.Config) -> None:
    with runestream.V1Client(key_config) as keyed:
        other = keyed.HeartRate(patient_id=w.OTHER_PATIENT_ID, device_id=w.OTHER_WATCH_ID)
        with pytest.raises(runestream.PermissionDeniedError) as info:
            list(other.iter_json_data(**WINDOW))
    assert info.value.status_code == 403 and info.value.error_type == "Forbidden"
    assert "own patient" in info.value.message


def test_json_401_bad_credentials(bad_config: runestream.Config) -> None:
    with (
        runestream.V1Client(bad_config) as bad,
        pytest.raises(runestream.AuthenticationError) as info,
    ):
        list(bad.Event(patient_id=w.PATIENT_ID).iter_events(**WINDOW))
    assert info.value.status_code == 401 and info.value.error_type == "Unauthorized"
    assert "invalid" in info.value.message
    assert w.WRONG_SECRET not in str(info.value)


def test_session_404_leaves_no_file(client: runestream.V1Client, tmp_path: Path) -> None:
    with pytest.raises(runestream.NotFoundError) as info:
        client.download_session(session_id=w.DATASET_ID, stream_name="nope", path=tmp_path / "x")
    assert info.value.error_type == "NotFound" and "nope" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_typed_call_csv_404(token_config: runestream.Config) -> None:
    with (
        runestream.build_generated_client(token_config) as api,
        pytest.raises(runestream.NotFoundError) as info,
    ):
        get_accel_csv.sync_detailed(
            client=api, patient_id=w.PATIENT_ID, device_id=w.DBS_ID, **WINDOW
        )
    assert info.value.error_type == "NotFound" and "no accel data" in info.value.message


def test_typed_call_json_403(key_config: runestream.Config) -> None:
    with (
        runestream.build_generated_client(key_config) as api,
        pytest.raises(runestream.PermissionDeniedError) as info,
    ):
        get_heartrate_json.sync_detailed(
            client=api, patient_id=w.OTHER_PATIENT_ID, device_id=w.OTHER_WATCH_ID, **WINDOW
        )
    assert info.value.error_type == "Forbidden"


def test_typed_call_json_401(bad_config: runestream.Config) -> None:
    with (
        runestream.build_generated_client(bad_config) as api,
        pytest.raises(runestream.AuthenticationError) as info,
    ):
        get_event_json.sync_detailed(client=api, patient_id=w.PATIENT_ID)
    assert info.value.error_type == "Unauthorized"
