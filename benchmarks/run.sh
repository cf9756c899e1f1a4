#!/usr/bin/env bash
# Run the benchmarks (see benchmarks/README.md). Creates the bench venv when it is missing,
# incomplete, or older than pyproject.toml:
#   V1 suite (default): .venv-bench/   with the `bench` and `sandbox` extras (runeq 0.15.0);
#   --suite v2:         .venv-bench18/ with the `bench18` and `sandbox` extras (runeq 0.18.1,
#                       which cannot share a venv with runeq 0.15.0);
#   --suite scale:      .venv-bench-scale/ with the `dask` and `sandbox` extras (no runeq).
# BENCH_VENV=DIR picks another venv for either.
#   bash benchmarks/run.sh              # full V1 run: 5 rounds, writes benchmarks/RESULTS.md
#   bash benchmarks/run.sh --quick      # V1 smoke run: writes benchmarks/.work/RESULTS-quick.md
#   bash benchmarks/run.sh --suite v2   # V2 run: writes the V2 section of benchmarks/RESULTS.md
#   bash benchmarks/run.sh --suite scale  # scale run (issue 15): the scale section of RESULTS.md
set -euo pipefail
cd "$(dirname "$0")/.."
suite=v1
prev=""
for arg in "$@"; do
    case "$arg" in
        --suite=*) suite="${arg#--suite=}" ;;
        *) [ "$prev" = "--suite" ] && suite="$arg" ;;
    esac
    prev="$arg"
done
check='import runestream, runestream_sandbox, runeq, pandas, psutil'
if [ "$suite" = v2 ]; then
    venv="${BENCH_VENV:-.venv-bench18}"
    extras="bench18,sandbox"
elif [ "$suite" = scale ]; then
    venv="${BENCH_VENV:-.venv-bench-scale}"
    extras="dask,sandbox"
    check='import runestream, runestream_sandbox, dask.dataframe, distributed, pandas'
else
    venv="${BENCH_VENV:-.venv-bench}"
    extras="bench,sandbox"
fi
stamp="$venv/.installed-from"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] ||
    ! "$venv/bin/python" -c "$check" \
        >/dev/null 2>&1; then
    echo "setting up $venv (pip install -e '.[$extras]') ..." >&2
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$extras]" >&2
    echo "$want" > "$stamp"
fi
BENCH_COMMAND="bash benchmarks/run.sh${*:+ $*}" exec "$venv/bin/python" -m benchmarks.run "$@"
