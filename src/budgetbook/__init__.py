"""budgetbook: the budget round of a Swedish kommun, around Excel."""

__version__ = "0.1.0"
