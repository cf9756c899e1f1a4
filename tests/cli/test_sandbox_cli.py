"""``runestream sandbox`` serves the API on loopback and prints its URL and fake credentials."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

import runestream_sandbox as rs


def test_sandbox_command_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "runestream.cli", "sandbox", "--port", "0"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Sandbox of the Stream API listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        printed = "".join(process.stdout.readline() for _ in range(5))
        assert rs.ACCESS_TOKEN_ID in printed and rs.ACCESS_TOKEN_SECRET in printed
        headers = {
            "X-Rune-User-Access-Token-Id": rs.ACCESS_TOKEN_ID,
            "X-Rune-User-Access-Token-Secret": rs.ACCESS_TOKEN_SECRET,
        }
        params = {
            "patient_id": rs.PATIENT_ID,
            "device_id": rs.WATCH_ID,
            "start_time": 1714636800,
            "end_time": 1714636860,
        }
        response = httpx.get(f"{url}/v1/heartrate.csv", params=params, headers=headers, timeout=30)
        assert response.status_code == 200
        assert response.text.startswith("time,bpm\n")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_sandbox_catalog_prints_the_ids_and_exits_without_serving(tmp_path: Path) -> None:
    from runestream_sandbox.overview import describe_catalog

    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "runestream.cli", "sandbox", "--catalog"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(describe_catalog())
    assert f"V2 Stream API: {len(rs.STREAMS)} streams" in result.stdout
    assert "python -m runestream_sandbox --streams" in result.stdout
    assert "listening" not in result.stdout
    for ident in (rs.PATIENT_ID, rs.WATCH_ID, rs.DBS_ID, rs.DATASET_ID, rs.OTHER_PATIENT_ID):
        assert ident in result.stdout


def test_sandbox_command_prints_the_catalogue_with_the_credentials(tmp_path: Path) -> None:
    from runestream_sandbox.overview import describe_catalog

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "runestream.cli", "sandbox", "--port", "0"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = process.stdout.readline()
            assert line, "the command ended early"
            lines.append(line)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    assert describe_catalog() in "".join(lines)
    assert "python -m runestream_sandbox --streams" in "".join(lines)
    assert rs.JWT in "".join(lines)
    assert process.returncode == 0
