"""Token pagination (bound to the query), deprecated page numbers, span tokens."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import runestream_sandbox as rs

from ._helpers import DAY, MORNING, T0, TOKEN_HEADERS, dbs, envelope, watch

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

TOKEN = "X-Rune-Next-Page-Token"


def pages(http: httpx.Client, path: str, params: dict[str, Any]) -> list[httpx.Response]:
    """Follow next-page tokens to the end (with a guard against loops)."""
    out = []
    query = dict(params)
    seen: set[str] = set()
    while True:
        r = http.get(path, params=query)
        assert r.status_code == 200, r.text
        out.append(r)
        token = r.headers.get(TOKEN)
        if token is None:
            return out
        assert token not in seen
        seen.add(token)
        query = {**params, "next_page_token": token}


def csv_rows(responses: list[httpx.Response]) -> list[list[str]]:
    rows: list[list[str]] = []
    header = None
    for r in responses:
        lines = list(csv.reader(io.StringIO(r.text)))
        if header is None:
            header = lines[0]
        assert lines[0] == header  # each page starts with its own header row
        rows += lines[1:]
    return rows


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/accel.csv", watch(end_time=MORNING + 20, page_size=333)),
        ("/v1/lfp.csv", dbs(end_time=MORNING + 602, page_size=777)),  # 4 streams per time
        ("/v1/band_power.csv", dbs(end_time=MORNING + 3600, page_size=101)),
        ("/v1/heartrate.csv", watch(start_time=T0, end_time=T0 + DAY, page_size=1000)),
        (
            "/v1/accel.csv",
            watch(
                expression="mean(accel)",
                resolution=60,
                interpolation="linear",
                start_time=T0 + 5 * 3600,  # the watch goes on around 07:00-07:30
                end_time=T0 + 9 * 3600,
                page_size=97,
            ),
        ),
        (
            "/v1/state.csv",
            dbs(
                start_time=T0,
                end_time=T0 + 8 * DAY,
                event="battery_state",
                fields="battery_level",
                page_size=50,
            ),
        ),
    ],
)
def test_csv_pages_concatenate_to_one_page(
    http: httpx.Client, path: str, params: dict[str, Any]
) -> None:
    responses = pages(http, path, params)
    assert len(responses) > 2
    paged = csv_rows(responses)
    whole = csv_rows([http.get(path, params={**params, "page_size": 0})])
    assert paged == whole
    keys = [tuple(r[:6]) for r in paged]
    assert len(set(keys)) == len(keys)  # nothing duplicated


def test_json_pages_concatenate(http: httpx.Client) -> None:
    params = watch(end_time=MORNING + 30, page_size=400)
    responses = pages(http, "/v1/rotation.json", params)
    assert len(responses) == 4  # 1500 rows
    times: list[float] = []
    xs: list[float] = []
    for r in responses:
        result = r.json()["result"]
        times += result["time"]
        xs += result["x"]
        assert "next_page" not in r.json() or r is responses[0]
    whole = http.get("/v1/rotation.json", params={**params, "page_size": 0}).json()["result"]
    assert times == whole["time"] and xs == whole["x"]
    assert times == sorted(set(times))


def test_lfp_json_streams_paginate(http: httpx.Client) -> None:
    params = dbs(end_time=MORNING + 600.4, page_size=50)  # 100 times x 4 streams
    responses = pages(http, "/v1/lfp.json", params)
    assert len(responses) == 8
    per_channel: dict[str, list[float]] = {}
    for r in responses:
        for s in r.json()["result"]["streams"]:
            per_channel.setdefault(s["parameters"]["channel"], []).extend(s["time"])
    assert all(len(t) == 100 and t == sorted(set(t)) for t in per_channel.values())


def test_last_page_has_no_token(http: httpx.Client) -> None:
    r = http.get("/v1/accel.csv", params=watch())
    assert TOKEN not in r.headers


@pytest.mark.parametrize(
    "change",
    [{"end_time": MORNING + 21}, {"page_size": 334}, {"expression": "user"}, {"timestamp": "iso"}],
)
def test_token_is_bound_to_the_query(http: httpx.Client, change: dict[str, Any]) -> None:
    params = watch(end_time=MORNING + 20, page_size=333)
    token = http.get("/v1/accel.csv", params=params).headers[TOKEN]
    ok = http.get("/v1/accel.csv", params={**params, "next_page_token": token})
    assert ok.status_code == 200
    moved = {**params, **change, "next_page_token": token}
    envelope(http.get("/v1/accel.csv", params=moved), 400, "InvalidPageToken")
    other = {**params, "next_page_token": token}
    envelope(http.get("/v1/rotation.csv", params=other), 400, "InvalidPageToken")


def test_defaults_given_or_omitted_are_the_same_query(http: httpx.Client) -> None:
    params = watch(end_time=MORNING + 20, page_size=333)
    token = http.get("/v1/accel.csv", params=params).headers[TOKEN]
    explicit = {**params, "timezone": 0, "timezone_name": "", "expression": "accel", "page": 0}
    r = http.get("/v1/accel.csv", params={**explicit, "next_page_token": token})
    assert r.status_code == 200


@pytest.mark.parametrize("token", ["garbage", "eyJvIjoxMH0=", "MTIzNDU2MDAwMA=="])
def test_forged_token(http: httpx.Client, token: str) -> None:
    params = watch(next_page_token=token)
    envelope(http.get("/v1/accel.csv", params=params), 400, "InvalidPageToken")


def test_token_wins_over_deprecated_page(http: httpx.Client) -> None:
    # The docs: follow a token with "the rest of the query parameters identical" - page too.
    params = watch(end_time=MORNING + 20, page_size=300, page=1)  # 1000 rows: pages 0..3
    first = http.get("/v1/accel.csv", params=params)
    second = http.get("/v1/accel.csv", params={**params, "next_page_token": first.headers[TOKEN]})
    assert second.status_code == 200
    third = http.get("/v1/accel.csv", params={**params, "page": 2})
    assert second.text == third.text


def test_deprecated_page_csv(http: httpx.Client) -> None:
    params = watch(end_time=MORNING + 20, page_size=300)  # 1000 rows: 4 pages
    bodies = [http.get("/v1/accel.csv", params={**params, "page": p}).text for p in range(5)]
    assert bodies[4] == ""  # past the end: an empty body
    rows = csv_rows([_fake(b) for b in bodies[:4]])
    assert rows == csv_rows([http.get("/v1/accel.csv", params={**params, "page_size": 0})])


def test_deprecated_page_json_next_page(http: httpx.Client) -> None:
    params = watch(end_time=MORNING + 20, page_size=300)
    seen = []
    page: int | None = 0
    while page is not None:
        body = http.get("/v1/heartrate.json", params={**params, "page_size": 1, "page": page})
        seen += body.json()["result"]["time"]
        page = body.json().get("next_page")
    assert len(seen) == 4  # heart rate every 5 s
    first = http.get("/v1/accel.json", params={**params, "page": 0}).json()
    assert first["next_page"] == 1
    last = http.get("/v1/accel.json", params={**params, "page": 3}).json()
    assert "next_page" not in last and len(last["result"]["time"]) == 100


def test_event_pagination(http: httpx.Client) -> None:
    params = {"patient_id": rs.PATIENT_ID, "page_size": 7}
    responses = pages(http, "/v1/event.json", params)
    ids = [e["id"] for r in responses for e in r.json()["result"]["event"]]
    whole = http.get("/v1/event.json", params={"patient_id": rs.PATIENT_ID}).json()
    assert ids == [e["id"] for e in whole["result"]["event"]]
    assert len(responses) == -(-len(ids) // 7)


@pytest.fixture(scope="module")
def small_span_pages() -> Iterator[httpx.Client]:
    settings = rs.SandboxSettings(span_page_size=4)
    with rs.SandboxServer(settings) as srv, httpx.Client(base_url=srv.url) as client:
        client.headers.update(TOKEN_HEADERS)
        yield client


def test_span_token_pagination(small_span_pages: httpx.Client, http: httpx.Client) -> None:
    params = {"patient_id": rs.PATIENT_ID, "start_time": T0, "end_time": T0 + 8 * DAY}
    responses = pages(small_span_pages, "/v1/span.json", params)
    assert len(responses) > 3
    assert all("next_page" not in r.json() for r in responses)
    ids = [s["id"] for r in responses for s in r.json()["result"]["span"]]
    whole = http.get("/v1/span.json", params=params).json()["result"]["span"]
    assert ids == [s["id"] for s in whole]


def _fake(text: str) -> httpx.Response:
    return httpx.Response(200, text=text)
