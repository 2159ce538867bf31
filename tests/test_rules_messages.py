"""Rule messages read as Swedish text for a department head: no Python quoting, no CLI."""

from __future__ import annotations

from budgetbook import rules


def test_values_are_quoted_with_swedish_quotes_and_on_one_line() -> None:
    problem = rules.NOT_A_NUMBER(sheet="Drift", cell="F12", varde="12\n500")
    assert problem.message.startswith("Bladet Drift, cell F12: ”12 500” är inte ett belopp")
    assert "'" not in problem.message and "\\n" not in problem.message


def test_no_template_uses_python_repr() -> None:
    for rule in rules.RULES.values():
        assert "!r}" not in rule.template, rule.code


def test_messages_to_department_heads_name_no_commands() -> None:
    for rule in rules.RULES.values():
        if rule.scope != "round":
            assert "`" not in rule.template, rule.code


def test_advice_to_resave_a_file_names_libreoffice_too() -> None:
    """Regression: a department head who sent an .ods (the README says LibreOffice Calc
    works) was told only "Öppna den i Excel"."""
    from budgetbook import rules

    for template in (
        rules.UNREADABLE_ADVICE[rules.RESAVE],
        rules.UNREADABLE_ADVICE[rules.DAMAGED],
        rules.UNSAFE.template,
    ):
        assert "Excel (eller LibreOffice Calc)" in template, template
    assert rules.NOT_READABLE(file="x.ods", orsak="ods").message.endswith(
        rules.UNREADABLE_ADVICE[rules.RESAVE]
    )


def test_an_amount_as_text_says_the_workbook_s_own_sums_leave_it_out() -> None:
    """Regression: BB302 read "40 200" as 40 200 tkr, while the department's own sheet
    summed without it (Excel's SUM skips text) and showed another ram difference than
    the feedback: the message now says why to retype it."""
    from budgetbook import rules

    assert "summor räknar inte med text" in rules.TEXT_NUMBER.template
