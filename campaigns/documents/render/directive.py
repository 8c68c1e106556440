"""A directive's DocumentContext as HTML (preview and print) and as PDF."""

from __future__ import annotations

from campaigns.documents.context import DocumentContext
from campaigns.documents.render.layout import document_css
from campaigns.documents.render.page import html_to_pdf, render_page

__all__ = ["BODY_TEMPLATE", "render_html", "render_pdf"]

BODY_TEMPLATE = "documents/_directive.html"


def render_html(ctx: DocumentContext, *, standalone: bool = True) -> str:
    """The directive as HTML: a print document for WeasyPrint, or a preview fragment.

    The fragment's stylesheet only names ``.doc-`` classes, so it can sit inside a Bootstrap
    page; its fonts come from the static font stylesheet the browser loads by URL.
    """
    return render_page(
        BODY_TEMPLATE,
        ctx,
        css=document_css(ctx.profile, standalone=standalone),
        title=ctx.title or ctx.number_line,
        standalone=standalone,
    )


def render_pdf(ctx: DocumentContext) -> bytes:
    """The directive as PDF, set only in the vendored fonts (never a system font)."""
    return html_to_pdf(render_html(ctx, standalone=True), ctx.profile)
