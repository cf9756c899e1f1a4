"""Fault injection: 429 + Retry-After, 503, dropped connections, latency, "the next N"."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

import runestream_sandbox as rs
from runestream_sandbox.faults import parse_fault_header

from ._helpers import MORNING, TOKEN_HEADERS, envelope, watch

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

FAULT = "X-Sandbox-Fault"


@pytest.fixture
def sandbox() -> Iterator[tuple[rs.SandboxServer, httpx.Client]]:
    """A private server: fault rules must not leak into other tests."""
    with rs.SandboxServer() as srv, httpx.Client(base_url=srv.url, timeout=30) as client:
        client.headers.update(TOKEN_HEADERS)
        yield srv, client


def test_off_by_default(http: httpx.Client) -> None:
    assert http.get("/v1/accel.csv", params=watch()).status_code == 200


def test_header_429(http: httpx.Client) -> None:
    r = http.get("/v1/accel.csv", params=watch(), headers={FAULT: "429;retry-after=3"})
    envelope(r, 429, "RateLimited")
    assert r.headers["retry-after"] == "3"
    r = http.get("/v1/accel.csv", params=watch(), headers={FAULT: "429"})
    assert r.headers["retry-after"] == "1"


def test_header_503(http: httpx.Client) -> None:
    envelope(http.get("/v1/session", headers={FAULT: "503"}), 503, "ServiceUnavailable")


def test_header_drop(http: httpx.Client) -> None:
    params = watch(end_time=MORNING + 60)
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/v1/accel.csv", params=params, headers={FAULT: "drop"})
    # the client recovers on a fresh connection
    assert http.get("/v1/accel.csv", params=params).status_code == 200


def test_drop_announces_full_length(server: rs.SandboxServer) -> None:
    params = watch(end_time=MORNING + 60)
    with (
        httpx.Client(base_url=server.url, headers=TOKEN_HEADERS) as client,
        client.stream("GET", "/v1/accel.csv", params=params, headers={FAULT: "drop=1000"}) as r,
    ):
        assert r.status_code == 200
        expected = int(r.headers["content-length"])
        received = bytearray()
        with pytest.raises(httpx.RemoteProtocolError):
            for chunk in r.iter_raw():
                received += chunk
    assert len(received) == 1000 < expected


def test_header_latency(http: httpx.Client) -> None:
    start = time.perf_counter()
    assert http.get("/v1/accel.csv", params=watch(), headers={FAULT: "latency=0.3"}).is_success
    assert time.perf_counter() - start >= 0.3


def test_second_page_fails_once(sandbox: tuple[rs.SandboxServer, httpx.Client]) -> None:
    srv, client = sandbox
    srv.app.state.faults.add(rs.FaultRule("503", skip=1, count=1, path="/v1/accel.csv"))
    params = watch(end_time=MORNING + 10, page_size=100)
    first = client.get("/v1/accel.csv", params=params)
    assert first.status_code == 200
    token = first.headers["X-Rune-Next-Page-Token"]
    second = {**params, "next_page_token": token}
    envelope(client.get("/v1/accel.csv", params=second), 503, "ServiceUnavailable")
    retried = client.get("/v1/accel.csv", params=second)
    assert retried.status_code == 200
    assert srv.app.state.faults.rules == []  # used up


def test_rule_path_filter_and_count(sandbox: tuple[rs.SandboxServer, httpx.Client]) -> None:
    srv, client = sandbox
    srv.app.state.faults.add(rs.FaultRule("429", count=2, path="/v1/*.json", retry_after_s=7))
    assert client.get("/v1/accel.csv", params=watch()).status_code == 200  # not matching
    for _ in range(2):
        r = client.get("/v1/accel.json", params=watch())
        assert r.status_code == 429 and r.headers["retry-after"] == "7"
    assert client.get("/v1/accel.json", params=watch()).status_code == 200


def test_rules_from_settings_and_clear() -> None:
    settings = rs.SandboxSettings(faults=[rs.FaultRule("503", count=None)])
    with rs.SandboxServer(settings) as srv, httpx.Client(base_url=srv.url) as client:
        client.headers.update(TOKEN_HEADERS)
        for _ in range(3):
            assert client.get("/v1/accel.csv", params=watch()).status_code == 503
        srv.app.state.faults.clear()
        assert client.get("/v1/accel.csv", params=watch()).status_code == 200
    assert settings.faults[0].count is None  # the settings' rules are templates


def test_page_latency_setting(sandbox: tuple[rs.SandboxServer, httpx.Client]) -> None:
    srv, client = sandbox
    srv.settings.page_latency_s = 0.2
    start = time.perf_counter()
    assert client.get("/v1/accel.csv", params=watch()).status_code == 200
    assert time.perf_counter() - start >= 0.2


def test_latency_rule_then_drop(sandbox: tuple[rs.SandboxServer, httpx.Client]) -> None:
    srv, client = sandbox
    srv.app.state.faults.add(rs.FaultRule("latency", latency_s=0.2))
    srv.app.state.faults.add(rs.FaultRule("drop", skip=1))
    start = time.perf_counter()
    assert client.get("/v1/heartrate.csv", params=watch()).status_code == 200
    assert time.perf_counter() - start >= 0.2
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/v1/heartrate.csv", params=watch(end_time=MORNING + 600))


def test_parse_fault_header() -> None:
    rules = parse_fault_header("429;retry-after=2, latency=0.5, drop=10, 503, bogus")
    assert [(r.kind, r.retry_after_s, r.latency_s, r.drop_after_bytes) for r in rules] == [
        ("429", 2.0, 0.0, None),
        ("latency", 1.0, 0.5, None),
        ("drop", 1.0, 0.0, 10),
        ("503", 1.0, 0.0, None),
    ]
