"""The README and docs/settings.md against the code they describe.

The README's module map had fallen behind src/budgetbook/ (21 modules missing, errors.py
among them), and docs/settings.md had no test tying it to the keys the loader accepts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetbook import settings_load

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "budgetbook"


def _module_map() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```\nsrc/budgetbook/\n")
    return readme[start : readme.index("```", start + 3)]


def _named(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w/.]){re.escape(name)}(?![\w])", text) is not None


def test_readme_module_map_names_every_module() -> None:
    block = _module_map()
    names = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    names += [f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"]
    missing = [name for name in sorted(names) if not _named(name, block)]
    assert not missing, f"README's module map lacks {missing}"


def test_readme_module_map_names_only_existing_modules() -> None:
    for name in re.findall(r"[\w/]+\.py\b", _module_map()):
        assert (PACKAGE / name).is_file(), name


def _settings_doc_sections() -> dict[str, str]:
    """docs/settings.md split at its `## ` headings, keyed by the heading's first `code`."""
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    sections = {}
    for part in doc.split("\n## ")[1:]:
        heading, _, body = part.partition("\n")
        name = re.match(r"`\[*([\w.]+)\]*`", heading)
        assert name, heading
        sections[name.group(1)] = body
    return sections


@pytest.mark.parametrize(
    ("section", "keys"),
    [
        *settings_load.TABLE_KEYS.items(),
        *settings_load.ARRAY_KEYS.items(),
        ("kf_goals", settings_load.INDICATOR_KEYS),
        ("texts", {"dir"} | {key for key, _ in settings_load.NAMND_TEXTS}),
    ],
)
def test_settings_doc_lists_every_key_the_loader_accepts(section: str, keys: set[str]) -> None:
    body = _settings_doc_sections()[section]
    missing = sorted(key for key in keys if f"`{key}`" not in body)
    assert not missing, f"docs/settings.md [{section}] lacks {missing}"


def test_settings_doc_has_a_section_for_every_table() -> None:
    sections = _settings_doc_sections()
    for name in [*settings_load.TABLE_KEYS, *settings_load.ARRAY_KEYS, "texts"]:
        assert name in sections, name


def test_readme_names_every_field_of_collect_json() -> None:
    from budgetbook.cli import collect_json
    from budgetbook.collect import GODKAND
    from budgetbook.model import CollectResult, Problem, ReturnStatus, Severity

    result = CollectResult()
    result.statuses.append(ReturnStatus("PERS", "Personalavdelningen", GODKAND))
    result.problems.append(Problem("BB501", Severity.VARNING, "…"))
    data = collect_json(result)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("`collect --json` prints") :].split("\n\n")[0]
    fields = {*data, *data["statuses"][0], *data["problems"][0]}
    missing = sorted(name for name in fields if f"`{name}`" not in part)
    assert not missing, f"README's paragraph on `collect --json` lacks {missing}"
