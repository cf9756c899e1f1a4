"""Happy path of all 17 operations: status, media type and the documented shapes."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

import runestream_sandbox as rs
from runestream_sandbox.operations import OPERATIONS

from ._helpers import DAY, MORNING, T0, TOKEN_HEADERS, dbs, watch

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

STATE = {"event": "stimulation_state", "fields": "ld0.threshold.low,ld0.threshold.high"}
HAPPY: dict[str, dict[str, Any]] = {
    "/v1/accel.json": watch(),
    "/v1/accel.csv": watch(),
    "/v1/rotation.json": watch(),
    "/v1/rotation.csv": watch(),
    "/v1/heartrate.json": watch(end_time=MORNING + 60),
    "/v1/heartrate.csv": watch(end_time=MORNING + 60),
    "/v1/probability_symptom.json": watch(symptom="tremor", end_time=MORNING + 600),
    "/v1/probability_symptom.csv": watch(symptom="tremor", end_time=MORNING + 600),
    "/v1/lfp.json": dbs(end_time=MORNING + 600.1),
    "/v1/lfp.csv": dbs(end_time=MORNING + 600.1),
    "/v1/band_power.json": dbs(end_time=MORNING + 660),
    "/v1/band_power.csv": dbs(end_time=MORNING + 660),
    "/v1/state.json": dbs(start_time=T0, end_time=T0 + DAY, **STATE),
    "/v1/state.csv": dbs(start_time=T0, end_time=T0 + DAY, **STATE),
    "/v1/event.json": {"patient_id": rs.PATIENT_ID},
    "/v1/span.json": {"patient_id": rs.PATIENT_ID, "start_time": T0, "end_time": T0 + DAY},
    "/v1/session": {"session_id": rs.DATASET_ID, "stream_name": "metadata"},
}
CSV_HEADERS = {
    "/v1/accel.csv": "time,x,y,z",
    "/v1/rotation.csv": "time,x,y,z",
    "/v1/heartrate.csv": "time,bpm",
    "/v1/probability_symptom.csv": "time,probability",
    "/v1/lfp.csv": "timestamp,algorithm,anatomy,channel,sensor,potential",
    "/v1/band_power.csv": "timestamp,algorithm,anatomy,band,channel,sensor,power",
    "/v1/state.csv": "time,ld0.threshold.low,ld0.threshold.high",
}


def test_seventeen_operations() -> None:
    assert len(OPERATIONS) == 17
    assert {op.path for op in OPERATIONS} == set(HAPPY)


@pytest.mark.parametrize("path", sorted(HAPPY))
def test_happy_path(http: httpx.Client, path: str) -> None:
    r = http.get(path, params=HAPPY[path])
    assert r.status_code == 200, r.text
    if path.endswith(".json"):
        assert r.headers["content-type"] == "application/json"
        body = r.json()
        assert body["success"] is True
        assert isinstance(body["result"], dict)
    elif path.endswith(".csv"):
        assert r.headers["content-type"].startswith("text/csv")
        lines = r.text.splitlines()
        assert lines[0] == CSV_HEADERS[path]
        assert len(lines) > 1
    else:
        assert r.headers["content-type"] == "application/octet-stream"
        assert int(r.headers["content-length"]) == len(r.content) > 0


def test_accel_json_is_column_oriented(http: httpx.Client) -> None:
    result = http.get("/v1/accel.json", params=watch()).json()["result"]
    assert set(result) == {"time", "x", "y", "z"}
    assert len(result["time"]) == len(result["x"]) == 50  # 50 Hz, one second
    assert result["time"][0] == MORNING
    assert all(isinstance(v, float) for v in result["x"])


def test_csv_and_json_agree(http: httpx.Client) -> None:
    text = http.get("/v1/accel.csv", params=watch()).text
    rows = list(csv.DictReader(io.StringIO(text)))
    result = http.get("/v1/accel.json", params=watch()).json()["result"]
    assert [float(r["time"]) for r in rows] == result["time"]
    assert [float(r["y"]) for r in rows] == result["y"]


def test_heartrate_every_five_seconds(http: httpx.Client) -> None:
    result = http.get("/v1/heartrate.json", params=watch(end_time=MORNING + 60)).json()["result"]
    assert len(result["time"]) == 12
    assert all(isinstance(v, int) and 40 < v < 200 for v in result["bpm"])


def test_lfp_csv_textual_columns(http: httpx.Client) -> None:
    text = http.get("/v1/lfp.csv", params=dbs(end_time=MORNING + 600.008)).text
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert len(rows) == 2 * 4  # 250 Hz, two samples, four channels
    assert {r[4] for r in rows} == {"7-5", "4-6", "0-2", "1-3"}
    assert {r[2] for r in rows} == {"GPi", "STN"}
    assert rows[0][0] == rows[3][0] != rows[4][0]  # time-major


def test_band_power_csv_textual_columns(http: httpx.Client) -> None:
    text = http.get("/v1/band_power.csv", params=dbs(end_time=MORNING + 610)).text
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert {r[3] for r in rows} == {"16.4hz-19.8hz", "8.5hz-9.6hz"}
    assert {r[5] for r in rows} == {"7-5", "0-2"}
    assert all(float(r[6]) >= 0 for r in rows)


def test_lfp_json_streams(http: httpx.Client) -> None:
    result = http.get("/v1/lfp.json", params=dbs(end_time=MORNING + 600.1)).json()["result"]
    streams = result["streams"]
    assert len(streams) == 4
    assert streams[0]["parameters"] == {
        "algorithm": "example-dbs-v2",
        "anatomy": "GPi",
        "channel": "0",
        "sensor": "7-5",
    }
    assert len(streams[0]["time"]) == len(streams[0]["potential"]) == 25


def test_event_items(http: httpx.Client) -> None:
    events = http.get("/v1/event.json", params={"patient_id": rs.PATIENT_ID}).json()["result"]
    items = events["event"]
    assert len(items) > 40
    keys = {
        "time",
        "created_time",
        "device_id",
        "id",
        "event_namespace",
        "event_type",
        "event_enum",
        "display_name",
        "payload",
    }
    assert all(set(i) == keys for i in items)
    assert all(i["id"].startswith("event-") for i in items)
    implant = [
        i for i in items if i["event_namespace"] == "device" and i["event_type"] == "implant"
    ]
    assert implant and implant[0]["event_enum"] is None and isinstance(implant[0]["time"], int)
    times = [i["time"] for i in items]
    assert times == sorted(times)


def test_span_items(http: httpx.Client) -> None:
    spans = http.get("/v1/span.json", params=HAPPY["/v1/span.json"]).json()["result"]["span"]
    assert spans
    for s in spans:
        assert s["start_time_min"] <= s["start_time"] < s["end_time"] <= s["end_time_max"]
        assert s["id"].startswith("span-")
    assert any(
        "created_time" not in s
        for s in http.get(
            "/v1/span.json",
            params={"patient_id": rs.PATIENT_ID, "start_time": T0, "end_time": T0 + 8 * DAY},
        ).json()["result"]["span"]
    )


def test_state_csv_rows_at_start_and_end(http: httpx.Client) -> None:
    text = http.get("/v1/state.csv", params=HAPPY["/v1/state.csv"]).text
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert float(rows[0][0]) == T0 and float(rows[-1][0]) == T0 + DAY
    assert rows[0][1:] == ["", ""]  # unknown before the first update
    assert all(r[1] for r in rows[1:])


def test_session_streams(http: httpx.Client) -> None:
    ds = rs.CATALOG.dataset(rs.DATASET_ID)
    assert ds is not None
    bodies = {}
    for name, size in ds.streams.items():
        r = http.get("/v1/session", params={"session_id": rs.DATASET_ID, "stream_name": name})
        assert r.status_code == 200
        assert len(r.content) == size == int(r.headers["content-length"])
        bodies[name] = r.content
    assert len(bodies["accel"]) > 5 * 1024 * 1024
    again = http.get("/v1/session", params={"session_id": rs.DATASET_ID, "stream_name": "accel"})
    assert again.content == bodies["accel"]


def test_special_device_id_round_trips(http: httpx.Client) -> None:
    params = watch(device_id=rs.SPECIAL_DEVICE_ID, start_time=T0 + 10 * 3600)
    params["end_time"] = params["start_time"] + 1
    r = http.get("/v1/accel.csv", params=params)
    assert r.status_code == 200, r.text
    assert "%23" in str(r.request.url)  # '#' must be encoded or it starts a fragment
    assert len(r.text.splitlines()) == 51


def test_patient_scoped_device_id(http: httpx.Client) -> None:
    r = http.get("/v1/heartrate.csv", params=watch(device_id=f"{rs.PATIENT_ID},{rs.WATCH_ID}"))
    assert r.status_code == 200
    assert r.text.splitlines()[0] == "time,bpm"


def test_data_is_deterministic(server: rs.SandboxServer) -> None:
    with rs.SandboxServer() as other:
        a = httpx.get(server.url + "/v1/rotation.csv", params=watch(), headers=TOKEN_HEADERS)
        b = httpx.get(other.url + "/v1/rotation.csv", params=watch(), headers=TOKEN_HEADERS)
    assert a.status_code == 200
    assert a.content == b.content
