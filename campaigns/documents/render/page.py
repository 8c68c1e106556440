"""Every official document's print path: the one page shell around a body template, and that
page as PDF in the vendored fonts. Directives and progress reports both print through here."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import SafeString

from campaigns.documents.context import DocumentContext
from campaigns.documents.profiles import FormatProfile
from campaigns.documents.render.fonts import font_stylesheet_file

__all__ = ["PAGE_TEMPLATE", "html_to_pdf", "render_page"]

PAGE_TEMPLATE = "documents/page.html"


def render_page(
    body: str,
    document: DocumentContext,
    *,
    css: SafeString,
    title: str,
    standalone: bool,
    **extra: object,
) -> str:
    """The page of a document: a print document for WeasyPrint, or a preview fragment.

    `body` is the template of what sits on the sheet between its edges (the sheet, its draft
    marks and the stylesheet come from the shell); it reads `ctx` (the header, title and closing
    block), `profile` and whatever `extra` brings. The fragment's fonts come from the static
    font stylesheet the browser loads by URL; the print document links the file itself.
    """
    profile = document.profile
    stylesheet = (
        font_stylesheet_file(profile).as_uri() if standalone else static(profile.font_stylesheet)
    )
    html = render_to_string(
        PAGE_TEMPLATE,
        {
            **extra,
            "body": body,
            "ctx": document,
            "profile": profile,
            "standalone": standalone,
            "font_stylesheet_url": stylesheet,
            "css": css,
            "pdf_title": title,
        },
    )
    return html.strip()


def html_to_pdf(html: str, profile: FormatProfile) -> bytes:
    """A print document (`render_page(..., standalone=True)`) as PDF, set only in the vendored
    fonts (never a system font); relative URLs resolve next to the font stylesheet."""
    # WeasyPrint costs about a second to import: only processes that print pay for it.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    document = HTML(string=html, base_url=font_stylesheet_file(profile).as_uri())
    return document.write_pdf(font_config=FontConfiguration())
