"""`budgetbook collect` (and `run`) again with nothing changed must feel instant: a new
process whose memos hold imports only what compares the inputs and prints the result
(issue 8: at N = 10 importing the readers, checks and writers was ~0.25 s of a 0.27 s
re-run). Each command here is a new process, as a user runs it, on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from budgetbook import report_memo
from budgetbook.workspace import Workspace

# What a re-run whose memos hold must not import: readers, checks, writers, settings.
HEAVY = (
    "openpyxl",
    "xlsxwriter",
    "pandas",
    "docx",
    "lxml",
    "matplotlib",
    "numpy",
    "python_calamine",
    "olefile",
    "defusedxml",
    "tomllib",
    "tomli",
    "importlib.metadata",
    "multiprocessing",
    "concurrent.futures.process",
    "budgetbook.checks",
    "budgetbook.collect",
    "budgetbook.collect_outputs",
    "budgetbook.consolidate",
    "budgetbook.problem_report",
    "budgetbook.reader",
    "budgetbook.report",
    "budgetbook.safety",
    "budgetbook.schema",
    "budgetbook.settings",
    "budgetbook.settings_cache",
    "budgetbook.settings_load",
    "budgetbook.templates",
    "budgetbook.workbook_out",
    # nor the model's classes of a return's parts, the views and the consolidation
    # (sixteen dataclasses, ~10 ms): the result's own are in model_base
    "budgetbook.model",
    # nor what only decoding a cached read (orjson) or showing an amount (fmt, with
    # decimal) needs
    "orjson",
    "budgetbook.fmt",
    "decimal",
)
# ... nor, in `actions.collect` as the Excel button calls it, what orjson brought
# (click itself imports uuid, so the command line's re-run has it)
LIBRARY_HEAVY = (*HEAVY, "uuid", "platform")

# the CLI as `budgetbook ...` runs it; afterwards, which of HEAVY were imported
CODE = """
import json, sys
from budgetbook.cli import main
target, sys.argv = sys.argv[1], ["budgetbook", *sys.argv[2:]]
try:
    main()
finally:
    heavy = json.loads(target)
    with open(heavy["file"], "w") as fh:
        json.dump([m for m in heavy["names"] if m in sys.modules], fh)
"""


# ... and of budgetbook itself only what compares and returns (a module added here is
# a decision: what it costs a re-run in a new process, issue 8)
REUSE_MODULES = [
    "budgetbook",
    "budgetbook.actions",
    "budgetbook.archive",
    "budgetbook.collect_memo",
    "budgetbook.decoder_gen",
    "budgetbook.errors",
    "budgetbook.file_state",
    "budgetbook.fingerprint",
    "budgetbook.gc_pause",
    "budgetbook.inbox",
    "budgetbook.leftovers",
    "budgetbook.model_base",
    "budgetbook.output_names",
    "budgetbook.read_cache",
    "budgetbook.report_memo",
    "budgetbook.workspace",
]

# `actions.collect` alone, as the Excel button and the benchmark's re-run call it
LIBRARY_CODE = """
import json, sys
from budgetbook import actions
heavy = json.loads(sys.argv[1])
print(len(actions.collect(sys.argv[2]).submissions))
with open(heavy["file"], "w") as fh:
    ours = sorted(m for m in sys.modules if m.partition(".")[0] == "budgetbook")
    json.dump([[m for m in heavy["names"] if m in sys.modules], ours], fh)
"""


def cli(tmp_path: Path, *args: str) -> tuple[int, str, str, list[str]]:
    """Exit code, stdout, stderr and the heavy modules imported, of a new process."""
    seen = tmp_path / "imported.json"
    target = json.dumps({"file": str(seen), "names": HEAVY})
    done = subprocess.run(
        [sys.executable, "-c", CODE, target, *args], capture_output=True, text=True, timeout=300
    )
    return done.returncode, done.stdout, done.stderr, json.loads(seen.read_text())


def test_collect_again_imports_no_reader_checks_or_writer(ws: Workspace, tmp_path: Path) -> None:
    first = cli(tmp_path, "collect", "-w", str(ws.root))
    assert first[3], "a first collect reads, checks and writes"
    assert "Inlämningar:" in first[1]
    again = cli(tmp_path, "collect", "-w", str(ws.root))
    assert again[3] == []
    assert again[:3] == first[:3]  # exit code and every byte printed as before
    as_json = cli(tmp_path, "collect", "-w", str(ws.root), "--json")
    assert as_json[3] == []
    assert json.loads(as_json[1])["statuses"]


def test_collect_again_as_the_excel_button_calls_it_imports_only_the_comparison(
    ws: Workspace, tmp_path: Path
) -> None:
    seen = tmp_path / "imported.json"
    target = json.dumps({"file": str(seen), "names": LIBRARY_HEAVY})
    runs = [
        subprocess.run(
            [sys.executable, "-c", LIBRARY_CODE, target, str(ws.root)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        for _ in range(2)
    ]
    assert runs[0].returncode == runs[1].returncode == 0, runs[1].stderr
    assert runs[1].stdout == runs[0].stdout != "0\n"  # the same accepted returns
    heavy, ours = json.loads(seen.read_text())
    assert heavy == []
    assert ours == REUSE_MODULES


def test_run_again_keeps_both_documents_without_importing_them(
    ws: Workspace, tmp_path: Path
) -> None:
    first = cli(tmp_path, "run", "-w", str(ws.root))
    assert first[0] == 0 and "namndplan" in first[1]
    again = cli(tmp_path, "run", "-w", str(ws.root))
    assert again[3] == []
    assert again[0] == first[0] and again[2] == first[2]
    # the same report, with the note that both documents were kept
    assert report_memo.KEPT_NOTE in again[1]
    assert again[1].replace(report_memo.KEPT_NOTE + "\n", "") == first[1]


def test_a_changed_return_after_a_lean_rerun_is_collected_in_full(
    ws: Workspace, tmp_path: Path
) -> None:
    """The lazily imported code still runs when needed, in the same kind of process."""
    first = cli(tmp_path, "run", "-w", str(ws.root))
    assert cli(tmp_path, "collect", "-w", str(ws.root))[3] == []
    victim = sorted(ws.inbox.glob("*.xlsx"))[0]
    victim.unlink()
    changed = cli(tmp_path, "run", "-w", str(ws.root))
    assert "budgetbook.collect" in changed[3] and "docx" in changed[3]
    assert report_memo.KEPT_NOTE not in changed[1]
    assert changed[1] != first[1]
