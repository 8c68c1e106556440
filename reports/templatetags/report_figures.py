"""The web figures table's rows, from reports.figures.FIGURES: `{{ f|figure_table }}`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import template

from reports.figures import Figures, Format, Output, figure_value, figures_for

register = template.Library()


@dataclass(frozen=True, slots=True)
class WebFigure:
    """One row of the table; the template writes the numbers, so they are localised as the
    rest of the page."""

    label: str
    value: Any
    whole: Any = None  # a ratio's owed: "value/whole"
    rate: float | None = None  # a ratio's rate, shown "(75,0%)" when there is one
    is_ratio: bool = False
    is_detail: bool = False


@register.filter
def figure_table(figures: Figures | Mapping[str, Any]) -> list[WebFigure]:
    """The rows the web table shows for a Figures object or its as_dict copy."""
    rows = []
    for figure in figures_for(Output.WEB):
        ratio = figure.format is Format.RATIO
        rows.append(
            WebFigure(
                label=figure.label,
                value=figure_value(figures, figure.key),
                whole=figure_value(figures, figure.whole) if ratio else None,
                rate=figure_value(figures, figure.rate) if ratio else None,
                is_ratio=ratio,
                is_detail=figure.detail,
            )
        )
    return rows
