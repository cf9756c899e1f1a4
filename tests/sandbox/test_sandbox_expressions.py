"""Expressions: availability, downsampling, interpolation, accel variants, LFP, severities."""

from __future__ import annotations

import csv
import io
import math
import statistics
from typing import Any

import httpx
import pytest

import runestream_sandbox as rs

from ._helpers import DAY, MORNING, T0, TOKEN_HEADERS, dbs, watch

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]


def result(http: httpx.Client, path: str, params: dict[str, Any]) -> dict[str, Any]:
    r = http.get(path, params=params)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()["result"]
    return out


def rows(http: httpx.Client, path: str, params: dict[str, Any]) -> list[dict[str, str]]:
    r = http.get(path, params=params)
    assert r.status_code == 200, r.text
    return list(csv.DictReader(io.StringIO(r.text)))


def test_availability_default_resolution(http: httpx.Client) -> None:
    day = watch(start_time=T0, end_time=T0 + DAY, expression="availability(accel)")
    res = result(http, "/v1/accel.json", day)
    assert set(res) == {"time", "availability(accel)"}
    assert len(res["time"]) == 288  # 5-minute buckets
    assert res["time"][1] - res["time"][0] == 300
    values = res["availability(accel)"]
    assert set(values) == {0, 1}
    assert values[0] == 0 and values[12 * 12] == 1  # off at midnight, worn at noon
    csv_rows = rows(http, "/v1/accel.csv", day)
    assert list(csv_rows[0]) == ["time", "availability(accel)"]
    assert [int(r["availability(accel)"]) for r in csv_rows] == values


@pytest.mark.parametrize(
    ("path", "params", "buckets"),
    [
        ("/v1/heartrate.json", watch(expression="availability(bpm)"), 1440),
        ("/v1/rotation.json", watch(expression="availability(rotation)"), 288),
        ("/v1/band_power.json", dbs(expression="availability(power)"), 1440),
        ("/v1/lfp.json", dbs(expression="availability(lfp)"), 1440),
        ("/v1/lfp.json", dbs(expression="availability(lfp)", channels="0"), 288),
        (
            "/v1/probability_symptom.json",
            watch(expression="availability(probability)", symptom="tremor"),
            1440,
        ),
        ("/v1/accel.json", watch(expression="availability(accel)", resolution=3600), 24),
        ("/v1/accel.json", watch(expression="availability(accel)", frequency=1 / 7200), 12),
    ],
)
def test_availability_resolutions(
    http: httpx.Client, path: str, params: dict[str, Any], buckets: int
) -> None:
    res = result(http, path, {**params, "start_time": T0, "end_time": T0 + DAY, "page_size": 0})
    streams = res.get("streams", [res])
    for s in streams:
        assert len(s["time"]) == buckets
        key = "availability" if "streams" in res else next(k for k in s if k != "time")
        assert set(s[key]) <= {0, 1} and 1 in s[key]


def test_state_availability(http: httpx.Client) -> None:
    params = dbs(start_time=T0, end_time=T0 + DAY, expression="availability(state)")
    params.update(event="stimulation_state", fields="is_on,amplitude_ma", resolution=3600)
    res = result(http, "/v1/state.json", params)
    assert len(res["time"]) == 24
    assert res["is_on"][0] == 0 and res["is_on"][-1] == 1


def _raw(http: httpx.Client, start: float, end: float) -> dict[str, Any]:
    return result(http, "/v1/accel.json", watch(start_time=start, end_time=end))


@pytest.mark.parametrize("agg", ["first", "last", "mean", "median"])
def test_downsampling_matches_raw(http: httpx.Client, agg: str) -> None:
    params = watch(end_time=MORNING + 3, expression=f"{agg}(accel)", resolution=1)
    res = result(http, "/v1/accel.json", params)
    assert res["time"] == [MORNING, MORNING + 1, MORNING + 2]
    for i, t in enumerate(res["time"]):
        xs = _raw(http, t, t + 1)["x"]
        expected = {
            "first": xs[0],
            "last": xs[-1],
            "mean": sum(xs) / len(xs),
            "median": statistics.median(xs),
        }[agg]
        assert res["x"][i] == pytest.approx(expected, abs=1e-4)


def test_raw_expression_with_frequency_resamples(http: httpx.Client) -> None:
    res = result(http, "/v1/accel.json", watch(end_time=MORNING + 2, frequency=5))
    raw = _raw(http, MORNING, MORNING + 2)
    assert res["time"] == [MORNING + k * 0.2 for k in range(10)]
    assert res["x"] == raw["x"][::10]


def _interp(http: httpx.Client, mode: str) -> dict[str, Any]:
    # heart rate over a whole day in 30-minute buckets: empty while the watch is off
    params = watch(start_time=T0, end_time=T0 + DAY, expression="mean(bpm)", resolution=1800)
    return result(http, "/v1/heartrate.json", {**params, "interpolation": mode})


def test_interpolation_modes(http: httpx.Client) -> None:
    skip = _interp(http, "")
    full = {m: _interp(http, m) for m in ("null", "zero", "previous", "linear")}
    assert all(len(r["time"]) == 48 for r in full.values())
    assert 0 < len(skip["time"]) < 48
    known = dict(zip(skip["time"], skip["bpm"], strict=True))
    nulls = full["null"]["bpm"]
    for i, t in enumerate(full["null"]["time"]):
        if t in known:
            for m in full:
                assert full[m]["bpm"][i] == known[t]
        else:
            assert nulls[i] is None
            assert full["zero"]["bpm"][i] == 0
    first_known = next(i for i, v in enumerate(nulls) if v is not None)
    last_known = max(i for i, v in enumerate(nulls) if v is not None)
    previous = full["previous"]["bpm"]
    linear = full["linear"]["bpm"]
    assert previous[0] is None and linear[0] is None  # nothing known before
    assert linear[-1] is None  # nothing known after
    assert all(v is not None for v in previous[first_known:])
    gaps = [i for i in range(first_known, last_known) if nulls[i] is None]
    for i in gaps:
        prev = max(j for j in range(i) if nulls[j] is not None)
        nxt = min(j for j in range(i, 48) if nulls[j] is not None)
        assert previous[i] == nulls[prev]
        expected = nulls[prev] + (nulls[nxt] - nulls[prev]) * (i - prev) / (nxt - prev)
        assert linear[i] == pytest.approx(expected, abs=1e-4)


def test_accel_user_plus_gravity(http: httpx.Client) -> None:
    net = result(http, "/v1/accel.json", watch())
    user = result(http, "/v1/accel.json", watch(expression="user"))
    grav = result(http, "/v1/accel.json", watch(expression="gravity"))
    for axis in "xyz":
        for a, u, g in zip(net[axis], user[axis], grav[axis], strict=True):
            assert a == pytest.approx(u + g, abs=2e-4)
    vectors = zip(grav["x"], grav["y"], grav["z"], strict=True)
    assert all(0.99 < math.dist((0, 0, 0), v) < 1.01 for v in vectors)


def test_spectrogram_csv_columns(http: httpx.Client) -> None:
    params = dbs(end_time=MORNING + 603, expression="spectrogram(lfp)", low_freq=15, high_freq=25)
    data = rows(http, "/v1/lfp.csv", params)
    assert list(data[0]) == [
        "timestamp",
        "algorithm",
        "anatomy",
        "channel",
        "sensor",
        *(f"f_{f}hz" for f in range(15, 26)),
    ]
    assert len(data) == 3 * 4  # three 1-second windows, four channels
    peak = max(range(15, 26), key=lambda f: float(data[0][f"f_{f}hz"]))
    assert 19 <= peak <= 22  # beta burst around 20.5 Hz
    capped = rows(http, "/v1/lfp.csv", {**params, "low_freq": 120, "high_freq": 200})
    assert list(capped[0])[-1] == "f_125hz"  # Nyquist of 250 Hz sampling


def test_spectrogram_json(http: httpx.Client) -> None:
    params = dbs(end_time=MORNING + 603, expression="spectrogram(lfp)", low_freq=18, high_freq=21)
    res = result(http, "/v1/lfp.json", {**params, "channel": "0"})
    (stream,) = res["streams"]
    assert stream["y"] == [18, 19, 20, 21]
    assert len(stream["spectrogram"]) == 4 and all(len(a) == 3 for a in stream["spectrogram"])


@pytest.mark.parametrize(
    ("expression", "keys"),
    [
        ("projection(spectrogram(lfp),y,z)", {"x", "y", "parameters"}),
        ("mean_std(projection(spectrogram(lfp),y,z))", {"x", "mean", "std", "point_count"}),
        ("percentiles(projection(spectrogram(lfp),y,z))", {"x", "p10", "p50", "p90"}),
        ("band_power(spectrogram(lfp))", {"time", "band_power", "parameters"}),
        ("frequency_spectrum", {"time", "y", "frequency_spectrum"}),
    ],
)
def test_other_lfp_expressions(http: httpx.Client, expression: str, keys: set[str]) -> None:
    params = dbs(end_time=MORNING + 610, expression=expression, low_freq=10, high_freq=30)
    stream = result(http, "/v1/lfp.json", params)["streams"][0]
    assert keys <= set(stream)


def test_lfp_filters_and_legacy_channels(http: httpx.Client) -> None:
    params = dbs(end_time=MORNING + 600.008)
    assert {r["channel"] for r in rows(http, "/v1/lfp.csv", {**params, "channel": "0,2"})} == {
        "0",
        "2",
    }
    stn = rows(http, "/v1/lfp.csv", {**params, "anatomy": "STN", "sensor": "0-2"})
    assert {(r["anatomy"], r["sensor"]) for r in stn} == {("STN", "0-2")}
    legacy = http.get("/v1/lfp.csv", params={**params, "channels": "1,3"}).text.splitlines()
    assert legacy[0] == "time,channel,lfp"
    assert {line.split(",")[1] for line in legacy[1:]} == {"1", "3"}
    none = rows(http, "/v1/lfp.csv", {**params, "algorithm": "other-algo"})
    assert none == []


def test_band_power_filters(http: httpx.Client) -> None:
    params = dbs(end_time=MORNING + 610)
    data = rows(http, "/v1/band_power.csv", {**params, "band": "16.4hz-19.8hz", "anatomy": "GPi"})
    assert [(r["band"], r["anatomy"], r["channel"]) for r in data] == [
        ("16.4hz-19.8hz", "GPi", "0")
    ]
    data = rows(http, "/v1/band_power.csv", {**params, "sensor": "0-2", "channel": "2"})
    assert len(data) == 2 and {r["sensor"] for r in data} == {"0-2"}


def test_probability_severities(http: httpx.Client) -> None:
    params = watch(symptom="tremor", end_time=MORNING + 600)
    data = rows(http, "/v1/probability_symptom.csv", {**params, "severity": "*"})
    assert list(data[0]) == ["time", "mild", "moderate", "none", "slight", "strong", "unknown"]
    assert len(data) == 10
    for r in data:
        assert sum(float(v) for k, v in r.items() if k != "time") == pytest.approx(1, abs=1e-3)
    picked = result(
        http,
        "/v1/probability_symptom.json",
        {**params, "severity": "strong,mild", "resolution": 300},
    )
    assert list(picked) == ["time", "strong", "mild"] and len(picked["time"]) == 2
    plain = result(http, "/v1/probability_symptom.json", params)
    assert list(plain) == ["time", "probability"] and len(plain["time"]) == 10
    assert all(0 <= p <= 1 for p in plain["probability"])
    dys = result(http, "/v1/probability_symptom.json", {**params, "symptom": "dyskinesia"})
    assert len(dys["probability"]) == 10


def test_state_update_and_event_type(http: httpx.Client) -> None:
    base = dbs(start_time=T0, end_time=T0 + DAY)
    types = result(http, "/v1/state.json", {**base, "expression": "event_type"})
    assert types == {"event_type": ["battery_state", "stimulation_state"]}
    upd = result(
        http, "/v1/state.json", {**base, "expression": "update", "event": "stimulation_state"}
    )
    assert upd["cardinality"] == len(upd["time"]) == len(upd["update"]) > 0
    assert set(upd["update"][0]) == {
        "ld0.threshold.low",
        "ld0.threshold.high",
        "amplitude_ma",
        "is_on",
    }
    only = result(
        http,
        "/v1/state.json",
        {**base, "expression": "update", "event": "stimulation_state", "fields": "is_on"},
    )
    assert all(set(u) == {"is_on"} for u in only["update"])
    state = result(
        http, "/v1/state.json", {**base, "event": "stimulation_state", "fields": "amplitude_ma"}
    )
    assert state["time"][0] == T0 and state["time"][-1] == T0 + DAY
    assert state["amplitude_ma"][0] is None and state["amplitude_ma"][-1] is not None


def test_accel_rate_override() -> None:
    with rs.SandboxServer(rs.SandboxSettings(accel_rate_hz=100)) as srv:
        r = httpx.get(srv.url + "/v1/accel.csv", params=watch(), headers=TOKEN_HEADERS)
        assert len(r.text.splitlines()) == 101
        r = httpx.get(srv.url + "/v1/rotation.csv", params=watch(), headers=TOKEN_HEADERS)
        assert len(r.text.splitlines()) == 51
