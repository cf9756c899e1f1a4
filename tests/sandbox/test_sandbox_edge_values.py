"""Edge values the conformance run found crashing or misanswered (sandbox/NOTES.md, findings)."""

from __future__ import annotations

import httpx
import pytest

from ._helpers import MORNING, envelope, watch


def test_405_lists_the_allowed_methods(http: httpx.Client) -> None:
    r = http.request("DELETE", "/v1/accel.json")
    envelope(r, 405, "MethodNotAllowed")
    assert {m.strip() for m in r.headers["allow"].split(",")} == {"GET", "HEAD"}


@pytest.mark.parametrize(
    "extra",
    [
        {"resolution": "1e16"},
        {"resolution": "1.7976931348623157e+308"},
        {"frequency": "2.2e-16"},
        {"frequency": "5e-324"},
        {"expression": "median(bpm)", "resolution": "1e300"},
    ],
)
def test_huge_resolutions_give_one_bucket(http: httpx.Client, extra: dict[str, str]) -> None:
    r = http.get("/v1/heartrate.csv", params=watch(end_time=MORNING + 600, **extra))
    assert r.status_code == 200, r.text
    assert r.text.splitlines()[1:] and len(r.text.splitlines()) == 2  # header + one bucket


@pytest.mark.parametrize(
    "times",
    [
        {"start_time": "1e300", "end_time": "1e301"},
        {"start_time": "-1e300"},
        {"end_time": "1e20"},
        {"start_time": "-62135683200"},  # 0000-12-31
    ],
)
def test_times_outside_the_calendar_are_400(http: httpx.Client, times: dict[str, str]) -> None:
    message = envelope(http.get("/v1/accel.csv", params=watch(**times)), 400, "InvalidParameter")
    assert "outside the supported range" in message


def test_times_at_the_calendar_edges_render(http: httpx.Client) -> None:
    params = {
        **watch(start_time=-62135510400, end_time=253402041600),
        "expression": "availability(accel)",
        "resolution": 1e10,
        "timestamp": "iso",
        "timezone": -86_399,
    }
    r = http.get("/v1/accel.csv", params=params)
    assert r.status_code == 200, r.text
    assert r.text.splitlines()[1].startswith("0001-01-01T00:00:01.000000-23:59:59,")


@pytest.mark.parametrize("name", ["a\x04b.csv", "tab\there.csv", "del\x7f.csv", "c1\x85.csv"])
def test_filename_with_control_characters_is_400(http: httpx.Client, name: str) -> None:
    params = {**watch(), "symptom": "tremor", "filename": name}
    envelope(http.get("/v1/probability_symptom.csv", params=params), 400, "InvalidParameter")


@pytest.mark.parametrize(
    ("name", "disposition"),
    [
        ("export 1.csv", 'attachment; filename="export 1.csv"'),
        ("café.csv", "attachment; filename=\"caf_.csv\"; filename*=UTF-8''caf%C3%A9.csv"),
        ("中.csv", "attachment; filename=\"_.csv\"; filename*=UTF-8''%E4%B8%AD.csv"),
    ],
)
def test_non_ascii_filename_uses_rfc_6266(http: httpx.Client, name: str, disposition: str) -> None:
    params = {**watch(), "symptom": "tremor", "filename": name}
    r = http.get("/v1/probability_symptom.csv", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == disposition
