"""``runestream ... --output - | head``: a reader that stops early ends the command quietly, exit 0.

The reader closing the pipe is its choice (like ``cat | head``), not a failure: no traceback, no
"Exception ignored" at interpreter exit, exit code 0. A ``BrokenPipeError`` that is not about
the output (stdout still open) remains an error.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import runestream_sandbox as rs
from runestream import cli
from runestream.cli import _sandbox_cmd

WATCH = ["--patient-id", rs.PATIENT_ID, "--device-id", rs.WATCH_ID]
DAY = ["--start", "2024-05-02", "--end", "2024-05-03"]


def run_until_reader_closes(
    args: list[str], env: dict[str, str], cwd: Path, *, read: int
) -> tuple[int, str]:
    """Start the command, read ``read`` bytes of its stdout, close the pipe; return code, stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "runestream.cli", *args],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.read(read)
    assert len(first) == read
    process.stdout.close()
    stderr = process.stderr.read().decode()
    return process.wait(timeout=120), stderr


@pytest.mark.parametrize(
    ("fmt", "resource", "head"),
    [
        ("csv", "accel", b"time,x,y,z\n"),
        ("jsonl", "accel", b'{"time":'),
        ("csv", "rotation", b"time,"),
    ],
)
def test_stdout_closed_by_the_reader_exits_0_quietly(
    cli_env: dict[str, str], tmp_path: Path, fmt: str, resource: str, head: bytes
) -> None:
    args = ["fetch", resource, *WATCH, *DAY, "--format", fmt, "--output", "-"]
    code, stderr = run_until_reader_closes(args, cli_env, tmp_path, read=len(head) + 100)
    assert code == 0, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert "BrokenPipe" not in stderr and "error" not in stderr, stderr


def test_shell_pipeline_into_head(cli_env: dict[str, str], tmp_path: Path) -> None:
    command = (
        f"{sys.executable} -m runestream.cli fetch accel --patient-id {rs.PATIENT_ID} "
        f"--device-id {rs.WATCH_ID} --start 2024-05-02 --end 2024-05-03 --output - "
        '| head -n 3; echo "status=${PIPESTATUS[0]}"'
    )
    result = subprocess.run(
        ["bash", "-c", command],
        env=cli_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "time,x,y,z" and len(lines) == 4, result.stdout
    assert lines[-1] == "status=0", result.stderr
    assert result.stderr == ""


def test_broken_pipe_not_on_stdout_is_still_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(_sandbox_cmd, "run_sandbox", broken)
    assert cli.main(["sandbox"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("runestream: error: BrokenPipeError:"), err


def test_output_still_buffered_when_the_command_returns_is_flushed_by_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `runestream sandbox --catalog | head -n 1`: print() buffers; without a flush inside main()
    # the interpreter's flush at exit would fail ("Exception ignored", exit 120).
    read_end, write_end = os.pipe()
    os.close(read_end)
    stream = io.TextIOWrapper(io.BufferedWriter(io.FileIO(write_end, "w")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)

    def prints(args: argparse.Namespace) -> int:
        print("catalogue line")
        return 0

    monkeypatch.setattr(_sandbox_cmd, "run_sandbox", prints)
    try:
        assert cli.main(["sandbox"]) == 0
        stream.flush()  # what the interpreter does at exit: nothing left to fail
    finally:
        monkeypatch.undo()
        with contextlib.suppress(OSError):
            stream.close()
    assert capsys.readouterr().err == ""
