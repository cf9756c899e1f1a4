"""Medians, ratios, targets and the ``RESULTS.md`` text of a benchmark run.

Standard library only: the orchestrator that imports this module must stay small (see
:mod:`benchmarks.child` on ``ru_maxrss``).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

KIB_PER_MIB = 1024

#: Marks the hand-written analysis kept across runs at the end of ``RESULTS.md``.
ANALYSIS_MARKER = "<!-- analysis: kept across runs; everything above is generated -->"

Metric = Literal["seconds", "peak_rss_kib", "rss_imports_kib", "data_kib", "cpu_seconds"]


@dataclass(frozen=True)
class CaseDef:
    """One benchmark case as the orchestrator runs it.

    Attributes:
        key: Short unique name (``rs_pandas``).
        section: The item of the brief it answers (``(b)``).
        label: What it runs, for the table.
        kind: The :data:`benchmarks.cases.KINDS` entry run in the measured process.
        server: ``plain`` or ``latency`` (the sandbox with simulated per-page latency).
        window: Name of the query window (see :mod:`benchmarks.serve`).
        page_size: CSV page size sent (``None`` or the API default: not sent).
        workers: ``workers`` for parallel windows.
        reference: Informational (not a client under test).
    """

    key: str
    section: str
    label: str
    kind: str
    server: str = "plain"
    window: str = "main"
    page_size: int | None = None
    workers: int | None = None
    reference: bool = False


@dataclass
class CaseResult:
    """The warm-up and the timed rounds of one case."""

    case: CaseDef
    expected_rows: int
    warmup: dict[str, Any] | None = None
    rounds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``ok``, ``unavailable``, ``error`` or ``not run``."""
        runs = ([self.warmup] if self.warmup else []) + self.rounds
        if not runs:
            return "not run"
        for wanted in ("error", "unavailable"):
            if any(r.get("status") == wanted for r in runs):
                return wanted
        return "ok"

    @property
    def reason(self) -> str:
        """The first error or unavailability reason, if any."""
        runs = ([self.warmup] if self.warmup else []) + self.rounds
        for r in runs:
            if r.get("status") != "ok" and r.get("reason"):
                return str(r["reason"])
        return ""

    def values(self, metric: Metric) -> list[float]:
        """The metric of every successful timed round."""
        out: list[float] = []
        for r in self.rounds:
            if r.get("status") != "ok":
                continue
            if metric == "data_kib":
                out.append(float(r["peak_rss_kib"] - r["rss_imports_kib"]))
            elif r.get(metric) is not None:
                out.append(float(r[metric]))
        return out

    def median(self, metric: Metric) -> float | None:
        """Median of a metric over the timed rounds (``None`` without a successful round)."""
        values = self.values(metric)
        return statistics.median(values) if values else None

    def rows(self) -> set[int | None]:
        """Distinct row counts reported by the successful timed rounds."""
        return {r.get("rows") for r in self.rounds if r.get("status") == "ok"}

    def rows_ok(self) -> bool:
        """Every round returned the expected number of rows (or the case counts none)."""
        found = self.rows()
        return found <= {self.expected_rows} or found == {None}

    def notes(self) -> set[str]:
        """Distinct notes of the rounds."""
        return {str(r["note"]) for r in self.rounds if r.get("note")}

    def hwm_mismatch(self) -> bool:
        """``ru_maxrss`` and ``VmHWM`` disagree by more than 5% in some round."""
        for r in self.rounds:
            peak, hwm = r.get("peak_rss_kib"), r.get("hwm_peak_kib")
            if peak and hwm and abs(peak - hwm) > 0.05 * peak:
                return True
        return False


@dataclass(frozen=True)
class Target:
    """A target: ``numerator / denominator`` compared with a threshold.

    Attributes:
        title: The target, as the brief states it.
        numerator: ``(case key, metric)``.
        denominator: ``(case key, metric)``.
        op: ``<=`` (at most) or ``>=`` (at least).
        threshold: The bound on the ratio.
        explain: How the ratio reads.
    """

    title: str
    numerator: tuple[str, Metric]
    denominator: tuple[str, Metric]
    op: Literal["<=", ">="]
    threshold: float
    explain: str


@dataclass(frozen=True)
class Verdict:
    """A target's outcome in one run."""

    target: Target
    ratio: float | None
    result: str  # PASS, FAIL, not available, not measured


def evaluate(target: Target, results: dict[str, CaseResult]) -> Verdict:
    """Compute a target's ratio from the medians of the same run."""
    parts = []
    for key, metric in (target.numerator, target.denominator):
        result = results.get(key)
        if result is None or result.status == "not run":
            return Verdict(target, None, "not measured")
        if result.status == "unavailable":
            return Verdict(target, None, "not available")
        value = result.median(metric)
        if result.status == "error" or value is None:
            return Verdict(target, None, "error")
        parts.append(value)
    num, den = parts
    if den == 0:
        return Verdict(target, None, "error")
    ratio = num / den
    passed = ratio <= target.threshold if target.op == "<=" else ratio >= target.threshold
    return Verdict(target, ratio, "PASS" if passed else "FAIL")


def mib(kib: float | None) -> str:
    """KiB as whole MiB (``-`` for nothing)."""
    return "-" if kib is None else f"{kib / KIB_PER_MIB:,.0f}"


def secs(value: float | None) -> str:
    """Seconds with 3 decimals (``-`` for nothing)."""
    return "-" if value is None else f"{value:.3f}"


def _spread(values: Sequence[float]) -> str:
    if len(values) < 2:
        return ""
    return f" ({min(values):.3f}-{max(values):.3f})"


def results_table(results: Sequence[CaseResult]) -> str:
    """The markdown table of medians, one row per case."""
    lines = [
        "| case | what | time (s), median (min-max) | CPU (s) | peak RSS (MiB) "
        "| RSS after imports (MiB) | data share (MiB) | rows |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for res in results:
        case = res.case
        name = f"{case.section} `{case.key}`"
        if res.status != "ok":
            status = res.status if res.status != "unavailable" else "not available"
            lines.append(f"| {name} | {case.label} | {status} | | | | | |")
            continue
        times = res.values("seconds")
        rows = res.rows()
        if rows == {None}:
            shown_rows = "-"
        else:
            shown_rows = ", ".join(f"{r:,}" for r in sorted(r for r in rows if r is not None))
            if not res.rows_ok():
                shown_rows += f" (expected {res.expected_rows:,}!)"
        label = case.label + "".join(f" [{n}]" for n in sorted(res.notes()))
        lines.append(
            f"| {name} | {label} | {secs(res.median('seconds'))}{_spread(times)} "
            f"| {secs(res.median('cpu_seconds'))} | {mib(res.median('peak_rss_kib'))} "
            f"| {mib(res.median('rss_imports_kib'))} | {mib(res.median('data_kib'))} "
            f"| {shown_rows} |"
        )
    return "\n".join(lines)


def targets_table(verdicts: Sequence[Verdict]) -> str:
    """The markdown table of targets with the measured ratios."""
    lines = [
        "| target | measured ratio | bound | result |",
        "| --- | --- | --- | --- |",
    ]
    for v in verdicts:
        t = v.target
        ratio = "-" if v.ratio is None else f"{v.ratio:.2f}"
        result = f"**{v.result}**" if v.result in ("PASS", "FAIL") else v.result
        lines.append(f"| {t.title} | {ratio} ({t.explain}) | {t.op} {t.threshold:g} | {result} |")
    return "\n".join(lines)


def ratio_lines(results: dict[str, CaseResult], pairs: Sequence[tuple[str, str, str]]) -> str:
    """Bullet lines ``label: a / b`` of time medians, for informational ratios."""
    out = []
    for label, a, b in pairs:
        ra, rb = results.get(a), results.get(b)
        va = ra.median("seconds") if ra else None
        vb = rb.median("seconds") if rb else None
        if va is None or vb is None or vb == 0:
            continue
        out.append(f"- {label}: {va / vb:.2f}x (`{a}` {va:.3f} s / `{b}` {vb:.3f} s)")
    return "\n".join(out)


def rounds_table(results: Sequence[CaseResult]) -> str:
    """Every round of every case (warm-up first), for the details section."""
    lines = [
        "| case | round | load avg | status | time (s) | CPU (s) | peak RSS (MiB) "
        "| after imports (MiB) | VmHWM peak (MiB) | rows | pages | MB received |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for res in results:
        runs = ([("warm-up", res.warmup)] if res.warmup else []) + [
            (str(i + 1), r) for i, r in enumerate(res.rounds)
        ]
        for name, r in runs:
            load = "-" if r.get("load1") is None else f"{r['load1']:.2f}"
            if r.get("status") != "ok":
                reason = str(r.get("reason", ""))[:120].replace("|", "/")
                lines.append(
                    f"| `{res.case.key}` | {name} | {load} | {r.get('status')}: {reason} "
                    "| | | | | | | | |"
                )
                continue
            rows = "-" if r.get("rows") is None else f"{r['rows']:,}"
            pages = "-" if r.get("pages") is None else str(r["pages"])
            size = "-" if r.get("bytes") is None else f"{r['bytes'] / 1e6:,.1f}"
            lines.append(
                f"| `{res.case.key}` | {name} | {load} | ok | {secs(r['seconds'])} "
                f"| {secs(r.get('cpu_seconds'))} | {mib(r['peak_rss_kib'])} "
                f"| {mib(r['rss_imports_kib'])} | {mib(r.get('hwm_peak_kib'))} | {rows} "
                f"| {pages} | {size} |"
            )
    return "\n".join(lines)


def keep_analysis(previous: str | None) -> str:
    """The hand-written analysis section of a previous ``RESULTS.md`` (marker included)."""
    if previous and ANALYSIS_MARKER in previous:
        return ANALYSIS_MARKER + previous.split(ANALYSIS_MARKER, 1)[1]
    return (
        ANALYSIS_MARKER
        + "\n\n## Analysis\n\n(Written by hand after a full run: hot spots and what they cost.)\n"
    )
