"""The client against a live sandbox with injected faults: the same rows as a fault-free fetch.

Transport-level edge cases are unit-tested with ``httpx.MockTransport``; these tests prove the
same behaviour over real HTTP on 127.0.0.1 (429 with Retry-After, 503, a connection dropped
mid-body, a repeated request of the same page), through ``V1Client``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyarrow as pa
import pytest

import runestream_sandbox as rs
from runestream import Config, RateLimitError, RetryPolicy, ServerError, V1Client

WINDOW = {"start_time": "2024-05-02T08:00:00Z", "end_time": "2024-05-02T08:05:00Z"}
PAGES = {"page_size": 4000}  # 15,000 rows -> 4 pages


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer() as srv:
        yield srv


def client_for(server: rs.SandboxServer, **kwargs: object) -> V1Client:
    config = Config(
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
        stream_url=server.url,
    )
    policy = RetryPolicy(max_attempts=4, initial_backoff=0.01, max_backoff=0.05, retry_after_cap=2)
    return V1Client(config, retry_policy=policy, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def expected(server: rs.SandboxServer) -> pa.Table:
    with client_for(server) as client:
        return client.Accel(patient_id=rs.PATIENT_ID, device_id=rs.WATCH_ID).to_arrow(
            **WINDOW, **PAGES
        )


def fetch_with(server: rs.SandboxServer, rule: rs.FaultRule) -> tuple[pa.Table, int]:
    pages: list[int] = []
    server.app.state.faults.clear()
    server.app.state.faults.add(rule)
    try:
        with client_for(server, on_page=lambda page: pages.append(page.number)) as client:
            table = client.Accel(patient_id=rs.PATIENT_ID, device_id=rs.WATCH_ID).to_arrow(
                **WINDOW, **PAGES
            )
    finally:
        server.app.state.faults.clear()
    return table, len(pages)


def test_fault_free_baseline_is_multi_page(expected: pa.Table) -> None:
    assert expected.num_rows == 15_000
    assert expected.column("time").to_pylist() == sorted(expected.column("time").to_pylist())


@pytest.mark.parametrize(
    "rule",
    [
        rs.FaultRule(kind="503", skip=1, count=1, path="/v1/accel.csv"),
        rs.FaultRule(kind="503", skip=0, count=3, path="/v1/accel.csv"),
        rs.FaultRule(kind="drop", skip=2, count=1, path="/v1/accel.csv"),
        rs.FaultRule(kind="drop", skip=1, count=2, path="/v1/accel.csv", drop_after_bytes=10),
    ],
    ids=["503-on-page-2", "503-three-times", "drop-page-3", "drop-page-2-twice"],
)
def test_retried_faults_give_identical_rows(
    server: rs.SandboxServer, expected: pa.Table, rule: rs.FaultRule
) -> None:
    table, pages = fetch_with(server, rule)
    assert pages == 4
    assert table.equals(expected)


def test_429_honours_retry_after(server: rs.SandboxServer, expected: pa.Table) -> None:
    rule = rs.FaultRule(kind="429", skip=1, count=1, path="/v1/accel.csv", retry_after_s=1)
    began = time.monotonic()
    table, _ = fetch_with(server, rule)
    assert time.monotonic() - began >= 1.0  # waited as told, although backoff alone is 0.05 s
    assert table.equals(expected)


def test_persistent_503_raises_with_last_status(server: rs.SandboxServer) -> None:
    server.app.state.faults.add(rs.FaultRule(kind="503", count=None, path="/v1/accel.csv"))
    try:
        with client_for(server) as client, pytest.raises(ServerError) as caught:
            client.Accel(patient_id=rs.PATIENT_ID, device_id=rs.WATCH_ID).to_arrow(**WINDOW)
    finally:
        server.app.state.faults.clear()
    assert caught.value.status_code == 503
    assert caught.value.error_type == "ServiceUnavailable"


def test_persistent_429_raises_rate_limit_error(server: rs.SandboxServer) -> None:
    rule = rs.FaultRule(kind="429", count=None, path="/v1/heartrate.csv", retry_after_s=0)
    server.app.state.faults.add(rule)
    try:
        with client_for(server) as client, pytest.raises(RateLimitError) as caught:
            client.HeartRate(patient_id=rs.PATIENT_ID, device_id=rs.WATCH_ID).to_arrow(**WINDOW)
    finally:
        server.app.state.faults.clear()
    assert caught.value.status_code == 429 and caught.value.error_type == "RateLimited"


def test_parallel_windows_equal_sequential_with_a_fault(
    server: rs.SandboxServer, expected: pa.Table
) -> None:
    server.app.state.faults.add(rs.FaultRule(kind="503", skip=3, count=1, path="/v1/accel.csv"))
    try:
        with client_for(server) as client:
            table = client.Accel(patient_id=rs.PATIENT_ID, device_id=rs.WATCH_ID).to_arrow(
                **WINDOW, **PAGES, workers=4
            )
    finally:
        server.app.state.faults.clear()
    assert table.equals(expected)
