"""Cassettes: every operation through its typed generated call with runestream's client stack.

``runestream_api.api.<resource>.get_<resource>_<fmt>.sync_detailed(client=build_generated_client(
cfg), ...)``: auth, retries and errors live in the httpx transports, vcrpy answers below them.
Small ``page_size`` values make the results span several pages, followed by hand here.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import runestream
from runestream_api.api.accel import get_accel_csv, get_accel_json
from runestream_api.api.band_power import get_band_power_csv, get_band_power_json
from runestream_api.api.event import get_event_json
from runestream_api.api.heartrate import get_heartrate_csv, get_heartrate_json
from runestream_api.api.lfp import get_lfp_csv, get_lfp_json
from runestream_api.api.probability_symptom import (
    get_probability_symptom_csv,
    get_probability_symptom_json,
)
from runestream_api.api.rotation import get_rotation_csv, get_rotation_json
from runestream_api.api.session import get_session
from runestream_api.api.span import get_span_json
from runestream_api.api.state import get_state_csv, get_state_json
from runestream_api.client import Client
from runestream_api.models import (
    EventResponse,
    SpanResponse,
    StateJsonExpressionName,
    StateResponse,
    TimeseriesResponse,
)
from runestream_api.types import UNSET, Response, Unset

from . import _world as w

pytestmark = pytest.mark.vcr

NEXT = "X-Rune-Next-Page-Token"
WATCH = {"patient_id": w.PATIENT_ID, "device_id": w.WATCH_ID}
DBS = {"patient_id": w.PATIENT_ID, "device_id": w.DBS_ID}


@pytest.fixture
def api(token_config: runestream.Config) -> Iterator[Client]:
    """The generated client, wired by runestream (auth, retries, errors)."""
    with runestream.build_generated_client(token_config) as client:
        yield client


def all_pages(call: Callable[..., Response[Any]], **kwargs: Any) -> list[Response[Any]]:
    """Call a generated ``sync_detailed`` and follow ``X-Rune-Next-Page-Token`` to the end."""
    pages: list[Response[Any]] = []
    token: str | Unset = UNSET
    while True:
        response = call(**kwargs, next_page_token=token)
        assert response.status_code == 200
        pages.append(response)
        next_token = response.headers.get(NEXT)
        if next_token is None:
            return pages
        assert next_token != token and len(pages) < 50
        token = next_token


def csv_rows(pages: list[Response[Any]]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of CSV pages (each page repeats the header)."""
    header: list[str] = []
    rows: list[list[str]] = []
    for page in pages:
        records = list(csv.reader(io.StringIO(page.content.decode())))
        assert header in ([], records[0])
        header = records[0]
        rows += records[1:]
    return header, rows


def timeseries(pages: list[Response[Any]]) -> list[dict[str, Any]]:
    """Each page's ``result`` as a dict, checking the typed envelope."""
    results = []
    for page in pages:
        assert isinstance(page.parsed, TimeseriesResponse) and page.parsed.success
        results.append(page.parsed.result.to_dict())
    return results


def test_accel_json_pages(api: Client) -> None:
    pages = all_pages(
        get_accel_json.sync_detailed,
        client=api,
        **WATCH,
        start_time=w.NINE,
        end_time=w.NINE + 2,
        page_size=40,
    )
    assert len(pages) == 3  # 100 samples at 50 Hz, 40 per page
    results = timeseries(pages)
    times = [t for r in results for t in r["time"]]
    assert len(times) == 100 and times == sorted(times)
    assert times[0] == w.NINE and round(times[1] - times[0], 6) == 0.02
    assert all(set(r) == {"time", "x", "y", "z"} for r in results)


def test_accel_json_async(token_config: runestream.Config) -> None:
    async def fetch() -> Response[Any]:
        async with runestream.build_generated_client(token_config) as api:
            return await get_accel_json.asyncio_detailed(
                client=api, **WATCH, start_time=w.NINE, end_time=w.NINE + 0.5
            )

    response = asyncio.run(fetch())
    assert response.status_code == 200
    assert len(timeseries([response])[0]["time"]) == 25


def test_accel_csv_special_device(api: Client) -> None:
    pages = all_pages(
        get_accel_csv.sync_detailed,
        client=api,
        patient_id=w.PATIENT_ID,
        device_id=w.SPECIAL_DEVICE_ID,  # URL-encoded on the wire: * # and _
        start_time=w.NINE,
        end_time=w.NINE + 1,
        page_size=20,
    )
    header, rows = csv_rows(pages)
    assert header == ["time", "x", "y", "z"]
    assert len(pages) == 3 and len(rows) == 50


def test_band_power_json(api: Client) -> None:
    pages = all_pages(
        get_band_power_json.sync_detailed,
        client=api,
        **DBS,
        start_time=w.NINE,
        end_time=w.NINE + 300,
        page_size=50,
    )
    assert len(pages) == 3  # 30 timestamps x 4 streams = 120 rows
    streams = [s for r in timeseries(pages) for s in r["streams"]]
    assert sum(len(s["time"]) for s in streams) == 120
    assert {s["parameters"]["band"] for s in streams} == {"16.4hz-19.8hz", "8.5hz-9.6hz"}


def test_band_power_csv(api: Client) -> None:
    header, rows = csv_rows(
        all_pages(
            get_band_power_csv.sync_detailed,
            client=api,
            **DBS,
            start_time=w.NINE,
            end_time=w.NINE + 60,
            band="16.4hz-19.8hz",
            sensor="7-5",
        )
    )
    assert header == ["timestamp", "algorithm", "anatomy", "band", "channel", "sensor", "power"]
    assert len(rows) == 6 and {tuple(r[1:6]) for r in rows} == {
        ("medtronic-percept-1", "GPi", "16.4hz-19.8hz", "0", "7-5")
    }


def test_event_json_typed_models(api: Client) -> None:
    pages = all_pages(
        get_event_json.sync_detailed,
        client=api,
        patient_id=w.PATIENT_ID,
        start_time=w.DAY2 - 86_400,
        end_time=w.DAY2,
        page_size=3,
    )
    assert len(pages) >= 2
    events = []
    for page in pages:
        assert isinstance(page.parsed, EventResponse)
        events += page.parsed.result.event
    implant = [e for e in events if e.event_namespace == "device" and e.event_type == "implant"]
    assert len(implant) == 1 and implant[0].event_enum is None  # "no enumeration"
    assert implant[0].time == w.DAY2 - 86_400 + 3600 and isinstance(implant[0].time, int)
    assert all(e.id.startswith("event-") for e in events)
    times = [float(e.time) for e in events]
    assert times == sorted(times)


def test_span_json_typed_models(api: Client) -> None:
    pages = all_pages(
        get_span_json.sync_detailed,
        client=api,
        patient_id=w.PATIENT_ID,
        start_time=w.DAY2,
        end_time=w.DAY2 + 2 * 86_400,
    )
    assert len(pages) >= 2  # the recording sandbox pages spans 4 at a time
    spans = []
    for page in pages:
        assert isinstance(page.parsed, SpanResponse)
        spans += page.parsed.result.span
    assert all(float(s.start_time) < float(s.end_time) for s in spans)
    assert all(float(s.start_time) < w.DAY2 + 2 * 86_400 for s in spans)
    assert any(isinstance(s.created_time, Unset) for s in spans)  # headaches have none


def test_heartrate_json_and_csv(api: Client) -> None:
    window = {**WATCH, "start_time": w.NINE, "end_time": w.NINE + 120}
    json_pages = all_pages(get_heartrate_json.sync_detailed, client=api, **window, page_size=10)
    assert len(json_pages) == 3  # a sample every 5 s: 24 samples
    bpm = [b for r in timeseries(json_pages) for b in r["bpm"]]
    header, rows = csv_rows(all_pages(get_heartrate_csv.sync_detailed, client=api, **window))
    assert header == ["time", "bpm"]
    assert [float(r[1]) for r in rows] == bpm and len(bpm) == 24


def test_lfp_json(api: Client) -> None:
    pages = all_pages(
        get_lfp_json.sync_detailed,
        client=api,
        **DBS,
        start_time=w.LFP_START,
        end_time=w.LFP_START + 1,
        channel="0,2",
        page_size=200,
    )
    assert len(pages) == 3  # 250 Hz x 2 channels = 500 rows
    streams = [s for r in timeseries(pages) for s in r["streams"]]
    assert {s["parameters"]["sensor"] for s in streams} == {"7-5", "0-2"}
    assert sum(len(s["time"]) for s in streams) == 500


def test_lfp_csv(api: Client) -> None:
    header, rows = csv_rows(
        all_pages(
            get_lfp_csv.sync_detailed,
            client=api,
            **DBS,
            start_time=w.LFP_START,
            end_time=w.LFP_START + 0.5,
            page_size=200,
        )
    )
    assert header == ["timestamp", "algorithm", "anatomy", "channel", "sensor", "potential"]
    assert len(rows) == 500 and {r[4] for r in rows} == {"7-5", "4-6", "0-2", "1-3"}


def test_rotation_json_partitioned(api: Client) -> None:
    (page,) = all_pages(
        get_rotation_json.sync_detailed,
        client=api,
        **WATCH,
        start_time=w.NINE,
        end_time=w.NINE + 0.2,
        partition_size=4,
    )
    result = timeseries([page])[0]
    assert [len(part) for part in result["time"]] == [4, 4, 2]


def test_rotation_csv(api: Client) -> None:
    pages = all_pages(
        get_rotation_csv.sync_detailed,
        client=api,
        **WATCH,
        start_time=w.NINE,
        end_time=w.NINE + 1,
        page_size=30,
    )
    header, rows = csv_rows(pages)
    assert header == ["time", "x", "y", "z"] and len(rows) == 50 and len(pages) == 2


def test_state_json_update_and_event_type(api: Client) -> None:
    pages = all_pages(
        get_state_json.sync_detailed,
        client=api,
        **DBS,
        start_time=w.DAY2,
        end_time=w.DAY2 + 86_400,
        event="stimulation_state",
        expression=StateJsonExpressionName.UPDATE,
        page_size=2,
    )
    assert len(pages) >= 2
    for page in pages:
        assert isinstance(page.parsed, StateResponse)
        result = page.parsed.result.to_dict()
        assert result["cardinality"] == len(result["update"]) == len(result["time"])
    (types,) = all_pages(
        get_state_json.sync_detailed,
        client=api,
        **DBS,
        start_time=w.DAY2,
        end_time=w.DAY2 + 60,
        expression=StateJsonExpressionName.EVENT_TYPE,
    )
    assert isinstance(types.parsed, StateResponse)
    assert types.parsed.result.event_type == ["battery_state", "stimulation_state"]


def test_state_csv(api: Client) -> None:
    header, rows = csv_rows(
        all_pages(
            get_state_csv.sync_detailed,
            client=api,
            **DBS,
            start_time=w.DAY2,
            end_time=w.DAY2 + 86_400,
            event="stimulation_state",
            fields="ld0.threshold.low,is_on",
            page_size=2,
        )
    )
    assert header == ["time", "ld0.threshold.low", "is_on"]
    assert float(rows[0][0]) == w.DAY2 and float(rows[-1][0]) == w.DAY2 + 86_400


def test_probability_symptom_json_and_csv(api: Client) -> None:
    window = {**WATCH, "start_time": w.NINE, "end_time": w.NINE + 1800, "symptom": "tremor"}
    json_pages = all_pages(
        get_probability_symptom_json.sync_detailed, client=api, **window, page_size=12
    )
    assert len(json_pages) == 3  # one value a minute
    assert sum(len(r["probability"]) for r in timeseries(json_pages)) == 30
    header, rows = csv_rows(
        all_pages(get_probability_symptom_csv.sync_detailed, client=api, **window, severity="*")
    )
    assert header == ["time", "mild", "moderate", "none", "slight", "strong", "unknown"]
    assert len(rows) == 30


def test_session_bytes(api: Client) -> None:
    response = get_session.sync_detailed(
        client=api, session_id=w.DATASET_ID, stream_name="metadata"
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert len(response.content) == 1_234
    assert NEXT not in response.headers


def test_client_key_infers_the_patient(key_config: runestream.Config) -> None:
    with runestream.build_generated_client(key_config) as api:
        (page,) = all_pages(
            get_heartrate_csv.sync_detailed,
            client=api,
            device_id=w.WATCH_ID,  # no patient_id: inferred from the key pair
            start_time=w.NINE,
            end_time=w.NINE + 30,
        )
    header, rows = csv_rows([page])
    assert header == ["time", "bpm"] and len(rows) == 6
