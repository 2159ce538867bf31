"""Swedish number, percent and amount formatting, and the kommun's sign convention.

Used by every output (Word, workbooks, CLI) so a figure looks the same everywhere:
"43 974" (non-breaking space), "−2 894" (minus sign), "324,5", "6 %".
"""

from __future__ import annotations

from dataclasses import dataclass

NBSP = "\u00a0"
MINUS = "\u2212"


def tkr(value: int | float | None) -> str:
    """Whole tkr with non-breaking thousands separators and a real minus sign."""
    if value is None:
        return ""
    number = round(value)
    text = f"{abs(number):,}".replace(",", NBSP)
    return f"{MINUS}{text}" if number < 0 else text


def decimal(value: float | None, places: int = 1) -> str:
    """A decimal number, Swedish style: "324,5", "1 234,5"."""
    if value is None:
        return ""
    text = f"{abs(value):,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", NBSP)
    return f"{MINUS}{text}" if round(value, places) < 0 else text


def pct(value: float | None) -> str:
    """A fraction as whole percent: 0.06 -> "6 %"; None (undefined) -> ""."""
    if value is None:
        return ""
    number = round(value * 100)
    return f"{MINUS}{abs(number)}{NBSP}%" if number < 0 else f"{number}{NBSP}%"


def mnkr(value_tkr: int | float) -> str:
    """tkr as million kronor with one decimal: 324500 -> "324,5"."""
    return decimal(value_tkr / 1000, 1)


def change(new: int | float, old: int | float) -> tuple[int | float, float | None]:
    """Change new − old in tkr and as (new − old)/|old|; the % is None where old is 0.

    The two always carry the same sign (domain convention).
    """
    diff = new - old
    return diff, (diff / abs(old) if old else None)


@dataclass(frozen=True, slots=True)
class Convention:
    """The kommun's display sign convention.

    net_cost_positive: costs and net costs are shown as positive amounts; a positive
    avvikelse (budget − prognos) is favourable.
    costs_negative: revenue positive, costs and net costs negative; a positive
    avvikelse (prognos − budget, on the negative scale) is favourable as well.
    Stored data never change; only `display` flips the sign.
    """

    name: str = "net_cost_positive"

    @property
    def costs_negative(self) -> bool:
        return self.name == "costs_negative"

    def display(self, net_cost: int | float | None) -> int | float | None:
        """A stored net-cost figure as the kommun shows it."""
        if net_cost is None:
            return None
        return -net_cost if self.costs_negative else net_cost

    def favourable(self, budget_net_cost: float, outcome_net_cost: float) -> bool:
        """Whether an outcome (prognos or utfall) beats the budget, in any convention."""
        return outcome_net_cost <= budget_net_cost
