#!/usr/bin/env bash
# Run the benchmarks (see benchmarks/README.md). Creates .venv-bench/ with the project's
# `bench` and `sandbox` extras (runeq 0.15.0, pandas, psutil, starlette, uvicorn) if missing.
#   bash benchmarks/run.sh            # full run: 5 rounds, writes benchmarks/RESULTS.md
#   bash benchmarks/run.sh --quick    # smoke run: writes benchmarks/.work/RESULTS-quick.md
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-bench
if ! "$venv/bin/python" -c 'import runestream, runestream_sandbox, runeq, pandas, psutil' \
        >/dev/null 2>&1; then
    echo "setting up $venv (pip install -e '.[bench,sandbox]') ..." >&2
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet -e '.[bench,sandbox]' >&2
fi
BENCH_COMMAND="bash benchmarks/run.sh${*:+ $*}" exec "$venv/bin/python" -m benchmarks.run "$@"
