"""A progress report printed as an official BÁO CÁO: context.py builds its frozen context (every
query done), render.py writes it out as HTML and PDF; and the two shortcuts from a report."""

from __future__ import annotations

from reports.documents.context import (
    CELL_CODE,
    COMMITTEE_CODE,
    NO_TEXT,
    NO_TEXT_DRAFT,
    SECTIONS,
    TYPE_CODE,
    ChildRow,
    FigureRow,
    Prose,
    ReportContext,
    child_rows,
    figure_rows,
    report_document,
)
from reports.documents.render import render_report_html, render_report_pdf, report_css
from reports.models import ProgressReport

__all__ = [
    "CELL_CODE",
    "COMMITTEE_CODE",
    "NO_TEXT",
    "NO_TEXT_DRAFT",
    "SECTIONS",
    "TYPE_CODE",
    "ChildRow",
    "FigureRow",
    "Prose",
    "ReportContext",
    "child_rows",
    "figure_rows",
    "render_report_html",
    "render_report_pdf",
    "report_css",
    "report_document",
    "report_document_html",
    "report_document_pdf",
]


def report_document_html(report: ProgressReport, *, standalone: bool = True) -> str:
    """The report's page as it would print now (the preview reads it)."""
    return render_report_html(report_document(report), standalone=standalone)


def report_document_pdf(report: ProgressReport) -> bytes:
    """The report's PDF as it would print now."""
    return render_report_pdf(report_document(report))
