"""``--deadline``: a total bound on a command's download, and its usage errors."""

from __future__ import annotations

import time
from pathlib import Path

import runestream_sandbox as rs
from tests.cli.conftest import run_cli

WATCH = ["--patient-id", rs.PATIENT_ID, "--device-id", rs.WATCH_ID]
HOUR = ["--start", "2024-05-02T08:00:00Z", "--end", "2024-05-02T09:00:00Z"]


def test_fetch_past_its_deadline_exits_5_and_leaves_no_file(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    with rs.SandboxServer(rs.SandboxSettings(page_latency_s=1.0)) as slow:
        env = {**cli_env, "RUNE_STREAM_URL": slow.url}
        began = time.monotonic()
        args = ["fetch", "accel", *WATCH, *HOUR, "--param", "page_size=10000", "-o", "out.csv"]
        result = run_cli([*args, "--deadline", "1.5"], env, tmp_path)
        elapsed = time.monotonic() - began
    assert result.returncode == 5, result.stderr
    assert "deadline of 1.5 s exceeded" in result.stderr
    assert elapsed < 15  # the interpreter's start-up included; the page loop alone is ~1.5 s
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == []


def test_fetch_within_its_deadline_succeeds(cli_env: dict[str, str], tmp_path: Path) -> None:
    args = ["fetch", "accel", *WATCH, *HOUR, "-o", "out.csv", "--deadline", "60"]
    result = run_cli(args, cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.csv").stat().st_size > 0


def test_invalid_deadline_is_a_usage_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    for value in ("0", "-3", "soon", "nan", "inf"):
        result = run_cli(
            ["fetch", "accel", *WATCH, *HOUR, "-o", "x.csv", "--deadline", value], cli_env, tmp_path
        )
        assert result.returncode == 2, (value, result.stderr)
        assert "--deadline" in result.stderr
    assert not (tmp_path / "x.csv").exists()
