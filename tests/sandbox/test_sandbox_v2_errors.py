"""V2 errors, auth, faults, latency and page caching through real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

import runestream_sandbox as rs

from ._helpers import KEY_HEADERS, MORNING, TOKEN_HEADERS
from ._v2 import ACCEL_X, HEART, OTHER_HEART, data_path, second, v2_error

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

FAULT = "X-Sandbox-Fault"


@pytest.fixture
def sandbox() -> Iterator[tuple[rs.SandboxServer, httpx.Client]]:
    """A private server: fault rules and counters must not leak into other tests."""
    with rs.SandboxServer() as srv, httpx.Client(base_url=srv.url, timeout=30) as client:
        client.headers.update(TOKEN_HEADERS)
        yield srv, client


def test_auth(http: httpx.Client) -> None:
    base = str(http.base_url)
    with httpx.Client(base_url=base) as anon:
        v2_error(anon.get(data_path(HEART), params=second()), 401, "InvalidAuthentication")
        bad = {"X-Rune-User-Access-Token": "nope"}
        v2_error(
            anon.get(data_path(HEART), params=second(), headers=bad), 401, "InvalidAuthentication"
        )
        jwt = {"X-Rune-User-Access-Token": rs.JWT}
        assert anon.get(data_path(OTHER_HEART), params=second(), headers=jwt).status_code == 200
        half = {"X-Rune-Client-Key-Id": rs.CLIENT_KEY_ID}
        v2_error(
            anon.get(data_path(HEART), params=second(), headers=half), 401, "InvalidAuthentication"
        )
    with httpx.Client(base_url=base, headers=KEY_HEADERS) as key:
        assert key.get(data_path(HEART), params=second()).status_code == 200
        v2_error(key.get(data_path(OTHER_HEART), params=second()), 403, "Forbidden")


def test_unknown_stream_and_endpoint(http: httpx.Client) -> None:
    msg = v2_error(http.get(f"/v2/streams/{'0' * 64}", params=second()), 404, "NotFound")
    assert "0" * 64 in msg
    v2_error(
        http.get(
            f"/v2/streams/{'0' * 64}/availability",
            params={"start_time": 1, "end_time": 2, "resolution": 300},
        ),
        404,
        "NotFound",
    )
    v2_error(http.get("/v2/streams"), 404, "NotFound")
    r = http.post(data_path(HEART))
    v2_error(r, 405, "MethodNotAllowed")
    assert "GET" in r.headers["allow"]


@pytest.mark.parametrize(
    ("params", "error_type", "name"),
    [
        ({"start_time": 1, "start_time_ns": 1}, "ConflictingParameters", "start_time_ns"),
        ({"end_time": 2, "end_time_ns": 2}, "ConflictingParameters", "end_time_ns"),
        ({"start_time": 2, "end_time": 2}, "InvalidParameter", "end_time"),
        ({"start_time_ns": 5, "end_time": 1e-9}, "InvalidParameter", "end_time"),
        ({"timezone": 3600, "timezone_name": "UTC"}, "ConflictingParameters", "timezone"),
        ({"timezone": 86400}, "InvalidParameter", "timezone"),
        ({"timezone_name": "Mars/Olympus"}, "InvalidParameter", "timezone_name"),
        ({"format": "xml"}, "InvalidParameter", "format"),
        ({"timestamp": "datetime"}, "InvalidParameter", "timestamp"),
        ({"limit": -1}, "InvalidParameter", "limit"),
        ({"start_time": "nan"}, "InvalidParameter", "start_time"),
        ({"start_time_ns": "1.5"}, "InvalidParameter", "start_time_ns"),
        ({"page_size": 10}, "UnknownParameter", "page_size"),
        ({"next_page_token": "x"}, "UnknownParameter", "next_page_token"),
    ],
)
def test_bad_parameters(
    http: httpx.Client, params: dict[str, object], error_type: str, name: str
) -> None:
    msg = v2_error(http.get(data_path(HEART), params=params), 400, error_type)
    assert name in msg


def test_repeated_parameter(http: httpx.Client) -> None:
    r = http.get(data_path(HEART), params=[("limit", "1"), ("limit", "2")])
    assert "limit" in v2_error(r, 400, "InvalidParameter")


def test_runeq_wire_habits(http: httpx.Client) -> None:
    params = {
        "start_time": str(float(MORNING)),
        "end_time": str(float(MORNING + 10)),
        "format": "csv",
        "timestamp": "iso",
        "translate_enums": "True",
    }
    assert http.get(data_path(HEART), params=params).status_code == 200


def test_faults(sandbox: tuple[rs.SandboxServer, httpx.Client]) -> None:
    srv, c = sandbox
    r = c.get(data_path(HEART), params=second(), headers={FAULT: "429;retry-after=2"})
    v2_error(r, 429, "RateLimited")
    assert r.headers["retry-after"] == "2"
    v2_error(
        c.get(data_path(HEART), params=second(), headers={FAULT: "503"}), 503, "ServiceUnavailable"
    )
    srv.app.state.faults.add(rs.FaultRule("503", skip=1, count=1, path="/v2/streams/*"))
    assert c.get(data_path(HEART), params=second()).status_code == 200
    v2_error(c.get(data_path(HEART), params=second()), 503, "ServiceUnavailable")
    assert c.get(data_path(HEART), params=second()).status_code == 200
    with pytest.raises(httpx.RemoteProtocolError):
        c.get(data_path(ACCEL_X), params=second(seconds=60), headers={FAULT: "drop"})
    assert c.get(data_path(ACCEL_X), params=second(seconds=60)).status_code == 200


def test_latency_and_cache(sandbox: tuple[rs.SandboxServer, httpx.Client]) -> None:
    srv, c = sandbox
    params = second(seconds=600)
    first = c.get(data_path(ACCEL_X), params=params)
    stats = srv.app.state.cache.stats()
    again = c.get(data_path(ACCEL_X), params=params)
    assert again.content == first.content
    assert srv.app.state.cache.stats()["hits"] == stats["hits"] + 1
    srv.app.state.settings.page_latency_s = 0.3
    t = time.monotonic()
    assert c.get(data_path(ACCEL_X), params=params).status_code == 200
    assert time.monotonic() - t >= 0.3
    t = time.monotonic()
    c.get(data_path(HEART), params=second(), headers={FAULT: "latency=0.2"})
    assert time.monotonic() - t >= 0.5


def test_index_lists_v2(http: httpx.Client) -> None:
    operations = http.get("/").json()["operations"]
    assert set(rs.V2_PATHS) <= set(operations) and len(rs.V2_PATHS) == 5


@pytest.mark.parametrize("name", ["start_time_ns", "end_time_ns"])
def test_ns_bounds_are_int64(http: httpx.Client, name: str) -> None:
    # found by the V2 conformance run: the spec declares int64
    for value in (-(2**63) - 1, 2**63):
        msg = v2_error(http.get(data_path(HEART), params={name: value}), 400, "InvalidParameter")
        assert name in msg
    assert http.get(data_path(HEART), params={name: 2**63 - 1}).status_code == 200
