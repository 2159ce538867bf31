"""The data validation of a department workbook's input cells (what Excel refuses or
warns about while a department head types), for `templates`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xlsxwriter.worksheet import Worksheet

from . import schema as S
from .fmt import tkr
from .settings import Settings

AMOUNT_MAX = 999_999_999


def add_validations(
    ws: Worksheet,
    sheet: S.SheetDef,
    first: int,
    last: int,
    settings: Settings,
    schema: S.Schema,
    rows: Sequence[Mapping[str, object]] = (),
) -> None:
    """Excel's data validation on each input column of `sheet` (rows `first` to
    `last`, 0-based): whole tkr, years, integers, the dropdown lists and the Texter
    length warning. `rows`: the sheet's prefilled rows, in order (Drift's driftposts
    decide where an amount may be negative)."""
    for c, col in enumerate(sheet.columns):
        if not col.input:
            continue
        opts: dict[str, object] | None = None
        if col.type == S.AMOUNT and sheet.key == "drift" and not col.allow_negative:
            # per run of rows: a driftpost may allow negatives (as rule BB304 does)
            for top, bottom, negative in _negative_runs(rows, settings, first):
                ws.data_validation(top, c, bottom, c, _amount_rule(negative))
        elif col.type == S.AMOUNT:
            opts = _amount_rule(col.allow_negative)
        elif col.type == S.YEAR:
            opts = _integer_rule(
                S.YEAR_RANGE, "Årtal", "Skriv året med fyra siffror, till exempel 2027."
            )
        elif col.type == S.INT:
            message = "Skriv ett heltal från {} till {}.".format(*S.INT_RANGE)
            opts = _integer_rule(S.INT_RANGE, "Heltal", message)
        elif col.type == S.LIST and schema.lists.get(col.list_name):
            opts = {
                "validate": "list",
                "source": f"={list_range_name(col.list_name)}",
                "error_title": col.heading,
                "error_message": "Välj ett värde i listan.",
            }
        elif sheet.key == "texter" and col.key == "text":
            for r, t in enumerate(settings.text_sections):
                ws.data_validation(
                    first + r,
                    c,
                    first + r,
                    c,
                    {
                        "validate": "length",
                        "criteria": "<=",
                        "value": t.max_chars,
                        "error_type": "warning",
                        "error_title": "Lång text",
                        "error_message": f"Högst {tkr(t.max_chars)} tecken rekommenderas.",
                    },
                )
        if opts:
            ws.data_validation(first, c, last, c, opts)


def _negative_runs(
    rows: Sequence[Mapping[str, object]], settings: Settings, first: int
) -> list[tuple[int, int, bool]]:
    """(first row, last row, negatives allowed) for each run of Drift rows whose
    driftposts agree on allow_negative."""
    allowed = {d.name: d.allow_negative for d in settings.driftposter}
    runs: list[tuple[int, int, bool]] = []
    for r, values in enumerate(rows, start=first):
        negative = allowed.get(str(values.get("driftpost")), False)
        if runs and runs[-1][2] == negative and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r, negative)
        else:
            runs.append((r, r, negative))
    return runs


def _integer_rule(bounds: tuple[int, int], title: str, message: str) -> dict[str, object]:
    """A whole number from `bounds[0]` to `bounds[1]`, refused with `title` and `message`."""
    return {
        "validate": "integer",
        "criteria": "between",
        "minimum": bounds[0],
        "maximum": bounds[1],
        "error_title": title,
        "error_message": message,
    }


def _amount_rule(allow_negative: bool) -> dict[str, object]:
    """Whole tkr only; 0 or more unless negatives are allowed."""
    return _integer_rule(
        (-AMOUNT_MAX if allow_negative else 0, AMOUNT_MAX),
        "Belopp i hela tkr",
        "Skriv ett heltal i tkr"
        + ("" if allow_negative else ", 0 eller större")
        + ", utan text eller decimaler.",
    )


def list_range_name(list_name: str) -> str:
    """The defined name a dropdown refers to, e.g. Lista_kategorier."""
    return f"Lista_{list_name}"
