"""Time windows and formats, partition_size, event prefixes, span overlap, filenames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest

import runestream_sandbox as rs
from runestream_sandbox.timefmt import make_time_format, strings

from ._helpers import DAY, MORNING, T0, dbs, watch

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]


def result(http: httpx.Client, path: str, params: dict[str, Any]) -> dict[str, Any]:
    r = http.get(path, params=params)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()["result"]
    return out


def test_start_inclusive_end_exclusive(http: httpx.Client) -> None:
    res = result(http, "/v1/heartrate.json", watch(end_time=MORNING + 10))
    assert res["time"] == [MORNING, MORNING + 5]
    res = result(
        http, "/v1/heartrate.json", watch(start_time=MORNING + 0.001, end_time=MORNING + 10.001)
    )
    assert res["time"] == [MORNING + 5, MORNING + 10]


def test_fractional_window(http: httpx.Client) -> None:
    res = result(http, "/v1/accel.json", watch(start_time=MORNING + 0.1, end_time=MORNING + 0.2))
    assert res["time"] == pytest.approx([MORNING + 0.1 + 0.02 * k for k in range(5)])


def test_iso_and_datetime(http: httpx.Client) -> None:
    params = watch(end_time=MORNING + 10)
    iso = result(http, "/v1/heartrate.json", {**params, "timestamp": "iso"})["time"]
    assert iso[0] == "2024-05-01T08:00:00.000000+00:00"
    dt = result(http, "/v1/heartrate.json", {**params, "timestamp": "datetime"})["time"]
    assert dt[1] == "2024-05-01 08:00:05.000000"
    pst = {**params, "timestamp": "iso", "timezone": -28800}
    assert result(http, "/v1/heartrate.json", pst)["time"][0] == "2024-05-01T00:00:00.000000-08:00"
    la = {**params, "timestamp": "iso", "timezone_name": "America/Los_Angeles"}
    assert result(http, "/v1/heartrate.json", la)["time"][0] == "2024-05-01T01:00:00.000000-07:00"
    csv_text = http.get("/v1/heartrate.csv", params=la).text.splitlines()
    assert csv_text[1].startswith("2024-05-01T01:00:00.000000-07:00,")
    unix_with_tz = {**params, "timezone": 3600}
    assert result(http, "/v1/heartrate.json", unix_with_tz)["time"][0] == MORNING


def test_event_times_in_iso(http: httpx.Client) -> None:
    params = {"patient_id": rs.PATIENT_ID, "timestamp": "iso", "timezone_name": "Europe/Paris"}
    events = result(http, "/v1/event.json", params)["event"]
    assert events[0]["time"].endswith("+02:00")
    assert datetime.fromisoformat(events[0]["time"]).timestamp() >= T0


@pytest.mark.parametrize(
    "zone", ["America/Los_Angeles", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"]
)
def test_named_zones_are_dst_correct(zone: str) -> None:
    # around both 2024 transitions of each zone, every minute for two days
    tz = ZoneInfo(zone)
    for start in ("2024-03-09", "2024-10-05", "2024-10-26", "2024-03-30", "2024-04-06"):
        t0 = datetime.fromisoformat(start).replace(tzinfo=UTC)
        ts = [t0 + timedelta(minutes=m) for m in range(0, 2 * 1440, 7)]
        us = np.array([int(t.timestamp()) * 1_000_000 + 250 for t in ts], dtype=np.int64)
        got = strings(us, make_time_format("iso", 0, zone))
        want = [
            t.astimezone(tz).isoformat(timespec="microseconds").replace(".000000", ".000000")
            for t in (x + timedelta(microseconds=250) for x in ts)
        ]
        assert got == want
        local = strings(us, make_time_format("datetime", 0, zone))
        assert local == [w[:26].replace("T", " ") for w in want]


def test_fixed_offsets() -> None:
    us = np.array([0, 1_714_521_600_123_456], dtype=np.int64)
    for seconds in (-28800, 19800, 3601):
        tz = timezone(timedelta(seconds=seconds))
        want = [
            datetime.fromtimestamp(int(u) / 1e6, tz).isoformat(timespec="microseconds") for u in us
        ]
        assert strings(us, make_time_format("iso", seconds, "")) == want


def test_partition_size(http: httpx.Client) -> None:
    params = watch(end_time=MORNING + 30)
    res = result(http, "/v1/heartrate.json", {**params, "partition_size": 4})
    assert [len(p) for p in res["time"]] == [4, 2]
    assert [len(p) for p in res["bpm"]] == [4, 2]
    flat = result(http, "/v1/heartrate.json", params)
    assert [v for part in res["bpm"] for v in part] == flat["bpm"]
    lfp = result(http, "/v1/lfp.json", dbs(end_time=MORNING + 600.02, partition_size=2))
    assert [len(p) for p in lfp["streams"][0]["potential"]] == [2, 2, 1]
    assert lfp["streams"][0]["parameters"]["channel"] == "0"


@pytest.mark.parametrize(
    ("prefix", "types"),
    [
        ("patient", {"medication.levodopa", "medication.propranolol", "symptom.tremor"}),
        ("patient.medication", {"medication.levodopa", "medication.propranolol"}),
        ("patient.medication.levodopa", {"medication.levodopa"}),
        ("device", {"implant.None", "settings.change"}),
        ("device.implant", {"implant.None"}),
        ("patient.med", set()),  # prefixes are whole components
        ("nope", set()),
    ],
)
def test_event_prefix(http: httpx.Client, prefix: str, types: set[str]) -> None:
    events = result(http, "/v1/event.json", {"patient_id": rs.PATIENT_ID, "event": prefix})
    got = {f"{e['event_type']}.{e['event_enum']}" for e in events["event"]}
    assert got == types


def test_event_filters(http: httpx.Client) -> None:
    base = {"patient_id": rs.PATIENT_ID}
    day = result(http, "/v1/event.json", {**base, "start_time": T0 + DAY, "end_time": T0 + 2 * DAY})
    assert day["event"] and all(T0 + DAY <= e["time"] < T0 + 2 * DAY for e in day["event"])
    dbs_only = result(http, "/v1/event.json", {**base, "device_id": rs.DBS_ID})
    assert {e["device_id"] for e in dbs_only["event"]} == {rs.DBS_ID}
    since = result(http, "/v1/event.json", {**base, "start_time": T0 + 7 * DAY})
    assert since["event"] and all(e["time"] >= T0 + 7 * DAY for e in since["event"])


def test_span_overlap(http: httpx.Client) -> None:
    # the night of day 0: sleep runs 23:00 -> 06:30; ask for 02:00-03:00 on day 1
    params = {
        "patient_id": rs.PATIENT_ID,
        "start_time": T0 + DAY + 7200,
        "end_time": T0 + DAY + 10800,
    }
    spans = result(http, "/v1/span.json", params)["span"]
    assert [(s["event_type"], s["event_enum"]) for s in spans] == [("activity", "sleep")]
    assert spans[0]["start_time"] < params["start_time"] < params["end_time"] < spans[0]["end_time"]
    # a window that ends exactly when a span starts does not include it
    edge = {**params, "start_time": T0 + 22 * 3600, "end_time": T0 + 23 * 3600}
    assert all(s["event_enum"] != "sleep" for s in result(http, "/v1/span.json", edge)["span"])
    # ... and one starting exactly at a span's end neither
    after = {**params, "start_time": T0 + DAY + 6.5 * 3600, "end_time": T0 + DAY + 7 * 3600}
    assert all(s["event_enum"] != "sleep" for s in result(http, "/v1/span.json", after)["span"])
    walks = result(
        http,
        "/v1/span.json",
        {**params, "start_time": T0, "end_time": T0 + 8 * DAY, "event": "patient.activity.walk"},
    )["span"]
    assert len(walks) == 16


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/lfp.csv", dbs()),
        ("/v1/lfp.json", dbs()),
        ("/v1/band_power.csv", dbs()),
        ("/v1/probability_symptom.json", watch(symptom="tremor", end_time=MORNING + 120)),
    ],
)
def test_filename(http: httpx.Client, path: str, params: dict[str, Any]) -> None:
    r = http.get(path, params={**params, "filename": "export 1.csv"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="export 1.csv"'
    assert "content-disposition" not in http.get(path, params=params).headers
