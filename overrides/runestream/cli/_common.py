"""Pieces shared by the commands that talk to the API: config loading and output paths."""

from __future__ import annotations

import argparse
import math

from ..core._config import Config


def seconds(text: str) -> float:
    """An argparse type: a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--config``, ``--stream-url`` and ``--deadline`` to a command that calls the API."""
    parser.add_argument(
        "--config", metavar="PATH", help="config file (default: $RUNE_CONFIG or ~/.rune/config)"
    )
    parser.add_argument(
        "--stream-url", metavar="URL", help="Stream API base URL (default: from the config)"
    )
    parser.add_argument(
        "--graph-url", metavar="URL", help="GraphQL API base URL (default: from the config)"
    )
    parser.add_argument(
        "--deadline",
        type=seconds,
        metavar="SECONDS",
        help="give up (exit 5) if the whole command's download takes longer (default: no bound)",
    )


def load_config(args: argparse.Namespace) -> Config:
    """Build the Config from ``--config``/``--stream-url``/``--graph-url``, RUNE_* variables and
    the file."""
    return Config(
        args.config, stream_url=args.stream_url, graph_url=getattr(args, "graph_url", None)
    )
