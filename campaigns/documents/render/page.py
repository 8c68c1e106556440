"""Every official document's print path: the one page shell around a body template, and that
page as PDF in the vendored fonts. Directives and progress reports both print through here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import SafeString

from campaigns.documents.context import DocumentContext
from campaigns.documents.profiles import FormatProfile
from campaigns.documents.render.fonts import font_stylesheet_file

if TYPE_CHECKING:
    from campaigns.signing import SignatureBox

__all__ = ["PAGE_TEMPLATE", "SIGNATURE_ANCHOR", "html_to_pdf", "html_to_pdf_and_box", "render_page"]

PAGE_TEMPLATE = "documents/page.html"
# The id of the blank between the signer's position and name (documents/_closing.html): the
# digital signature's appearance goes over it.
SIGNATURE_ANCHOR = "doc-signature-space"
PT_PER_PX = 0.75  # WeasyPrint lays out in CSS pixels (96 per inch); PDF user space is 72 per inch


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
    return _laid_out(html, profile).write_pdf()


def _laid_out(html: str, profile: FormatProfile) -> Any:
    """WeasyPrint's layout of the print document (a weasyprint.Document)."""
    # WeasyPrint costs about a second to import: only processes that print pay for it.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    document = HTML(string=html, base_url=font_stylesheet_file(profile).as_uri())
    return document.render(font_config=FontConfiguration())


def html_to_pdf_and_box(
    html: str, profile: FormatProfile, *, anchor: str = SIGNATURE_ANCHOR
) -> tuple[bytes, SignatureBox | None]:
    """`html_to_pdf`, and where the element `anchor` was laid out, in PDF points from the
    page's bottom-left corner: where the signature's appearance goes. None when the page has no
    such element (a document without a closing block)."""
    document = _laid_out(html, profile)
    box = None
    for index, page in enumerate(document.pages):
        found = _element_box(page._page_box, anchor)  # the laid-out boxes are not public API
        if found is not None:
            box = _pdf_box(index, page.height, found)
            break
    return document.write_pdf(), box


def _element_box(root: Any, anchor: str) -> Any | None:
    for box in root.descendants():
        element = getattr(box, "element", None)
        if element is not None and element.get("id") == anchor and box.element_tag == "div":
            return box
    return None


def _pdf_box(index: int, page_height: float, box: Any) -> SignatureBox:
    """The box's border rectangle, from layout pixels (origin top-left) to PDF points
    (origin bottom-left)."""
    from campaigns.signing import SignatureBox

    left, top = box.border_box_x(), box.border_box_y()
    right, bottom = left + box.border_width(), top + box.border_height()
    return SignatureBox(
        page=index,
        x0=round(left * PT_PER_PX, 2),
        y0=round((page_height - bottom) * PT_PER_PX, 2),
        x1=round(right * PT_PER_PX, 2),
        y1=round((page_height - top) * PT_PER_PX, 2),
    )
