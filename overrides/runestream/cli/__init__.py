"""The ``runestream`` command line: configure, fetch, stream, whoami, orgs, patients, streams,
session download, sandbox, demo.

Exit codes: 0 success, 2 usage error (including a missing or invalid parameter), 3 auth or
config error, 4 API error, 5 network error, 130 interrupted. Errors are printed as one line on
stderr (with a traceback only under ``--debug``); secrets are never printed. A reader that closes
stdout early (``runestream fetch ... --output - | head``) ends the command quietly with 0.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import traceback
from collections.abc import Callable, Sequence

from .._version import __version__
from . import (
    _configure,
    _demo,
    _fetch,
    _metadata_cmd,
    _sandbox_cmd,
    _session_cmd,
    _stream_cmd,
    _sync_cmd,
)
from ._exit import OK, exit_code_for
from ._pipes import output_closed, silence_stdout

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="runestream",
        description="Pull Rune Labs Stream API data into analysis-ready files.",
    )
    parser.add_argument("--version", action="version", version=f"runestream {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks and debug logs (secrets redacted)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _configure.add_parser(sub)
    _fetch.add_parser(sub)
    _stream_cmd.add_parser(sub)
    _metadata_cmd.add_parsers(sub)
    _session_cmd.add_parser(sub)
    _sandbox_cmd.add_parser(sub)
    _demo.add_parser(sub)
    _sync_cmd.add_parser(sub)
    _accept_debug_anywhere(sub)
    return parser


def _accept_debug_anywhere(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Let ``--debug`` also follow a sub-command (``runestream fetch ... --debug``)."""
    for child in set(subparsers.choices.values()):
        child.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        for action in child._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_debug_anywhere(action)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        code = handler(args)
        sys.stdout.flush()  # here, not at interpreter exit, so that a closed pipe is seen
        return code
    except (Exception, KeyboardInterrupt) as error:
        if output_closed(error):
            silence_stdout()
            return OK
        code = exit_code_for(error)
        if args.debug:
            traceback.print_exc()
        with contextlib.suppress(OSError):  # stderr itself may be a closed pipe
            if isinstance(error, KeyboardInterrupt):
                sys.stderr.write("runestream: interrupted\n")
            else:
                kind = "" if code in (2, 3, 4, 5) else f"{type(error).__name__}: "
                sys.stderr.write(f"runestream: error: {kind}{_one_line(str(error))}\n")
        return code


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "unknown error"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
