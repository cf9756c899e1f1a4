"""runeq 0.18.1's global clients pointed at a local sandbox, with nothing leaving 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import runeq  # the dev extra pins runeq==0.18.1

import runestream_sandbox as rs

_AWS_LOOKUPS = (
    "AWS_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)


@contextmanager
def runeq_against(url: str, scratch: Path) -> Iterator[None]:
    """``runeq.initialize`` with the sandbox's access token, ``stream_url`` and ``graph_url``.

    runeq's ``Config`` also builds a boto3 Cognito client (used only to refresh a Cognito
    token), whose credential lookup would ask the EC2 metadata service: that lookup is
    switched off and the AWS config files pointed at nothing (``scratch``/none).
    """
    nothing = scratch / "none"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("AWS_CONFIG_FILE", str(nothing))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nothing))
        for name in _AWS_LOOKUPS:
            mp.delenv(name, raising=False)
        runeq.initialize(
            access_token_id=rs.ACCESS_TOKEN_ID,
            access_token_secret=rs.ACCESS_TOKEN_SECRET,
            stream_url=url,
            graph_url=url,
        )
        yield
