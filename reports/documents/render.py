"""A ReportContext written out: its stylesheet, HTML (preview and print) and PDF. Pure: no query,
through the same page shell and print path as a directive's."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from campaigns.documents.profiles import FormatProfile
from campaigns.documents.render import document_css, html_to_pdf, render_page
from campaigns.documents.render.layout import num
from reports.documents.context import ReportContext

__all__ = ["BODY_TEMPLATE", "render_report_html", "render_report_pdf", "report_css"]

BODY_TEMPLATE = "documents/_report.html"


def _table_size_pt(profile: FormatProfile) -> float:
    """Tables one point below the body (13 pt for a 14 pt body), as reports set them: the
    profile has no table style of its own yet."""
    return profile.body.size_pt - 1


def report_css(profile: FormatProfile, *, standalone: bool) -> SafeString:
    """The directive's stylesheet plus the report's tables, every figure from the profile."""
    gap = f"{num(profile.space_before_paragraph_pt)}pt"
    size = f"{num(_table_size_pt(profile))}pt"
    rules = [
        (
            ".doc-table",
            f"width: 100%; border-collapse: collapse; margin-top: {gap}; font-size: {size}; "
            f"line-height: {num(profile.line_height)}; table-layout: fixed",
        ),
        (
            ".doc-table th, .doc-table td",
            "border: 0.75pt solid #000; padding: 0.8mm 1.5mm; vertical-align: middle; "
            "text-align: center; text-indent: 0; font-weight: normal",
        ),
        (".doc-table th", "font-weight: bold"),
        (".doc-table tr", "break-inside: avoid"),
        (".doc-table .doc-label", "text-align: left"),
        (".doc-table .doc-detail .doc-label", "padding-left: 6mm; font-style: italic"),
        (".doc-subheading", "font-weight: bold; break-after: avoid"),
        # A draft's date keeps its blanks ("ngày      tháng      năm 2026") for the pen.
        (".doc-date", "white-space: pre-wrap"),
    ]
    extra = "\n".join(f"{selector} {{ {body} }}" for selector, body in rules)
    return mark_safe(f"{document_css(profile, standalone=standalone)}\n{extra}")  # noqa: S308 - profile numbers and fixed names, no user text


def render_report_html(ctx: ReportContext, *, standalone: bool = True) -> str:
    """The report as HTML: a print document for WeasyPrint, or a preview fragment whose fonts
    the browser loads from the static URL."""
    return render_page(
        BODY_TEMPLATE,
        ctx.document,
        css=report_css(ctx.profile, standalone=standalone),
        title=f"{ctx.document.type_name} – {ctx.document.issuing_body}",
        standalone=standalone,
        report=ctx,
    )


def render_report_pdf(ctx: ReportContext) -> bytes:
    """The report as PDF, set only in the vendored fonts."""
    return html_to_pdf(render_report_html(ctx, standalone=True), ctx.profile)
