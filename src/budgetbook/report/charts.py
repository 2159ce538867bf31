"""Charts for the Word draft, drawn with matplotlib's Agg canvas into PNG bytes.

Uses `matplotlib.figure.Figure` directly (no pyplot: no GUI backend, no global state,
and a faster import). Colours come from the Word template's theme so the charts match
the kommun's look. Amounts are tkr in stored representation; the caller applies the
sign convention before passing them in.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

from .. import fmt

_P = ParamSpec("_P")
_R = TypeVar("_R")

DPI = 150
FONT = "DejaVu Sans"  # bundled with matplotlib: identical output everywhere


def _as_designed(draw: Callable[_P, _R]) -> Callable[_P, _R]:
    """Draw in matplotlib's own default style: a user's matplotlibrc (another font, a
    dark theme, savefig.bbox: tight...) would otherwise change the draft's charts, and
    they could differ between the painter's process and this one."""

    @functools.wraps(draw)
    def drawn(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        from matplotlib import style

        with style.context("default"):
            return draw(*args, **kwargs)

    return drawn


def _figure(width_cm: float, height_cm: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _style_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=7, length=2)
    ax.set_axisbelow(True)


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _tkr_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: fmt.tkr(value))


def _wrap(label: str, width: int = 28) -> str:
    if len(label) <= width:
        return label
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def grouped_bars_height(n_labels: int, n_series: int) -> float:
    """The height in cm of a `grouped_bars` chart (it grows with the number of groups)."""
    return max(4.5, 1.2 + n_labels * (0.32 + 0.22 * n_series))


@_as_designed
def grouped_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    colours: Sequence[str],
    unit: str = "tkr",
    width_cm: float = 16.0,
) -> bytes:
    """Horizontal grouped bars: one group per label, one bar per series (e.g. years)."""
    n = len(labels)
    height = grouped_bars_height(n, len(series))
    fig = _figure(width_cm, height)
    ax = fig.add_axes((0.30, 0.08 + 0.5 / height, 0.66, 0.90 - 1.4 / height))
    bar = 0.8 / max(1, len(series))
    positions = range(n)
    for k, (name, values) in enumerate(series):
        offsets = [p - 0.4 + bar * (k + 0.5) for p in positions]
        ax.barh(
            offsets, values, height=bar * 0.92, color=f"#{colours[k % len(colours)]}", label=name
        )
    ax.set_yticks(list(positions), [_wrap(label) for label in labels], fontsize=7, family=FONT)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_tkr_formatter())
    ax.set_xlabel(unit, fontsize=7, family=FONT)
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.6)
    ax.axvline(0, color="#404040", linewidth=0.6)
    _style_axes(ax)
    ax.legend(
        fontsize=7, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series)
    )
    return _png(fig)


@_as_designed
def stacked_columns(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    colours: Sequence[str],
    unit: str = "tkr",
    width_cm: float = 14.0,
    height_cm: float = 6.5,
) -> bytes:
    """Vertical stacked columns: one column per category (year), stacked by series."""
    fig = _figure(width_cm, height_cm)
    ax = fig.add_axes((0.13, 0.12, 0.84, 0.74))
    bottoms = [0.0] * len(categories)
    for k, (name, values) in enumerate(series):
        ax.bar(
            list(categories),
            values,
            bottom=bottoms,
            width=0.6,
            color=f"#{colours[k % len(colours)]}",
            label=name,
        )
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    for x, total in enumerate(bottoms):
        ax.annotate(
            fmt.tkr(total),
            (x, total),
            ha="center",
            va="bottom",
            fontsize=7,
            family=FONT,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.yaxis.set_major_formatter(_tkr_formatter())
    ax.set_ylabel(unit, fontsize=7, family=FONT)
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    ax.set_ylim(0, max([*bottoms, 1]) * 1.15)
    _style_axes(ax)
    ax.legend(
        fontsize=7, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series)
    )
    return _png(fig)
