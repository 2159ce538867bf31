"""Word draft speed: the example document, and table filling against row count.

Issue 6 targets: the example round's document is written in under a second, and
table filling is linear in rows. Run: `.venv/bin/python benchmarks/report_speed.py`.
Results are recorded in docs/performance.md.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import docx.oxml

from budgetbook import actions, fmt
from budgetbook.model import VIEW_DRIFT_AVDELNING
from budgetbook.report.docx_template import open_template
from budgetbook.report.namndplan import write_namndplan
from budgetbook.report.tables import table_style_for, table_xml


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        result = actions.demo(Path(tmp) / "ws")
        assert result.consolidation is not None
        cons = result.consolidation
        settings = actions.open_workspace(Path(tmp) / "ws").settings()
        out = Path(tmp) / "n.docx"
        write_namndplan(cons, settings, out)  # warm: imports and font cache
        times = []
        for _ in range(5):
            start = time.perf_counter()
            write_namndplan(cons, settings, out)
            times.append(time.perf_counter() - start)
        print(
            f"example nämndplan: median {statistics.median(times):.3f} s, "
            f"max {max(times):.3f} s (target < 1 s)"
        )

        doc = open_template(None)
        style = table_style_for(doc, "1F5C99", fmt.Convention())
        base = cons.views[VIEW_DRIFT_AVDELNING]

        def timed(n: int) -> float:
            table = replace(base, rows=base.rows * n)
            start = time.perf_counter()
            docx.oxml.parse_xml(table_xml(table, [1500] * len(table.columns), style))
            return time.perf_counter() - start

        timed(10)
        rows = {n: min(timed(n) for _ in range(3)) for n in (100, 800, 3200)}
        for n, t in rows.items():
            print(f"table with {n * len(base.rows):>6} rows: {t * 1000:8.1f} ms")
        ratio = rows[3200] / rows[100]
        print(f"32x the rows costs {ratio:.1f}x the time (linear: ~32x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
