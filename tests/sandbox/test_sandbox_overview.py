"""The printed catalogue names every id and tells the truth about when each stream has data."""

from __future__ import annotations

import httpx
import pytest

import runestream_sandbox as rs
from runestream_sandbox.overview import describe_catalog, resource_coverage

EXTRA = {"probability_symptom": {"symptom": "tremor"}}
SERIES = [
    (patient.patient_id, device, resource)
    for patient in rs.CATALOG.patients.values()
    for device in patient.devices.values()
    for resource in device.resources
    if resource != "state"
]


def test_text_names_every_id_and_parameter_value() -> None:
    text = describe_catalog()
    for patient in rs.CATALOG.patients.values():
        assert f"patient_id={patient.patient_id}" in text
        for device in patient.devices.values():
            assert f"device_id={device.device_id}" in text
            for channel in device.lfp_channels:
                assert f"lfp: channel={channel.channel} anatomy={channel.anatomy}" in text
            for event, fields in device.state_events.items():
                assert f"state: event={event} fields={','.join(fields)}" in text
            for symptom in device.symptoms:
                assert f"symptom={symptom}" in text
        for dataset in patient.datasets.values():
            assert f"session_id={dataset.dataset_id}" in text
            for stream in dataset.streams:
                assert f"{stream} (" in text
    for event_type in (*rs.CATALOG.event_types, *rs.CATALOG.span_types):
        assert event_type in text
    assert "2024-05-01T00:00:00Z to 2024-05-09T00:00:00Z" in text


def _rows(http: httpx.Client, resource: str, params: dict[str, object]) -> list[str]:
    response = http.get(f"/v1/{resource}.csv", params=params)
    assert response.status_code == 200, response.text
    return response.text.splitlines()[1:]


@pytest.mark.parametrize(
    ("patient_id", "device", "resource"),
    SERIES,
    ids=[f"{p}-{d.device_id}-{r}" for p, d, r in SERIES],
)
def test_first_and_last_sample_match_the_server(
    http: httpx.Client, patient_id: str, device: rs.catalog.Device, resource: str
) -> None:
    coverage = resource_coverage(patient_id, device)[resource]
    base = {"patient_id": patient_id, "device_id": device.device_id, **EXTRA.get(resource, {})}
    if coverage.first > rs.CATALOG.start_time:
        before = _rows(http, resource, {**base, "start_time": rs.CATALOG.start_time,
                                        "end_time": coverage.first})  # fmt: skip
        assert before == []
    first = _rows(http, resource, {**base, "start_time": coverage.first,
                                   "end_time": coverage.first + 1e-3})  # fmt: skip
    assert first and float(first[0].split(",")[0]) == coverage.first
    last = _rows(http, resource, {**base, "start_time": coverage.last,
                                  "end_time": rs.CATALOG.end_time})  # fmt: skip
    assert last and {float(row.split(",")[0]) for row in last} == {coverage.last}


def test_state_updates_match_the_server(http: httpx.Client) -> None:
    device = rs.CATALOG.device(rs.PATIENT_ID, rs.DBS_ID)
    assert device is not None
    coverage = resource_coverage(rs.PATIENT_ID, device)
    for event, fields in device.state_events.items():
        cov = coverage[f"state:{event}"]
        response = http.get(
            "/v1/state.json",
            params={
                "patient_id": rs.PATIENT_ID,
                "device_id": rs.DBS_ID,
                "event": event,
                "fields": ",".join(fields),
                "start_time": rs.CATALOG.start_time,
                "end_time": rs.CATALOG.end_time,
                "expression": "state",
            },
        )
        assert response.status_code == 200, response.text
        times = response.json()["result"]["time"]
        inside = [t for t in times if rs.CATALOG.start_time < t < rs.CATALOG.end_time]
        assert (inside[0], inside[-1], len(inside)) == (cov.first, cov.last, cov.count)
