"""Every example in README.md runs as written against the sandbox (on 127.0.0.1).

The README's ids are the sandbox's, so a reader who starts ``runestream sandbox`` can paste any
example. Each Python block runs in a fresh interpreter, each ``runestream fetch`` / ``session
download`` / ``sandbox --catalog`` command in bash (``pipefail``), with the sandbox's credentials
in ``~/.rune/config`` (what ``runestream configure setup`` or runeq's would write) and a private
working directory. The runeq block runs only where runeq is installed (the ``bench`` extra).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import runestream_sandbox as rs

README = Path(__file__).resolve().parents[2] / "README.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
#: The commands of the bash blocks that talk to the API (others install, prompt or serve).
_RUNNABLE = (
    "runestream fetch ",
    "runestream stream ",
    "runestream session download ",
    "runestream sandbox --catalog",
    "runestream whoami",
    "runestream orgs",
    "runestream patients",
    "runestream streams ",
    "runestream sync ",
)
#: Commands that need more than the sandbox (a Dask scheduler at a made-up address).
_NOT_RUN = ("--scheduler",)


def _blocks(language: str) -> list[str]:
    return [body for lang, body in _FENCE.findall(README.read_text()) if lang == language]


def _commands(block: str) -> list[str]:
    """Shell commands of a bash block, with backslash continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [
        line.strip()
        for line in joined.splitlines()
        if line.strip().startswith(_RUNNABLE) and not any(n in line for n in _NOT_RUN)
    ]


PYTHON_BLOCKS = _blocks("python")
COMMANDS = [command for block in _blocks("bash") for command in _commands(block)]


def _block_id(block: str) -> str:
    first = next(line for line in block.splitlines() if line.strip())
    return re.sub(r"\W+", "_", first)[:40]


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    """A fault-free sandbox on a free loopback port."""
    with rs.SandboxServer() as srv:
        yield srv


@pytest.fixture
def user(tmp_path: Path, server: rs.SandboxServer) -> tuple[dict[str, str], Path]:
    """A user's environment: sandbox credentials in ~/.rune/config, an empty working directory."""
    home = tmp_path / "home"
    (home / ".rune").mkdir(parents=True)
    (home / ".rune" / "config").write_text(
        "auth_method: access_token\n"
        f"access_token_id: {rs.ACCESS_TOKEN_ID}\n"
        f"access_token_secret: {rs.ACCESS_TOKEN_SECRET}\n"
        f"stream_url: {server.url}\n"
        f"graph_url: {server.url}\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RUNE_") and "PROXY" not in k.upper()
    }
    env.update(
        HOME=str(home),
        MPLBACKEND="Agg",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    work = tmp_path / "work"
    work.mkdir()
    return env, work


def test_readme_has_examples() -> None:
    assert len(PYTHON_BLOCKS) >= 4
    assert sum(c.startswith("runestream fetch ") for c in COMMANDS) >= 3
    assert any(c.startswith("runestream session download ") for c in COMMANDS)


def test_readme_uses_only_ids_the_sandbox_has() -> None:
    text = README.read_text()
    ids = {p.patient_id for p in rs.CATALOG.patients.values()}
    devices = {d.device_id for p in rs.CATALOG.patients.values() for d in p.devices.values()}
    datasets = {s for p in rs.CATALOG.patients.values() for s in p.datasets}
    for name, known in (
        ("patient_id", ids),
        ("device_id", devices),
        ("session_id", datasets),
    ):
        dashed = name.replace("_", "-")
        used = re.findall(rf'{name}\s*=\s*"([^"]*)"', text) + re.findall(
            rf"--{dashed} ([^\s-]\S*)", text
        )
        assert used, name
        assert set(used) <= known, (name, set(used) - known)


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[_block_id(b) for b in PYTHON_BLOCKS])
def test_python_example_runs(block: str, user: tuple[dict[str, str], Path]) -> None:
    if re.search(r"^from runeq import .*\bstream\b", block, re.MULTILINE):
        # runeq 0.15's V1 client; the dev extra installs runeq 0.18, which has no runeq.stream.
        pytest.importorskip("runeq.stream")
    elif re.search(r"^from runeq |^import runeq", block, re.MULTILINE):
        pytest.importorskip("runeq")
    env, work = user
    result = subprocess.run(
        [sys.executable, "-c", block],
        env=env,
        cwd=work,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=[c[:60] for c in COMMANDS])
def test_command_line_example_runs(command: str, user: tuple[dict[str, str], Path]) -> None:
    env, work = user
    result = subprocess.run(
        ["bash", "-c", f"set -euo pipefail\n{command}"],
        env=env,
        cwd=work,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout or list(work.iterdir()), "the command wrote nothing"


SQL_BLOCKS = _blocks("sql")
SYNC_COMMANDS = [c for c in COMMANDS if c.startswith("runestream sync ")]


@pytest.mark.parametrize("query", SQL_BLOCKS, ids=[_block_id(b) for b in SQL_BLOCKS])
def test_sql_example_runs_on_the_synced_mirror(
    query: str, user: tuple[dict[str, str], Path]
) -> None:
    """The README's DuckDB query, on the dataset its first ``runestream sync`` command writes."""
    duckdb = pytest.importorskip("duckdb")
    assert SYNC_COMMANDS, "the README shows runestream sync"
    env, work = user
    subprocess.run(
        ["bash", "-c", SYNC_COMMANDS[0]], env=env, cwd=work, check=True, capture_output=True
    )
    statement = "\n".join(line for line in query.splitlines() if not line.startswith("--"))
    with duckdb.connect() as db:
        db.execute(f"SET file_search_path = '{work}'")
        rows = db.sql(statement.replace("'mirror/", f"'{work}/mirror/")).fetchall()
    assert rows
