"""Regenerate the example workspace at the repository root: workbook_templates/ and inbox/.

Run from anywhere:  python examples/make_example_returns.py
The templates are written from budgetbook.toml; the returns are those templates filled
the way department heads fill them (budgetbook.example). Both are deterministic, so
re-running without changes to settings or code leaves git clean.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from budgetbook.example import write_example_returns  # noqa: E402
from budgetbook.schema import build_schema  # noqa: E402
from budgetbook.settings import load_settings  # noqa: E402
from budgetbook.templates import write_templates  # noqa: E402
from budgetbook.workspace import open_workspace  # noqa: E402


def main() -> None:
    ws = open_workspace(ROOT)
    settings = load_settings(ws.settings_file)
    templates = write_templates(settings, build_schema(settings), ws.templates)
    returns = write_example_returns(settings, templates, ws.inbox)
    for path in (*templates, *returns):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
