"""The performance benchmark behind `make bench` (issue 8). Not part of the test suite.

For each N (default 10, 100, 1000) it takes the cached synthetic round of
`generate.py` and measures, each in a fresh Python process on the same files:

- pipeline: collect (hash, safety pre-checks, archive, read, validate, reports),
  consolidate (+ the consolidated workbook), report (the Word draft), and their sum
  ("whole run");
- re-run: `budgetbook collect` again with nothing changed, in a new process as a user
  runs it (interpreter start and imports included); its share is given of the
  pipeline's collect (measured in process, imports before the clock) and of the first
  collect measured the same way as the re-run ("collect cmd": a new process on a fresh
  copy of the files, timed from outside);
- one changed ("deadline day"): one return amended with openpyxl as a department head
  does, then `budgetbook run` again in a new process, timed from outside;
- floor: every used cell of every sheet of every file read with python-calamine,
  nothing else, in one plain loop;
- baseline: a plain loop of `pandas.read_excel(path, sheet_name=None)` with pandas'
  default engine, then one concat per sheet, as a Python user would write it.

Peak memory is that of the whole process tree of the pipeline (the measured process and
its worker processes), sampled from /proc every 20 ms by this parent process, and never
less than the measured process' own ru_maxrss; the processes alive at the peak are
recorded with their share. The re-run and the one-changed run are sampled on their own
(each is its own process tree, started by this parent after the pipeline has ended). Usage:

    python benchmarks/run.py [N ...] [--repeat K] [--skip-baseline-above N] [--json FILE]

With --repeat K the floor and the pipeline are each measured K times, alternately, and
the fastest of each is kept (the pipeline run with the shortest whole run, all its
stages from that run; peak memory is the highest of all runs): on a shared virtual
machine noise only ever adds time, and the two references move with it (issue 8's
ratios are measured side by side).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
DEFAULT_NS = (10, 100, 1000)


# --- measurements (each runs in a child process: `run.py --measure KIND ROOT`) -----------


RERUN = (
    "import sys; from budgetbook import actions; "
    "print(len(actions.collect(sys.argv[1]).submissions))"
)
# `budgetbook run -w WS`, exactly as the command line runs it
CLI_RUN = "import sys; from budgetbook.cli import main; sys.argv[0] = 'budgetbook'; main()"


def workspace_copy(root: Path, work: Path) -> Path:
    """A fresh workspace with the round's settings, texts and returns (no outputs)."""
    work.mkdir()
    for item in ("budgetbook.toml", "foregaende_ar.csv"):
        shutil.copy2(root / item, work / item)
    for folder in ("texter", "inbox"):
        shutil.copytree(root / folder, work / folder)
    return work


def measure_pipeline(work: Path) -> dict[str, float]:
    """collect, consolidate and report of a workspace: `budgetbook run` itself
    (actions.run_round), its stages timed as they end."""
    # with what `actions` imported at its top before a re-run learnt to import only what
    # it needs (issue 8): loaded before the clock starts, as then, so the stages compare
    from budgetbook import actions, collect, consolidate, schema, settings, templates  # noqa: F401

    ends: dict[str, float] = {}
    t0 = time.perf_counter()
    result = actions.run_round(
        actions.open_round(work, collecting=True),
        lambda stage: ends.setdefault(stage, time.perf_counter()),
    )
    t1, t2, t3 = ends["collect"], ends["consolidate"], ends["report"]
    return {
        "collect": t1 - t0,
        "consolidate": t2 - t1,
        "report": t3 - t2,
        "whole": t3 - t0,
        "accepted": float(len(result.collected.submissions)),
        "problems": float(len(result.collected.problems)),
    }


def amend_return(path: Path) -> str:
    """Change one amount on the Drift sheet the way a department head does: open the
    returned workbook in openpyxl, add 10 tkr to the first amount, save."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Drift"]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if type(cell.value) in (int, float) and cell.value >= 100:
                cell.value += 10
                wb.save(path)
                return f"{ws.title}!{cell.coordinate}"
    raise RuntimeError(f"no amount to change in {path.name}")


def measure_round(root: Path) -> dict[str, float | str]:
    """The pipeline in a fresh process on a copy of the round, then from this process:
    the re-run with nothing changed and the run after one return was amended."""
    with tempfile.TemporaryDirectory(prefix="bb-bench-") as tmp:
        work = workspace_copy(root, Path(tmp) / "ws")
        result: dict[str, float | str] = dict(run_child("pipeline", work))
        # the first collect as the re-run is measured: a new process, timed from outside
        # (start and imports in it too), on a fresh copy of the same files
        first = workspace_copy(root, Path(tmp) / "ws-cmd")
        out, result["collect_cmd"], _ = run_sampled([sys.executable, "-c", RERUN, str(first)])
        assert int(out.split()[-1]) == result["accepted"], out  # the same work as the re-run
        shutil.rmtree(first)
        out, seconds, peak = run_sampled([sys.executable, "-c", RERUN, str(work)])
        assert int(out.split()[-1]) == result["accepted"], out
        result["rerun_collect"], result["rerun_peak_mb"] = seconds, peak.mb
        inbox = _inbox(work)
        amend_return(inbox[len(inbox) // 2])
        _, seconds, peak = run_sampled([sys.executable, "-c", CLI_RUN, "run", "-w", str(work)])
        result["changed_run"], result["changed_peak_mb"] = seconds, peak.mb
    return result


def _inbox(root: Path) -> list[Path]:
    return sorted((root / "inbox").glob("*.xlsx"))


def measure_floor(root: Path) -> dict[str, float]:
    """Every used cell of every file with python-calamine, and nothing else."""
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    cells = 0
    for path in _inbox(root):
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
        wb.close()
    return {"floor": time.perf_counter() - t0, "cells": float(cells)}


def measure_baseline(root: Path) -> dict[str, float]:
    """A plain loop of pandas.read_excel(sheet_name=None) and a concat per sheet."""
    import warnings

    import pandas as pd

    t0 = time.perf_counter()
    frames: dict[str, list[pd.DataFrame]] = {}
    with warnings.catch_warnings():
        # pandas 3 warns on every call that its default engine will change; the
        # baseline is that default, so the warning is only noise (one per file).
        warnings.simplefilter("ignore")
        for path in _inbox(root):
            for name, df in pd.read_excel(path, sheet_name=None).items():
                frames.setdefault(name, []).append(df)
    combined = {name: pd.concat(dfs, ignore_index=True) for name, dfs in frames.items()}
    rows = sum(len(df) for df in combined.values())
    return {"baseline": time.perf_counter() - t0, "rows": float(rows)}


MEASURES = {"pipeline": measure_pipeline, "floor": measure_floor, "baseline": measure_baseline}


def _child_main(kind: str, root: str) -> None:
    result = MEASURES[kind](Path(root))
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["self_maxrss_mb"] = self_kb / 1024
    result["children_maxrss_mb"] = kids_kb / 1024
    print("BENCH-RESULT " + json.dumps(result))


# --- the parent: run a measurement in a fresh process, sample its tree's memory -------


def _kcmp_vm() -> Callable[[int, int], bool] | None:
    """`same(a, b)`: do processes a and b share one address space (Linux kcmp)?"""
    import ctypes
    import platform

    number = {"x86_64": 312, "aarch64": 272}.get(platform.machine())
    if number is None:
        return None
    try:
        syscall = ctypes.CDLL(None, use_errno=True).syscall
    except (OSError, AttributeError):
        return None
    kcmp_vm = 1

    def same(a: int, b: int) -> bool:
        return syscall(number, a, b, kcmp_vm, 0, 0) == 0

    return same if same(os.getpid(), os.getpid()) else None


_SAME_VM = _kcmp_vm()


def _tree_rss_kb(pid: int) -> list[tuple[int, str, int]]:
    """(pid, name, resident kB) of pid and all its descendants (Linux /proc).

    A child that still shares its parent's address space is left out: between vfork
    and exec, as subprocess starts the chart painter, /proc shows the parent's whole
    memory a second time under the child (measured: a 314 MB parent read as 629 MB).
    """
    procs, todo, seen = [], [(pid, 0)], set()
    while todo:
        p, parent = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            # asked before reading its memory: a child that has exec'd since is then
            # read as its own small self, never as the parent's memory
            if parent and _SAME_VM and _SAME_VM(p, parent):
                continue
            name, rss = "?", 0
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("Name:"):
                        name = line.split()[1]
                    elif line.startswith("VmRSS:"):
                        rss = int(line.split()[1])
                        break
            procs.append((p, name, rss))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend((int(c), p) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return procs


@dataclass
class Peak:
    """The highest summed resident memory of a process tree and who was alive then."""

    kb: int = 0
    processes: list[tuple[int, str, int]] = field(default_factory=list)
    root: int = 0

    @property
    def mb(self) -> float:
        return self.kb / 1024

    def describe(self) -> str:
        """e.g. "main 372 + python 97 + python 97" (MB, the measured process first)."""
        procs = sorted(self.processes, key=lambda p: (p[0] != self.root, -p[2]))
        return " + ".join(
            f"{'main' if pid == self.root else name} {kb / 1024:.0f}" for pid, name, kb in procs
        )


def run_sampled(cmd: list[str]) -> tuple[str, float, Peak]:
    """Run cmd with src/ on the path; its stdout, wall seconds and tree memory peak."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    # as installed, budgetbook's bytecode is cached; some shells (CI images) forbid it,
    # and the re-runs would then compile every module again (~0.05 s)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True, encoding="utf-8")
    peak = Peak(root=proc.pid)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            procs = _tree_rss_kb(proc.pid)
            kb = sum(p[2] for p in procs)
            if kb > peak.kb:
                peak.kb, peak.processes = kb, procs
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[1:3]} failed (exit {proc.returncode})")
    return out, seconds, peak


def run_child(kind: str, root: Path) -> dict[str, float | str]:
    out, _, peak = run_sampled(
        [sys.executable, str(Path(__file__).resolve()), "--measure", kind, str(root)]
    )
    line = next(ln for ln in out.splitlines() if ln.startswith("BENCH-RESULT "))
    result = json.loads(line.removeprefix("BENCH-RESULT "))
    result["peak_mb"] = max(peak.mb, result["self_maxrss_mb"])
    result["peak_processes"] = peak.describe()
    return result


@dataclass
class Row:
    n: int
    collect: float = 0.0
    consolidate: float = 0.0
    report: float = 0.0
    whole: float = 0.0
    rerun_collect: float = 0.0
    collect_cmd: float = 0.0
    changed_run: float = 0.0
    floor: float = 0.0
    baseline: float | None = None
    peak_mb: float = 0.0
    peak_processes: str = ""
    accepted: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def vs_floor(self) -> float:
        return self.whole / self.floor if self.floor else float("nan")

    @property
    def vs_baseline(self) -> float | None:
        return self.baseline / self.whole if self.baseline and self.whole else None

    @property
    def rerun_share(self) -> float:
        return self.rerun_collect / self.collect if self.collect else float("nan")

    @property
    def rerun_share_cmd(self) -> float:
        """The re-run against the first collect measured the same way (both in a new
        process from outside, start and imports in both)."""
        return self.rerun_collect / self.collect_cmd if self.collect_cmd else float("nan")

    @property
    def changed_share(self) -> float:
        return self.changed_run / self.whole if self.whole else float("nan")


def _code_digest() -> bytes:
    """budgetbook's code as its caches see it (every file of the package)."""
    from budgetbook.fingerprint import PACKAGE, package_digest

    return package_digest(PACKAGE)


def bench(
    ns: list[int],
    *,
    skip_baseline_above: int | None = None,
    cache: Path | None = None,
    repeat: int = 1,
    log=print,
) -> list[Row]:
    from generate import ensure_round

    rows = []
    code = _code_digest()
    for n in ns:
        root = ensure_round(n, cache=cache, quiet=False)
        row = Row(n)
        floors, pipes = [], []
        for _ in range(max(repeat, 1)):
            floors.append(run_child("floor", root))  # also warms the page cache
            pipes.append(measure_round(root))
        floor = min(floors, key=lambda m: m["floor"])
        pipe = min(pipes, key=lambda m: m["whole"])
        row.floor = floor["floor"]
        # the fastest first collect of all repeats: noise only adds, and the smaller it
        # is, the larger (the stricter) the re-run's share of it
        row.collect_cmd = min(p["collect_cmd"] for p in pipes)
        for key in ("collect", "consolidate", "report", "whole", "rerun_collect", "changed_run"):
            setattr(row, key, pipe[key])
        highest = max(pipes, key=lambda m: m["peak_mb"])
        row.peak_mb, row.peak_processes = highest["peak_mb"], highest["peak_processes"]
        row.accepted = int(pipe["accepted"])
        row.extra = {
            "floor_peak_mb": floor["peak_mb"],
            "cells": floor["cells"],
            "rerun_peak_mb": max(p["rerun_peak_mb"] for p in pipes),
            "changed_peak_mb": max(p["changed_peak_mb"] for p in pipes),
        }
        if skip_baseline_above is None or n <= skip_baseline_above:
            base = run_child("baseline", root)
            row.baseline = base["baseline"]
            row.extra["baseline_peak_mb"] = base["peak_mb"]
        if _code_digest() != code:
            # the caches key on the code: a file saved under src/ mid-run made the
            # re-run a whole collect (106 % at N = 1000, a tenth-pass run)
            raise RuntimeError(
                f"budgetbook's code changed while N = {n} was measured; its figures "
                "mix two versions of the code. Run the benchmark again."
            )
        rows.append(row)
        log(_line(row))
    return rows


HEADER = (
    "|     N | collect s | consolidate s | report s | whole s | re-run s | 1 changed s "
    "| floor s | baseline s | whole/floor | baseline/whole | re-run/collect "
    "| 1 changed/whole | peak MB | collect cmd s | re-run/collect cmd |"
)
SEP = "|" + "|".join("-" * (len(c)) for c in HEADER.split("|")[1:-1]) + "|"


def _line(r: Row) -> str:
    base = f"{r.baseline:10.2f}" if r.baseline is not None else f"{'-':>10}"
    vsb = f"{r.vs_baseline:13.1f}×" if r.vs_baseline is not None else f"{'-':>14}"
    return (
        f"| {r.n:5d} | {r.collect:9.2f} | {r.consolidate:13.2f} | {r.report:8.2f} "
        f"| {r.whole:7.2f} | {r.rerun_collect:8.2f} | {r.changed_run:11.2f} | {r.floor:7.2f} "
        f"| {base} | {r.vs_floor:10.2f}× | {vsb} | {100 * r.rerun_share:13.1f}% "
        f"| {100 * r.changed_share:14.1f}% | {r.peak_mb:7.0f} | {r.collect_cmd:13.2f} "
        f"| {100 * r.rerun_share_cmd:17.1f}% |"
    )


def table(rows: list[Row]) -> str:
    lines = [HEADER, SEP] + [_line(r) for r in rows]
    by_n = {r.n: r for r in rows}
    if 100 in by_n and 1000 in by_n and by_n[100].whole:
        lines.append("")
        lines.append(f"whole(N=1000) / whole(N=100) = {by_n[1000].whole / by_n[100].whole:.1f}")
    lines.append("")
    lines.append("peak MB: the processes alive at the peak; re-run and 1 changed on their own")
    for r in rows:
        lines.append(
            f"  N={r.n}: {r.peak_processes}; re-run {r.extra.get('rerun_peak_mb', 0):.0f}, "
            f"1 changed {r.extra.get('changed_peak_mb', 0):.0f}"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(ln for ln in fh if ln.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ns", nargs="*", type=int, default=list(DEFAULT_NS))
    parser.add_argument("--skip-baseline-above", type=int, default=None)
    parser.add_argument(
        "--repeat", type=int, default=1, help="measure floor and pipeline K times, keep the best"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _child_main(*args.measure)
        return 0
    print(f"machine: {machine()}")
    print(HEADER)
    print(SEP)
    rows = bench(args.ns, skip_baseline_above=args.skip_baseline_above, repeat=args.repeat)
    print()
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(SRC))
    sys.exit(main())
