"""Builders for the workbook tests: example settings, generated templates, filled returns."""

from __future__ import annotations

import shutil
from pathlib import Path

from budgetbook.example import write_example_returns
from budgetbook.schema import Schema, build_schema
from budgetbook.settings import Settings, load_settings
from budgetbook.templates import write_templates

ROOT = Path(__file__).resolve().parent.parent


def example_settings(tmp: Path) -> Settings:
    """A copy of the bundled example settings in `tmp` (so tests never touch the repo)."""
    src = ROOT / "src" / "budgetbook" / "resources" / "example"
    shutil.copytree(src, tmp, dirs_exist_ok=True)
    return load_settings(tmp / "budgetbook.toml")


def round_files(tmp: Path) -> tuple[Settings, Schema, list[Path], list[Path]]:
    """Settings, schema, templates and filled example returns in `tmp`."""
    settings = example_settings(tmp)
    schema = build_schema(settings)
    templates = write_templates(settings, schema, tmp / "workbook_templates")
    returns = write_example_returns(settings, templates, tmp / "inbox")
    return settings, schema, templates, returns
