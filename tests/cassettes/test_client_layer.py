"""Cassettes: every operation through the runestream layer (``V1Client(cfg).<Accessor>(...)``).

The accessors validate, page (small ``page_size`` values make several pages), parse CSV with
pyarrow and type events and spans; vcrpy answers below runestream's transports. Where a result
is fetched twice (paged and in one page) both requests are in the cassette.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pyarrow as pa
import pytest

import runestream

from . import _world as w

pytestmark = pytest.mark.vcr

WATCH = {"patient_id": w.PATIENT_ID, "device_id": w.WATCH_ID}
DBS = {"patient_id": w.PATIENT_ID, "device_id": w.DBS_ID}


def test_accel_to_arrow_pages_equal_one_page(client: runestream.V1Client) -> None:
    accel = client.Accel(**WATCH, start_time=w.NINE, end_time=w.NINE + 2)
    pages: list[runestream.Page] = []
    paged = runestream.V1Client(client.config, on_page=pages.append).Accel(**accel.defaults)
    table = paged.to_arrow(page_size=40)
    assert len(pages) == 3 and table.num_rows == 100
    assert table.column_names == ["time", "x", "y", "z"]
    assert all(table.schema.field(c).type == pa.float64() for c in table.column_names)
    assert table.equals(accel.to_arrow())  # one 100-row page: the same table


def test_accel_iter_json_data(client: runestream.V1Client) -> None:
    accel = client.Accel(**WATCH)
    results = list(accel.iter_json_data(start_time=w.NINE, end_time=w.NINE + 1, page_size=20))
    assert len(results) == 3
    assert sum(len(r["time"]) for r in results) == 50


def test_band_power_to_arrow_keeps_text_columns(client: runestream.V1Client) -> None:
    power = client.BandPower(**DBS, start_time=w.NINE, end_time=w.NINE + 120)
    table = power.to_arrow(page_size=15)  # 12 timestamps x 4 streams = 48 rows, 4 pages
    assert table.num_rows == 48
    assert set(table.column("sensor").to_pylist()) == {"7-5", "0-2"}  # never floats
    assert set(table.column("band").to_pylist()) == {"16.4hz-19.8hz", "8.5hz-9.6hz"}
    assert table.schema.field("channel").type == pa.string()


def test_band_power_iter_json_availability(client: runestream.V1Client) -> None:
    power = client.BandPower(**DBS)
    (result,) = power.iter_json_availability(
        start_time=w.DAY2 + 3 * 3600 - 300, end_time=w.DAY2 + 3 * 3600 + 300
    )
    # one-minute buckets; the device has a 20-minute gap at 03:00
    values = [a for stream in result["streams"] for a in stream["availability"]]
    assert 0 in values and 1 in values


def test_event_iter_events(client: runestream.V1Client) -> None:
    events = list(
        client.Event(patient_id=w.PATIENT_ID).iter_events(
            start_time=w.DAY2, end_time=w.DAY2 + 86_400, page_size=2
        )
    )
    kinds = {f"{e.event_namespace}.{e.event_type}.{e.event_enum}" for e in events}
    assert "patient.medication.levodopa" in kinds and "device.settings.change" in kinds
    assert [e.time for e in events] == sorted(e.time for e in events)


def test_event_iter_json_data_filtered(client: runestream.V1Client) -> None:
    pages = list(
        client.Event(patient_id=w.PATIENT_ID, event="patient.medication").iter_json_data(
            start_time=w.DAY2, end_time=w.DAY2 + 2 * 86_400, page_size=4
        )
    )
    assert len(pages) >= 2
    assert {e["event_type"] for page in pages for e in page["event"]} == {"medication"}


def test_span_iter_spans(client: runestream.V1Client) -> None:
    spans = list(
        client.Span(patient_id=w.PATIENT_ID).iter_spans(
            start_time=w.DAY2, end_time=w.DAY2 + 2 * 86_400
        )
    )
    assert len(spans) > 4  # more than one page from the recording sandbox
    assert {s.event_type for s in spans} >= {"activity"}
    assert all(float(s.start_time_min) <= float(s.start_time) for s in spans)


def test_heartrate_points(client: runestream.V1Client) -> None:
    hr = client.HeartRate(**WATCH)
    points = list(hr.points(start_time=w.NINE, end_time=w.NINE + 60, page_size=5))
    assert len(points) == 12
    assert all(set(p) == {"time", "bpm"} and isinstance(p["bpm"], float) for p in points)


def test_heartrate_iter_csv_availability(client: runestream.V1Client) -> None:
    hr = client.HeartRate(**WATCH)
    (text,) = hr.iter_csv_availability(start_time=w.NINE, end_time=w.NINE + 300)
    assert text.splitlines()[0] == "time,availability(bpm)" and len(text.splitlines()) == 6


def test_heartrate_iter_json_availability(client: runestream.V1Client) -> None:
    hr = client.HeartRate(**WATCH)
    results = list(
        hr.iter_json_availability(
            start_time=w.NINE, end_time=w.NINE + 600, resolution=60, page_size=4
        )
    )
    assert len(results) == 3  # ten one-minute buckets, four per page
    assert [a for r in results for a in r["availability(bpm)"]] == [1] * 10


def test_lfp_to_arrow(client: runestream.V1Client) -> None:
    lfp = client.LFP(**DBS, channel="0,2")
    table = lfp.to_arrow(start_time=w.LFP_START, end_time=w.LFP_START + 1, page_size=200)
    assert table.num_rows == 500
    assert set(table.column("sensor").to_pylist()) == {"7-5", "0-2"}
    assert table.column_names == [
        "timestamp",
        "algorithm",
        "anatomy",
        "channel",
        "sensor",
        "potential",
    ]


def test_lfp_iter_json_data_spectrogram(client: runestream.V1Client) -> None:
    lfp = client.LFP(**DBS, channel="1")
    (result,) = lfp.iter_json_data(
        start_time=w.LFP_START,
        end_time=w.LFP_START + 2,
        expression="spectrogram(lfp)",
        high_freq=10,
    )
    (stream,) = result["streams"]
    assert stream["y"] == list(range(11)) and len(stream["time"]) == 2


def test_probability_symptom_iter_csv_text(client: runestream.V1Client) -> None:
    tremor = client.ProbabilitySymptom(**WATCH, symptom="tremor", severity="*")
    texts = list(tremor.iter_csv_text(start_time=w.NINE, end_time=w.NINE + 600, page_size=4))
    assert len(texts) == 3  # ten one-minute buckets
    assert all(t.splitlines()[0] == "time,mild,moderate,none,slight,strong,unknown" for t in texts)


def test_probability_symptom_iter_json_data(client: runestream.V1Client) -> None:
    dyskinesia = client.ProbabilitySymptom(**WATCH, symptom="dyskinesia")
    results = list(dyskinesia.iter_json_data(start_time=w.NINE, end_time=w.NINE + 600, page_size=4))
    assert sum(len(r["probability"]) for r in results) == 10


def test_rotation_to_pandas(client: runestream.V1Client) -> None:
    frame = client.Rotation(**WATCH).to_pandas(start_time=w.NINE, end_time=w.NINE + 1, page_size=20)
    assert list(frame.columns) == ["time", "x", "y", "z"] and len(frame) == 50


def test_rotation_iter_json_data_datetime(client: runestream.V1Client) -> None:
    rotation = client.Rotation(**WATCH, timestamp="iso", timezone_name="America/Los_Angeles")
    (result,) = rotation.iter_json_data(start_time=w.NINE, end_time=w.NINE + 0.1)
    assert result["time"][0] == "2024-05-02T02:00:00.000000-07:00"


def test_state_to_arrow(client: runestream.V1Client) -> None:
    state = client.State(**DBS, event="stimulation_state", fields="ld0.threshold.high,amplitude_ma")
    table = state.to_arrow(start_time=w.DAY2, end_time=w.DAY2 + 86_400, page_size=2)
    assert table.column_names == ["time", "ld0.threshold.high", "amplitude_ma"]
    assert table.column("time")[0].as_py() == w.DAY2
    assert table.column("time")[-1].as_py() == w.DAY2 + 86_400


def test_state_iter_json_data_update(client: runestream.V1Client) -> None:
    state = client.State(**DBS, event="battery_state", expression="update")
    results = list(state.iter_json_data(start_time=w.DAY2, end_time=w.DAY2 + 3 * 3600, page_size=2))
    assert sum(r["cardinality"] for r in results) == 6  # every 30 minutes
    assert all(set(u) == {"battery_level"} for r in results for u in r["update"])


def test_download_session(client: runestream.V1Client, tmp_path: Path) -> None:
    path = client.download_session(session_id=w.DATASET_ID, stream_name="events", path=tmp_path)
    assert path == tmp_path / "events" and path.stat().st_size == 20_000
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~umask  # like cp (test_file_modes.py)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_client_key_infers_the_patient(
    client: runestream.V1Client, key_config: runestream.Config
) -> None:
    window = {"start_time": w.NINE, "end_time": w.NINE + 120}
    with runestream.V1Client(key_config) as keyed:
        inferred = keyed.HeartRate(device_id=w.WATCH_ID).to_arrow(**window)  # no patient_id
    assert inferred.num_rows == 24
    assert inferred.equals(client.HeartRate(**WATCH).to_arrow(**window))
