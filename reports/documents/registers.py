"""A register printed as an office keeps it: the unit's header as its documents print it, "SỔ
ĐĂNG KÝ VĂN BẢN ĐI/ĐẾN", the year, and the lines in a bordered table on landscape A4; through
the same page shell and print path (vendored fonts only) as directives and reports."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.safestring import SafeString, mark_safe

from campaigns.documents.context import DocumentContext
from campaigns.documents.profiles import FormatProfile, get_profile
from campaigns.documents.render import document_css, html_to_pdf, render_page
from campaigns.documents.render.layout import num
from campaigns.selectors import issuer_defaults
from reports.registers import IncomingRegister, OutgoingRegister

__all__ = [
    "BODY_TEMPLATE",
    "RegisterSheet",
    "register_css",
    "register_sheet",
    "render_register_html",
    "render_register_pdf",
]

BODY_TEMPLATE = "documents/_register.html"
TABLE_SIZE_PT = 11  # nine columns across a landscape page: a register's usual type size


@dataclass(frozen=True, slots=True)
class RegisterSheet:
    """A register as printed: the header lines of its unit and the register's lines, every
    query done."""

    document: DocumentContext  # the header and the title; no number, date or closing block
    register: OutgoingRegister | IncomingRegister

    @property
    def profile(self) -> FormatProfile:
        return self.document.profile

    @property
    def is_outgoing(self) -> bool:
        return isinstance(self.register, OutgoingRegister)


def landscape(profile: FormatProfile) -> FormatProfile:
    """The profile's page turned sideways, every other size and rule kept."""
    return replace(
        profile, paper_width_mm=profile.paper_height_mm, paper_height_mm=profile.paper_width_mm
    )


def register_sheet(register: OutgoingRegister | IncomingRegister) -> RegisterSheet:
    """The register with its unit's header lines (campaigns.selectors.issuer_defaults, as the
    unit's documents print them, the author's corrections included): four queries at most."""
    profile = landscape(get_profile())
    header = issuer_defaults(register.unit)
    document = DocumentContext(
        profile=profile,
        superior_body=header["superior_body"],
        issuing_body=header["issuing_body"],
        number_line="",
        date_line="",
        type_code="",
        type_name=register.title,
        subject=f"Năm {register.filters.year}",
        basis="",
        blocks=(),
        recipients=(),
        signing_authority="",
        signer_position="",
        signer_name="",
        title=f"{register.title} {register.filters.year}",
    )
    return RegisterSheet(document=document, register=register)


def register_css(profile: FormatProfile) -> SafeString:
    """The official layout's stylesheet plus the register's table, repeated head on each page."""
    rules = [
        (
            ".doc-register",
            "width: 100%; border-collapse: collapse; table-layout: fixed; "
            f"margin-top: {num(profile.space_before_paragraph_pt * 2)}pt; "
            f"font-size: {num(TABLE_SIZE_PT)}pt; line-height: 1.25",
        ),
        (
            ".doc-register th, .doc-register td",
            "border: 0.75pt solid #000; padding: 0.8mm 1.2mm; vertical-align: top; "
            "text-align: left; text-indent: 0; font-weight: normal; overflow-wrap: anywhere",
        ),
        (".doc-register th", "font-weight: bold; text-align: center; vertical-align: middle"),
        (".doc-register .doc-col-number th", "font-weight: normal; font-style: italic"),
        (".doc-register .doc-c", "text-align: center"),
        (".doc-register .doc-nowrap", "white-space: nowrap"),
        (".doc-register tr", "break-inside: avoid"),
        (".doc-register thead", "display: table-header-group"),
        (".doc-register-kind", "font-weight: bold"),
        (
            ".doc-register-filters",
            f"display: block; text-align: center; font-style: italic; font-size: "
            f"{num(profile.recipient_line_style.size_pt)}pt",
        ),
    ]
    extra = "\n".join(f"{selector} {{ {body} }}" for selector, body in rules)
    return mark_safe(f"{document_css(profile, standalone=True)}\n{extra}")  # noqa: S308 - profile numbers and fixed names, no user text


def render_register_html(sheet: RegisterSheet) -> str:
    """The register as a print document for WeasyPrint."""
    return render_page(
        BODY_TEMPLATE,
        sheet.document,
        css=register_css(sheet.profile),
        title=sheet.document.title,
        standalone=True,
        sheet=sheet,
        register=sheet.register,
    )


def render_register_pdf(sheet: RegisterSheet) -> bytes:
    """The register as PDF, set only in the vendored fonts."""
    return html_to_pdf(render_register_html(sheet), sheet.profile)
