"""Pieces shared by the commands that talk to the API: config loading and output paths."""

from __future__ import annotations

import argparse

from .._config import Config


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--config`` and ``--stream-url`` to a command that calls the API."""
    parser.add_argument(
        "--config", metavar="PATH", help="config file (default: $RUNE_CONFIG or ~/.rune/config)"
    )
    parser.add_argument(
        "--stream-url", metavar="URL", help="Stream API base URL (default: from the config)"
    )


def load_config(args: argparse.Namespace) -> Config:
    """Build the Config from ``--config``/``--stream-url``, RUNE_* variables and the file."""
    return Config(args.config, stream_url=args.stream_url)
