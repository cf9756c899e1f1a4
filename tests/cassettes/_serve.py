"""The sandbox cassettes are recorded from; ``python -m tests.cassettes._serve --port N``.

``scripts/record-cassettes`` runs this in its own process; ``conftest.py`` uses
:func:`recording_server` in-process when recording without the script.
"""

from __future__ import annotations

import argparse

import runestream_sandbox as rs

from ._world import SPAN_PAGE_SIZE, V2_PAGE_SIZE


def recording_settings() -> rs.SandboxSettings:
    """Default sandbox behaviour, except that spans and V2 pages are small (so they page)."""
    return rs.SandboxSettings(span_page_size=SPAN_PAGE_SIZE, v2_page_size=V2_PAGE_SIZE)


def recording_server() -> rs.SandboxServer:
    """An in-process sandbox with :func:`recording_settings` (a context manager)."""
    return rs.SandboxServer(recording_settings())


def main(argv: list[str] | None = None) -> None:
    """Serve the recording sandbox on 127.0.0.1 in the foreground."""
    parser = argparse.ArgumentParser(prog="python -m tests.cassettes._serve")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    rs.serve("127.0.0.1", args.port, recording_settings())


if __name__ == "__main__":
    main()
