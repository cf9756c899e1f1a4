"""V2 stream data through real HTTP: formats, timestamps, bounds, paging, limit, enums, records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import runestream_sandbox as rs

from ._helpers import MORNING, TOKEN_HEADERS, watch
from ._v2 import ACCEL_X, HEART, IMPLANT, IS_ON, LFP_0, WALKS, data_path, second, v2_error

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

NS = 1_000_000_000


@pytest.fixture(scope="module")
def small_pages() -> Iterator[httpx.Client]:
    """A private sandbox with 1,000 points per V2 page."""
    settings = rs.SandboxSettings(v2_page_size=1_000)
    with (
        rs.SandboxServer(settings) as srv,
        httpx.Client(base_url=srv.url, headers=TOKEN_HEADERS, timeout=60) as client,
    ):
        yield client


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def fetch_all(client: httpx.Client, path: str, params: dict[str, Any]) -> list[httpx.Response]:
    """Follow X-Rune-Next-Page-Token as runeq does (every other parameter unchanged)."""
    pages = [client.get(path, params=params)]
    while "x-rune-next-page-token" in pages[-1].headers:
        token = pages[-1].headers["x-rune-next-page-token"]
        pages.append(client.get(path, params={**params, "page_token": token}))
        assert len(pages) < 1000
    return pages


def test_csv_header_and_rows(http: httpx.Client) -> None:
    r = http.get(data_path(ACCEL_X), params=second(seconds=0.1))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    table = rows(r.text)
    assert table[0] == ["time", "acceleration", "measurement_duration_ns"]
    assert [row[0] for row in table[1:3]] == ["2024-05-01T08:00:00Z", "2024-05-01T08:00:00.02Z"]
    assert len(table) == 6  # 50 Hz, end exclusive
    assert {row[2] for row in table[1:]} == {"20000000"}
    assert "x-rune-next-page-token" not in r.headers


def test_same_world_as_v1(http: httpx.Client) -> None:
    v1 = rows(http.get("/v1/accel.csv", params=watch(end_time=MORNING + 2)).text)
    v2 = rows(http.get(data_path(ACCEL_X), params={**second(seconds=2), "timestamp": "unix"}).text)
    assert len(v1) == len(v2) == 101
    for a, b in zip(v1[1:], v2[1:], strict=True):
        assert float(a[0]) == float(b[0])
        assert a[1] == b[1]


def test_timestamp_formats_and_zones(http: httpx.Client) -> None:
    params = second(seconds=0.05)
    unix = rows(http.get(data_path(ACCEL_X), params={**params, "timestamp": "unix"}).text)
    assert [r[0] for r in unix[1:]] == ["1714550400", "1714550400.02", "1714550400.04"]
    ns = rows(http.get(data_path(ACCEL_X), params={**params, "timestamp": "unixns"}).text)
    assert [r[0] for r in ns[1:]] == [
        "1714550400000000000",
        "1714550400020000000",
        "1714550400040000000",
    ]
    la = http.get(
        data_path(ACCEL_X), params={**params, "timezone_name": "America/Los_Angeles"}
    ).text
    assert rows(la)[1][0] == "2024-05-01T01:00:00-07:00"
    offset = http.get(data_path(ACCEL_X), params={**params, "timezone": 19800}).text
    assert rows(offset)[2][0] == "2024-05-01T13:30:00.02+05:30"
    body = http.get(
        data_path(ACCEL_X), params={**params, "format": "json", "timestamp": "unixns"}
    ).json()
    assert body["data"]["time"] == [1714550400000000000, 1714550400020000000, 1714550400040000000]


def test_json_shape(http: httpx.Client) -> None:
    body = http.get(data_path(HEART), params={**second(seconds=15), "format": "json"}).json()
    assert body["cardinality"] == 3
    assert set(body["data"]) == {"time", "heart_rate", "measurement_duration_ns"}
    assert all(isinstance(v, int) for v in body["data"]["heart_rate"])
    assert body["data"]["measurement_duration_ns"] == [5 * NS] * 3


def test_nanosecond_bounds_are_exact(http: httpx.Client) -> None:
    start_ns = int(MORNING) * NS
    params = {
        "start_time_ns": start_ns + 1,
        "end_time_ns": start_ns + 40_000_001,
        "timestamp": "unixns",
    }
    table = rows(http.get(data_path(ACCEL_X), params=params).text)
    # start inclusive: the sample 1 ns before the bound is out; end exclusive: 40 ms is in
    assert [int(r[0]) for r in table[1:]] == [start_ns + 20_000_000, start_ns + 40_000_000]


def test_omitted_bounds_mean_whole_stream(http: httpx.Client) -> None:
    table = rows(http.get(data_path(IMPLANT)).text)
    assert len(table) == 2
    first = rows(http.get(data_path(IS_ON), params={"limit": 1, "timestamp": "unix"}).text)
    assert float(first[1][0]) == IS_ON.to_dict()["min_time"]


def test_paging_follows_tokens_and_limit_counts_across_pages(small_pages: httpx.Client) -> None:
    params: dict[str, Any] = {**second(seconds=50), "timestamp": "unixns"}
    pages = fetch_all(small_pages, data_path(ACCEL_X), params)
    assert len(pages) == 3
    assert all(rows(p.text)[0][0] == "time" for p in pages)
    times = [int(r[0]) for p in pages for r in rows(p.text)[1:]]
    assert len(times) == 2500 == len(set(times))
    assert times == sorted(times)
    limited = fetch_all(small_pages, data_path(ACCEL_X), {**params, "limit": 1500})
    got = [int(r[0]) for p in limited for r in rows(p.text)[1:]]
    assert len(limited) == 2 and got == times[:1500]
    as_json = fetch_all(small_pages, data_path(ACCEL_X), {**params, "format": "json"})
    assert [p.json()["cardinality"] for p in as_json] == [1000, 1000, 500]
    assert [t for p in as_json for t in p.json()["data"]["time"]] == times


def test_page_token_bound_to_query(small_pages: httpx.Client) -> None:
    params: dict[str, Any] = second(seconds=50)
    token = small_pages.get(data_path(ACCEL_X), params=params).headers["x-rune-next-page-token"]
    changed = {**params, "timestamp": "unix", "page_token": token}
    msg = v2_error(small_pages.get(data_path(ACCEL_X), params=changed), 400, "InvalidPageToken")
    assert "page_token" in msg and "next_page_token" not in msg
    other = {**params, "page_token": token}
    v2_error(small_pages.get(data_path(HEART), params=other), 400, "InvalidPageToken")
    garbled = {**params, "page_token": "not-a-token"}
    v2_error(small_pages.get(data_path(ACCEL_X), params=garbled), 400, "InvalidPageToken")


def test_empty_range_is_header_only(http: httpx.Client) -> None:
    r = http.get(data_path(ACCEL_X), params=second(rs.CATALOG.start_time + 3600))
    assert r.text == "time,acceleration,measurement_duration_ns\n"
    body = http.get(data_path(ACCEL_X), params={**second(0), "format": "json"}).json()
    assert body == {
        "cardinality": 0,
        "data": {"time": [], "acceleration": [], "measurement_duration_ns": []},
    }


def test_enums_translated_or_codes(http: httpx.Client) -> None:
    named = rows(http.get(data_path(IS_ON), params={"limit": 5}).text)
    assert named[0] == ["time", "status", "measurement_duration_ns"]
    assert {r[1] for r in named[1:]} <= {"on", "off"}
    for spelling in ("False", "false"):
        codes = http.get(
            data_path(IS_ON), params={"limit": 5, "translate_enums": spelling, "format": "json"}
        ).json()["data"]["status"]
        assert codes == [1 if r[1] == "on" else 0 for r in named[1:]]
    assert http.get(data_path(IS_ON), params={"translate_enums": "True"}).status_code == 200
    v2_error(
        http.get(data_path(IS_ON), params={"translate_enums": "maybe"}), 400, "InvalidParameter"
    )


def test_event_and_span_records(http: httpx.Client) -> None:
    ev = rows(http.get(data_path(IMPLANT)).text)
    assert ev[0] == ["time", "event", "measurement_duration_ns"]
    assert json.loads(ev[1][1])["payload"] == {"model": "Percept PC"}
    raw = http.get(data_path(WALKS), params={"limit": 1}).text
    assert '"{""created_time""' in raw  # a quoted CSV cell holding a JSON object
    span = rows(raw)
    assert span[0] == rs.STREAM_TYPES["span"].columns
    start, end = span[1][2], span[1][3]
    assert span[1][0] == start and start < end
    body = http.get(data_path(WALKS), params={"limit": 1, "format": "json", "timestamp": "unixns"})
    data = body.json()["data"]
    assert data["measurement_duration_ns"][0] == data["end_time"][0] - data["start_time"][0]
    assert data["event"][0]["display_name"] == "Walk"


def test_lfp_values(http: httpx.Client) -> None:
    params = second(MORNING + 600, 0.02)
    body = http.get(data_path(LFP_0), params={**params, "format": "json"}).json()
    assert body["cardinality"] == 5  # 250 Hz
    assert body["data"]["measurement_duration_ns"][0] == 4_000_000
