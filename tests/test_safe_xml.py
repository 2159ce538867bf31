"""safe_xml: the C parser only for parts that provably hold no DOCTYPE, defusedxml for
the rest; the same trees and the same refusals either way (issue 8)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeET
import pytest

from budgetbook import safe_xml
from budgetbook.reader import read_return
from wb_builders import round_files

_BOMB = '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'
_REFUSED = [
    _BOMB.encode(),
    b'<?xml version="1.0" encoding="UTF-8"?>' + _BOMB.encode(),
    b"\xef\xbb\xbf" + _BOMB.encode(),
    ('<?xml version="1.0" encoding="UTF-16"?>' + _BOMB).encode("utf-16"),
    ('<?xml version="1.0" encoding="UTF-16"?>' + _BOMB).encode("utf-16-le"),  # no BOM
    b'<?xml version="1.0" encoding="ISO-8859-1"?>' + _BOMB.encode(),
    b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a>&x;</a>',
]
_READ = [
    b"<a>b</a>",
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<a x="1"><b>t</b>u</a>',
    b"\xef\xbb\xbf<a>&amp;&#229;<![CDATA[<!DOCTYPE]]></a>",
    '<?xml version="1.0" encoding="UTF-16"?><a>å</a>'.encode("utf-16"),
    b'<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe5</a>',
    b'<a xmlns="urn:m" xmlns:r="urn:r"><s r:id="1" name="x"/></a>',
    b"<!DOCTYPE a><a>b</a>",  # a DOCTYPE without entities: defusedxml reads it too
]
_BROKEN = [b"", b"<a>", b"<a>&x;</a>", b"<a>\x00</a>", b"<a/><!DOCTYPE a>", b"  <a/>"]


def _outcome(parse, data: bytes) -> object:
    try:
        return ET.tostring(parse(data))
    except (ET.ParseError, defusedxml.DefusedXmlException):
        return "raised"


@pytest.mark.parametrize("data", _REFUSED)
def test_entity_declarations_are_refused_in_any_encoding(data: bytes) -> None:
    with pytest.raises((defusedxml.DefusedXmlException, ET.ParseError)):
        safe_xml.fromstring(data)


@pytest.mark.parametrize("data", _REFUSED + _READ + _BROKEN)
def test_the_same_tree_or_failure_as_defusedxml(data: bytes) -> None:
    assert _outcome(safe_xml.fromstring, data) == _outcome(SafeET.fromstring, data)


def test_a_return_with_an_entity_in_its_properties_is_not_read_without_the_precheck(
    tmp_path: Path,
) -> None:
    """The reader refuses it on its own (history reads archived files without the
    pre-check): a finding, and the entity never expanded into the identity."""
    settings, schema, _, returns = round_files(tmp_path)
    src, out = returns[0], tmp_path / "entity.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "docProps/custom.xml":
                data = b'<!DOCTYPE Properties [<!ENTITY e "EXPANDED">]>' + data.replace(
                    b"<vt:lpwstr>", b"<vt:lpwstr>&e;", 1
                )
            zout.writestr(info, data)
    result = read_return(out, settings, schema)
    assert result.submission is None and [p.code for p in result.problems] == ["BB100"]
    assert "EXPANDED" not in repr(result)
