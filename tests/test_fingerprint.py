"""Every cache key that depends on code takes one digest over the whole package
(review #4: hand-kept module lists missed model.py, rules.py, fmt.py and others)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetbook import collect, collect_memo, collect_outputs, fingerprint, settings_cache
from budgetbook.model import CollectResult
from budgetbook.schema import build_schema
from budgetbook.settings import load_settings
from budgetbook.workspace import Workspace, example_resources


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("pkg") / "budgetbook"
    shutil.copytree(fingerprint.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_digest_is_of_the_installed_package_and_what_reads_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hashlib

    env = fingerprint.reading_environment()
    assert "python-calamine=" in env and "tomli=" in env
    expected = hashlib.sha256(fingerprint.package_digest(fingerprint.PACKAGE))
    expected.update(env.encode())
    assert fingerprint.code_digest() == expected.digest()
    # an upgraded reader library is another digest: cached reads are not trusted
    real = fingerprint.metadata.version
    monkeypatch.setattr(
        fingerprint.metadata, "version", lambda n: "99.0" if n == "python-calamine" else real(n)
    )
    assert fingerprint.reading_environment() != env


@pytest.mark.parametrize(
    "module",
    [
        "model.py",
        "rules.py",
        "fmt.py",
        "settings_text.py",
        "report/tables.py",
        "resources/namndplan_mall.docx",  # review: a kept draft ignored a new template
    ],
)
def test_any_module_changes_the_digest(package: Path, module: str) -> None:
    before = fingerprint.package_digest(package)
    source = package / module
    original = source.read_bytes()
    try:
        source.write_bytes(original + b"\n# changed\n")
        assert fingerprint.package_digest(package) != before
    finally:
        source.write_bytes(original)
    assert fingerprint.package_digest(package) == before


def test_a_new_or_renamed_module_changes_the_digest(package: Path) -> None:
    before = fingerprint.package_digest(package)
    extra = package / "extra.py"
    extra.write_bytes(b"")
    try:
        assert fingerprint.package_digest(package) != before
    finally:
        extra.unlink()
    (package / "fmt.py").rename(package / "fmt2.py")
    try:
        assert fingerprint.package_digest(package) != before
    finally:
        (package / "fmt2.py").rename(package / "fmt.py")


def test_every_cache_key_follows_the_code_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(example_resources() / "budgetbook.toml")
    schema = build_schema(settings)
    source = settings.path.read_text(encoding="utf-8")

    def keys() -> tuple[str, ...]:
        collect.precheck_fingerprint.cache_clear()
        return (
            collect.precheck_fingerprint(),
            collect.read_fingerprint(settings, schema),
            collect_outputs._report_key(CollectResult(), {}, "x"),
            settings_cache.entry_key(settings.path, source),
            collect_memo.memo_key(Workspace(settings.path.parent)),
        )

    before = keys()
    monkeypatch.setattr(collect, "code_digest", lambda: b"other code")
    monkeypatch.setattr(settings_cache, "code_digest", lambda: b"other code")
    monkeypatch.setattr(collect_outputs, "code_digest", lambda: b"other code")
    monkeypatch.setattr(collect_memo, "code_digest", lambda: b"other code")
    after = keys()
    monkeypatch.undo()
    collect.precheck_fingerprint.cache_clear()
    assert all(a != b for a, b in zip(before, after, strict=True))
