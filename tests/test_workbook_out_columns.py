"""A view's cells and column widths taken column by column (`_table_columns`,
`_table_widths`, issue 8) are what the row-by-row way gave: the same values, signs
and widths for any table."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetbook import model as m
from budgetbook.consolidate import consolidate
from budgetbook.fmt import pct_for_sheet
from budgetbook.workbook_out import _table_columns, _table_widths
from cons_builders import drift_sub, project, small_settings


def rows_row_by_row(table: m.Table, flip: bool) -> list[list[Any]]:
    """The cells as `write_table` took them before, a row at a time."""
    keys = [c.key for c in table.columns]
    labels = [c for c, key in enumerate(keys) if key == "label"]
    negated = [c for c, col in enumerate(table.columns) if flip and col.key in table.signed_columns]
    pcts = [c for c, col in enumerate(table.columns) if col.kind == "pct"]
    out = []
    for row in table.rows:
        values = list(map(row.values.get, keys))
        for c in labels:
            values[c] = row.label
        for c in negated:
            value = values[c]
            if value is not None and not isinstance(value, str):
                values[c] = -value
        for c in pcts:  # a negative shown as 0 % stored as 0 (never "-0 %" in Excel)
            values[c] = pct_for_sheet([values[c]])[0]
        out.append(values)
    return out


def widths_row_by_row(table: m.Table) -> list[float]:
    """The column widths as `_table_widths` computed them before, from every row."""
    rows = table.rows
    widths = []
    for col in table.columns:
        if col.key == "label":
            texts = (len(r.label) + (r.kind is not m.RowKind.DATA) for r in rows)
        else:
            key = col.key
            texts = (len(v) for v in (r.values.get(key) for r in rows) if isinstance(v, str))
        widths.append(max(len(col.heading), max(texts, default=0)))
    out = []
    for c, col in enumerate(table.columns):
        if c == 0:
            out.append(min(max(widths[c], 14), 55) + 2)
        elif col.kind == "text":
            out.append(min(max(widths[c], 12), 40) + 2)
        else:
            out.append(max(11, min(widths[c], 26) * 0.55 + 2))
    return out


def typed(rows: list[list[Any]]) -> list[list[tuple[type, str]]]:
    """Values compared with their types (-0.0 is not 0, 1.0 is not 1, NaN is NaN)."""
    return [[(type(v), repr(v)) for v in row] for row in rows]


def check(table: m.Table) -> None:
    for flip in (False, True):
        columns = _table_columns(table, flip)
        rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
        expected = rows_row_by_row(table, flip)
        assert typed(rows) == typed(expected)
        assert len(columns) == len(table.columns)
        assert all(len(col) == len(table.rows) for col in columns)
        assert _table_widths(table, columns) == widths_row_by_row(table)


VALUES = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.text(max_size=70),
    st.booleans(),
)
KEYS = ["label", "a", "b", "c", "d"]


@st.composite
def tables(draw: st.DrawFn) -> m.Table:
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=6))
    columns = [
        m.Column(key, draw(st.text(max_size=40)), draw(st.sampled_from(["text", "tkr", "pct"])))
        for key in keys
    ]
    rows = [
        m.Row(
            draw(st.text(max_size=80)),
            draw(st.dictionaries(st.sampled_from([*KEYS[1:], "other"]), VALUES, max_size=5)),
            draw(st.sampled_from(list(m.RowKind))),
        )
        for _ in range(draw(st.integers(0, 12)))
    ]
    signed = frozenset(draw(st.lists(st.sampled_from(KEYS), max_size=3)))
    return m.Table("t", "Tabell", columns, rows, signed_columns=signed)


@settings(max_examples=150, deadline=None)
@given(tables())
def test_columns_and_widths_equal_the_row_by_row_way(table):
    check(table)


def test_a_consolidated_rounds_views_equal_the_row_by_row_way(tmp_path):
    sub = drift_sub(
        "A",
        {("A1", "personal"): (650, 660, 670), ("A2", "intakter"): (110, 120, 130)},
        projects=[project("P1", "Förskola Ekbacken, etapp 2", "Bygg", "Ny", {2027: 3000}, 3000)],
    )
    cons = consolidate(
        [sub, drift_sub("B", {("B1", "personal"): (1, 2, 3)})], small_settings(tmp_path)
    )
    for table in cons.views.values():
        check(table)
