"""The Word draft's two charts, asked of the chart painter: budget per avdelning (the
two budget years as grouped bars) and the investment budget per year (stacked columns),
each with its caption and alternative text. Split from `namndplan` for size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import fmt
from ..tablebuild import CHART_BAR_MISSING, missing_named
from . import charts, content

if TYPE_CHECKING:
    from ..model import Consolidation, Table
    from ..settings import Settings
    from .builder import DocBuilder

# Most avdelningar in the bar chart; with more, it shows the largest by budget (a chart
# of ~20 groups still fits a portrait page and can be read; the table has them all).
MAX_CHART_ROWS = 20

Submit = Callable[..., Callable[[], bytes]]

# Both charts draw sizes, bars upwards, under either sign convention (docs/
# consolidation.md: a bar below the axis reads as a deficit; Swedish budget documents
# draw nettokostnad and nettoinvesteringar so whatever their tables' sign). The axis
# says what a bar is; under costs_negative, where the tables beside the chart show the
# same amounts with a minus sign, the caption and alt text say that the chart does not.
DRIFT_AXIS = "Nettokostnad"
INVESTMENT_AXIS = "Utgifter"
DRIFT_UNSIGNED = "nettokostnaderna visas utan minustecken"
INVESTMENT_UNSIGNED = "utgifterna visas utan minustecken"


def _unsigned(caption: str, alt: str, said: str, costs_negative: bool) -> tuple[str, str]:
    """Caption and alt text, saying `said` when the tables show the amounts negative."""
    if not costs_negative:
        return caption, alt
    # one parenthesis: "(alla avdelningar i tabellen nedan; nettokostnaderna visas …)"
    caption = f"{caption[:-1]}; {said})" if caption.endswith(")") else f"{caption} ({said})"
    return caption, f"{alt} Diagrammet visar beloppen utan minustecken."


class ChartFigure(NamedTuple):
    """A chart's figure: its PNG bytes when called (see ChartPainter.submit), caption,
    alternative text and the note under it ("" for none)."""

    png: Callable[[], bytes]
    caption: str
    alt: str
    note: str = ""


def avdelning_chart(
    table: Table | None, year: int, b: DocBuilder, submit: Submit
) -> ChartFigure | None:
    """The bar chart of budget per avdelning (asked of the painter), or None."""
    budget_key = f"budget_{year}"
    if table is None or not {"budget_prior", budget_key} <= {c.key for c in table.columns}:
        return None
    rows = table.data_rows()
    if not rows:
        return None
    n_rows = len(rows)

    def shown(row: Any, key: str) -> int | float | None:
        # None: an avdelning without an accepted return has no budget (its table
        # cell is empty); drawn as no bar and named as missing, never as 0. The
        # stored net cost is the size a board reads under both sign conventions
        # (docs/consolidation.md): costs_negative drew every bar below zero.
        return row.values.get(key)

    names = (f"Budget {year - 1}", f"Budget {year}")
    # A chart taller than a page cannot be read (nor laid out): with many avdelningar
    # it shows the largest ones by budget and says so; the table below has them all
    # (issue 8: at N = 1000 a full chart would be 7 m tall).
    fitting = chart_rows(len(names), b.chart_height_cm)
    largest = len(rows) > fitting
    if largest:
        rows = sorted(rows, key=lambda r: abs(shown(r, budget_key) or 0), reverse=True)
        rows = rows[:fitting]
    prior = [shown(r, "budget_prior") for r in rows]
    current = [shown(r, budget_key) for r in rows]
    labels = [r.label for r in rows]
    nan = float("nan")
    series = [
        (name, [nan if v is None else v for v in values])
        for name, values in zip(names, (prior, current), strict=True)
    ]
    colours = [b.colours[5], b.colours[0]]
    axis = f"{DRIFT_AXIS}, {table.unit}"
    png = submit(charts.grouped_bars, labels, series, colours, axis)
    which = f"de {len(rows)} största avdelningarna"
    subject = f"för {which} av {n_rows}," if largest else "per avdelning"
    alt = (
        f"Stapeldiagram över budget {subject} {year - 1} och {year}, "
        f"{table.unit}: "
        + "; ".join(
            f"{label} {_amount(p)} och {_amount(c)}"
            for label, p, c in zip(labels, prior, current, strict=True)
        )
        + "."
    )
    caption = f"Budget per avdelning {year - 1} och {year}, {table.unit}"
    if largest:
        caption = (
            f"Budget {year - 1} och {year} för {which}, {table.unit} "
            "(alla avdelningar i tabellen nedan)"
        )
    caption, alt = _unsigned(caption, alt, DRIFT_UNSIGNED, b.convention.costs_negative)
    # mid-round an avdelning without an accepted return has its prior year's bar and
    # none for the budget year: the note under the chart says which and why, in the
    # tables' words (only the alt text said so: review)
    without = [label for label, c in zip(labels, current, strict=True) if c is None]
    note = missing_named(without, CHART_BAR_MISSING.format(year=year))
    return ChartFigure(png, caption, alt, note)


def chart_rows(n_series: int, height_cm: float) -> int:
    """How many avdelningar a bar chart of `n_series` series shows and fits a page
    with its caption (at most MAX_CHART_ROWS, readable)."""
    n = MAX_CHART_ROWS
    while n > 1 and charts.grouped_bars_height(n, n_series) > height_cm:
        n -= 1
    return n


def investment_chart(
    cons: Consolidation, settings: Settings, colours: Sequence[str], submit: Submit
) -> ChartFigure | None:
    """The stacked columns of the investment budget per year (asked of the painter),
    or None when there is no amount to draw."""
    years = list(settings.investment_years)
    series = content.investment_series(cons, years)
    if not (series and any(v for _, values in series for v in values)):
        return None
    categories = [str(y) for y in years]
    axis = f"{INVESTMENT_AXIS}, {settings.unit}"
    png = submit(charts.stacked_columns, categories, series, list(colours[:2]), axis)
    per_year = content.investment_per_year(cons, years)
    alt = (
        f"Stapeldiagram över investeringsbudgeten per år {years[0]}–{years[-1]}, tkr, "
        "uppdelad på pågående och nya projekt. Totalt per år: "
        + "; ".join(f"{y} {fmt.tkr(v)}" for y, v in per_year.items())
        + "."
    )
    caption = f"Investeringsbudget per år {years[0]}–{years[-1]}, tkr"
    costs_negative = settings.sign_convention == "costs_negative"
    caption, alt = _unsigned(caption, alt, INVESTMENT_UNSIGNED, costs_negative)
    return ChartFigure(png, caption, alt)


def _amount(value: int | float | None) -> str:
    """An amount of a chart's alt text; a missing one (no accepted return) said so."""
    return "uppgift saknas" if value is None else fmt.tkr(value)
