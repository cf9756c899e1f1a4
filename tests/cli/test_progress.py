"""The progress line draws on a terminal, stays silent otherwise, and always ends with a summary."""

from __future__ import annotations

import io

from runestream.cli._progress import Progress, human_bytes


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal() -> None:
    out = _Terminal()
    progress = Progress("accel", stream=out)
    progress._last_draw = -1.0
    progress.page(2_000_000, 70 * 1024 * 1024)
    drawn = out.getvalue()
    assert drawn.startswith("\r") and "2,000,000 rows" in drawn and "1 page" in drawn
    assert "70.0 MiB" in drawn and "/s" in drawn
    progress.finish("done")
    assert out.getvalue().endswith("\r\x1b[2Kdone\n")


def test_progress_is_silent_when_piped() -> None:
    out = io.StringIO()
    progress = Progress("accel", stream=out)
    progress.page(10, 100)
    progress.advance_bytes(50, 100)
    assert out.getvalue() == ""
    progress.finish("summary line")
    assert out.getvalue() == "summary line\n"


def test_human_bytes() -> None:
    assert human_bytes(512) == "512 B"
    assert human_bytes(1536) == "1.5 KiB"
    assert human_bytes(3 * 1024**3) == "3.0 GiB"
