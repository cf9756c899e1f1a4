#!/usr/bin/env bash
# Run the benchmarks (see benchmarks/README.md). Creates .venv-bench/ with the project's
# `bench` and `sandbox` extras (runeq 0.15.0, pandas, psutil, starlette, uvicorn) when it is
# missing, incomplete, or older than pyproject.toml.
#   bash benchmarks/run.sh            # full run: 5 rounds, writes benchmarks/RESULTS.md
#   bash benchmarks/run.sh --quick    # smoke run: writes benchmarks/.work/RESULTS-quick.md
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${BENCH_VENV:-.venv-bench}"
stamp="$venv/.installed-from"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] ||
    ! "$venv/bin/python" -c 'import runestream, runestream_sandbox, runeq, pandas, psutil' \
        >/dev/null 2>&1; then
    echo "setting up $venv (pip install -e '.[bench,sandbox]') ..." >&2
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[bench,sandbox]' >&2
    echo "$want" > "$stamp"
fi
BENCH_COMMAND="bash benchmarks/run.sh${*:+ $*}" exec "$venv/bin/python" -m benchmarks.run "$@"
