"""``runestream stream fetch|availability`` against the sandbox: files, stdout, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

import runestream_sandbox as rs
from runestream import Config, Session
from runestream.cli import main

from .conftest import run_cli

pytestmark = [pytest.mark.allow_hosts(["127.0.0.1"])]

X = rs.find_stream(device_id=rs.WATCH_ID, measurement="acceleration", axis="x")
HEART = rs.find_stream(device_id=rs.WATCH_ID, measurement="heart_rate")
MORNING = int(rs.CATALOG.start_time + 8 * 3600)


def session(server: rs.SandboxServer) -> Session:
    return Session(
        Config(
            stream_url=server.url,
            access_token_id=rs.ACCESS_TOKEN_ID,
            access_token_secret=rs.ACCESS_TOKEN_SECRET,
        )
    )


def test_fetch_writes_the_typed_table_of_several_streams(
    server: rs.SandboxServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    window = ["--start", str(MORNING), "--end", str(MORNING + 60)]
    args = ["stream", "fetch", X.id, HEART.id, *window, "-o", "two.parquet", "--workers", "2"]
    result = run_cli(args, cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    with session(server) as s:
        expected = s.stream.to_arrow([X.id, HEART.id], MORNING, MORNING + 60)
    assert pq.read_table(tmp_path / "two.parquet").equals(expected)
    assert f"2 streams: {expected.num_rows:,} rows" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "two.parquet"]


def test_fetch_to_stdout_as_csv_and_jsonl(cli_env: dict[str, str], tmp_path: Path) -> None:
    window = ["--start", str(MORNING), "--end", str(MORNING + 1)]
    result = run_cli(["stream", "fetch", X.id, *window, "-o", "-"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["time", "acceleration", "measurement_duration_ns", "stream_id"]
    assert len(rows) == 1 + 50
    assert rows[1][0].startswith("2024-05-01 08:00:00.000000000")
    result = run_cli(
        ["stream", "fetch", X.id, *window, "-o", "-", "--format", "jsonl", "--limit", "3"],
        cli_env,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["stream_id"] for line in lines] == [X.id] * 3


def test_availability_of_several_streams(
    server: rs.SandboxServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    window = ["--start", str(MORNING), "--end", str(MORNING + 7200), "--resolution", "600"]
    args = ["stream", "availability", X.id, HEART.id, *window, "--batch-operation", "all"]
    result = run_cli([*args, "-o", "avail.csv"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    with session(server) as s:
        expected = s.stream.availability(
            [X.id, HEART.id], MORNING, MORNING + 7200, 600, batch_operation="all"
        )
    written = pa_csv.read_csv(tmp_path / "avail.csv")
    assert written.num_rows == expected.num_rows == 12
    assert written.column("time").to_pylist() == expected.column("time").to_pylist()
    assert written.column("availability").to_pylist() == expected.column("availability").to_pylist()
    assert "availability: 12 bins" in result.stderr


def test_an_unknown_stream_exits_4_and_leaves_no_file(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_cli(["stream", "fetch", "f" * 64, "-o", "x.csv"], cli_env, tmp_path)
    assert result.returncode == 4
    assert "404 NotFound: stream not found" in result.stderr, result.stderr
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fetch", X.id, "-o", "out.txt"], "cannot tell the output format"),
        (["fetch", X.id, "-o", "out.csv", "--format", "parquet"], "contradicts"),
        (["fetch", X.id, "-o", "-", "--format", "parquet"], "stdout"),
        (["fetch", X.id, "-o", "out.csv", "--workers", "11"], "--workers"),
        (["fetch", X.id, "-o", "out.csv", "--start", "5", "--end", "1"], "start_time"),
        (["fetch", X.id, "-o", "out.csv", "--timezone-name", "Mars/Base"], "timezone_name"),
        (["fetch", X.id, X.id, "-o", "out.csv"], "more than once"),
        (
            [
                "availability",
                X.id,
                "-o",
                "a.csv",
                "--start",
                "0",
                "--end",
                "1e6",
                "--resolution",
                "10",
            ],
            "resolution",
        ),
        (
            [
                "availability",
                X.id,
                HEART.id,
                "-o",
                "a.csv",
                "--start",
                "0",
                "--end",
                "1e6",
                "--resolution",
                "600",
            ],
            "batch_operation",
        ),
        (
            [
                "availability",
                X.id,
                "-o",
                "a.parquet",
                "--start",
                "0",
                "--end",
                "1e6",
                "--resolution",
                "600",
                "--compression",
                "nope",
            ],
            "compression",
        ),
    ],
)
def test_bad_usage_exits_2_before_any_request(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_ID", "fake-id")
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_SECRET", "fake-secret-value")
    monkeypatch.setenv("RUNE_STREAM_URL", "http://127.0.0.1:9")  # nothing listens: no request
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["stream", *args]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
