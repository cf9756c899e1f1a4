"""400s: missing, unknown, repeated and malformed parameters, ranges and conflicts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import runestream_sandbox as rs
from runestream_sandbox.operations import OPERATIONS

from ._helpers import DAY, MORNING, T0, dbs, envelope, watch
from .test_sandbox_operations import HAPPY

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

REQUIRED = sorted(
    (op.path, name) for op in OPERATIONS for name, spec in op.params.items() if spec.required
)


@pytest.mark.parametrize(("path", "name"), REQUIRED)
def test_missing_required(http: httpx.Client, path: str, name: str) -> None:
    params = dict(HAPPY[path])
    params.pop(name, None)
    assert name in envelope(http.get(path, params=params), 400, "MissingParameter")


@pytest.mark.parametrize("path", sorted(HAPPY))
def test_unknown_parameter(http: httpx.Client, path: str) -> None:
    msg = envelope(http.get(path, params={**HAPPY[path], "bogus": "1"}), 400, "UnknownParameter")
    assert "bogus" in msg


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/v1/span.json", {"page": 1}),  # token-only pagination
        ("/v1/span.json", {"page_size": 10}),
        ("/v1/accel.csv", {"filename": "a.csv"}),  # not documented for accel
        ("/v1/accel.csv", {"partition_size": 2}),  # JSON only
        ("/v1/lfp.csv", {"interpolation": "zero"}),
        ("/v1/state.json", {"interpolation": "zero"}),
        ("/v1/probability_symptom.json", {"algorithm": "x"}),
        ("/v1/event.json", {"expression": "x"}),
    ],
)
def test_undocumented_parameter(http: httpx.Client, path: str, extra: dict[str, Any]) -> None:
    envelope(http.get(path, params={**HAPPY[path], **extra}), 400, "UnknownParameter")


def test_repeated_parameter(http: httpx.Client) -> None:
    url = "/v1/accel.csv?" + str(httpx.QueryParams(watch())) + "&device_id=other"
    assert "device_id" in envelope(http.get(url), 400, "InvalidParameter")


@pytest.mark.parametrize(
    "extra",
    [
        {"start_time": "abc"},
        {"start_time": "nan"},
        {"end_time": "inf"},
        {"start_time": ""},
        {"frequency": "fast"},
        {"frequency": 0},
        {"resolution": -1},
        {"timezone": "1.5"},
        {"timezone": 90000},
        {"timezone_name": "Mars/Olympus"},
        {"timestamp": "epoch"},
        {"interpolation": "cubic"},
        {"page": -1},
        {"page": "one"},
        {"page_size": -1},
        {"page_size": 10001},
        {"partition_size": 0},
        {"expression": "accel2"},
        {"expression": "mean(rotation)", "resolution": 1},
    ],
)
def test_invalid_values(http: httpx.Client, extra: dict[str, Any]) -> None:
    envelope(http.get("/v1/accel.json", params=watch(**extra)), 400, "InvalidParameter")


@pytest.mark.parametrize(
    ("path", "params", "maximum", "default"),
    [
        ("/v1/accel.json", watch(), 10_000, 10_000),
        ("/v1/accel.csv", watch(), 3_600_000, 2_000_000),
        ("/v1/band_power.csv", dbs(), 10_000, 10_000),  # as documented
        ("/v1/band_power.json", dbs(), 10_000, 10_000),
        ("/v1/lfp.csv", dbs(), 3_600_000, 2_000_000),
        ("/v1/event.json", {"patient_id": rs.PATIENT_ID}, 10_000, 10_000),
    ],
)
def test_page_size_range(
    http: httpx.Client, path: str, params: dict[str, Any], maximum: int, default: int
) -> None:
    del default
    assert http.get(path, params={**params, "page_size": maximum}).status_code == 200
    assert http.get(path, params={**params, "page_size": 0}).status_code == 200
    envelope(http.get(path, params={**params, "page_size": maximum + 1}), 400, "InvalidParameter")


def test_page_size_zero_means_default(http: httpx.Client) -> None:
    params = watch(end_time=MORNING + 300)  # 15000 rows: more than the JSON default
    zero = http.get("/v1/accel.json", params={**params, "page_size": 0})
    default = http.get("/v1/accel.json", params=params)
    assert zero.content == default.content
    assert len(zero.json()["result"]["time"]) == 10_000


def test_frequency_and_resolution_conflict(http: httpx.Client) -> None:
    params = watch(expression="mean(accel)", frequency=1, resolution=1)
    envelope(http.get("/v1/accel.json", params=params), 400, "ConflictingParameters")


def test_timezone_conflict_only_with_real_values(http: httpx.Client) -> None:
    both = watch(timestamp="iso", timezone=-28800, timezone_name="America/Los_Angeles")
    envelope(http.get("/v1/accel.json", params=both), 400, "ConflictingParameters")
    # the documented defaults (timezone=0, timezone_name="") count as "not provided"
    for params in (
        watch(timestamp="iso", timezone=0, timezone_name="America/Los_Angeles"),
        watch(timestamp="iso", timezone=-28800, timezone_name=""),
        watch(timestamp="iso", timezone=0, timezone_name=""),
    ):
        assert http.get("/v1/accel.json", params=params).status_code == 200


@pytest.mark.parametrize("end", [MORNING, MORNING - 1])
def test_start_must_precede_end(http: httpx.Client, end: float) -> None:
    envelope(http.get("/v1/accel.csv", params=watch(end_time=end)), 400, "InvalidParameter")


@pytest.mark.parametrize("other", ["algorithm", "anatomy", "channel", "sensor"])
def test_lfp_channels_conflict(http: httpx.Client, other: str) -> None:
    params = dbs(channels="0,1", **{other: "0"})
    envelope(http.get("/v1/lfp.csv", params=params), 400, "ConflictingParameters")


@pytest.mark.parametrize("agg", ["first", "last", "mean", "median"])
def test_downsampling_requires_resolution(http: httpx.Client, agg: str) -> None:
    r = http.get("/v1/heartrate.json", params=watch(expression=f"{agg}(bpm)"))
    assert "frequency or resolution" in envelope(r, 400, "MissingParameter")


def test_state_requirements_depend_on_expression(http: httpx.Client) -> None:
    base = dbs(start_time=T0, end_time=T0 + DAY)
    assert http.get("/v1/state.json", params={**base, "expression": "event_type"}).is_success
    update = {**base, "expression": "update", "event": "battery_state"}
    assert http.get("/v1/state.json", params=update).is_success
    r = http.get("/v1/state.json", params={**base, "event": "battery_state"})
    assert "fields" in envelope(r, 400, "MissingParameter")
    envelope(
        http.get("/v1/state.csv", params={**base, "expression": "event_type"}),
        400,
        "InvalidParameter",
    )
    state = {**base, "event": "battery_state", "fields": "battery_level", "resolution": 60}
    envelope(http.get("/v1/state.csv", params=state), 400, "InvalidParameter")
    unknown = {**base, "event": "battery_state", "fields": "battery_level,nope"}
    envelope(http.get("/v1/state.csv", params=unknown), 400, "InvalidParameter")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/lfp.csv", dbs(low_freq=30, high_freq=20)),
        ("/v1/lfp.csv", dbs(high_freq=201)),
        ("/v1/lfp.csv", dbs(expression="projection(spectrogram(lfp),y,z)")),  # JSON only
        ("/v1/band_power.json", dbs(expression="mean(power)")),
        ("/v1/probability_symptom.csv", watch(symptom="tremor", severity="severe")),
        ("/v1/probability_symptom.csv", watch(symptom="dyskinesia", severity="*")),
        ("/v1/accel.csv", watch(device_id=rs.SPECIAL_DEVICE_ID, expression="user")),
        ("/v1/event.json", {"patient_id": rs.PATIENT_ID, "event": "patient..tremor"}),
        ("/v1/lfp.json", dbs(filename='bad"name.json')),
        ("/v1/lfp.json", dbs(channel="0,,1")),
        ("/v1/accel.csv", watch(expression="mean(accel)", resolution=1e-6, end_time=T0 + DAY)),
    ],
)
def test_resource_specific_errors(http: httpx.Client, path: str, params: dict[str, Any]) -> None:
    envelope(http.get(path, params=params), 400, "InvalidParameter")


def test_errors_on_csv_and_session_are_json(http: httpx.Client) -> None:
    r = http.get("/v1/accel.csv", params=watch(start_time="x"))
    assert r.headers["content-type"] == "application/json"
    r = http.get("/v1/session", params={"session_id": rs.DATASET_ID})
    assert "stream_name" in envelope(r, 400, "MissingParameter")
