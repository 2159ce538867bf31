"""docs/validation-rules.md is generated from rules.RULES and must not drift."""

from __future__ import annotations

from pathlib import Path

from budgetbook import docs_gen, rules

DOC = Path(__file__).resolve().parents[1] / "docs" / "validation-rules.md"


def test_validation_rules_doc_matches_code() -> None:
    assert DOC.read_text(encoding="utf-8") == docs_gen.render(), (
        "docs/validation-rules.md is out of date; run `make docs`"
    )


def test_every_rule_is_documented_with_severity_and_template() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code, rule in rules.RULES.items():
        line = next(ln for ln in text.splitlines() if ln.startswith(f"| {code} |"))
        assert f"| {rule.severity.value} |" in line and rule.title in line


def test_main_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "rules.md"
    assert docs_gen.main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == docs_gen.render()
