"""Files written by ``runestream fetch`` and ``session download`` follow the umask, like ``cp``."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import runestream_sandbox as rs
from tests.cli.conftest import run_cli

WINDOW = ["--start", "2024-05-02T09:00:00Z", "--end", "2024-05-02T09:10:00Z"]
WATCH = ["--patient-id", rs.PATIENT_ID, "--device-id", rs.WATCH_ID]
UMASK = 0o027


@pytest.fixture
def umask() -> Iterator[int]:
    """The command runs under umask 027 (inherited by the subprocess)."""
    old = os.umask(UMASK)
    try:
        yield UMASK
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("resource", "name"),
    [
        ("heartrate", "hr.csv"),
        ("heartrate", "hr.parquet"),
        ("event", "events.jsonl"),
    ],
)
def test_fetch_output_follows_umask_and_keeps_a_replaced_files_mode(
    cli_env: dict[str, str], tmp_path: Path, umask: int, resource: str, name: str
) -> None:
    who = WATCH if resource != "event" else ["--patient-id", rs.PATIENT_ID]
    args = ["fetch", resource, *who, *WINDOW, "--output", name]
    result = run_cli(args, cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert mode(tmp_path / name) == 0o666 & ~umask == 0o640
    (tmp_path / name).chmod(0o644)
    again = run_cli(args, cli_env, tmp_path)
    assert again.returncode == 0, again.stderr
    assert mode(tmp_path / name) == 0o644
    assert not list(tmp_path.glob(".*.part"))


def test_session_download_follows_umask(
    cli_env: dict[str, str], tmp_path: Path, umask: int
) -> None:
    args = ["session", "download", "--session-id", rs.DATASET_ID, "--stream-name", "metadata"]
    result = run_cli([*args, "--output", "meta.json"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert mode(tmp_path / "meta.json") == 0o640
