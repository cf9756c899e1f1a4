"""``runestream demo`` in an empty directory: its files hold what a Session returns for the same
arguments, its PNG is an image, its plot keeps the sandbox's gaps as gaps."""

from __future__ import annotations

import itertools
import os
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import runestream
import runestream_sandbox as rs
from runestream.cli._demo import (
    AVAILABILITY_FILE,
    DATA_FILE,
    DEMO_END,
    DEMO_START,
    PLOT_FILE,
    RESOLUTION_S,
    stream_label,
)
from runestream.cli._demo_plot import Series, figure, plot_data
from tests.cli.conftest import run_cli

matplotlib.use("Agg")

#: What the demo selects, found in the sandbox's own catalogue (not through the client).
_WATCH = {"patient_id": rs.PATIENT_ID, "device_id": rs.WATCH_ID}
EXPECTED_IDS = [
    *(
        rs.find_stream(
            **_WATCH, stream_type_id="acceleration", measurement="acceleration", axis=a
        ).id
        for a in ("x",)
    ),
    rs.find_stream(**_WATCH, stream_type_id="heart_rate").id,
    *(
        s.id
        for s in rs.find_streams(**_WATCH, stream_type_id="probability", measurement="tremor")
        if "severity" not in s.parameters
    ),
    rs.find_stream(patient_id=rs.PATIENT_ID, measurement="lfp", channel="0").id,
]
DATA_COLUMNS = [
    "time",
    "acceleration",
    "heart_rate",
    "probability",
    "voltage",
    "measurement_duration_ns",
    "stream_id",
]
METADATA_COLUMNS = ["stream_type_id", "patient_id", "device_id", "algorithm"]


@dataclass
class DemoRun:
    result: subprocess.CompletedProcess[str]
    out: Path
    modes: dict[str, int]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    home = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNE_")}
    env["HOME"] = str(home)  # no config file: the demo needs no credentials
    env["MPLBACKEND"] = "Agg"
    out = home / "fresh" / "out"  # a directory that does not exist yet
    old_umask = os.umask(0o027)  # inherited by the command: its files must follow it
    try:
        result = run_cli(
            ["demo", "--output-dir", str(out), "--workers", "4"], env, home, timeout=300
        )
    finally:
        os.umask(old_umask)
    assert result.returncode == 0, result.stderr
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
    return DemoRun(result, out, modes)


@pytest.fixture(scope="module")
def session(server: rs.SandboxServer) -> Iterator[runestream.Session]:
    config = runestream.Config(
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
        stream_url=server.url,
        graph_url=server.url,
    )
    with runestream.Session(config) as s:
        yield s


def test_writes_exactly_its_files_following_the_umask(demo: DemoRun) -> None:
    assert demo.modes == {DATA_FILE: 0o640, AVAILABILITY_FILE: 0o640, PLOT_FILE: 0o640}
    assert not list(demo.out.glob(".*"))  # no temporary part left behind


def test_prints_each_step_with_counts(demo: DemoRun) -> None:
    out = demo.result.stdout
    for heading in (
        "1. Who am I",
        "2. Patients",
        "3. Stream metadata, filtered",
        "4. Availability",
        f"5. Data frame of {len(EXPECTED_IDS)} streams",
        "6. Files",
    ):
        assert heading in out
    assert "Sandbox User" in out and "9 patients" in out and f"selected {len(EXPECTED_IDS)}" in out
    for sid in EXPECTED_IDS:
        assert f"{sid[:8]}…" in out and sid not in out  # ids shortened
    assert "stream pages" in out and "graphql request" in out and " s)" in out
    assert "sandbox-access-token-secret" not in out + demo.result.stderr


def test_data_file_holds_what_to_arrow_returns_plus_metadata(
    demo: DemoRun, session: runestream.Session
) -> None:
    written = pq.read_table(demo.out / DATA_FILE)
    expected = session.stream.to_arrow(EXPECTED_IDS, DEMO_START, DEMO_END)
    assert written.column_names[: len(DATA_COLUMNS)] == DATA_COLUMNS
    assert written.column("stream_id").type.value_type == pa.string()
    assert written.column("stream_id").chunk(0).dictionary.to_pylist() == EXPECTED_IDS
    data = written.select(DATA_COLUMNS)
    assert data.num_rows == expected.num_rows > 2_000_000  # a day of a 50 Hz axis & more
    assert data.schema == expected.schema
    assert data.equals(expected)

    # metadata columns: runeq's order, one value per stream, the GraphQL metadata's
    metadata = session.stream_metadata.get_stream_metadata(EXPECTED_IDS)
    keys = list(dict.fromkeys(k for s in metadata for k in s.parameters))
    assert written.column_names[len(DATA_COLUMNS) :] == METADATA_COLUMNS + keys
    pairs_expected = set()
    for s in metadata:
        row = {
            "stream_type_id": s.stream_type.id,
            "patient_id": s.patient_id,
            "device_id": s.device_id,
            "algorithm": s.algorithm,
        }
        row.update({k: s.parameters.get(k) for k in keys})
        pairs_expected |= {(s.id, name, value) for name, value in row.items()}
    pairs_written = set()
    for name in METADATA_COLUMNS + keys:
        assert pa.types.is_dictionary(written.column(name).type), name
        plain = written.select(["stream_id", name]).cast(
            pa.schema([("stream_id", pa.string()), (name, pa.string())])
        )
        for row in plain.group_by(["stream_id", name]).aggregate([]).to_pylist():
            pairs_written.add((row["stream_id"], name, row[name]))
    assert pairs_written == pairs_expected


def test_availability_file_holds_any_all_and_each_stream(
    demo: DemoRun, session: runestream.Session
) -> None:
    written = pq.read_table(demo.out / AVAILABILITY_FILE)
    assert written.column_names == ["time", "any", "all", *EXPECTED_IDS]
    for op in ("any", "all"):
        batch = session.stream.availability(
            EXPECTED_IDS, DEMO_START, DEMO_END, RESOLUTION_S, batch_operation=op
        )
        assert written.column("time").equals(batch.column("time"))
        assert written.column(op).equals(batch.column("availability")), op
    for sid in EXPECTED_IDS:
        one = session.stream.availability(sid, DEMO_START, DEMO_END, RESOLUTION_S)
        assert written.column(sid).equals(one.column("availability"))
    assert written.num_rows == 24 * 3600 // RESOLUTION_S
    # the window has gaps: the watch is off at night and at midday; LFP comes in bursts
    watch = np.array(written.column(EXPECTED_IDS[0]).to_pylist())
    lfp = np.array(written.column(EXPECTED_IDS[-1]).to_pylist())
    assert 0 < watch.sum() < len(watch) and _runs(watch) >= 2
    assert _runs(lfp) >= 20
    assert pc.sum(written.column("all")).as_py() < pc.sum(written.column("any")).as_py()


def test_png_is_a_valid_image(demo: DemoRun) -> None:
    path = demo.out / PLOT_FILE
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    pixels = matplotlib.image.imread(path)  # decodes the whole file
    height, width = pixels.shape[:2]
    assert width >= 1000 and height >= 1000
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 50  # not blank


def test_plot_of_the_files_keeps_gaps_as_gaps(demo: DemoRun, session: runestream.Session) -> None:
    """Each stream's drawn line is NaN-separated segments, one per run of available bins,
    each lying inside its run: nothing is drawn across missing data."""
    frame = pq.read_table(demo.out / DATA_FILE)
    availability = pq.read_table(demo.out / AVAILABILITY_FILE)
    metadata = session.stream_metadata.get_stream_metadata(EXPECTED_IDS)
    series = [Series.of(metadata.get(sid), stream_label(metadata.get(sid))) for sid in EXPECTED_IDS]
    data = plot_data(frame, availability, series, "0001", DEMO_START, DEMO_END)
    lines = {line.label: line for panel in data.panels for line in panel.lines}
    assert [s.label for s in series] == list(lines)
    bin_h = RESOLUTION_S / 3600
    for item in series:
        flags = np.array(availability.column(item.stream_id).to_pylist())
        runs = _run_spans(flags)
        segments = _segments(lines[item.label].x)
        assert len(segments) == len(runs), item.label
        for (lo, hi), (first, last) in zip(segments, runs, strict=True):
            assert first * bin_h <= lo and hi < (last + 1) * bin_h, item.label
    fig = figure(data)
    for ax in fig.axes[1 : 1 + len(data.panels)]:
        for drawn in ax.get_lines():
            x = np.asarray(drawn.get_xdata(), dtype=float)
            ours = lines[drawn.get_label()]
            assert np.array_equal(x, ours.x, equal_nan=True)  # the NaNs reach matplotlib
    plt.close(fig)


def _runs(flags: np.ndarray) -> int:
    return len(_run_spans(flags))


def _run_spans(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(first, last)`` bin of each run of true bins."""
    spans, start = [], None
    for i, flag in enumerate([*flags.tolist(), False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append((start, i - 1))
            start = None
    return spans


def _segments(x: np.ndarray) -> list[tuple[float, float]]:
    """``(first x, last x)`` of each NaN-separated segment."""
    cuts = np.flatnonzero(np.isnan(x))
    bounds = [-1, *cuts.tolist(), len(x)]
    out = []
    for a, b in itertools.pairwise(bounds):
        part = x[a + 1 : b]
        assert len(part) and not np.isnan(part).any()
        out.append((float(part[0]), float(part[-1])))
    return out
