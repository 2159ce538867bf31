"""Render the department workbook's definition as Markdown (docs/template-format.md).

The reference part of the document is generated from the same `Schema` the writer and
reader use, so the documentation cannot drift from the workbooks; a test compares it.
"""

from __future__ import annotations

from . import schema as S

BEGIN = "<!-- BEGIN GENERATED: budgetbook.template_doc -->"
END = "<!-- END GENERATED -->"

TYPE_TEXT = {
    S.TEXT: "text",
    S.AMOUNT: "amount: whole tkr (integer)",
    S.YEAR: "year (four digits)",
    S.LIST: "one value of a list",
    S.INT: "integer",
    S.FORMULA: "formula (computed in the sheet, never read)",
}


def render(schema: S.Schema) -> str:
    """The generated reference section (between BEGIN and END markers)."""
    out: list[str] = [BEGIN, ""]
    out.append(f"Template version: `{schema.version}`.")
    out.append("")
    out.append("### Identity fields")
    out.append("")
    out.append("| Name | Meaning |")
    out.append("| --- | --- |")
    meaning = {
        S.ID_AVDELNING: "avdelning code, e.g. `PERS`",
        S.ID_ROUND: "round id from settings (`round.id`)",
        S.ID_YEAR: "budget year, e.g. `2027`",
        S.ID_VERSION: "template version",
        S.ID_KOMMUN: "kommun name",
        S.ID_PRIOR: "not identity: digest of the prior-year figures prefilled on `Drift` "
        "(see How values are read)",
        S.ID_UPPDRAG: "not identity: count and digests of the uppdrag prefilled on `Uppdrag` "
        "(see How values are read)",
        S.ID_RAM: "not identity: the ram per year on `Drift`'s Ram row, `2027:15300;2028:15600` "
        "(see How values are read)",
    }
    for name in S.READ_FIELDS:
        out.append(f"| `{name}` | {meaning.get(name, '')} |")
    out.append("")
    for sheet in schema.sheets:
        out.append(f"### Sheet `{sheet.name}` (table `{sheet.table}`)")
        out.append("")
        rows = (
            "one prefilled row per key; rows must not be added, removed or reordered"
            if sheet.fixed_rows
            else f"{sheet.blank_rows} empty input rows (plus any prefilled rows)"
        )
        out.append(
            f"Header row {sheet.header_row}, data from row {sheet.first_data_row}, "
            f"column A onwards; {rows}."
        )
        out.append("")
        out.append("| Col | Key | Heading | Type | Input | Required | Allowed values / notes |")
        out.append("| --- | --- | --- | --- | --- | --- | --- |")
        for i, col in enumerate(sheet.columns):
            notes = []
            if col.list_name:
                notes.append(f"list `{col.list_name}`")
            if col.type == S.AMOUNT and col.input:
                notes.append("negative allowed" if col.allow_negative else "≥ 0")
            if col.year:
                notes.append(f"year {col.year}")
            if col.help:
                notes.append(col.help)
            out.append(
                f"| {S.xl_col(i)} | `{col.key}` | {col.heading} | {TYPE_TEXT[col.type]} | "
                f"{'yes' if col.input else 'no'} | {'yes' if col.required else ''} | "
                f"{'; '.join(notes)} |"
            )
        out.append("")
    out.append(f"### Lists (hidden sheet `{S.LISTS_SHEET}`)")
    out.append("")
    for name, values in schema.lists.items():
        shown = ", ".join(f"`{v}`" for v in values) or "(empty)"
        note = " (each avdelning's workbook lists only its own)" if name == "verksamheter" else ""
        out.append(f"- `{name}` (defined name `Lista_{name}`){note}: {shown}")
    out.append("")
    out.append(END)
    return "\n".join(out) + "\n"


def replace_generated(document: str, schema: S.Schema) -> str:
    """`document` with its generated section replaced by a fresh rendering."""
    start = document.index(BEGIN)
    end = document.index(END) + len(END) + 1
    return document[:start] + render(schema) + document[end:]


def update_doc(
    path: str = "docs/template-format.md", settings_file: str = "budgetbook.toml"
) -> None:
    """Regenerate the reference section of docs/template-format.md (example settings)."""
    from pathlib import Path

    from .settings import load_settings

    doc = Path(path)
    schema = S.build_schema(load_settings(settings_file))
    doc.write_text(replace_generated(doc.read_text(encoding="utf-8"), schema), encoding="utf-8")
