"""Cassette: runeq's whole quickstart (metadata → streams → availability → data frame).

The program of ``tests/integration/test_quickstart_seed.py`` (runeq's published quickstart with
``runeq`` → ``runestream`` in its imports and the sandbox's ids) runs in this process against
the recorded answers: every GraphQL operation and V2 request it makes comes from
``test_quickstart_flow/``, credentials REDACTED, nothing started, the network blocked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from runestream import _default_session

from ..integration.test_quickstart_seed import program
from . import _world as w

pytestmark = pytest.mark.vcr


@pytest.fixture
def no_default_session() -> Iterator[None]:
    saved = _default_session._default
    _default_session._default = None
    yield
    _default_session._default = saved


def test_the_quickstart_flow_replays(
    base_url: str, tmp_path: Path, no_default_session: None, capsys: pytest.CaptureFixture[str]
) -> None:
    home = Path(os.environ["HOME"])
    (home / ".rune").mkdir(parents=True)
    (home / ".rune" / "config").write_text(
        "auth_method: access_token\n"
        f"access_token_id: {w.ACCESS_TOKEN_ID}\n"
        f"access_token_secret: {w.ACCESS_TOKEN_SECRET}\n"
        f"stream_url: {base_url}\n"
        f"graph_url: {base_url}\n"
    )
    work = tmp_path / "work"
    work.mkdir()
    cwd = Path.cwd()
    os.chdir(work)
    try:
        exec(compile(program(), "runeq-quickstart", "exec"), {"__name__": "quickstart"})
    finally:
        os.chdir(cwd)
    assert capsys.readouterr().out.rstrip().endswith("QUICKSTART OK")
    assert (work / "patients.json").is_file()
