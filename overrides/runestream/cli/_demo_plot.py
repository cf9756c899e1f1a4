"""The demo's plot: what is drawn (:func:`plot_data`) apart from how (:func:`draw`).

A window of a sandbox patient on a shared time axis in hours: first the availability of each
stream (and of all of them with ``any`` / ``all``) as bars over the bins that have data, then one
panel per stream type (acceleration, heart rate, tremor probability, LFP voltage, ...) with each
stream's values, plus a two-second excerpt of the first voltage stream at a readable scale.

Gaps stay gaps: each stream's samples are cut into its recordings (a step longer than
:data:`GAP_FACTOR` times the stream's typical step starts a new one) and the recordings are
joined by a NaN, which a plotting library never draws a line across. Long recordings are thinned
for drawing within each recording, keeping its first and last sample, so thinning never bridges a
gap either.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from ..core._outputs import atomic_output

if TYPE_CHECKING:
    from ..objects import StreamMetadata

__all__ = [
    "Line",
    "Panel",
    "PlotData",
    "Series",
    "draw",
    "figure",
    "plot_data",
    "recordings",
    "with_gaps",
]

F64 = npt.NDArray[np.float64]

#: A step this many times the stream's typical (median) step is a gap: the line breaks there.
GAP_FACTOR: Final = 5.0
#: At most about this many points per drawn line (a day of 50 Hz accel is millions of samples).
MAX_POINTS: Final = 20_000
#: Length of the voltage excerpt, seconds.
EXCERPT_S: Final = 2.0
#: Availability rows of the batch operations ``any`` and ``all``.
COMBINED_LABELS: Final = ("any stream", "all streams")
#: Nanoseconds per hour.
_NS_PER_HOUR: Final = 3_600_000_000_000


@dataclass(frozen=True)
class Series:
    """One stream to draw: its id, label, and which column and panel hold its values."""

    stream_id: str
    label: str
    #: The value column of the data table (the stream type's first non-time dimension).
    column: str
    #: Panel key (the stream type id) and its y label (quantity and unit).
    panel: str
    ylabel: str

    @classmethod
    def of(cls, stream: StreamMetadata, label: str) -> Series:
        """From a stream's metadata: the value dimension and its unit."""
        stype = stream.stream_type
        values = [d for d in stype.dimensions if d.id != "time"]
        column = values[0].id if values else stype.id
        unit = values[0].get("unit_abbrev") if values else None
        name = stype.name or stype.id
        return cls(stream.id, label, column, stype.id, f"{name} ({unit})" if unit else name)


@dataclass
class Line:
    """One drawn line: x (hours since the window's start, or seconds for the excerpt), y."""

    x: F64
    y: F64
    label: str


@dataclass
class Panel:
    """The streams of one stream type, on one y axis."""

    ylabel: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class PlotData:
    """Everything the plot shows, already prepared (gaps broken, labels chosen)."""

    title: str
    xlabel: str
    hours: float
    #: ``(label, [(start hour, width in hours), ...])`` per row, top to bottom: the bins with
    #: data of each stream, then of ``any`` and ``all`` streams.
    availability: list[tuple[str, list[tuple[float, float]]]] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    excerpt: Line | None = None
    excerpt_title: str = ""
    excerpt_ylabel: str = ""


def recordings(t: Any) -> list[tuple[int, int]]:
    """``[start, end)`` index ranges of the contiguous recordings in sorted times ``t``."""
    t = np.asarray(t, dtype=np.float64)
    if len(t) == 0:
        return []
    if len(t) < 3:
        return [(0, len(t))]
    steps = np.diff(t)
    cuts = np.flatnonzero(steps > GAP_FACTOR * float(np.median(steps))) + 1
    edges = [0, *cuts.tolist(), len(t)]
    return list(itertools.pairwise(edges))


def with_gaps(t: Any, y: Any, max_points: int = MAX_POINTS) -> tuple[F64, F64]:
    """The recordings of ``(t, y)`` joined by one NaN each, thinned to about ``max_points``.

    Each recording keeps its first and last sample; nothing is interpolated.
    """
    t = np.asarray(t, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    runs = recordings(t)
    step = max(1, math.ceil(len(t) / max_points))
    xs: list[F64] = []
    ys: list[F64] = []
    nan = np.array([np.nan])
    for a, b in runs:
        keep = np.arange(a, b, step)
        if keep[-1] != b - 1:
            keep = np.append(keep, b - 1)
        if xs:
            xs.append(nan)
            ys.append(nan)
        xs.append(t[keep])
        ys.append(y[keep])
    if not xs:
        return np.array([], np.float64), np.array([], np.float64)
    return np.concatenate(xs), np.concatenate(ys)


def _ns(column: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.int64]:
    return np.asarray(column.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _bars(flags: list[bool], offset_h: float, width_h: float) -> list[tuple[float, float]]:
    """Runs of true bins as ``(start hour, width)``."""
    bars: list[tuple[float, float]] = []
    run_start: int | None = None
    for i, flag in enumerate([*flags, False]):
        if flag and run_start is None:
            run_start = i
        elif not flag and run_start is not None:
            bars.append((offset_h + run_start * width_h, (i - run_start) * width_h))
            run_start = None
    return bars


def plot_data(
    frame: pa.Table,
    availability: pa.Table,
    series: list[Series],
    patient_id: str,
    start: datetime,
    end: datetime,
) -> PlotData:
    """Prepare the plot of ``[start, end)``.

    Args:
        frame: The streams' data: ``time`` (timestamp), ``stream_id`` and the value columns
            (the demo's data frame, or ``session.stream.to_arrow(ids, ...)``).
        availability: ``time`` and a boolean column per stream id, plus ``any`` and ``all``
            (each optional).
        series: The streams to draw, in order.
        patient_id: Named in the title.
        start: Start of the window (aware); the x axis counts hours from it.
        end: End of the window.
    """
    start_ns = int(start.timestamp()) * 1_000_000_000
    hours = (end - start).total_seconds() / 3600
    data = PlotData(
        title=(
            f"runestream demo: sandbox patient {patient_id}, "
            f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"
        ),
        xlabel=f"hours since {start:%Y-%m-%d %H:%M} UTC",
        hours=hours,
    )
    _availability(data, availability, series, start_ns)
    panels: dict[str, Panel] = {}
    excerpt_source: tuple[Series, npt.NDArray[np.int64], F64] | None = None
    for item in series:
        if frame.num_rows == 0:
            break
        rows = _rows_of(frame.select(["time", "stream_id", item.column]), item.stream_id)
        if rows.num_rows == 0:
            continue
        t_ns = _ns(rows.column("time"))
        values = rows.column(item.column).to_numpy(zero_copy_only=False).astype(np.float64)
        x, y = with_gaps((t_ns - start_ns) / _NS_PER_HOUR, values)
        panel = panels.setdefault(item.panel, Panel(item.ylabel))
        panel.lines.append(Line(x, y, item.label))
        if item.panel == "voltage" and excerpt_source is None:
            excerpt_source = (item, t_ns, values)
    data.panels = list(panels.values())
    if excerpt_source is not None:
        _excerpt(data, *excerpt_source)
    return data


def _rows_of(table: pa.Table, stream_id: str) -> pa.Table:
    """The rows of one stream, matched on the ``stream_id`` dictionary's indices (comparing
    the column to a string would decode every row's id first)."""
    ids = table.column("stream_id")
    if not pa.types.is_dictionary(ids.type):
        return table.filter(pc.equal(ids, stream_id))
    masks = []
    for chunk in ids.chunks:
        where = chunk.dictionary.index(stream_id).as_py()
        masks.append(pc.equal(chunk.indices, where if where >= 0 else -1))
    return table.filter(pa.chunked_array(masks, pa.bool_()))


def _availability(
    data: PlotData, availability: pa.Table, series: list[Series], start_ns: int
) -> None:
    if availability.num_rows == 0:
        return
    times = _ns(availability.column("time"))
    offset_h = (int(times[0]) - start_ns) / _NS_PER_HOUR
    width_h = (int(times[1] - times[0]) if len(times) > 1 else 0) / _NS_PER_HOUR
    rows = [(s.label, s.stream_id) for s in series]
    rows += [(COMBINED_LABELS[0], "any"), (COMBINED_LABELS[1], "all")]
    for label, column in rows:
        if column in availability.column_names:
            flags = [bool(v) for v in availability.column(column).to_pylist()]
            data.availability.append((label, _bars(flags, offset_h, width_h)))


def _excerpt(data: PlotData, item: Series, t_ns: npt.NDArray[np.int64], values: F64) -> None:
    a, b = recordings(t_ns.astype(np.float64))[0]
    seconds = (t_ns[a:b] - t_ns[a]) / 1e9
    keep = seconds < EXCERPT_S
    data.excerpt = Line(seconds[keep].astype(np.float64), values[a:b][keep], item.label)
    began = datetime.fromtimestamp(int(t_ns[a]) / 1e9, tz=UTC)
    data.excerpt_title = (
        f"{item.label}: the first {EXCERPT_S:g} s of the recording at {began:%H:%M:%S} UTC"
    )
    data.excerpt_ylabel = item.ylabel


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
    """The matplotlib figure of ``data`` (not saved).

    Axes, in ``fig.axes`` order: availability, one per panel (sharing the time axis), then the
    excerpt if there is one.
    """
    import matplotlib.pyplot as plt

    rows = max(1, len(data.availability))
    heights = [0.35 * rows + 0.6] + [2.2] * len(data.panels)
    if data.excerpt is not None:
        heights += [0.3, 2.2]
    fig = plt.figure(figsize=(12, sum(heights) + 1.2))
    grid = fig.add_gridspec(len(heights), 1, height_ratios=heights)
    avail_ax = fig.add_subplot(grid[0])
    day_axes = [avail_ax] + [
        fig.add_subplot(grid[i + 1], sharex=avail_ax) for i in range(len(data.panels))
    ]

    palette = plt.get_cmap("tab10")
    for row, (label, bars) in enumerate(data.availability):
        colour = "0.35" if label in COMBINED_LABELS else palette(row % 10)
        avail_ax.broken_barh(bars, (row - 0.4, 0.8), facecolors=colour)
    avail_ax.set_yticks(range(len(data.availability)))
    avail_ax.set_yticklabels([label for label, _ in data.availability], fontsize="small")
    avail_ax.set_ylim(rows - 0.5, -0.5)
    avail_ax.set_title("availability (bins with data)", fontsize="medium", loc="left")

    for ax, panel in zip(day_axes[1:], data.panels, strict=True):
        for line in panel.lines:
            ax.plot(line.x, line.y, lw=0.6, label=line.label)
        ax.set_ylabel(panel.ylabel)
        ax.legend(loc="upper right", fontsize="small")
    for ax in day_axes[:-1]:
        ax.tick_params(labelbottom=False)
    day_axes[-1].set_xlabel(data.xlabel)
    day_axes[-1].set_xlim(0, data.hours)

    if data.excerpt is not None:
        excerpt_ax = fig.add_subplot(grid[len(heights) - 1])
        excerpt_ax.plot(data.excerpt.x, data.excerpt.y, lw=0.8, label=data.excerpt.label)
        excerpt_ax.set_title(data.excerpt_title, fontsize="medium")
        excerpt_ax.set_ylabel(data.excerpt_ylabel)
        excerpt_ax.set_xlabel("seconds since the recording started")

    fig.suptitle(data.title)
    fig.tight_layout()
    return fig
