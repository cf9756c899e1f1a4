"""Every exception a command can raise maps to an exit code the README documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runestream import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    ConfigError,
    NotFoundError,
    ValidationError,
)
from runestream.cli._exit import UsageError, exit_code_for

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (OSError("disk full"), 1),
        (RuntimeError("a bug"), 1),
        (UsageError("bad flag"), 2),
        (ValidationError("bad", parameter="x"), 2),
        (ConfigError("no credentials"), 3),
        (AuthenticationError("401", status_code=401), 3),
        (NotFoundError("404", status_code=404), 4),
        (APIError("odd body", status_code=200), 4),
        (APIConnectionError("refused"), 5),
        (KeyboardInterrupt(), 130),
    ],
)
def test_every_error_maps_to_a_documented_code(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code
    documented = re.search(r"Exit codes: (.*?)\n\n", README.read_text(), re.DOTALL)
    assert documented is not None
    assert f"`{code}`" in documented.group(1)
