"""The benchmark code runs end to end at N = 3 (the benchmark itself is not a test)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def test_bench_runs_at_n3(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import generate
        import run
    finally:
        sys.path.remove(str(BENCH))
    lines: list[str] = []
    rows = run.bench([3], cache=tmp_path, repeat=2, log=lines.append)
    (row,) = rows
    assert row.n == 3 and row.accepted == 3
    assert 0 < row.floor < row.whole and row.collect > 0 and row.report > 0
    assert row.baseline is not None and row.baseline > 0
    assert row.peak_mb > 10 and row.peak_processes.startswith("main ")
    # the re-run and the run after one amended return, each its own process
    assert row.rerun_collect > 0 and row.changed_run > 0
    # the first collect measured as the re-run is: from outside, start and imports in it
    assert row.collect_cmd > row.rerun_collect and 0 < row.rerun_share_cmd < 1
    assert row.extra["rerun_peak_mb"] > 10 and row.extra["changed_peak_mb"] > 10
    assert "|     3 |" in lines[0] and "|     3 |" in run.table(rows)
    assert "N=3: main " in run.table(rows)
    # the round is realistic: 12 verksamheter x 7 driftposter, 5 uppdrag per avdelning
    root = generate.round_dir(3, tmp_path)
    toml = (root / "budgetbook.toml").read_text(encoding="utf-8")
    assert toml.count("[[verksamheter]]") == 36 and toml.count("[[uppdrag]]") == 15
    assert len(list((root / "inbox").glob("*.xlsx"))) == 3
