"""``runestream sandbox``: serve the local stand-in of the Stream API."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ._exit import OK, UsageError


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``sandbox``."""
    parser = subparsers.add_parser(
        "sandbox",
        help="serve the local sandbox of the Stream API (synthetic data, fake credentials)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)"
    )
    parser.add_argument(
        "--catalog",
        action="store_true",
        help="print the sandbox's patients, devices, sessions and their time ranges, and exit",
    )
    parser.set_defaults(handler=run_sandbox)


def run_sandbox(args: argparse.Namespace) -> int:
    """Start the sandbox in the foreground; print its URL, credentials and catalogue.

    With ``--catalog``, print only the catalogue (no server is started).
    """
    try:
        import runestream_sandbox as sandbox
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise UsageError(
            f"the sandbox needs its extra: pip install 'runestream[sandbox]' ({exc})"
        ) from None
    if args.catalog:
        sys.stdout.write(sandbox.describe_catalog())
        sys.stdout.write(_v2_pointer(sandbox))
        return OK
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, got {args.port}")
    server = sandbox.SandboxServer(host=args.host, port=args.port)
    server.start()
    print(f"Sandbox of the Stream API listening on {server.url}", flush=True)
    print("Use it with these fake credentials:", flush=True)
    print(f"  export RUNE_STREAM_URL={server.url}")
    print(f"  export RUNE_ACCESS_TOKEN_ID={sandbox.ACCESS_TOKEN_ID}")
    print(f"  export RUNE_ACCESS_TOKEN_SECRET={sandbox.ACCESS_TOKEN_SECRET}")
    print(f"  (client key: {sandbox.CLIENT_KEY_ID} / {sandbox.CLIENT_ACCESS_KEY})")
    print(f"  (JWT, V2 only: {sandbox.JWT})")
    print("What it holds (also: runestream sandbox --catalog):")
    print(sandbox.describe_catalog(settings=server.settings), end="")
    print(_v2_pointer(sandbox), end="")
    try:
        print("Press Ctrl-C to stop.", flush=True)  # inside: a Ctrl-C right after it stops cleanly
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sys.stderr.write("\nStopping the sandbox.\n")
    finally:
        server.stop()
    return OK


def _v2_pointer(sandbox: Any) -> str:
    """Where the V2 stream ids are listed (there are too many to print here)."""
    return (
        f"V2 Stream API: {len(sandbox.STREAMS)} streams with 64-hex ids; list them with "
        "`python -m runestream_sandbox --streams` (JSON, runeq's StreamMetadata fields) or, in "
        "Python, runestream_sandbox.find_streams(patient_id=..., device_id=..., ...)\n"
    )
