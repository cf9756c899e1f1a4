"""Side-by-side benchmarks of runestream, runeq 0.15.0 and the raw httpx + pyarrow limit.

Run with ``bash benchmarks/run.sh`` (see ``benchmarks/README.md``). This package is not part of
the test suite. Its modules:

* :mod:`benchmarks.run` - the orchestrator (command line, rounds, medians, report);
* :mod:`benchmarks.serve` - the sandbox server process (data served from memory);
* :mod:`benchmarks.child` - one measured round in a fresh process;
* :mod:`benchmarks.cases` - what each case does inside the measured process;
* :mod:`benchmarks.report` - medians, ratios, targets and ``RESULTS.md``.
"""
