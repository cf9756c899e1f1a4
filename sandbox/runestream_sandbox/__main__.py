"""``python -m runestream_sandbox [--host H] [--port P] [--catalog|--streams] ...``."""

from __future__ import annotations

import argparse
import json

from .catalog import ACCESS_TOKEN_ID, ACCESS_TOKEN_SECRET, CATALOG
from .server import serve
from .settings import SandboxSettings
from .v2 import stream_catalog


def main(argv: list[str] | None = None) -> None:
    """Run the sandbox in the foreground (or print the catalogue)."""
    parser = argparse.ArgumentParser(prog="python -m runestream_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--accel-rate", type=float, default=50.0, help="watch accel rate, Hz")
    parser.add_argument("--page-latency", type=float, default=0.0, help="seconds per page")
    parser.add_argument("--catalog", action="store_true", help="print the catalogue and exit")
    parser.add_argument(
        "--streams", action="store_true", help="print the V2 stream catalogue (JSON) and exit"
    )
    args = parser.parse_args(argv)
    if args.streams:
        print(json.dumps(stream_catalog(), indent=2, ensure_ascii=False))
        return
    if args.catalog:
        print(json.dumps(CATALOG.to_dict(), indent=2))
        return
    print(f"access token: {ACCESS_TOKEN_ID} / {ACCESS_TOKEN_SECRET}")
    settings = SandboxSettings(accel_rate_hz=args.accel_rate, page_latency_s=args.page_latency)
    serve(args.host, args.port, settings)


if __name__ == "__main__":
    main()
