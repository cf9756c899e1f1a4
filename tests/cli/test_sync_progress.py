"""``runestream sync``'s rich progress, rendered without a real terminal.

The drawer alone on a rich ``Console(file=StringIO(), force_terminal=True)``; then the command
in-process with a stderr that says it is a terminal: the bar is drawn there (never on stdout)
and erased when done, leaving the one-line summary.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

import runestream_sandbox as rs
from runestream.cli import main
from runestream.cli._sync_cmd import _RichProgress
from runestream.sync import PartitionEvent

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

STREAM = "ab" * 32


def _event(done: int, total: int, complete: bool = True) -> PartitionEvent:
    return PartitionEvent(
        patient_id="patient-0001",
        stream_id=STREAM,
        date=f"2024-05-{5 + done:02d}",
        rows=1_000 * done,
        complete=complete,
        done=done,
        total=total,
    )


def test_the_bar_counts_partitions_and_names_the_last_one() -> None:
    out = io.StringIO()
    drawer = _RichProgress(Console(file=out, force_terminal=True, width=120, color_system=None))
    for done in (1, 2, 3):
        drawer(_event(done, 3, complete=done < 3))
    drawer.stop()
    text = out.getvalue()
    assert "sync" in text and "3/3" in text
    assert f"{STREAM[:12]}… 2024-05-08: 3,000 rows (open day)" in text
    assert text.endswith("\x1b[2K")  # transient: the bar is erased when the sync ends


def test_stop_without_a_partition_draws_nothing() -> None:
    out = io.StringIO()
    drawer = _RichProgress(Console(file=out, force_terminal=True))
    drawer.stop()
    assert out.getvalue() == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_draws_on_a_terminal_stderr_only(
    server: rs.SandboxServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in (
        ("RUNE_STREAM_URL", server.url),
        ("RUNE_GRAPH_URL", server.url),
        ("RUNE_ACCESS_TOKEN_ID", rs.ACCESS_TOKEN_ID),
        ("RUNE_ACCESS_TOKEN_SECRET", rs.ACCESS_TOKEN_SECRET),
    ):
        monkeypatch.setenv(name, value)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    command = ["sync", str(tmp_path / "mirror"), "--patient-id", "patient-0001"]
    code = main([*command, "--category", "vitals", "--start", "2024-05-06", "--end", "2024-05-10"])
    assert code == 0
    assert capsys.readouterr().out == ""  # nothing on stdout
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())  # colours, cursor
    assert re.search(r"sync ━+ 3/3 ", drawn), drawn
    assert "(open day)" in drawn  # 2024-05-08 holds max_time
    assert drawn.rstrip().splitlines()[-1].startswith("sync: 1 stream, 3 partitions fetched")
