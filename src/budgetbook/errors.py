"""Every exception budgetbook raises on purpose.

Validation findings in returned workbooks are *not* exceptions: they are
`model.Problem` records collected in a report. Exceptions are for failures that stop
an action: a broken settings file, a missing workspace, an output that cannot be written.
Each carries a message fit to show a user (the CLI prints it without a traceback).
"""

from __future__ import annotations


class BudgetbookError(Exception):
    """Base class; the CLI turns any of these into a clean message and exit code 1."""


class SettingsError(BudgetbookError):
    """The settings file is missing, not valid TOML, or a key is missing or wrong.

    The message names the file, the key (dotted path) and what was expected.
    """

    def __init__(self, message: str, *, key: str | None = None, path: str | None = None):
        self.key = key
        self.path = path
        where = ""
        if path:
            where += f"{path}: "
        if key:
            where += f"{key}: "
        super().__init__(where + message)


class WorkspaceError(BudgetbookError):
    """The folder is not a budgetbook workspace, or a required part of it is missing."""


class OutputError(BudgetbookError):
    """An output file could not be written (locked by Excel, no permission, disk full)."""


class TemplateError(BudgetbookError):
    """A department workbook or other generated file could not be produced."""


class ReportError(BudgetbookError):
    """The Word document could not be produced (for example a broken Word template)."""


class NothingToConsolidateError(BudgetbookError):
    """No valid return was found, so there is nothing to consolidate or report on."""


class XlsxStreamError(ValueError):
    """A value or sheet name the streaming .xlsx writer cannot write (xlsx_stream).

    Its message is Swedish and names the sheet and cell; `write_consolidation` wraps it
    in an OutputError naming the file. Misuse of the writer (rows out of order, two open
    sheets) stays a plain ValueError or RuntimeError: that is a bug, not the user's data.
    """


class CarryOverWarning(UserWarning):
    """The carry-over failed for a reason other than the source's content: a bug. The
    copy is written without the values; the tests turn this warning into an error."""
