"""V2 availability (single and batch), daily_aggregate and aggregate_window through real HTTP."""

from __future__ import annotations

import csv
import io
import statistics

import httpx
import pytest

import runestream_sandbox as rs

from ._helpers import DAY, MORNING, T0
from ._v2 import ACCEL_X, HEART, IS_ON, OTHER_HEART, PHONE_X, WALKS, data_path, v2_error

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]


def avail(http: httpx.Client, stream: rs.Stream, **extra: object) -> list[int]:
    params = {"start_time": T0, "end_time": T0 + DAY, "resolution": 3600, **extra}
    r = http.get(data_path(stream, "/availability"), params=params)
    assert r.status_code == 200, r.text
    table = list(csv.reader(io.StringIO(r.text)))
    assert table[0] == ["time", "availability"]
    return [int(row[1]) for row in table[1:]]


def batch(http: httpx.Client, streams: list[rs.Stream], op: str, **extra: object) -> httpx.Response:
    params: list[tuple[str, str | float | int]] = [("stream_id", s.id) for s in streams]
    params += [("start_time", T0), ("end_time", T0 + DAY), ("resolution", 3600)]
    params += [("batch_operation", op)] + [(k, str(v)) for k, v in extra.items()]
    return http.get("/v2/batch/availability", params=params)


def test_bins_follow_the_data(http: httpx.Client) -> None:
    watch = avail(http, ACCEL_X)
    assert len(watch) == 24
    assert watch[:7] == [0] * 7 and watch[8:22] == [1] * 14 and watch[23] == 0
    phone = avail(http, PHONE_X)
    assert phone == [0] * 9 + [1] * 9 + [0] * 6


def test_last_bin_is_clipped_and_json_shape(http: httpx.Client) -> None:
    params = {"start_time": MORNING, "end_time": MORNING + 1000, "resolution": 300}
    body = http.get(
        data_path(HEART, "/availability"), params={**params, "format": "json", "timestamp": "unix"}
    ).json()
    assert body["cardinality"] == 4
    assert body["data"]["time"] == [MORNING + k * 300 for k in range(4)]
    assert body["data"]["availability"] == [1, 1, 1, 1]
    assert body["approx_available_duration_s"] == 1000.0


def test_batch_any_all_match_the_singles(http: httpx.Client) -> None:
    streams = [ACCEL_X, PHONE_X, HEART]
    singles = [avail(http, s) for s in streams]
    for op, combine in (("any", max), ("all", min)):
        r = batch(http, streams, op)
        got = [int(row[1]) for row in list(csv.reader(io.StringIO(r.text)))[1:]]
        assert got == [combine(bits) for bits in zip(*singles, strict=True)]
    assert any(a != b for a, b in zip(singles[0], singles[1], strict=True))


def test_batch_limits_and_required(http: httpx.Client) -> None:
    ids = list(rs.STREAMS.values())
    assert batch(http, [HEART] * 50, "any").status_code == 200
    msg = v2_error(batch(http, ids[:51], "any"), 400, "InvalidParameter")
    assert "50" in msg
    r = http.get(
        "/v2/batch/availability",
        params=[
            ("stream_id", HEART.id),
            ("start_time", T0),
            ("end_time", T0 + DAY),
            ("resolution", 3600),
        ],
    )
    assert "batch_operation" in v2_error(r, 400, "MissingParameter")
    v2_error(batch(http, [HEART, ACCEL_X], "either"), 400, "InvalidParameter")
    r = http.get(
        "/v2/batch/availability",
        params={"start_time": T0, "end_time": T0 + 1, "resolution": 300, "batch_operation": "any"},
    )
    assert "stream_id" in v2_error(r, 400, "MissingParameter")


def test_resolution_range(http: httpx.Client) -> None:
    for bad in (299, 86401, "3600.5"):
        r = http.get(
            data_path(HEART, "/availability"),
            params={"start_time": T0, "end_time": T0 + DAY, "resolution": bad},
        )
        assert "resolution" in v2_error(r, 400, "InvalidParameter")
    assert avail(http, HEART, resolution=300) and avail(http, HEART, resolution=86400) == [1]


def test_availability_paging_and_limit() -> None:
    settings = rs.SandboxSettings(v2_page_size=10)
    with rs.SandboxServer(settings) as srv, httpx.Client(base_url=srv.url) as c:
        c.headers.update({"X-Rune-User-Access-Token": rs.JWT})
        params = {"start_time": T0, "end_time": T0 + DAY, "resolution": 3600, "limit": 15}
        first = c.get(data_path(HEART, "/availability"), params=params)
        token = first.headers["x-rune-next-page-token"]
        second = c.get(data_path(HEART, "/availability"), params={**params, "page_token": token})
        assert "x-rune-next-page-token" not in second.headers
        assert len(first.text.splitlines()) == 11 and len(second.text.splitlines()) == 6


def test_daily_aggregate(http: httpx.Client) -> None:
    params = {"start_time": T0, "resolution": 3600, "n_days": 2}
    body = http.get(data_path(HEART, "/daily_aggregate"), params=params).json()
    assert body["cardinality"] == 24
    assert body["data"]["offset"][:2] == ["00:00", "01:00"]
    assert body["data"]["n_days_with_data"][3] == 0 and body["data"]["n_days_with_data"][12] == 2
    assert body["data"]["values"][3] is None
    # 12:00-13:00 on both days, from the raw data: the mean of the two daily means
    daily = []
    for day in range(2):
        start = T0 + day * DAY + 12 * 3600
        page = http.get(
            data_path(HEART),
            params={"start_time": start, "end_time": start + 3600, "format": "json"},
        ).json()
        daily.append(statistics.fmean(page["data"]["heart_rate"]))
    assert body["data"]["values"][12] == pytest.approx(statistics.fmean(daily), abs=1e-4)
    summary = body["summary"]
    assert summary["n_days_with_data_total"] == 2
    assert summary["value_max"] == pytest.approx(max(v for v in body["data"]["values"] if v))
    minutes = http.get(
        data_path(HEART, "/daily_aggregate"), params={**params, "resolution": 90}
    ).json()
    assert minutes["data"]["offset"][:2] == ["00:00", "00:01:30"]


def test_daily_aggregate_bad_input(http: httpx.Client) -> None:
    path = data_path(HEART, "/daily_aggregate")
    base = {"start_time": T0, "resolution": 3600, "n_days": 2}
    assert "resolution" in v2_error(
        http.get(path, params={**base, "resolution": 7}), 400, "InvalidParameter"
    )
    for n in (0, 15):
        assert "n_days" in v2_error(
            http.get(path, params={**base, "n_days": n}), 400, "InvalidParameter"
        )
    r = http.get(data_path(WALKS, "/daily_aggregate"), params=base)
    assert "numeric" in v2_error(r, 400, "InvalidParameter")
    v2_error(http.get(path, params={"start_time": T0, "n_days": 1}), 400, "MissingParameter")


def test_aggregate_window(http: httpx.Client) -> None:
    start = MORNING
    params = {"start_time": start, "end_time": start + 600, "resolution": 300, "timestamp": "unix"}
    raw = http.get(
        data_path(HEART), params={"start_time": start, "end_time": start + 300, "format": "json"}
    ).json()["data"]["heart_rate"]
    mean = http.get(
        data_path(HEART, "/aggregate_window"), params={**params, "aggregate_function": "mean"}
    ).json()
    assert mean["cardinality"] == 2 and mean["data"]["time"] == [start, start + 300]
    assert mean["data"]["aggregate_values"][0] == pytest.approx(statistics.fmean(raw), abs=1e-4)
    assert mean["data"]["duration_sum"] == [300.0, 300.0]
    total = http.get(
        data_path(HEART, "/aggregate_window"), params={**params, "aggregate_function": "sum"}
    ).json()
    assert total["data"]["aggregate_values"][0] == sum(raw)
    assert set(total["summary"]) == {
        "value_mean",
        "value_min",
        "value_max",
        "value_med",
        "value_std",
    }
    night = http.get(
        data_path(HEART, "/aggregate_window"),
        params={
            "start_time": T0,
            "end_time": T0 + 600,
            "resolution": 300,
            "aggregate_function": "sum",
        },
    ).json()
    assert night["data"]["aggregate_values"] == [None, None]
    assert night["summary"]["value_mean"] is None
    v2_error(
        http.get(
            data_path(HEART, "/aggregate_window"), params={**params, "aggregate_function": "max"}
        ),
        400,
        "InvalidParameter",
    )
    assert "numeric" in v2_error(
        http.get(
            data_path(IS_ON, "/aggregate_window"), params={**params, "aggregate_function": "sum"}
        ),
        400,
        "InvalidParameter",
    )


def test_other_patients_streams_under_a_client_key(http: httpx.Client) -> None:
    from ._helpers import KEY_HEADERS

    params = {"start_time": T0, "end_time": T0 + DAY, "resolution": 3600}
    with httpx.Client(base_url=str(http.base_url), headers=KEY_HEADERS) as key:
        assert key.get(data_path(HEART, "/availability"), params=params).status_code == 200
        v2_error(key.get(data_path(OTHER_HEART, "/availability"), params=params), 403, "Forbidden")
        r = key.get(
            "/v2/batch/availability",
            params=[
                ("stream_id", HEART.id),
                ("stream_id", OTHER_HEART.id),
                ("batch_operation", "any"),
                *params.items(),
            ],
        )
        v2_error(r, 403, "Forbidden")
