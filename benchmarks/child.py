"""One measured round, in a fresh process: ``python -m benchmarks.child [PROFILE] < spec.json``.

Reads a :class:`benchmarks.cases.Spec` as JSON on stdin, imports what the case needs, then
times only the case's ``run`` with :func:`time.perf_counter`. Memory is read in this process:

* ``rss_imports_kib`` - ``ru_maxrss`` after the imports (the peak so far, i.e. the libraries);
* ``peak_rss_kib`` - ``ru_maxrss`` after the run (the peak of the whole process);
* ``hwm_*_kib`` - the same from ``VmHWM`` in ``/proc/self/status``, a cross-check: Linux
  carries the spawning process's RSS into a child's ``ru_maxrss`` (but not into ``VmHWM``), so
  the two differ if the orchestrator ever grows bigger than a measured process.

The result is printed as one line ``BENCH-RESULT {json}`` on stdout. With a ``PROFILE`` path
argument, the run is profiled with :mod:`cProfile` and the stats are dumped there (the time then
includes the profiler's overhead; see :mod:`benchmarks.profile`).
"""

from __future__ import annotations

import cProfile
import gc
import json
import resource
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from benchmarks.cases import Spec, Unavailable, prepare

#: Prefix of the result line on stdout.
RESULT_PREFIX = "BENCH-RESULT "


def max_rss_kib() -> int:
    """``ru_maxrss`` of this process in KiB (Linux reports KiB)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def vm_hwm_kib() -> int | None:
    """Peak resident set size of this process's own memory map (``VmHWM``), in KiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds() -> float:
    """User plus system CPU time of this process (all threads) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return float(usage.ru_utime + usage.ru_stime)


def measure(
    spec: Any, profile: str | None = None, prepare_case: Callable[[Any], Any] = prepare
) -> dict[str, Any]:
    """Prepare (untimed) and run (timed) one case; return the measurements.

    Args:
        spec: The case and query.
        profile: If given, profile the run with cProfile and dump the stats to this path.
        prepare_case: The suite's ``prepare`` (:mod:`benchmarks.scale_cases` for ``scale_*``).

    Returns:
        ``status`` (``ok`` or ``unavailable``) and, when ``ok``, ``seconds``, ``cpu_seconds``,
        the RSS readings in KiB and the case's :class:`~benchmarks.cases.Outcome` fields.
    """
    prepared = prepare_case(spec)
    gc.collect()
    rss_imports = max_rss_kib()
    hwm_imports = vm_hwm_kib()
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    try:
        if profiler is not None:
            profiler.enable()
        try:
            outcome = prepared.run()
        finally:
            if profiler is not None:
                profiler.disable()
    except Unavailable as exc:
        return {"status": "unavailable", "reason": str(exc)}
    seconds = time.perf_counter() - t0
    if profiler is not None and profile:
        profiler.dump_stats(profile)
    cpu = cpu_seconds() - cpu0
    peak = max_rss_kib()
    hwm = vm_hwm_kib()
    prepared.cleanup()
    return {
        "status": "ok",
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_imports_kib": rss_imports,
        "peak_rss_kib": peak,
        "hwm_imports_kib": hwm_imports,
        "hwm_peak_kib": hwm,
        **asdict(outcome),
    }


def main() -> int:
    """Read the spec on stdin, measure, print the result line."""
    data = json.loads(sys.stdin.read())
    profile = sys.argv[1] if len(sys.argv) > 1 else None
    try:
        if str(data.get("kind", "")).startswith("scale_"):
            from benchmarks import scale_cases

            result = measure(scale_cases.ScaleSpec.from_json(data), profile, scale_cases.prepare)
        else:
            result = measure(Spec.from_json(data), profile)
    except Exception as exc:
        traceback.print_exc()
        result = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0 if result["status"] != "error" else 1


if __name__ == "__main__":
    sys.exit(main())
