"""The demo plot: lines broken at gaps, labelled events, readable LFP with a unit, the patient.

Tested on the prepared data and the matplotlib figure's artists, not on pixels.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import numpy as np
import pyarrow as pa
import pytest

from runestream.cli._demo_plot import LFP_UNIT, figure, plot_data, with_gaps

matplotlib.use("Agg")

DAY = datetime(2024, 5, 2, tzinfo=UTC)
T0 = DAY.timestamp()


def _accel() -> pa.Table:
    # 08:00-09:00 and 14:00-15:00 at 1 Hz: a five-hour gap between
    t = np.concatenate([T0 + 8 * 3600 + np.arange(3600.0), T0 + 14 * 3600 + np.arange(3600.0)])
    return pa.table({"time": t, "x": np.sin(t), "y": np.cos(t), "z": np.ones_like(t)})


def _tremor() -> pa.Table:
    t = np.concatenate(
        [T0 + 7 * 3600 + 60 * np.arange(60.0), T0 + 13 * 3600 + 60 * np.arange(60.0)]
    )
    return pa.table({"time": t, "probability": np.full(len(t), 0.2)})


def _lfp() -> pa.Table:
    rows: dict[str, list[object]] = {k: [] for k in ("timestamp", "channel", "anatomy", "sensor")}
    potential: list[float] = []
    for hour in (0, 1, 2):
        t = T0 + hour * 3600 + 600 + np.arange(0, 60, 0.004)
        for channel, anatomy, sensor in (("0", "GPi", "7-5"), ("2", "STN", "0-2")):
            rows["timestamp"] += t.tolist()
            rows["channel"] += [channel] * len(t)
            rows["anatomy"] += [anatomy] * len(t)
            rows["sensor"] += [sensor] * len(t)
            potential += (10.0 * (hour + 1) * np.sin(2 * np.pi * 20 * t)).tolist()
    return pa.table({**rows, "potential": potential})


def _events() -> pa.Table:
    return pa.table(
        {
            "time": [T0 + 8 * 3600, T0 + 9 * 3600, T0 + 12 * 3600, T0 + 13 * 3600],
            "event_type": [
                "patient.medication.levodopa",
                "patient.medication.propranolol",
                "device.settings.change",
                "patient.medication.levodopa",
            ],
            "display_name": ["Levodopa", "Propranolol", "Settings change", "Levodopa"],
        }
    )


@pytest.fixture
def tables() -> dict[str, pa.Table]:
    return {
        "accel": _accel(),
        "tremor_probability": _tremor(),
        "lfp": _lfp(),
        "events": _events(),
    }


def test_with_gaps_breaks_only_at_gaps() -> None:
    t, y = with_gaps([0, 1, 2, 3, 10, 11, 12], [5, 6, 7, 8, 9, 10, 11])
    assert np.isnan(t[4]) and np.isnan(y[4])
    assert np.count_nonzero(np.isnan(y)) == 1
    assert t[~np.isnan(t)].tolist() == [0, 1, 2, 3, 10, 11, 12]
    regular, _ = with_gaps(np.arange(100.0), np.arange(100.0))
    assert not np.isnan(regular).any()


def test_accel_and_tremor_lines_break_at_the_gap(tables: dict[str, pa.Table]) -> None:
    data = plot_data(tables, "patient-0001", DAY)
    assert [line.label for line in data.accel] == ["x", "y", "z"]
    for line in [*data.accel, *data.tremor]:
        gaps = np.flatnonzero(np.isnan(line.y))
        assert len(gaps) == 1, line.label
        before, after = line.x[gaps[0] - 1], line.x[gaps[0] + 1]
        assert after - before > 4  # hours: the NaN sits between the two stretches


def test_events_are_labelled_once_per_type(tables: dict[str, pa.Table]) -> None:
    data = plot_data(tables, "patient-0001", DAY)
    assert [hour for hour, _ in data.events] == [8.0, 9.0, 12.0, 13.0]
    labels = {label for _, label in data.events}
    assert labels == {
        "Levodopa (patient.medication.levodopa)",
        "Propranolol (patient.medication.propranolol)",
        "Settings change (device.settings.change)",
    }
    fig = figure(data)
    events_ax = fig.axes[3]
    legend = events_ax.get_legend()
    assert legend is not None
    assert sorted(t.get_text() for t in legend.get_texts()) == sorted(labels)
    colours = {tuple(line.get_color()) for line in events_ax.get_lines()}
    assert len(colours) == 3  # one colour per type


def test_lfp_readable_with_unit(tables: dict[str, pa.Table]) -> None:
    data = plot_data(tables, "patient-0001", DAY)
    (rms,) = data.lfp_rms
    assert len(rms.x) == 3  # one point per recording, not a day of bursts
    assert rms.x.tolist() == pytest.approx([0.175, 1.175, 2.175], abs=1e-4)
    assert rms.y.tolist() == pytest.approx(
        [10 / np.sqrt(2), 20 / np.sqrt(2), 30 / np.sqrt(2)], rel=1e-2
    )
    (excerpt,) = data.lfp_excerpt
    assert excerpt.x[0] == 0 and excerpt.x[-1] < 2.0 and len(excerpt.x) == 500
    assert "channel 0 (anatomy GPi, sensor 7-5)" in excerpt.label
    assert "00:10:00 UTC" in data.lfp_excerpt_title
    assert LFP_UNIT == "µV"
    assert LFP_UNIT in data.lfp_rms_ylabel and LFP_UNIT in data.lfp_excerpt_ylabel
    fig = figure(data)
    assert LFP_UNIT in fig.axes[2].get_ylabel() and LFP_UNIT in fig.axes[4].get_ylabel()


def test_title_names_the_patient_and_day(tables: dict[str, pa.Table], tmp_path: Path) -> None:
    data = plot_data(tables, "patient-0001", DAY)
    assert "patient-0001" in data.title and "2024-05-02" in data.title
    fig = figure(data)
    assert "patient-0001" in fig._suptitle.get_text()
    drawn = fig.axes[0].get_lines()
    assert all(np.isnan(np.asarray(line.get_ydata(), dtype=float)).any() for line in drawn)


def test_empty_tables_still_plot(tmp_path: Path) -> None:
    from runestream.cli._demo_plot import draw

    empty = {
        "accel": pa.table({"time": pa.array([], pa.float64())}),
        "events": pa.table({"time": pa.array([], pa.float64())}),
    }
    path = draw(plot_data(empty, "patient-0001", DAY), tmp_path / "plot.png")
    assert path.read_bytes().startswith(b"\x89PNG")
