"""``runestream session download``: save one stream of an uploaded dataset to a file."""

from __future__ import annotations

import argparse

from ..v1._client import V1Client
from ._common import add_connection_options, load_config
from ._exit import OK
from ._progress import Progress, human_bytes


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``session download``."""
    parser = subparsers.add_parser(
        "session", help="download raw data-session streams (GET /v1/session)"
    )
    sub = parser.add_subparsers(dest="session_command", metavar="COMMAND", required=True)
    download = sub.add_parser("download", help="download one stream of a dataset to a file")
    download.add_argument("--session-id", required=True, help="dataset ID (dataset-...)")
    download.add_argument(
        "--stream-name", required=True, help="stream (file) name within the dataset"
    )
    download.add_argument(
        "--output",
        required=True,
        metavar="PATH",
        help="target file, or a directory: an existing one, or PATH/ (created if missing)",
    )
    add_connection_options(download)
    download.set_defaults(handler=run_download)


def run_download(args: argparse.Namespace) -> int:
    """Stream the file to disk with a byte progress bar; no partial file on failure."""
    config = load_config(args)
    progress = Progress(f"session {args.stream_name}")
    try:
        with V1Client(config, deadline=args.deadline) as client:
            path = client.download_session(
                session_id=args.session_id,
                stream_name=args.stream_name,
                path=args.output,
                progress=progress.advance_bytes,
            )
    except BaseException:
        progress.abandon()
        raise
    progress.finish(
        f"Saved {human_bytes(path.stat().st_size)} to {path} in {progress.elapsed:.1f} s"
    )
    return OK
