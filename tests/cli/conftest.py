"""Fixtures: a sandbox on 127.0.0.1 and a helper that runs the ``runestream`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import runestream_sandbox as rs


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    """A fault-free sandbox shared by the module's tests."""
    with rs.SandboxServer() as srv:
        yield srv


@pytest.fixture
def cli_env(tmp_path: Path, server: rs.SandboxServer) -> dict[str, str]:
    """Environment for the command: sandbox credentials, a private HOME, no proxies."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RUNE_") and "PROXY" not in k.upper()
    }
    env.update(
        HOME=str(tmp_path / "home"),
        RUNE_STREAM_URL=server.url,
        RUNE_GRAPH_URL=server.url,
        RUNE_ACCESS_TOKEN_ID=rs.ACCESS_TOKEN_ID,
        RUNE_ACCESS_TOKEN_SECRET=rs.ACCESS_TOKEN_SECRET,
        PYTHONUNBUFFERED="1",
    )
    (tmp_path / "home").mkdir()
    return env


def run_cli(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m runestream.cli ARGS`` without a terminal and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "runestream.cli", *args],
        env=env,
        cwd=cwd,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
