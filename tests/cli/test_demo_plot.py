"""The demo plot: gaps are NaN-separated segments (never a line across missing data), thinning
stays inside recordings, availability bars follow the bins, voltage gets a readable excerpt.

Tested on the prepared data and the matplotlib figure's artists, not on pixels. The same checks
on the sandbox's real data are in ``test_demo_cli.py``.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa
import pytest

from runestream.cli._demo_plot import (
    COMBINED_LABELS,
    PlotData,
    Series,
    draw,
    figure,
    plot_data,
    recordings,
    with_gaps,
)

matplotlib.use("Agg")

START = datetime(2024, 5, 2, tzinfo=UTC)
END = START + timedelta(days=1)
T0 = int(START.timestamp()) * 10**9
HOUR = 3600 * 10**9

ACCEL = Series("a" * 64, "acceleration axis=x", "acceleration", "acceleration", "Acceleration (g)")
HEART = Series("b" * 64, "heart_rate", "heart_rate", "heart_rate", "Heart rate (bpm)")
LFP = Series("c" * 64, "lfp channel=0", "voltage", "voltage", "Voltage (µV)")


def _frame() -> pa.Table:
    """Like ``to_arrow([a, b, c], ...)``: accel 08-10 h and 14-15 h at 10 Hz, heart rate
    07-09 h and 12-13 h every 5 s, LFP 60 s at 250 Hz at 00:10, 01:10, 02:10."""
    accel_t = np.concatenate(
        [T0 + 8 * HOUR + np.arange(72_000) * 10**8, T0 + 14 * HOUR + np.arange(36_000) * 10**8]
    )
    heart_t = np.concatenate(
        [T0 + 7 * HOUR + np.arange(1440) * 5 * 10**9, T0 + 12 * HOUR + np.arange(720) * 5 * 10**9]
    )
    lfp_t = np.concatenate(
        [T0 + h * HOUR + 600 * 10**9 + np.arange(15_000) * 4 * 10**6 for h in (0, 1, 2)]
    )
    n_a, n_h, n_l = len(accel_t), len(heart_t), len(lfp_t)
    time = np.concatenate([accel_t, heart_t, lfp_t])
    nulls = np.full
    return pa.table(
        {
            "time": pa.array(time, pa.int64()).cast(pa.timestamp("ns", tz="UTC")),
            "acceleration": pa.array(
                np.concatenate([np.sin(accel_t / 1e9), nulls(n_h + n_l, np.nan)]),
                mask=np.arange(len(time)) >= n_a,
            ),
            "heart_rate": pa.array(
                np.concatenate([nulls(n_a, 0), np.full(n_h, 70), nulls(n_l, 0)]).astype(np.int64),
                mask=(np.arange(len(time)) < n_a) | (np.arange(len(time)) >= n_a + n_h),
            ),
            "voltage": pa.array(
                np.concatenate(
                    [nulls(n_a + n_h, np.nan), 10 * np.sin(2 * np.pi * 20 * lfp_t / 1e9)]
                ),
                mask=np.arange(len(time)) < n_a + n_h,
            ),
            "measurement_duration_ns": pa.array(np.zeros(len(time), np.int64)),
            "stream_id": pa.DictionaryArray.from_arrays(
                pa.array(np.repeat([0, 1, 2], [n_a, n_h, n_l]).astype(np.int32)),
                pa.array([ACCEL.stream_id, HEART.stream_id, LFP.stream_id]),
            ),
        }
    )


def _availability() -> pa.Table:
    hours = np.arange(24)
    accel = ((hours >= 8) & (hours < 10)) | (hours == 14)
    heart = ((hours >= 7) & (hours < 9)) | (hours == 12)
    lfp = hours < 3
    return pa.table(
        {
            "time": pa.array(T0 + hours * HOUR, pa.int64()).cast(pa.timestamp("ns", tz="UTC")),
            "any": accel | heart | lfp,
            "all": accel & heart,  # (as the table says; the plot draws what it is given)
            ACCEL.stream_id: accel,
            HEART.stream_id: heart,
            LFP.stream_id: lfp,
        }
    )


def _segments(x: np.ndarray) -> list[tuple[float, float]]:
    cuts = np.flatnonzero(np.isnan(x))
    bounds = [-1, *cuts.tolist(), len(x)]
    parts = [x[a + 1 : b] for a, b in itertools.pairwise(bounds)]
    assert all(len(p) and not np.isnan(p).any() for p in parts)  # one NaN between segments
    return [(float(p[0]), float(p[-1])) for p in parts]


@pytest.fixture
def data() -> PlotData:
    return plot_data(_frame(), _availability(), [ACCEL, HEART, LFP], "0001", START, END)


def test_with_gaps_joins_recordings_with_one_nan() -> None:
    t, y = with_gaps([0, 1, 2, 3, 10, 11, 12], [5, 6, 7, 8, 9, 10, 11])
    assert np.isnan(t[4]) and np.isnan(y[4]) and np.count_nonzero(np.isnan(y)) == 1
    assert t[~np.isnan(t)].tolist() == [0, 1, 2, 3, 10, 11, 12]
    assert y[~np.isnan(y)].tolist() == [5, 6, 7, 8, 9, 10, 11]  # values untouched
    regular, _ = with_gaps(np.arange(100.0), np.arange(100.0))
    assert not np.isnan(regular).any()
    assert recordings([0, 1, 2, 3, 10, 11, 12]) == [(0, 4), (4, 7)]
    assert recordings([]) == [] and with_gaps([], [])[0].size == 0


def test_thinning_keeps_each_recordings_ends_and_never_bridges_a_gap() -> None:
    # two recordings of 10,000 samples one hour apart, thinned to ~1,000 points
    t = np.concatenate([np.arange(10_000.0), 13_600 + np.arange(10_000.0)])
    x, y = with_gaps(t, t * 2, max_points=1_000)
    assert len(x) <= 1_000 + 2 * 2 + 1
    assert _segments(x) == [(0.0, 9_999.0), (13_600.0, 23_599.0)]
    finite = ~np.isnan(x)
    assert np.array_equal(y[finite], x[finite] * 2)  # real samples, nothing interpolated


def test_each_stream_is_one_line_broken_at_its_gaps(data: PlotData) -> None:
    assert [p.ylabel for p in data.panels] == [
        "Acceleration (g)",
        "Heart rate (bpm)",
        "Voltage (µV)",
    ]
    (accel,), (heart,), (lfp,) = (p.lines for p in data.panels)
    assert accel.label == "acceleration axis=x"
    flat = [v for seg in _segments(accel.x) for v in seg]
    assert flat == pytest.approx([8.0, 10 - 1 / 36_000, 14.0, 15 - 1 / 36_000])
    flat = [v for seg in _segments(heart.x) for v in seg]
    assert flat == pytest.approx([7.0, 9 - 5 / 3600, 12.0, 13 - 5 / 3600])
    assert len(_segments(lfp.x)) == 3
    assert len(accel.x) < 25_000  # thinned for drawing
    assert set(np.unique(heart.y[~np.isnan(heart.y)])) == {70.0}


def test_figure_draws_the_nans_and_availability_bars(data: PlotData) -> None:
    fig = figure(data)
    avail_ax, accel_ax = fig.axes[0], fig.axes[1]
    (drawn,) = accel_ax.get_lines()
    ydata = np.asarray(drawn.get_ydata(), dtype=float)
    assert np.count_nonzero(np.isnan(ydata)) == 1  # matplotlib gets the break
    labels = [t.get_text() for t in avail_ax.get_yticklabels()]
    assert labels == [ACCEL.label, HEART.label, LFP.label, *COMBINED_LABELS]
    bars = dict(data.availability)
    assert bars[ACCEL.label] == [(8.0, 2.0), (14.0, 1.0)]
    assert bars[LFP.label] == [(0.0, 3.0)]
    assert bars[COMBINED_LABELS[1]] == [(8.0, 1.0)]  # accel and heart rate: 08-09 h
    assert len(avail_ax.collections) == 5
    assert len(fig.axes) == 1 + 3 + 1  # availability, three panels, the LFP excerpt
    plt.close(fig)


def test_voltage_excerpt_is_two_seconds_with_its_unit(data: PlotData) -> None:
    excerpt = data.excerpt
    assert excerpt is not None and excerpt.label == LFP.label
    assert excerpt.x[0] == 0 and excerpt.x[-1] < 2.0 and len(excerpt.x) == 500
    assert "00:10:00 UTC" in data.excerpt_title and data.excerpt_ylabel == "Voltage (µV)"


def test_title_names_the_patient_and_window(data: PlotData) -> None:
    assert "0001" in data.title and "2024-05-02 00:00" in data.title
    assert data.hours == 24


def test_empty_tables_still_plot(tmp_path: Path) -> None:
    empty = pa.table(
        {"time": pa.array([], pa.timestamp("ns", tz="UTC")), "stream_id": pa.array([], pa.string())}
    )
    avail = pa.table({"time": pa.array([], pa.timestamp("ns", tz="UTC"))})
    path = draw(plot_data(empty, avail, [ACCEL], "0001", START, END), tmp_path / "plot.png")
    assert path.read_bytes().startswith(b"\x89PNG")
