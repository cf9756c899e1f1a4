"""Profile one case: ``python -m benchmarks.profile CASE [--quick] [--top N]``.

Starts the sandbox like :mod:`benchmarks.run`, warms its cache with one untimed round of the
case, then runs the case once more in a fresh process under :mod:`cProfile` and prints the
functions with the most cumulative and own time. The stats are kept in
``benchmarks/.work/CASE.prof`` (open with ``python -m pstats`` or snakeviz).
"""

from __future__ import annotations

import argparse
import pstats
import sys
from collections.abc import Sequence

from benchmarks.run import (
    FULL,
    QUICK,
    WORK_DIR,
    SandboxProcess,
    case_defs,
    child_spec,
    describe,
    log,
    run_child,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Profile the case named on the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("case", help="case key, e.g. rs_pandas (see benchmarks/README.md)")
    parser.add_argument("--quick", action="store_true", help="the --quick workload")
    parser.add_argument("--top", type=int, default=25, help="functions to show per listing")
    args = parser.parse_args(argv)
    workload = QUICK if args.quick else FULL
    cases = {c.key: c for c in case_defs(workload)}
    if args.case not in cases:
        log(f"unknown case {args.case!r}; known: {', '.join(cases)}")
        return 2
    case = cases[args.case]
    WORK_DIR.mkdir(exist_ok=True)
    path = WORK_DIR / f"{case.key}.prof"
    sandbox = SandboxProcess(workload)
    try:
        spec = child_spec(case, sandbox.hello)
        log(f"[warm-up] {case.key}: {describe(run_child(spec, 900.0))}")
        result = run_child(spec, 900.0, profile=path)
        log(f"[profiled] {case.key}: {describe(result)}")
    finally:
        sandbox.close()
    if result.get("status") != "ok":
        return 1
    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    log(f"stats in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
