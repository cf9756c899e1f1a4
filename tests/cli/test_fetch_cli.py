"""``runestream fetch`` and ``session download`` end to end against the sandbox (subprocesses)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import runestream_sandbox as rs
from tests.cli.conftest import run_cli

DAY = ["--start", "2024-05-02", "--end", "2024-05-03"]
WATCH = ["--patient-id", rs.PATIENT_ID, "--device-id", rs.WATCH_ID]


def test_fetch_parquet_without_terminal_prints_only_a_summary(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_cli(
        ["fetch", "heartrate", *WATCH, *DAY, "--output", "hr.parquet"], cli_env, tmp_path
    )
    assert result.returncode == 0, result.stderr
    table = pq.read_table(tmp_path / "hr.parquet")
    assert table.column_names == ["time", "bpm"]
    assert table.num_rows > 1000
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{table.num_rows:,} rows" in lines[0] and "hr.parquet" in lines[0]
    assert "\r" not in result.stderr and "\x1b" not in result.stderr  # nothing decorative


def test_fetch_csv_multi_page_matches_single_page(cli_env: dict[str, str], tmp_path: Path) -> None:
    window = ["--start", "2024-05-02T08:00:00Z", "--end", "2024-05-02T08:10:00Z"]
    paged = run_cli(
        ["fetch", "accel", *WATCH, *window, "--param", "page_size=7000", "-o", "paged.csv"],
        cli_env,
        tmp_path,
    )
    whole = run_cli(["fetch", "accel", *WATCH, *window, "-o", "whole.csv"], cli_env, tmp_path)
    assert paged.returncode == 0 and whole.returncode == 0, paged.stderr + whole.stderr
    assert (tmp_path / "paged.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    rows = pacsv.read_csv(tmp_path / "paged.csv").num_rows
    assert rows == 30_000  # 10 minutes at 50 Hz
    assert "5 pages" in paged.stderr


def test_fetch_csv_to_stdout_and_params(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(
        [
            "fetch", "probability_symptom", *WATCH,
            "--start", "2024-05-02T09:00:00Z", "--end", "2024-05-02T10:00:00Z",
            "--param", "symptom=tremor", "--param", "severity=*", "--output", "-",
        ],
        cli_env,
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "time,mild,moderate,none,slight,strong,unknown"
    assert len(lines) == 61


def test_fetch_events_jsonl(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(
        ["fetch", "event", "--patient-id", rs.PATIENT_ID, *DAY,
         "--param", "event=patient.medication", "-o", "events.jsonl"],
        cli_env,
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert events and all(e["event_namespace"] == "patient" for e in events)
    assert all(e["event_type"] == "medication" for e in events)


def test_usage_errors_exit_2_before_any_output(cli_env: dict[str, str], tmp_path: Path) -> None:
    cases = [
        ["fetch", "accel", *WATCH, "--start", "2024-05-03", "--end", "2024-05-02", "-o", "x.csv"],
        ["fetch", "accel", *WATCH, *DAY, "--param", "frequncy=2", "-o", "x.csv"],
        ["fetch", "accel", *WATCH, *DAY, "--param", "page_size=lots", "-o", "x.csv"],
        ["fetch", "event", "--patient-id", rs.PATIENT_ID, *DAY, "--format", "jsonl", "-o", "x.csv"],
        ["fetch", "nosuchresource", "-o", "x.csv"],
        ["fetch", "accel", *WATCH, *DAY],  # no --output
    ]
    for args in cases:
        result = run_cli(args, cli_env, tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "x.csv").exists()
    typo = run_cli(cases[1], cli_env, tmp_path)
    assert "did you mean 'frequency'" in typo.stderr


def test_bad_credentials_exit_3_and_secret_never_printed(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    secret = "not-the-right-secret-4c9d"
    env = {**cli_env, "RUNE_ACCESS_TOKEN_SECRET": secret}
    result = run_cli(["fetch", "accel", *WATCH, *DAY, "-o", "x.csv", "--debug"], env, tmp_path)
    assert result.returncode == 3
    assert "401" in result.stderr
    assert secret not in result.stderr + result.stdout
    assert not (tmp_path / "x.csv").exists()


def test_missing_credentials_exit_3(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in cli_env.items()
        if k not in ("RUNE_ACCESS_TOKEN_ID", "RUNE_ACCESS_TOKEN_SECRET")
    }
    result = run_cli(["fetch", "accel", *WATCH, *DAY, "-o", "x.csv"], env, tmp_path)
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1


def test_api_error_exits_4_with_type(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(
        [
            "fetch",
            "accel",
            "--patient-id",
            rs.PATIENT_ID,
            "--device-id",
            "no-such-device",
            *DAY,
            "-o",
            "x.csv",
        ],
        cli_env,
        tmp_path,
    )
    assert result.returncode == 4
    assert "404" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_network_error_exits_5(cli_env: dict[str, str], tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**cli_env, "RUNE_STREAM_URL": f"http://127.0.0.1:{port}"}
    result = run_cli(["fetch", "accel", *WATCH, *DAY, "-o", "x.csv"], env, tmp_path)
    assert result.returncode == 5, result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_interrupted_fetch_leaves_no_file(tmp_path: Path, cli_env: dict[str, str]) -> None:
    settings = rs.SandboxSettings(page_latency_s=1.0)
    with rs.SandboxServer(settings) as slow:
        env = {**cli_env, "RUNE_STREAM_URL": slow.url}
        process = subprocess.Popen(
            [sys.executable, "-m", "runestream.cli", "fetch", "accel", *WATCH,
             "--start", "2024-05-02T08:00:00Z", "--end", "2024-05-02T09:00:00Z",
             "--param", "page_size=10000", "-o", "out.csv"],
            env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".out.csv.*")) and time.monotonic() < deadline:
            time.sleep(0.05)  # wait until the temporary file exists: the write has begun
        assert list(tmp_path.glob(".out.csv.*")), "the fetch never started writing"
        time.sleep(1.5)  # a page or two in
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == []


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_failed_fetch_midway_leaves_no_file(
    tmp_path: Path, cli_env: dict[str, str], fmt: str
) -> None:
    rule = rs.FaultRule(kind="503", count=None, skip=2, path="/v1/accel.csv")
    with rs.SandboxServer(rs.SandboxSettings(faults=[rule])) as failing:
        env = {**cli_env, "RUNE_STREAM_URL": failing.url}
        result = run_cli(
            ["fetch", "accel", *WATCH,
             "--start", "2024-05-02T08:00:00Z", "--end", "2024-05-02T08:10:00Z",
             "--param", "page_size=5000", "--format", fmt, "-o", f"out.{fmt}"],
            env,
            tmp_path,
        )  # fmt: skip
    assert result.returncode == 4, result.stderr
    assert "503" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == []


def test_session_download(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(
        [
            "session",
            "download",
            "--session-id",
            rs.DATASET_ID,
            "--stream-name",
            "accel",
            "--output",
            ".",
        ],
        cli_env,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    size = rs.CATALOG.dataset(rs.DATASET_ID).streams["accel"]  # type: ignore[union-attr]
    assert (tmp_path / "accel").stat().st_size == size
    missing = run_cli(
        [
            "session",
            "download",
            "--session-id",
            rs.DATASET_ID,
            "--stream-name",
            "nope",
            "--output",
            "x.bin",
        ],
        cli_env,
        tmp_path,
    )
    assert missing.returncode == 4 and "404" in missing.stderr
    assert not (tmp_path / "x.bin").exists()


def test_session_download_into_a_new_directory(cli_env: dict[str, str], tmp_path: Path) -> None:
    args = ["session", "download", "--session-id", rs.DATASET_ID, "--stream-name", "accel"]
    result = run_cli([*args, "--output", "./raw2/"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    size = rs.CATALOG.dataset(rs.DATASET_ID).streams["accel"]  # type: ignore[union-attr]
    assert (tmp_path / "raw2").is_dir()
    assert (tmp_path / "raw2" / "accel").stat().st_size == size
    (tmp_path / "afile").write_text("keep")
    refused = run_cli([*args, "--output", "afile/"], cli_env, tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert "not a directory" in refused.stderr and "Traceback" not in refused.stderr
    assert (tmp_path / "afile").read_text() == "keep"


EVENTS = ["fetch", "event", "--patient-id", rs.PATIENT_ID, *DAY]


def test_fetch_events_and_spans_write_the_format_the_name_says(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    csv_run = run_cli([*EVENTS, "-o", "events.csv"], cli_env, tmp_path)
    assert csv_run.returncode == 0, csv_run.stderr
    table = pacsv.read_csv(tmp_path / "events.csv")
    assert table.num_rows > 0
    assert str(table.schema.field("time").type) == "timestamp[ns, tz=UTC]"
    assert {"event_namespace", "event_type", "event_enum", "payload"} <= set(table.column_names)
    assert f"{table.num_rows:,} rows" in csv_run.stderr
    jsonl = run_cli([*EVENTS, "-o", "events.jsonl"], cli_env, tmp_path)
    assert jsonl.returncode == 0, jsonl.stderr
    lines = (tmp_path / "events.jsonl").read_text().splitlines()
    assert len(lines) == table.num_rows
    as_json = run_cli([*EVENTS, "-o", "events.json"], cli_env, tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    array = json.loads((tmp_path / "events.json").read_text())
    assert array == [json.loads(line) for line in lines]
    span = ["fetch", "span", "--patient-id", rs.PATIENT_ID, *DAY]
    parquet = run_cli([*span, "-o", "spans.parquet"], cli_env, tmp_path)
    assert parquet.returncode == 0, parquet.stderr
    spans = pq.read_table(tmp_path / "spans.parquet")
    assert spans.num_rows > 0
    assert str(spans.schema.field("end_time").type) == "timestamp[ns, tz=UTC]"
    stdout = run_cli([*span, "--format", "csv", "-o", "-"], cli_env, tmp_path)
    assert stdout.returncode == 0, stdout.stderr
    rows = stdout.stdout.splitlines()
    assert rows[0].startswith('"start_time_min","start_time"') and len(rows) == spans.num_rows + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([*EVENTS, "-o", "x.xlsx"], "'.xlsx'"),
        (["fetch", "heartrate", *WATCH, *DAY, "-o", "x.xlsx"], "'.xlsx'"),
        ([*EVENTS, "-o", "x"], "no suffix"),
        ([*EVENTS, "--format", "parquet", "-o", "x.csv"], "contradicts"),
        (["fetch", "heartrate", *WATCH, *DAY, "--format", "csv", "-o", "x.json"], "contradicts"),
        ([*EVENTS, "-o", "outdir/"], "directory"),
        ([*EVENTS, "--format", "parquet", "-o", "-"], "stdout"),
        ([*EVENTS, "--param", "timestamp=iso", "-o", "x.parquet"], "timestamp"),
    ],
)
def test_output_name_and_format_checked_before_any_request(
    cli_env: dict[str, str], tmp_path: Path, args: list[str], message: str
) -> None:
    env = {**cli_env, "RUNE_STREAM_URL": "http://127.0.0.1:9"}  # a request would exit 5
    result = run_cli(args, env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


@pytest.mark.parametrize("workers", ["0", "11", "1000"])
def test_workers_out_of_range_exit_2_before_any_request(
    workers: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from runestream import MAX_WORKERS
    from runestream.cli import main

    assert int(workers) != MAX_WORKERS
    out = tmp_path / "x.csv"
    # No configuration and no server: the options are refused before either is looked at.
    code = main(["fetch", "accel", "--workers", workers, "-o", str(out)])
    assert code == 2
    assert f"--workers must be from 1 to {MAX_WORKERS}, got {workers}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
