"""Run the benchmarks: ``python -m benchmarks.run [--quick] [--rounds N] ...``.

The orchestrator starts the sandbox in its own process (:mod:`benchmarks.serve`), warms its page
cache with one untimed round of every case, then runs the timed rounds (one fresh process per
case per round, :mod:`benchmarks.child`), interleaving the cases round by round. It prints the
medians, ratios and targets and writes them to ``benchmarks/RESULTS.md``.

Standard library only, on purpose: a measured child's ``ru_maxrss`` starts at the RSS of the
process that spawned it, so the orchestrator must stay smaller than any measured process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from benchmarks.report import (
    V2_BEGIN,
    V2_END,
    CaseDef,
    CaseResult,
    Target,
    Verdict,
    evaluate,
    keep_analysis,
    ratio_lines,
    results_table,
    rounds_table,
    splice_v2,
    targets_table,
    v2_section,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
WORK_DIR = BENCH_DIR / ".work"
RESULT_PREFIX = "BENCH-RESULT "
PACKAGES = (
    "runestream",
    "runeq",
    "pyarrow",
    "pandas",
    "numpy",
    "httpx",
    "requests",
    "starlette",
    "uvicorn",
)


@dataclass(frozen=True)
class Workload:
    """Sizes of one run.

    Attributes:
        rows: Accel rows of the main window (cases a-d).
        page_size: CSV page size of cases a-e (2,000,000 is the API default and is not sent).
        parquet_rows: Rows of the small and the large Parquet window (case e).
        parallel_rows: Rows of the window of case f.
        parallel_page_size: Page size of case f (small, so that latency dominates).
        latency_s: Simulated latency per page of case f.
        workers: ``workers`` of the parallel run of case f.
        rate_hz: The sandbox's accel sample rate.
    """

    rows: int = 4_000_000
    page_size: int = 2_000_000
    parquet_rows: tuple[int, int] = (2_000_000, 8_000_000)
    parallel_rows: int = 1_000_000
    parallel_page_size: int = 50_000
    latency_s: float = 0.1
    workers: int = 4
    rate_hz: float = 100.0


FULL = Workload()
QUICK = Workload(
    rows=400_000,
    page_size=200_000,
    parquet_rows=(200_000, 800_000),
    parallel_rows=200_000,
    parallel_page_size=10_000,
)


def case_defs(w: Workload) -> list[CaseDef]:
    """Every case of a workload, in the order they run in each round."""
    small, large = w.parquet_rows
    return [
        CaseDef("download", "(a)", "reference: download only (httpx keep-alive, bytes dropped)",
                "download", page_size=w.page_size, reference=True),
        CaseDef("raw_arrow", "(a)", "raw limit: httpx + pyarrow.csv.read_csv + concat_tables",
                "raw_arrow", page_size=w.page_size, reference=True),
        CaseDef("raw_pandas", "(a)", "reference: raw limit + Table.to_pandas()",
                "raw_pandas", page_size=w.page_size, reference=True),
        CaseDef("rs_arrow", "(b)", "runestream to_arrow()", "rs_arrow", page_size=w.page_size),
        CaseDef("rs_pandas", "(b)", "runestream to_pandas()", "rs_pandas",
                page_size=w.page_size),
        CaseDef("rs_pandas_mimalloc", "(b)",
                "reference: runestream to_pandas() in mimalloc (ARROW_DEFAULT_MEMORY_POOL)",
                "rs_pandas_mimalloc", page_size=w.page_size, reference=True),
        CaseDef("rs_pandas_w2", "(b)", "reference: runestream to_pandas(workers=2)",
                "rs_pandas_workers", page_size=w.page_size, workers=2, reference=True),
        CaseDef("rs_points", "(c)", "runestream points(), all rows consumed", "rs_points",
                page_size=w.page_size),
        CaseDef("runeq_pandas", "(d)",
                "runeq 0.15.0 iter_csv_text + pandas.read_csv(StringIO) + pd.concat",
                "runeq_pandas", page_size=w.page_size),
        CaseDef("runeq_points", "(d)", "runeq 0.15.0 points(), all rows consumed",
                "runeq_points", page_size=w.page_size),
        CaseDef("rs_parquet_small", "(e)", f"runestream to_parquet(), {small:,} rows",
                "rs_parquet", window="parquet_small", page_size=w.page_size),
        CaseDef("rs_parquet_large", "(e)", f"runestream to_parquet(), {large:,} rows",
                "rs_parquet", window="parquet_large", page_size=w.page_size),
        CaseDef("rs_seq", "(f)",
                f"runestream to_arrow(workers=1), {w.latency_s * 1000:g} ms per page",
                "rs_arrow_workers", server="latency", window="parallel",
                page_size=w.parallel_page_size, workers=1),
        CaseDef("rs_par", "(f)",
                f"runestream to_arrow(workers={w.workers}), {w.latency_s * 1000:g} ms per page",
                "rs_arrow_workers", server="latency", window="parallel",
                page_size=w.parallel_page_size, workers=w.workers),
    ]  # fmt: skip


def targets(w: Workload) -> list[Target]:
    """The targets of the brief, each a ratio of medians of the same run."""
    return [
        Target("`to_pandas` within 1.5x of the raw limit (time)",
               ("rs_pandas", "seconds"), ("raw_arrow", "seconds"), "<=", 1.5,
               "rs_pandas / raw_arrow"),
        Target("`to_pandas` at least 3x faster than runeq + pandas",
               ("runeq_pandas", "seconds"), ("rs_pandas", "seconds"), ">=", 3.0,
               "runeq_pandas / rs_pandas"),
        Target("`to_pandas` peak RSS at most 0.7x runeq + pandas's",
               ("rs_pandas", "peak_rss_kib"), ("runeq_pandas", "peak_rss_kib"), "<=", 0.7,
               "peak RSS rs_pandas / runeq_pandas"),
        Target("`points()` at least 2x faster than runeq's `points()`",
               ("runeq_points", "seconds"), ("rs_points", "seconds"), ">=", 2.0,
               "runeq_points / rs_points"),
        Target(f"Parquet streaming peak RSS not growing from {w.parquet_rows[0]:,} to "
               f"{w.parquet_rows[1]:,} rows",
               ("rs_parquet_large", "peak_rss_kib"), ("rs_parquet_small", "peak_rss_kib"),
               "<=", 1.15, "peak RSS large / small"),
        Target(f"parallel windows at least 3x faster than sequential ({w.workers} workers, "
               f"{w.latency_s * 1000:g} ms per page)",
               ("rs_seq", "seconds"), ("rs_par", "seconds"), ">=", 3.0,
               "rs_seq / rs_par"),
    ]  # fmt: skip


INFO_RATIOS = (
    ("to_arrow vs raw limit", "rs_arrow", "raw_arrow"),
    ("to_pandas vs raw limit + to_pandas", "rs_pandas", "raw_pandas"),
    ("runeq + pandas vs to_pandas(workers=2)", "runeq_pandas", "rs_pandas_w2"),
    ("to_pandas in mimalloc (pyarrow's default pool) vs in jemalloc (runestream's choice)",
     "rs_pandas_mimalloc", "rs_pandas"),
    ("raw limit vs download only", "raw_arrow", "download"),
    ("runeq + pandas vs to_pandas", "runeq_pandas", "rs_pandas"),
    ("runestream points() vs to_arrow()", "rs_points", "rs_arrow"),
    ("runeq + pandas vs raw limit (the most any client can gain on runeq + pandas)",
     "runeq_pandas", "raw_arrow"),
)  # fmt: skip


@dataclass(frozen=True)
class V2Workload:
    """Sizes of a ``--suite v2`` run.

    Attributes:
        accel_start_s: Start of the 3-axis watch acceleration window (cases a-c), unix s.
        accel_hours: Length of that window (the watch is worn throughout).
        many_start_s: Start of the many-streams window (case d), unix s.
        many_hours: Length of that window.
        many_streams: Streams of case d.
        latency_s: Simulated latency per request of case d (every V2 data page).
        workers: ``workers`` of runestream's concurrent run of case d.
        rate_hz: The sandbox's accel sample rate.
        meta_latency_s: Simulated latency per request of case e (every ``/graphql`` answer).
        stream_copies: ``SandboxSettings.stream_copies`` of the servers of cases d-f (the
            latency servers): copies of every stream, so that e and f see 100+ streams.
        avail_start_s: Start of the batch-availability window (case f), unix s.
        avail_hours: Length of that window.
        avail_resolution_s: Its bin width.
        parquet_start_s: Start of both Parquet windows (case g), unix s.
        parquet_small: ``streams`` (acceleration axes) and ``hours`` of the small case g.
        parquet_large: The same for the large case g.
    """

    accel_start_s: float = 1714550400.0  # 2024-05-01 08:00 UTC
    accel_hours: float = 6.0
    many_start_s: float = 1714608000.0  # 2024-05-02 00:00 UTC
    many_hours: float = 24.0
    many_streams: int = 20
    latency_s: float = 0.1
    workers: int = 10
    rate_hz: float = 50.0
    meta_latency_s: float = 0.05
    stream_copies: int = 2
    avail_start_s: float = 1714521600.0  # 2024-05-01 00:00 UTC
    avail_hours: float = 72.0
    avail_resolution_s: int = 300
    parquet_start_s: float = 1714521600.0  # 2024-05-01 00:00 UTC
    parquet_small: tuple[int, float] = (1, 24.0)
    parquet_large: tuple[int, float] = (3, 72.0)


V2_FULL = V2Workload()
V2_QUICK = V2Workload(accel_hours=0.6, parquet_small=(1, 2.4), parquet_large=(3, 7.2))


def v2_case_defs(w: V2Workload) -> list[CaseDef]:
    """Every case of the V2 suite, in the order they run in each round."""
    ms = f"{w.latency_s * 1000:g} ms per request"
    return [
        CaseDef("v2_download", "(a)", "reference: download only (httpx keep-alive, bytes dropped)",
                "v2_download", window="accel", reference=True),
        CaseDef("v2_raw_arrow", "(a)", "raw limit: httpx + pyarrow.csv.read_csv + concat_tables",
                "v2_raw_arrow", window="accel", reference=True),
        CaseDef("v2_raw_pandas", "(a)", "reference: raw limit + Table.to_pandas()",
                "v2_raw_pandas", window="accel", reference=True),
        CaseDef("v2_rs_arrow", "(b)", "runestream session.stream.to_arrow(ids)", "v2_rs_arrow",
                window="accel"),
        CaseDef("v2_rs_pandas", "(b)", "runestream session.stream.to_pandas(ids)",
                "v2_rs_pandas", window="accel"),
        CaseDef("v2_rs_set_arrow", "(b)", "runestream StreamMetadataSet.to_arrow() (metadata "
                "fetched untimed)", "v2_rs_set_arrow", window="accel"),
        CaseDef("v2_rs_set_pandas", "(b)", "runestream StreamMetadataSet.to_pandas() (metadata "
                "fetched untimed)", "v2_rs_set_pandas", window="accel"),
        CaseDef("v2_runeq_df", "(c)", "runeq 0.18.1 StreamMetadataSet.get_stream_dataframe(), "
                "as is (metadata fetched untimed)", "v2_runeq_df", window="accel"),
        CaseDef("v2_runeq_df_time", "(c)", "the same + pd.to_datetime(df['time'], "
                "format='ISO8601')", "v2_runeq_df_time", window="accel"),
        CaseDef("lat_runeq", "(d)", f"runeq 0.18.1 get_stream_dataframe(), {ms}", "v2_runeq_df",
                server="latency", window="many"),
        CaseDef("lat_rs", "(d)", f"runestream StreamMetadataSet.to_pandas(workers={w.workers}), "
                f"{ms}", "v2_rs_set_pandas", server="latency", window="many",
                workers=w.workers),
        CaseDef("lat_rs_default", "(d)", f"reference: the same with the default workers (4), {ms}",
                "v2_rs_set_pandas", server="latency", window="many", reference=True),
        CaseDef("lat_rs_seq", "(d)", f"reference: the same with workers=1, {ms}",
                "v2_rs_set_pandas", server="latency", window="many", workers=1, reference=True),
        *v2_extra_case_defs(w),
    ]  # fmt: skip


def v2_extra_case_defs(w: V2Workload) -> list[CaseDef]:
    """Cases e (metadata), f (batch availability) and g (Parquet) of the V2 suite."""
    ms_meta = f"{w.meta_latency_s * 1000:g} ms per request"
    ms = f"{w.latency_s * 1000:g} ms per request"
    small, large = w.parquet_small, w.parquet_large
    return [
        CaseDef("meta_patient_rs", "(e)", "runestream stream_metadata.get_patient_stream_metadata"
                f"(patient), {ms_meta}", "v2_rs_meta_patient", server="latency_meta",
                window="meta_patient", count_requests=True),
        CaseDef("meta_patient_runeq", "(e)", "runeq 0.18.1 get_patient_stream_metadata(patient), "
                f"{ms_meta}", "v2_runeq_meta_patient", server="latency_meta",
                window="meta_patient", count_requests=True),
        CaseDef("meta_ids_rs", "(e)", f"runestream stream_metadata.get_stream_metadata(all ids), "
                f"{ms_meta}", "v2_rs_meta_ids", server="latency_meta", window="meta_ids",
                count_requests=True),
        CaseDef("meta_ids_runeq", "(e)", f"runeq 0.18.1 get_stream_metadata(all ids), {ms_meta}",
                "v2_runeq_meta_ids", server="latency_meta", window="meta_ids",
                count_requests=True),
        CaseDef("avail_all_rs", "(f)", "runestream stream.availability(every stream, "
                f"batch_operation='any'), chunks of 50, {ms}", "v2_rs_avail", server="latency",
                window="avail_all", count_requests=True),
        CaseDef("avail_all_runeq", "(f)", "runeq 0.18.1 StreamMetadataSet"
                f".get_batch_availability_dataframe(every stream, 'any'), {ms}",
                "v2_runeq_avail", server="latency", window="avail_all", count_requests=True),
        CaseDef("avail_50_rs", "(f)", f"reference: runestream, the first 50 streams, {ms}",
                "v2_rs_avail", server="latency", window="avail_50", count_requests=True,
                reference=True),
        CaseDef("avail_50_runeq", "(f)", f"reference: runeq 0.18.1, the first 50 streams, {ms}",
                "v2_runeq_avail", server="latency", window="avail_50", count_requests=True,
                reference=True),
        CaseDef("parquet_small", "(g)", f"runestream stream.to_parquet(), {small[0]} stream(s) x "
                f"{small[1]:g} h", "v2_rs_parquet", window="parquet_small"),
        CaseDef("parquet_large", "(g)", f"runestream stream.to_parquet(), {large[0]} stream(s) x "
                f"{large[1]:g} h", "v2_rs_parquet", window="parquet_large"),
    ]  # fmt: skip


def v2_targets(w: V2Workload) -> list[Target]:
    """The targets of issue 14 for cases a-d, each a ratio of medians of the same run."""
    return [
        Target("(b) `to_arrow` within 1.2x of the raw limit (time)",
               ("v2_rs_arrow", "seconds"), ("v2_raw_arrow", "seconds"), "<=", 1.2,
               "v2_rs_arrow / v2_raw_arrow"),
        Target("(b) `to_pandas` within 1.2x of the raw limit (time)",
               ("v2_rs_pandas", "seconds"), ("v2_raw_arrow", "seconds"), "<=", 1.2,
               "v2_rs_pandas / v2_raw_arrow"),
        Target("(b) `to_pandas` at least 2.6x faster than (c) as is",
               ("v2_runeq_df", "seconds"), ("v2_rs_pandas", "seconds"), ">=", 2.6,
               "v2_runeq_df / v2_rs_pandas"),
        Target("(b) `StreamMetadataSet.to_pandas` at least 2.6x faster than (c) as is",
               ("v2_runeq_df", "seconds"), ("v2_rs_set_pandas", "seconds"), ">=", 2.6,
               "v2_runeq_df / v2_rs_set_pandas"),
        Target("(b) `to_pandas` peak RSS at most 0.4x (c)'s",
               ("v2_rs_pandas", "peak_rss_kib"), ("v2_runeq_df", "peak_rss_kib"), "<=", 0.4,
               "peak RSS v2_rs_pandas / v2_runeq_df"),
        Target("(b) `StreamMetadataSet.to_pandas` peak RSS at most 0.4x (c)'s",
               ("v2_rs_set_pandas", "peak_rss_kib"), ("v2_runeq_df", "peak_rss_kib"), "<=",
               0.4, "peak RSS v2_rs_set_pandas / v2_runeq_df"),
        Target(f"(d) {w.many_streams} streams, {w.latency_s * 1000:g} ms per request: runestream "
               "(concurrent) at least 5x faster than runeq",
               ("lat_runeq", "seconds"), ("lat_rs", "seconds"), ">=", 5.0,
               "lat_runeq / lat_rs"),
        Target(f"(e) `get_patient_stream_metadata`, {w.meta_latency_s * 1000:g} ms per request: "
               "runestream never slower than runeq",
               ("meta_patient_runeq", "seconds"), ("meta_patient_rs", "seconds"), ">=", 1.0,
               "meta_patient_runeq / meta_patient_rs"),
        Target(f"(e) `get_stream_metadata` of every id, {w.meta_latency_s * 1000:g} ms per "
               "request: runestream never slower than runeq",
               ("meta_ids_runeq", "seconds"), ("meta_ids_rs", "seconds"), ">=", 1.0,
               "meta_ids_runeq / meta_ids_rs"),
        Target(f"(g) Parquet peak RSS, {w.parquet_large[0]} streams x {w.parquet_large[1]:g} h "
               f"within 1.3x of {w.parquet_small[0]} x {w.parquet_small[1]:g} h",
               ("parquet_large", "peak_rss_kib"), ("parquet_small", "peak_rss_kib"), "<=", 1.3,
               "peak RSS parquet_large / parquet_small"),
    ]  # fmt: skip


V2_INFO_RATIOS = (
    ("(c) as is vs raw limit (the issue measured ~3.2x)", "v2_runeq_df", "v2_raw_arrow"),
    ("(c) + pd.to_datetime vs raw limit", "v2_runeq_df_time", "v2_raw_arrow"),
    ("(c) + pd.to_datetime vs to_pandas", "v2_runeq_df_time", "v2_rs_pandas"),
    ("(c) + pd.to_datetime vs StreamMetadataSet.to_pandas", "v2_runeq_df_time",
     "v2_rs_set_pandas"),
    ("StreamMetadataSet.to_arrow vs raw limit", "v2_rs_set_arrow", "v2_raw_arrow"),
    ("StreamMetadataSet.to_pandas vs raw limit", "v2_rs_set_pandas", "v2_raw_arrow"),
    ("to_pandas vs raw limit + to_pandas", "v2_rs_pandas", "v2_raw_pandas"),
    ("raw limit vs download only", "v2_raw_arrow", "v2_download"),
    ("(d) runeq vs runestream with the default workers", "lat_runeq", "lat_rs_default"),
    ("(d) runestream workers=1 vs concurrent", "lat_rs_seq", "lat_rs"),
    ("(f) runeq vs runestream, the first 50 streams (one request each)", "avail_50_runeq",
     "avail_50_rs"),
    ("(f) runestream, every stream (chunks of 50) vs 50 streams (1 request)", "avail_all_rs",
     "avail_50_rs"),
    ("(g) Parquet time, large vs small", "parquet_large", "parquet_small"),
)  # fmt: skip


#: runestream's default ``batch_workers`` (chunks of a split batch availability at once).
AVAIL_BATCH_WORKERS = 4


def log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


class SandboxProcess:
    """The sandbox servers in their own process (see :mod:`benchmarks.serve`)."""

    def __init__(self, workload: Workload | V2Workload) -> None:
        config: dict[str, Any]
        if isinstance(workload, V2Workload):
            config = {
                "suite": "v2",
                "rate_hz": workload.rate_hz,
                "latency_s": workload.latency_s,
                "accel": {"start_s": workload.accel_start_s, "hours": workload.accel_hours},
                "many": {
                    "start_s": workload.many_start_s,
                    "hours": workload.many_hours,
                    "streams": workload.many_streams,
                },
                "meta_latency_s": workload.meta_latency_s,
                "stream_copies": workload.stream_copies,
                "extra": {
                    "avail": {
                        "start_s": workload.avail_start_s,
                        "hours": workload.avail_hours,
                        "resolution_s": workload.avail_resolution_s,
                    },
                    "parquet": {
                        "start_s": workload.parquet_start_s,
                        "small": {
                            "streams": workload.parquet_small[0],
                            "hours": workload.parquet_small[1],
                        },
                        "large": {
                            "streams": workload.parquet_large[0],
                            "hours": workload.parquet_large[1],
                        },
                    },
                },
            }
        else:
            windows = {
                "main": workload.rows,
                "parquet_small": workload.parquet_rows[0],
                "parquet_large": workload.parquet_rows[1],
                "parallel": workload.parallel_rows,
            }
            config = {
                "rate_hz": workload.rate_hz,
                "latency_s": workload.latency_s,
                "windows": windows,
            }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.serve", json.dumps(config)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.hello: dict[str, Any] = self._read_line()

    def _read_line(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait(timeout=30)
            raise RuntimeError(f"the sandbox process exited ({code}); see its stderr above")
        data: dict[str, Any] = json.loads(line)
        return data

    def stats(self) -> dict[str, dict[str, int]]:
        """Page-cache counters of each server."""
        stdin: IO[str] | None = self.proc.stdin
        assert stdin is not None
        stdin.write("stats\n")
        stdin.flush()
        return self._read_line()

    def requests(self) -> dict[str, dict[str, int]]:
        """Requests each server has answered so far, by path."""
        stdin: IO[str] | None = self.proc.stdin
        assert stdin is not None
        stdin.write("requests\n")
        stdin.flush()
        return self._read_line()

    def close(self) -> None:
        """Ask the process to quit, and wait for it."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def run_child(spec: dict[str, Any], timeout: float, profile: Path | None = None) -> dict[str, Any]:
    """Run one measured round in a fresh process and return its result.

    Args:
        spec: The :class:`benchmarks.cases.Spec` as JSON.
        timeout: Seconds before the process is killed (the round is then an error).
        profile: Profile the run with cProfile and dump the stats to this path.

    Returns:
        The child's result (``status`` ``ok``, ``unavailable`` or ``error``).
    """
    extra = [str(profile)] if profile else []
    load = os.getloadavg()[0]
    result = _spawn_child(spec, timeout, extra)
    result["load1"] = load
    return result


def _spawn_child(spec: dict[str, Any], timeout: float, extra: list[str]) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.child", *extra],
            cwd=ROOT,
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": f"timed out after {timeout:g} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            if result.get("status") == "error" and proc.stderr:
                log(proc.stderr.rstrip())
            return result
    tail = proc.stderr.strip().splitlines()[-5:]
    log(proc.stderr.rstrip())
    return {"status": "error", "reason": f"exit {proc.returncode}: " + " / ".join(tail)}


def child_spec(case: CaseDef, hello: dict[str, Any]) -> dict[str, Any]:
    """The :class:`benchmarks.cases.Spec` of a case, as JSON."""
    window = hello["windows"][case.window]
    return {
        "kind": case.kind,
        "url": hello["servers"][case.server],
        "access_token_id": hello["access_token_id"],
        "access_token_secret": hello["access_token_secret"],
        "patient_id": window.get("patient", hello["patient_id"]),
        "device_id": hello["device_id"],
        "start_s": window["start_s"],
        "end_s": window["end_s"],
        "page_size": case.page_size,
        "workers": case.workers,
        "workdir": str(WORK_DIR),
        "stream_ids": window.get("stream_ids"),
        "resolution_s": window.get("resolution_s"),
    }


def describe(result: dict[str, Any]) -> str:
    """One line about a round, for progress."""
    if result.get("status") != "ok":
        return f"{result.get('status')}: {result.get('reason', '')}"
    rows = result.get("rows")
    return (
        f"{result['seconds']:.3f} s, peak {result['peak_rss_kib'] / 1024:.0f} MiB "
        f"(after imports {result['rss_imports_kib'] / 1024:.0f} MiB)"
        + (f", {rows:,} rows" if rows is not None else "")
    )


Counter = Callable[[], dict[str, dict[str, int]]]


def counted_child(
    case: CaseDef, hello: dict[str, Any], timeout: float, counter: Counter | None
) -> dict[str, Any]:
    """:func:`run_child`, with the requests its server answered during it when the case asks.

    The count covers the whole child (its untimed preparation too), by path: the metadata
    cases prepare nothing that calls the server; the availability cases of runeq fetch their
    metadata (``/graphql``) in preparation, never an availability request.
    """
    before = counter() if counter is not None and case.count_requests else None
    outcome = run_child(child_spec(case, hello), timeout)
    if before is not None and counter is not None:
        after = counter()[case.server]
        old = before[case.server]
        outcome["requests"] = {k: v - old.get(k, 0) for k, v in after.items() if v - old.get(k, 0)}
    return outcome


def warm_up(
    cases: Sequence[CaseDef],
    hello: dict[str, Any],
    timeout: float,
    counter: Counter | None = None,
) -> dict[str, CaseResult]:
    """One untimed round of every case: fills the sandbox's page cache for each query.

    A case whose warm-up is unavailable or fails is not run in the timed rounds.
    """
    results = {
        c.key: CaseResult(c, expected_rows=int(hello["windows"][c.window]["rows"])) for c in cases
    }
    for case in cases:
        started = time.perf_counter()
        outcome = counted_child(case, hello, timeout, counter)
        results[case.key].warmup = outcome
        wall = time.perf_counter() - started
        log(f"[warm-up] {case.key}: {describe(outcome)} (wall {wall:.1f} s)")
    return results


def measure_round(
    cases: Sequence[CaseDef],
    hello: dict[str, Any],
    results: dict[str, CaseResult],
    timeout: float,
    index: int,
    rounds: int,
    counter: Counter | None = None,
) -> None:
    """One timed round of every case still runnable, appended to ``results``."""
    for case in cases:
        res = results[case.key]
        if res.status in ("unavailable", "error"):
            continue
        outcome = counted_child(case, hello, timeout, counter)
        res.rounds.append(outcome)
        log(f"[round {index + 1}/{rounds}] {case.key}: {describe(outcome)}")


def machine() -> dict[str, str]:
    """CPU, memory, OS, Python and package versions of this run."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                    break
    except OSError:
        pass
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return {
        "cpu": f"{cpu}, {os.cpu_count()} logical CPUs, {memory} RAM",
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(versions),
        "git": git_state(),
    }


def git_state() -> str:
    """The commit measured, and whether the client or sandbox had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "overrides", "generated", "sandbox"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.splitlines()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    if not dirty:
        return f"commit {head} (client and sandbox clean)"
    return f"commit {head} + {len(dirty)} uncommitted change(s) in the client or sandbox"


def command_line(argv: Sequence[str]) -> str:
    """The exact command of this run (``run.sh`` passes its own in ``BENCH_COMMAND``)."""
    given = os.environ.get("BENCH_COMMAND")
    if given:
        return given
    python = os.path.relpath(sys.executable, ROOT)
    return shlex.join([python, "-m", "benchmarks.run", *argv])


def _utc(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-4]


def workload_text(w: Workload, hello: dict[str, Any], results: dict[str, CaseResult]) -> str:
    """A paragraph describing the data of this run."""
    main = hello["windows"]["main"]
    pages = -(-w.rows // w.page_size)
    size = ""
    download = results.get("download")
    if download and download.status == "ok" and download.rounds:
        r = download.rounds[0]
        if r.get("bytes") and r.get("pages"):
            size = f", {r['bytes'] / r['pages'] / 1e6:.1f} MB per page"
    par = hello["windows"]["parallel"]
    parquet = [hello["windows"][k] for k in ("parquet_small", "parquet_large")]
    default = " (the API default)" if w.page_size == 2_000_000 else ""
    contiguous = "contiguous" if main["contiguous"] else "crossing a gap in wear time"
    return (
        f"- Data: accel of `{hello['patient_id']}` / `{hello['device_id']}` at "
        f"{w.rate_hz:g} Hz from the sandbox, served from memory (page cache warmed by an untimed "
        f"round of every case).\n"
        f"- Cases a-d: {w.rows:,} rows, {_utc(main['start_s'])} to {_utc(main['end_s'])} UTC "
        f"({contiguous}), {pages} pages of {w.page_size:,} rows{default}{size}.\n"
        f"- Case e: {parquet[0]['rows']:,} and {parquet[1]['rows']:,} rows from the same start "
        f"(windows counted on the sandbox's sample timeline), same page size.\n"
        f"- Case f: {par['rows']:,} rows in pages of {w.parallel_page_size:,} "
        f"({-(-w.parallel_rows // w.parallel_page_size)} pages), {w.latency_s * 1000:g} ms "
        f"simulated latency per page."
    )


def render(
    *,
    workload: Workload,
    rounds: int,
    hello: dict[str, Any],
    results: dict[str, CaseResult],
    verdicts: Sequence[Verdict],
    cache: dict[str, Any],
    info: dict[str, str],
    command: str,
    started: float,
    previous: str | None,
) -> str:
    """The whole ``RESULTS.md``."""
    from benchmarks.scale import scale_section

    ordered = list(results.values())
    checks, warm = check_lines(ordered, cache)
    info_ratios = ratio_lines(results, INFO_RATIOS)
    parts = [
        "# Benchmark results",
        "",
        "Generated by `benchmarks/run.py`; see `benchmarks/README.md` for what each case does.",
        "",
        *header_lines(info, command, started),
        "",
        "## Workload",
        "",
        workload_text(workload, hello, results),
        f"- Medians of {rounds} timed round(s); every round of every case is a fresh process; "
        "time is measured inside it and excludes imports; peak RSS is `ru_maxrss` of that "
        "process. *Data share* = peak RSS - RSS after imports.",
        "",
        "## Results",
        "",
        results_table(ordered),
        "",
        "## Targets",
        "",
        targets_table(verdicts),
        "",
        "Other ratios (time medians):",
        "",
        info_ratios or "- (none)",
        "",
        "## Checks",
        "",
        *checks,
        "- Warm-up rounds (untimed; the first request of each new query renders its pages): "
        + (", ".join(warm) or "none")
        + ".",
        "",
        "<details><summary>Every round</summary>",
        "",
        rounds_table(ordered),
        "",
        "</details>",
        "",
        v2_section(previous).rstrip(),
        "",
        *([scale_section(previous).rstrip(), ""] if scale_section(previous) else []),
        keep_analysis(previous).rstrip(),
        "",
    ]
    return "\n".join(part for part in parts if part is not None)


def header_lines(info: dict[str, str], command: str, started: float) -> list[str]:
    """Command, date, machine, versions and commit of a run."""
    return [
        f"- Command: `{command}`",
        f"- Date: {dt.datetime.fromtimestamp(started, dt.UTC):%Y-%m-%d %H:%M UTC}",
        f"- Machine: {info['cpu']}; {info['os']}",
        f"- Python: {info['python']}",
        f"- Packages: {info['packages']}",
        f"- Repository: {info['git']}",
    ]


def check_lines(
    ordered: Sequence[CaseResult], cache: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """The *Checks* bullets of a run, and its warm-up times."""
    checks = []
    misses = cache.get("timed_misses", {})
    total_misses = sum(misses.values())
    checks.append(
        "- Sandbox page cache during the timed rounds: "
        + ", ".join(f"{k} server {v} miss(es)" for k, v in misses.items())
        + (" (every timed page came from memory)." if total_misses == 0 else
           " — **some timed pages were rendered, not served from memory.**")
    )  # fmt: skip
    bad_rows = [r.case.key for r in ordered if r.status == "ok" and not r.rows_ok()]
    checks.append(
        "- Row counts: "
        + ("every case returned the expected rows." if not bad_rows else
           f"**unexpected row counts in {', '.join(bad_rows)}**.")
    )  # fmt: skip
    mismatch = [r.case.key for r in ordered if r.hwm_mismatch()]
    checks.append(
        "- `ru_maxrss` vs `VmHWM`: "
        + ("agree within 5% in every round." if not mismatch else
           f"**differ by more than 5% in {', '.join(mismatch)}** (see README).")
    )  # fmt: skip
    loads = [
        r["load1"] for res in ordered for r in res.rounds if isinstance(r.get("load1"), int | float)
    ]
    if loads:
        checks.append(
            f"- 1-minute load average when timed rounds started: {min(loads):.2f}-{max(loads):.2f} "
            f"(median {statistics.median(loads):.2f}) on {os.cpu_count()} CPUs; anything else "
            "running on the machine (such as a concurrent test run) slows every case."
        )
    warm = [
        f"`{r.case.key}` {r.warmup['seconds']:.2f} s"
        for r in ordered
        if r.warmup and r.warmup.get("status") == "ok"
    ]
    return checks, warm


def v2_workload_text(w: V2Workload, hello: dict[str, Any], results: dict[str, CaseResult]) -> str:
    """A paragraph describing the data of a V2 run."""
    accel, many = hello["windows"]["accel"], hello["windows"]["many"]
    pages = size = ""
    download = results.get("v2_download")
    if download and download.status == "ok" and download.rounds:
        r = download.rounds[0]
        if r.get("bytes") and r.get("pages"):
            pages = f", {r['pages']} pages"
            size = f" ({r['bytes'] / r['pages'] / 1e6:.1f} MB per page)"
    worn = "worn throughout" if accel["contiguous"] else "**crossing a gap in wear time**"
    return (
        f"- Data: `/v2/streams/{{id}}` CSV of the sandbox (`{hello['patient_id']}`), served from "
        f"memory (page cache warmed by an untimed round of every case); the server decides the "
        f"page size (the sandbox's `v2_page_size`, 100,000 points).\n"
        f"- Cases a-c: the 3 acceleration axes of `{hello['device_id']}` at {w.rate_hz:g} Hz, "
        f"{_utc(accel['start_s'])} to {_utc(accel['end_s'])} UTC ({w.accel_hours:g} h, {worn}), "
        f"{accel['rows']:,} rows in all{pages}{size}.\n"
        f"- Case d: {len(many['stream_ids'])} streams of the patient (symptom scores, heart rate, "
        f"band power, device state), {_utc(many['start_s'])} to {_utc(many['end_s'])} UTC, "
        f"{many['rows']:,} rows in all (one page each), {w.latency_s * 1000:g} ms added to every "
        f"request (`SandboxSettings.page_latency_s`: every V2 data page and every `/graphql` "
        f"answer; the metadata query is untimed).\n"
        f"- Client construction (runeq's `initialize`) and the metadata query of the stream-set "
        f"cases run before the timer: the time is the data call alone.\n"
        + v2_extra_workload_text(w, hello)
    )


def v2_extra_workload_text(w: V2Workload, hello: dict[str, Any]) -> str:
    """The part of the V2 workload paragraph about cases e-g."""
    windows = hello["windows"]
    if "meta_patient" not in windows:
        return ""
    meta = windows["meta_patient"]
    per_patient = ", ".join(f"`{k}` {v}" for k, v in meta["streams_per_patient"].items())
    avail, small, large = windows["avail_all"], windows["parquet_small"], windows["parquet_large"]
    ids = windows["meta_ids"]
    catalogue = (
        f"the sandbox's 79 streams and {w.stream_copies} copies of each "
        f"(`SandboxSettings.stream_copies={w.stream_copies}`: parameter `copy`, own id, the "
        f"same points)"
        if w.stream_copies
        else "the sandbox's own catalogue"
    )
    return (
        f"- Cases e and f run on servers with {catalogue}: {len(ids['stream_ids'])} V2 streams "
        f"in all ({per_patient}).\n"
        f"- Case e: `get_patient_stream_metadata` of `{meta['patient']}` (the patient with the "
        f"most streams, {meta['rows']}; `streamList` pages of {meta['page_size']}) and "
        f"`get_stream_metadata` of all {ids['rows']} ids ({ids['batches']} batches of at most "
        f"{ids['page_size']}), {w.meta_latency_s * 1000:g} ms added to every `/graphql` answer; "
        f"requests are counted by the server (see below).\n"
        f"- Case f: availability (`batch_operation='any'`) of all {len(avail['stream_ids'])} "
        f"streams, {_utc(avail['start_s'])} to {_utc(avail['end_s'])} UTC at "
        f"{avail['resolution_s']} s ({avail['rows']} bins), {w.latency_s * 1000:g} ms per "
        f"request; the sandbox, like the API, takes at most 50 ids per "
        f"`/v2/batch/availability` request. Reference: the first 50 streams, which runeq can "
        f"ask for.\n"
        f"- Case g: `session.stream.to_parquet` of {len(small['stream_ids'])} acceleration "
        f"axis x {w.parquet_small[1]:g} h ({small['rows']:,} rows) and of "
        f"{len(large['stream_ids'])} axes x {w.parquet_large[1]:g} h ({large['rows']:,} rows), "
        f"from {_utc(small['start_s'])} UTC (the watch's wear gaps included)."
    )


def request_lines(w: V2Workload, hello: dict[str, Any], ordered: Sequence[CaseResult]) -> list[str]:
    """What the cases that count requests sent, beside the floor; and why a case did not run."""
    lines = []
    for res in ordered:
        if res.status == "unavailable":
            seen = (res.warmup or {}).get("requests")
            sent = (
                " (the server answered " + ", ".join(f"`{k}` {v}" for k, v in seen.items()) + ")"
                if seen
                else ""
            )
            lines.append(f"- `{res.case.key}` did not run: {res.reason}{sent}")
            continue
        if not res.case.count_requests or res.status != "ok":
            continue
        counts = [r.get("requests") or {} for r in res.rounds if r.get("status") == "ok"]
        if not counts:
            continue
        paths = sorted({k for c in counts for k in c})
        per_path = ", ".join(
            f"`{k}` {statistics.median(c.get(k, 0) for c in counts):g}" for k in paths
        )
        window = hello["windows"][res.case.window]
        floor = ""
        if "floor_requests" in window:
            n = int(window["floor_requests"])
            chain = (
                f"{n} cursor page(s) of {window['page_size']} streams in sequence"
                if res.case.window == "meta_patient"
                else f"one concurrent round of {window.get('batches', 1)} id batch(es) of "
                f"{window['page_size']}"
            )
            floor = f"; floor {chain} = {n * w.meta_latency_s:.3f} s at {w.meta_latency_s:g} s"
        elif "chunks" in window and res.case.key.endswith("_rs"):
            chunks = int(window["chunks"])
            rounds = -(-chunks // AVAIL_BATCH_WORKERS)
            floor = (
                f"; floor {chunks} chunks of 50, {AVAIL_BATCH_WORKERS} at a time (runestream's "
                f"default `batch_workers`) = {rounds} round(s) = {rounds * w.latency_s:.3f} s at "
                f"{w.latency_s:g} s"
            )
        median = res.median("seconds")
        took = f"{median:.3f} s" if median is not None else "-"
        lines.append(f"- `{res.case.key}`: {took}; requests per round (median): {per_path}{floor}")
    return lines or ["- (no case counted its requests)"]


def render_v2(
    *,
    workload: V2Workload,
    rounds: int,
    hello: dict[str, Any],
    results: dict[str, CaseResult],
    verdicts: Sequence[Verdict],
    cache: dict[str, Any],
    info: dict[str, str],
    command: str,
    started: float,
) -> str:
    """The V2 section of ``RESULTS.md`` (between its markers)."""
    ordered = list(results.values())
    checks, warm = check_lines(ordered, cache)
    parts = [
        V2_BEGIN,
        "",
        "## V2 suite (issue 14, cases a-g)",
        "",
        "Generated by `benchmarks/run.py --suite v2` (runeq 0.18.1 in its own venv, "
        "`.venv-bench18/`); see `benchmarks/README.md`.",
        "",
        *header_lines(info, command, started),
        "",
        "### V2 workload",
        "",
        v2_workload_text(workload, hello, results),
        f"- Medians of {rounds} timed round(s), each a fresh process; imports excluded; peak "
        "RSS is `ru_maxrss` of that process.",
        "",
        "### V2 results",
        "",
        results_table(ordered),
        "",
        "### V2 targets",
        "",
        targets_table(verdicts),
        "",
        "Other ratios (time medians):",
        "",
        ratio_lines(results, V2_INFO_RATIOS) or "- (none)",
        "",
        "### V2 requests and outcomes (cases e, f)",
        "",
        *request_lines(workload, hello, ordered),
        "",
        "### V2 checks",
        "",
        *checks,
        "- Warm-up rounds (untimed): " + (", ".join(warm) or "none") + ".",
        "",
        "<details><summary>Every round (V2)</summary>",
        "",
        rounds_table(ordered),
        "",
        "</details>",
        "",
        V2_END,
        "",
    ]
    return "\n".join(parts)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Benchmarks of runestream vs runeq 0.15.0 vs the raw httpx + pyarrow limit.",
    )
    p.add_argument(
        "--suite",
        choices=("v1", "v2", "scale"),
        default="v1",
        help="v1: the V1 cases against runeq 0.15.0 (default); v2: the V2 cases of "
        "issue 14 against runeq 0.18.1 (run.sh then uses .venv-bench18/); scale: issue 15's "
        "40 streams x 1 day on Dask and sync (benchmarks/scale.py; .venv-bench-scale/)",
    )
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 1 round of a 10x smaller workload, report to "
                        "benchmarks/.work/RESULTS-quick.md")  # fmt: skip
    p.add_argument("--rounds", type=int, help="timed rounds per case (default 5; quick 1)")
    p.add_argument("--rows", type=int, help="rows of cases a-d")
    p.add_argument("--page-size", type=int, help="CSV page size of cases a-e")
    p.add_argument("--parquet-rows", help="small,large rows of case e (e.g. 2000000,8000000)")
    p.add_argument("--parallel-rows", type=int, help="rows of case f")
    p.add_argument("--parallel-page-size", type=int, help="page size of case f")
    p.add_argument("--latency", type=float, help="simulated seconds per page in case f")
    p.add_argument("--workers", type=int, help="workers of the parallel run of case f")
    p.add_argument("--stream-copies", type=int,
                   help="V2: copies of every sandbox stream on the servers of cases d-f "
                        "(default 2: 150 streams for patient-0001, 237 in all)")  # fmt: skip
    p.add_argument("--cases", help="comma-separated case keys to run (default: all)")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per measured process")
    p.add_argument("--output", type=Path, help="report path (default benchmarks/RESULTS.md)")
    p.add_argument("--no-write", action="store_true", help="print the report only")
    return p.parse_args(argv)


def workload_from(args: argparse.Namespace) -> Workload:
    """The workload the arguments ask for."""
    w = QUICK if args.quick else FULL
    changes: dict[str, Any] = {}
    for name in ("rows", "page_size", "parallel_rows", "parallel_page_size", "workers"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.latency is not None:
        changes["latency_s"] = args.latency
    if args.parquet_rows:
        small, large = (int(x) for x in args.parquet_rows.split(","))
        changes["parquet_rows"] = (small, large)
    return replace(w, **changes)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; return the exit code (0 unless the harness itself failed)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.suite == "v2":
        return main_v2(args, argv)
    if args.suite == "scale":
        from benchmarks.scale import main_scale

        return main_scale(args, argv)
    workload = workload_from(args)
    rounds = args.rounds if args.rounds is not None else (1 if args.quick else 5)
    cases = case_defs(workload)
    chosen = select_cases(cases, args.cases)
    if chosen is None:
        return 2
    cases = chosen
    output = args.output or (
        WORK_DIR / "RESULTS-quick.md" if args.quick else BENCH_DIR / "RESULTS.md"
    )
    WORK_DIR.mkdir(exist_ok=True)
    started = time.time()
    log(f"workload: {asdict(workload)}; {rounds} round(s); {len(cases)} case(s)")
    hello, results, cache = run_cases(workload, cases, rounds, args.timeout)
    verdicts = [evaluate(t, results) for t in targets(workload)]
    previous = output.read_text(encoding="utf-8") if output.exists() else None
    text = render(
        workload=workload,
        rounds=rounds,
        hello=hello,
        results=results,
        verdicts=verdicts,
        cache=cache,
        info=machine(),
        command=command_line(argv),
        started=started,
        previous=previous,
    )
    print(text)
    if not args.no_write:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        log(f"wrote {os.path.relpath(output, Path.cwd())}")
    return 0


def run_cases(
    workload: Workload | V2Workload, cases: Sequence[CaseDef], rounds: int, timeout: float
) -> tuple[dict[str, Any], dict[str, CaseResult], dict[str, Any]]:
    """Start the sandbox, warm it up, run the timed rounds; return hello, results, cache."""
    sandbox = SandboxProcess(workload)
    try:
        hello = sandbox.hello
        shown = {
            k: {f: v for f, v in w.items() if f != "stream_ids"} | {"streams": len(w["stream_ids"])}
            if "stream_ids" in w else w
            for k, w in hello["windows"].items()
        }  # fmt: skip
        log(f"sandbox: {hello['servers']}, windows {shown}")
        results = warm_up(cases, hello, timeout, sandbox.requests)
        before = sandbox.stats()
        for i in range(rounds):
            measure_round(cases, hello, results, timeout, i, rounds, sandbox.requests)
        after = sandbox.stats()
    finally:
        sandbox.close()
    cache = {
        "timed_misses": {k: after[k]["misses"] - before[k]["misses"] for k in after},
        "after": after,
    }
    return hello, results, cache


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...


_K = TypeVar("_K", bound=_Keyed)


def select_cases(cases: Sequence[_K], spec: str | None) -> list[_K] | None:
    """The cases ``--cases a,b`` names (all without ``spec``); ``None`` (logged) if it names
    a case there is not."""
    if not spec:
        return list(cases)
    wanted = [k.strip() for k in spec.split(",") if k.strip()]
    unknown = sorted(set(wanted) - {c.key for c in cases})
    if unknown:
        log(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(c.key for c in cases)}")
        return None
    return [c for c in cases if c.key in wanted]


def main_v2(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``--suite v2``: the V2 cases; their section replaces the V2 section of the report."""
    workload = V2_QUICK if args.quick else V2_FULL
    if args.latency is not None:
        workload = replace(workload, latency_s=args.latency)
    if args.workers is not None:
        workload = replace(workload, workers=args.workers)
    if args.stream_copies is not None:
        workload = replace(workload, stream_copies=args.stream_copies)
    rounds = args.rounds if args.rounds is not None else (1 if args.quick else 5)
    cases = v2_case_defs(workload)
    chosen = select_cases(cases, args.cases)
    if chosen is None:
        return 2
    cases = chosen
    output = args.output or (
        WORK_DIR / "RESULTS-v2-quick.md" if args.quick else BENCH_DIR / "RESULTS.md"
    )
    WORK_DIR.mkdir(exist_ok=True)
    started = time.time()
    log(f"V2 workload: {asdict(workload)}; {rounds} round(s); {len(cases)} case(s)")
    hello, results, cache = run_cases(workload, cases, rounds, args.timeout)
    verdicts = [evaluate(t, results) for t in v2_targets(workload)]
    section = render_v2(
        workload=workload,
        rounds=rounds,
        hello=hello,
        results=results,
        verdicts=verdicts,
        cache=cache,
        info=machine(),
        command=command_line(argv),
        started=started,
    )
    print(section)
    if not args.no_write:
        previous = output.read_text(encoding="utf-8") if output.exists() else None
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(splice_v2(previous, section), encoding="utf-8")
        log(f"wrote the V2 section of {os.path.relpath(output, Path.cwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
