"""The demo's plot: what is drawn (:func:`plot_data`) apart from how (:func:`draw`).

One day of a sandbox patient, on a shared time axis in hours: accelerometry, tremor probability,
the RMS of each LFP recording and the events (each type with its own colour and a legend entry),
plus a two-second excerpt of one LFP recording at a readable scale. Lines break where samples
are missing (the watch is off the wrist at night and charging at midday) instead of joining the
last sample before a gap to the first after it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from ..core._outputs import atomic_output

__all__ = ["Line", "PlotData", "draw", "plot_data", "with_gaps"]

F64 = npt.NDArray[np.float64]

#: A step this many times the typical sampling step is a gap: the line is broken there.
GAP_FACTOR: Final = 5.0
#: At most this many points per drawn line (a day of 50 Hz accel is millions of samples).
MAX_POINTS: Final = 20_000
#: Length of the LFP excerpt, seconds.
LFP_EXCERPT_S: Final = 2.0
#: Unit of the sandbox's LFP potentials.
LFP_UNIT: Final = "µV"


@dataclass
class Line:
    """One drawn line: x (hours since midnight, or seconds for the excerpt), y, and its label."""

    x: F64
    y: F64
    label: str


@dataclass
class PlotData:
    """Everything the plot shows, already prepared (gaps broken, labels chosen)."""

    title: str
    xlabel: str
    accel: list[Line] = field(default_factory=list)
    tremor: list[Line] = field(default_factory=list)
    lfp_rms: list[Line] = field(default_factory=list)
    lfp_rms_ylabel: str = f"LFP RMS ({LFP_UNIT})"
    lfp_excerpt: list[Line] = field(default_factory=list)
    lfp_excerpt_title: str = ""
    lfp_excerpt_ylabel: str = f"LFP ({LFP_UNIT})"
    #: ``(hour, legend label)`` per event, one label per event type.
    events: list[tuple[float, str]] = field(default_factory=list)


def with_gaps(t: Any, y: Any) -> tuple[F64, F64]:
    """Insert a NaN wherever the step between samples exceeds :data:`GAP_FACTOR` x the median.

    A plotting library draws nothing across a NaN, so the line breaks at each gap.
    """
    t = np.asarray(t, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if len(t) < 3:
        return t, y
    steps = np.diff(t)
    breaks = np.flatnonzero(steps > GAP_FACTOR * float(np.median(steps))) + 1
    return np.insert(t, breaks, np.nan), np.insert(y, breaks, np.nan)


def _every(n: int) -> int:
    return max(1, n // MAX_POINTS)


def _recordings(t: F64) -> list[tuple[int, int]]:
    """``[start, end)`` index ranges of the contiguous recordings in sorted times ``t``."""
    if len(t) == 0:
        return []
    if len(t) < 3:
        return [(0, len(t))]
    steps = np.diff(t)
    cuts = np.flatnonzero(steps > GAP_FACTOR * float(np.median(steps))) + 1
    edges = [0, *cuts.tolist(), len(t)]
    return list(itertools.pairwise(edges))


def _hours(seconds: Any, day_start: float) -> F64:
    return (np.asarray(seconds, dtype=np.float64) - day_start) / 3600.0


def plot_data(tables: dict[str, pa.Table], patient_id: str, day: datetime) -> PlotData:
    """Prepare the plot of one day from the demo's tables.

    Args:
        tables: ``accel`` (time, x, y, z), ``tremor_probability`` (time, probability), ``lfp``
            (timestamp, channel, anatomy, sensor, potential) and ``events`` (time, event_type,
            display_name); any may be empty.
        patient_id: Named in the title.
        day: Midnight (UTC) of the day shown.
    """
    start = day.timestamp()
    data = PlotData(
        title=f"runestream demo: sandbox patient {patient_id}, {day:%Y-%m-%d} (UTC)",
        xlabel=f"hours since {day:%Y-%m-%d} 00:00 UTC",
    )
    accel = tables.get("accel")
    if accel is not None and accel.num_rows:
        step = _every(accel.num_rows)
        t = accel.column("time").to_numpy()[::step]
        for axis in ("x", "y", "z"):
            x, y = with_gaps(_hours(t, start), accel.column(axis).to_numpy()[::step])
            data.accel.append(Line(x, y, axis))
    tremor = tables.get("tremor_probability")
    if tremor is not None and tremor.num_rows:
        x, y = with_gaps(
            _hours(tremor.column("time").to_numpy(), start),
            tremor.column("probability").to_numpy(),
        )
        data.tremor.append(Line(x, y, "P(tremor)"))
    lfp = tables.get("lfp")
    if lfp is not None and lfp.num_rows:
        _lfp(data, lfp, start)
    events = tables.get("events")
    if events is not None and events.num_rows:
        for t, kind, name in zip(
            events.column("time").to_pylist(),
            events.column("event_type").to_pylist(),
            events.column("display_name").to_pylist(),
            strict=True,
        ):
            label = f"{name} ({kind})" if name else kind
            data.events.append((float(_hours(t, start)), label))
    return data


def _lfp(data: PlotData, lfp: pa.Table, start: float) -> None:
    channel_name = lfp.column("channel")[0].as_py()
    channel = lfp.filter(pc.equal(lfp.column("channel"), channel_name))
    t = channel.column("timestamp").to_numpy().astype(np.float64)
    v = channel.column("potential").to_numpy().astype(np.float64)
    where = ", ".join(
        f"{name} {channel.column(name)[0].as_py()}"
        for name in ("anatomy", "sensor")
        if name in channel.column_names
    )
    label = f"channel {channel_name}" + (f" ({where})" if where else "")
    runs = _recordings(t)
    mids = np.array([(t[a] + t[b - 1]) / 2 for a, b in runs])
    rms = np.array([float(np.sqrt(np.mean(v[a:b] ** 2))) for a, b in runs])
    data.lfp_rms.append(Line(_hours(mids, start), rms, f"{label}, one point per recording"))
    first, end = runs[0]
    keep = t[first:end] < t[first] + LFP_EXCERPT_S
    seconds = t[first:end][keep] - t[first]
    data.lfp_excerpt.append(Line(seconds, v[first:end][keep], label))
    began = datetime.fromtimestamp(t[first], UTC)
    data.lfp_excerpt_title = (
        f"LFP {label}: the first {LFP_EXCERPT_S:g} s of the recording at {began:%H:%M:%S} UTC"
    )


def draw(data: PlotData, path: Path) -> Path:
    """Draw ``data`` and save it as a PNG at ``path`` (atomically)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = figure(data)
    with atomic_output(path) as (_, handle):
        fig.savefig(handle, format="png", dpi=100)
    plt.close(fig)
    return path


def figure(data: PlotData) -> Any:
    """The matplotlib figure of ``data`` (not saved)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(12, 14))
    grid = fig.add_gridspec(6, 1, height_ratios=[3, 2, 2, 2, 0.3, 3])
    day_axes = [fig.add_subplot(grid[0])]
    day_axes += [fig.add_subplot(grid[i], sharex=day_axes[0]) for i in (1, 2, 3)]
    accel_ax, tremor_ax, rms_ax, events_ax = day_axes
    excerpt_ax = fig.add_subplot(grid[5])

    for line in data.accel:
        accel_ax.plot(line.x, line.y, lw=0.4, label=line.label)
    accel_ax.set_ylabel("accel (g)")
    if data.accel:
        accel_ax.legend(loc="upper right")
    for line in data.tremor:
        tremor_ax.plot(line.x, line.y, lw=0.8, label=line.label)
    tremor_ax.set_ylabel("P(tremor)")
    for line in data.lfp_rms:
        rms_ax.plot(line.x, line.y, "o", ms=4, label=line.label)
    rms_ax.set_ylabel(data.lfp_rms_ylabel)
    rms_ax.set_ylim(bottom=0)  # the true scale, not a zoom into small differences
    if data.lfp_rms:
        rms_ax.legend(loc="upper right", fontsize="small")

    colours: dict[str, Any] = {}
    palette = plt.get_cmap("tab10")
    for hour, label in data.events:
        first = label not in colours
        colour = colours.setdefault(label, palette(len(colours) % 10))
        events_ax.axvline(hour, color=colour, lw=1.5, label=label if first else None)
    events_ax.set_ylabel("events")
    events_ax.set_yticks([])
    if data.events:
        events_ax.legend(loc="upper left", fontsize="small", ncol=2)
    events_ax.set_xlabel(data.xlabel)
    events_ax.set_xlim(0, 24)
    for ax in (accel_ax, tremor_ax, rms_ax):
        ax.tick_params(labelbottom=False)

    for line in data.lfp_excerpt:
        excerpt_ax.plot(line.x, line.y, lw=0.8, label=line.label)
    excerpt_ax.set_title(data.lfp_excerpt_title, fontsize="medium")
    excerpt_ax.set_ylabel(data.lfp_excerpt_ylabel)
    excerpt_ax.set_xlabel("seconds since the recording started")

    fig.suptitle(data.title)
    fig.tight_layout()
    return fig
