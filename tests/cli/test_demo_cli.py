"""``runestream demo`` in an empty directory produces the data files and the PNG."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pyarrow.parquet as pq

from tests.cli.conftest import run_cli


def test_demo_writes_parquet_csv_and_png(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNE_")}
    env["HOME"] = str(tmp_path)  # no config file: the demo needs no credentials
    env["MPLBACKEND"] = "Agg"
    old_umask = os.umask(0o027)  # inherited by the command: its files must follow it
    try:
        result = run_cli(["demo"], env, tmp_path, timeout=300)
    finally:
        os.umask(old_umask)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "runestream-demo"
    for name in ("accel", "lfp", "tremor_probability", "events"):
        table = pq.read_table(out / f"{name}.parquet")
        assert table.num_rows > 0, name
        csv_lines = (out / f"{name}.csv").read_text().count("\n")
        assert csv_lines == table.num_rows + 1, name
    accel = pq.read_table(out / "accel.parquet")
    assert accel.column_names == ["time", "x", "y", "z"]
    assert accel.num_rows > 2_000_000  # a day of 50 Hz watch data, several CSV pages
    png = (out / "runestream-demo.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert "accel" in result.stdout and "rows" in result.stdout
    assert not list(out.glob(".*.part"))
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
    assert len(modes) == 9 and set(modes.values()) == {0o640}, modes
