"""``runestream demo``: the end-to-end demo against the built-in sandbox.

Starts the sandbox in-process on a free loopback port, fetches one day of accelerometry, LFP,
tremor probability and events for a sandbox patient through the real client (pagination, CSV
parsing, retries and all), writes Parquet and CSV files, prints a summary table and saves a PNG
plot. Needs no credentials and no network.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from ..core._config import Config
from ..core._outputs import atomic_output
from ..core._pagination import Page
from ..v1._client import V1Client
from ._exit import OK, UsageError
from ._progress import Progress, human_bytes

DEMO_DAY = datetime(2024, 5, 2, tzinfo=UTC)


@dataclass
class _Fetched:
    name: str
    table: pa.Table
    pages: int
    nbytes: int
    seconds: float
    files: list[Path]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``demo``."""
    parser = subparsers.add_parser(
        "demo",
        help="run the end-to-end demo against the built-in sandbox (no credentials needed)",
    )
    parser.add_argument(
        "--output-dir",
        default="runestream-demo",
        metavar="DIR",
        help="where to write the files (default ./runestream-demo)",
    )
    parser.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """Run the demo; see the module docstring."""
    try:
        import runestream_sandbox as sandbox
        from runestream_sandbox import catalog
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise UsageError(
            f"the demo needs the sandbox extra: pip install 'runestream[demo]' ({exc})"
        ) from None
    out_dir = Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = DEMO_DAY.timestamp()
    end = (DEMO_DAY + timedelta(days=1)).timestamp()
    print(
        f"Starting the sandbox and fetching {DEMO_DAY:%Y-%m-%d} (UTC) for {catalog.PATIENT_ID} ..."
    )
    with sandbox.SandboxServer() as server:
        config = Config(
            access_token_id=sandbox.ACCESS_TOKEN_ID,
            access_token_secret=sandbox.ACCESS_TOKEN_SECRET,
            stream_url=server.url,
        )
        print(f"Sandbox at {server.url}")
        fetched = _fetch_all(config, catalog, start, end, out_dir)
    _print_summary(fetched)
    png = _plot(fetched, catalog.PATIENT_ID, out_dir / "runestream-demo.png")
    print(f"\nPlot: {png}")
    print(f"Files in {out_dir.resolve()}")
    return OK


def _fetch_all(
    config: Config, catalog: Any, start: float, end: float, out_dir: Path
) -> list[_Fetched]:
    counters = {"pages": 0, "bytes": 0}

    def on_page(page: Page) -> None:
        counters["pages"] += 1
        counters["bytes"] += page.size

    results: list[_Fetched] = []
    with V1Client(config, on_page=on_page) as client:
        jobs: list[tuple[str, Any]] = [
            ("accel", client.Accel(patient_id=catalog.PATIENT_ID, device_id=catalog.WATCH_ID)),
            ("lfp", client.LFP(patient_id=catalog.PATIENT_ID, device_id=catalog.DBS_ID)),
            (
                "tremor_probability",
                client.ProbabilitySymptom(
                    patient_id=catalog.PATIENT_ID, device_id=catalog.WATCH_ID, symptom="tremor"
                ),
            ),
        ]
        for name, accessor in jobs:
            counters.update(pages=0, bytes=0)
            progress = Progress(f"  {name}")
            began = time.monotonic()
            parquet = accessor.to_parquet(
                out_dir / f"{name}.parquet", start_time=start, end_time=end
            )
            seconds = time.monotonic() - began
            pages, nbytes = counters["pages"], counters["bytes"]
            table = pq.read_table(parquet)
            csv_path = out_dir / f"{name}.csv"
            with atomic_output(csv_path) as (_, handle):
                pacsv.write_csv(table, handle)
            progress.finish(
                f"  {name:<20} {table.num_rows:>10,} rows  {pages} page(s)  "
                f"{human_bytes(nbytes):>10}  {seconds:5.2f} s"
            )
            results.append(_Fetched(name, table, pages, nbytes, seconds, [parquet, csv_path]))

        counters.update(pages=0, bytes=0)
        began = time.monotonic()
        events = [
            e.to_dict()
            for e in client.Event(patient_id=catalog.PATIENT_ID).iter_events(
                start_time=start, end_time=end
            )
        ]
        seconds = time.monotonic() - began
        table = _events_table(events)
        paths = [out_dir / "events.parquet", out_dir / "events.csv"]
        with atomic_output(paths[0]) as (_, handle):
            pq.write_table(table, handle)
        with atomic_output(paths[1]) as (_, handle):
            pacsv.write_csv(table, handle)
        print(
            f"  {'events':<20} {table.num_rows:>10,} rows  {counters['pages']} page(s)  "
            f"{human_bytes(counters['bytes']):>10}  {seconds:5.2f} s"
        )
        results.append(
            _Fetched("events", table, counters["pages"], counters["bytes"], seconds, paths)
        )
    return results


def _events_table(events: list[dict[str, Any]]) -> pa.Table:
    columns = ("time", "event_type", "display_name", "device_id", "id")
    data: dict[str, list[Any]] = {c: [e.get(c) for e in events] for c in columns}
    data["time"] = [float(t) for t in data["time"]]
    data["event_type"] = [
        ".".join(
            part
            for part in (e.get("event_namespace"), e.get("event_type"), e.get("event_enum"))
            if part
        )
        for e in events
    ]
    return pa.table(
        {c: pa.array(v, type=pa.float64() if c == "time" else pa.string()) for c, v in data.items()}
    )


def _time_range(table: pa.Table) -> str:
    name = "time" if "time" in table.column_names else "timestamp"
    if table.num_rows == 0 or name not in table.column_names:
        return "-"
    column = table.column(name)
    low = pc.min(column).as_py()
    high = pc.max(column).as_py()
    first, last = (datetime.fromtimestamp(t, UTC).strftime("%H:%M:%S") for t in (low, high))
    return f"{first}-{last}"


def _print_summary(fetched: list[_Fetched]) -> None:
    print()
    header = (
        f"{'stream':<20} {'rows':>10} {'cols':>5} {'pages':>6} {'bytes':>10} {'seconds':>8}  "
        f"{'time range (UTC)':<19}  files"
    )
    print(header)
    print("-" * len(header))
    for item in fetched:
        files = ", ".join(p.name for p in item.files)
        size = human_bytes(item.nbytes)
        print(
            f"{item.name:<20} {item.table.num_rows:>10,} {item.table.num_columns:>5} "
            f"{item.pages:>6} {size:>10} {item.seconds:>8.2f}  "
            f"{_time_range(item.table):<19}  {files}"
        )


def _plot(fetched: list[_Fetched], patient_id: str, path: Path) -> Path:
    from ._demo_plot import draw, plot_data  # numpy and matplotlib: the demo extra only

    tables = {item.name: item.table for item in fetched}
    return draw(plot_data(tables, patient_id, DEMO_DAY), path)
