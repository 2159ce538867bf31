"""Every cache key that depends on code takes one digest over the whole package
(review #4: hand-kept module lists missed model.py, rules.py, fmt.py and others)."""

from __future__ import annotations

import shutil
import sys
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
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import hashlib

    env = fingerprint.reading_environment()
    assert "python-calamine=" in env and "tomli=" in env
    expected = hashlib.sha256(fingerprint.package_digest(fingerprint.PACKAGE))
    expected.update(env.encode())
    assert fingerprint.code_digest() == expected.digest()
    # an upgraded reader library is another digest: cached reads are not trusted
    newer = tmp_path / "python_calamine-99.0.dist-info"
    newer.mkdir()
    (newer / "METADATA").write_text("Metadata-Version: 2.1\nName: python-calamine\nVersion: 99.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "python-calamine=99.0" in fingerprint.reading_environment()
    assert fingerprint.reading_environment() != env


LIBRARIES = (*fingerprint.READING_LIBRARIES, "python-docx", "lxml", "matplotlib", "numpy")


def test_installed_versions_are_those_importlib_metadata_gives(tmp_path: Path) -> None:
    """Read from the metadata folders without importing importlib.metadata (issue 8:
    ~0.05 s of a re-run): the same answers, "-" for what is not installed."""
    from importlib import metadata

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "-"

    names = [*LIBRARIES, "Pillow", "XlsxWriter", "openpyxl", "no-such-library-xyz"]
    assert fingerprint.installed_versions(names) == [version(n) for n in names]
    assert fingerprint.installed_versions(["no-such-library-xyz"]) == ["-"]


def test_installed_versions_take_the_first_on_sys_path_as_importlib_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import metadata

    first, second = tmp_path / "a", tmp_path / "b"
    for folder, version in ((first, "2.0"), (second, "1.0")):
        info = folder / f"Some.Lib-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Name: Some.Lib\nVersion: {version}\n\nVersion: 9\n")
    egg = tmp_path / "c" / "other_lib.egg-info"  # an egg-info folder without a version
    egg.mkdir(parents=True)
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: other-lib\nVersion: 0.5\n")
    for folder in (second, first, tmp_path / "c"):
        monkeypatch.syspath_prepend(str(folder))
    names = ["some-lib", "some_lib", "Other.Lib"]
    assert fingerprint.installed_versions(names) == ["2.0", "2.0", "0.5"]
    assert [metadata.version(n) for n in names] == ["2.0", "2.0", "0.5"]


def test_installed_versions_behind_a_zip_or_an_egg_are_importlib_metadata_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip or an egg on sys.path before the folder holding a library's metadata may
    hold the library itself (its upgrade must change the digest), and a Path object
    on sys.path is read by importlib.metadata too (review: the folder's version was
    taken, and a Path raised AttributeError in every collect)."""
    import zipfile
    from importlib import metadata

    site = tmp_path / "site"
    info = site / "some_lib-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Name: some-lib\nVersion: 1.0\n")
    zipped = tmp_path / "libs.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("some_lib-2.0.dist-info/METADATA", "Name: some-lib\nVersion: 2.0\n")
    egg = tmp_path / "Some_Lib-3.0-py3.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "PKG-INFO").write_text("Name: some-lib\nVersion: 3.0\n")
    rest = list(sys.path)
    for first, version in ((str(zipped), "2.0"), (str(egg), "3.0"), (tmp_path / "x", "1.0")):
        monkeypatch.setattr(sys, "path", [first, str(site), *rest])
        assert metadata.version("some-lib") == version
        assert fingerprint.installed_versions(["some-lib", "no-such-library-xyz"]) == [
            version,
            "-",
        ]
    # a Path before the folder that holds it: importlib.metadata reads it first
    other = tmp_path / "other"
    (other / "some_lib-4.0.dist-info").mkdir(parents=True)
    (other / "some_lib-4.0.dist-info" / "METADATA").write_text("Name: some-lib\nVersion: 4.0\n")
    monkeypatch.setattr(sys, "path", [other, str(site), *rest])
    assert metadata.version("some-lib") == "4.0"
    assert fingerprint.installed_versions(["some-lib"]) == ["4.0"]


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
            collect_outputs._report_key(CollectResult(), {}, "x", []),
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


def test_the_digest_is_of_every_file_but_the_bytecode(package: Path, tmp_path: Path) -> None:
    """Names and bytes of every file below the package, in sorted order, bytecode left
    out: the definition, spelt with pathlib, against the faster walk the code uses."""
    import hashlib

    copy = tmp_path / "budgetbook"
    shutil.copytree(package, copy)
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "model.cpython-311.pyc").write_bytes(b"bytecode")
    (copy / "report" / "old.pyc").write_bytes(b"bytecode")
    (copy / "resources" / "deep" / "er").mkdir(parents=True)
    (copy / "resources" / "deep" / "er" / "data.txt").write_bytes(b"data")
    expected = hashlib.sha256()
    for name, path in sorted(
        (p.relative_to(copy).as_posix(), p)
        for p in copy.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    ):
        data = path.read_bytes()
        expected.update(f"{name}\0{len(data)}\0".encode() + data)
    assert fingerprint.package_digest(copy) == expected.digest()
    assert fingerprint.package_digest(copy) != fingerprint.package_digest(package)
