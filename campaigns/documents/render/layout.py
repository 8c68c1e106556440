"""The official layout's stylesheet (``.doc-`` classes), every figure taken from the format
profile: directives print with it, and progress reports add their tables to it."""

from __future__ import annotations

from dataclasses import replace

from django.utils.safestring import SafeString, mark_safe

from campaigns.documents.profiles import FormatProfile, TextStyle

__all__ = ["CELL_PADDING_MM", "document_css", "num", "text_css"]

# Gap between a table column's text and its neighbour, in both the HTML and the .docx.
CELL_PADDING_MM = 1.5


def num(value: float) -> str:
    return f"{value:g}"


def text_css(style: TextStyle) -> str:
    """Declarations setting one element as its profile style says."""
    return "; ".join(
        [
            f"font-size: {num(style.size_pt)}pt",
            f"font-weight: {'bold' if style.bold else 'normal'}",
            f"font-style: {'italic' if style.italic else 'normal'}",
            f"text-decoration: {'underline' if style.underline else 'none'}",
            f"text-transform: {'uppercase' if style.uppercase else 'none'}",
            f"text-align: {style.align}",
        ]
    )


def document_css(profile: FormatProfile, *, standalone: bool = True) -> SafeString:
    """The page's stylesheet, every figure taken from the profile.

    ``standalone`` adds the @page rules (paper, margins, page numbers) and the draft
    watermark; the preview instead draws the page as a sheet with the margins as padding.
    """
    p = profile
    line_pt = p.body.size_pt * p.line_height  # one "blank line" of body text
    gap = f"{num(p.space_before_paragraph_pt)}pt"
    rules: list[tuple[str, str]] = []
    if standalone:
        margins = " ".join(
            f"{num(m)}mm"
            for m in (p.margin_top_mm, p.margin_right_mm, p.margin_bottom_mm, p.margin_left_mm)
        )
        rules += [
            # The user agent's 8 px body margin would add to the profile's page margins.
            ("html, body", "margin: 0; padding: 0"),
            (
                "@page",
                f"size: {num(p.paper_width_mm)}mm {num(p.paper_height_mm)}mm; margin: {margins}",
            ),
            (
                f"@page :nth(n+{p.page_number_from})",
                "@top-center { content: counter(page); "
                f'font-family: "{p.font_family}"; {text_css(p.page_number)} }}',
            ),
        ]
    page = [
        f'font-family: "{p.font_family}"',
        text_css(p.body),
        f"line-height: {num(p.line_height)}",
        "color: #000",
        "position: relative",
        "orphans: 2",
        "widows: 2",
        "overflow-wrap: break-word",
    ]
    # The draft label sits centred in the top margin of page 1, outside the text block.
    draft_top, draft_right = f"{num(-p.margin_top_mm / 2)}mm", "0"
    if not standalone:
        page += [
            "box-sizing: border-box",
            # The true width, so lines break where they will on paper; the host page scales it.
            f"width: {num(p.paper_width_mm)}mm",
            f"min-height: {num(p.paper_height_mm)}mm",
            f"padding: {num(p.margin_top_mm)}mm {num(p.margin_right_mm)}mm "
            f"{num(p.margin_bottom_mm)}mm {num(p.margin_left_mm)}mm",
            "margin: 0 auto",
            "background: #fff",
            "box-shadow: 0 0 0.5rem rgba(0, 0, 0, 0.25)",
        ]
        draft_top, draft_right = f"{num(p.margin_top_mm / 2)}mm", f"{num(p.margin_right_mm)}mm"
    block = "display: block; margin: 0; padding: 0"
    paragraph = f"{block}; {text_css(p.body)}; text-indent: {num(p.first_line_indent_mm)}mm"
    rules += [
        (".doc-page", "; ".join(page)),
        (
            ".doc-draft-mark",
            f"position: absolute; top: {draft_top}; right: {draft_right}; "
            "transform: translateY(-50%); margin: 0; padding: 0.5mm 3mm; border: 1.5pt solid #000; line-height: 1.2; "
            f"font-size: {num(p.body.size_pt)}pt; font-weight: bold; font-style: normal",
        ),
        (
            ".doc-header, .doc-closing",
            "width: 100%; table-layout: fixed; border-collapse: collapse; border: 0; "
            "margin: 0; background: transparent",
        ),
        # Each column exactly half the text block, its padding inside that half (border-box), so
        # a centred line sits at the column's centre: margin + width/4 and margin + 3 width/4.
        (
            ".doc-cell",
            "box-sizing: border-box; width: 50%; vertical-align: top; border: 0; "
            f"padding: 0 {num(CELL_PADDING_MM)}mm",
        ),
        # "Nơi nhận:" starts at the text block's edge, like the body; the column keeps its width.
        (".doc-cell-start", "padding-left: 0"),
        (".doc-center", "text-align: center"),
        (".doc-superior", f"{block}; {text_css(p.superior_body)}"),
        (".doc-issuing", f"{block}; {text_css(p.issuing_body)}"),
        (".doc-star", f"{block}; {text_css(p.star_style)}"),
        # Keeps the blank run of a draft's number ("Số     -HD/…") as wide as it was typed.
        (".doc-number", f"{block}; {text_css(p.number_style)}; white-space: pre-wrap"),
        (".doc-cv-subject", f"{block}; {text_css(p.cv_subject_style)}"),
        (".doc-party", f"{block}; {text_css(p.party_header_style)}"),
        # An inline box is exactly as long as its text, so its border is the rule under it.
        (
            ".doc-party-rule",
            "display: inline-block; padding-bottom: 1pt; "
            + ("border-bottom: 1pt solid #000" if p.party_rule == "solid" else "border: 0"),
        ),
        # A draft's blanks ("ngày      tháng      năm 2026") keep their width for the pen.
        (".doc-date", f"{block}; {text_css(p.date_style)}; white-space: pre-wrap"),
        (".doc-title", f"{block}; margin-top: {num(line_pt)}pt; break-after: avoid"),
        (".doc-type-name", f"{block}; {text_css(p.type_name_style)}"),
        (".doc-subject", f"{block}; {text_css(p.subject_style)}"),
        (".doc-separator", f"{block}; {text_css(replace(p.body, align='center'))}"),
        (".doc-p", f"{paragraph}; margin-top: {gap}"),
        (".doc-keep", "break-after: avoid"),
        (
            ".doc-section",
            f"{block}; {text_css(p.section_heading)}; margin-top: {gap}; break-after: avoid",
        ),
        (".doc-marker", f"font-weight: {'bold' if p.item_number_bold else 'inherit'}"),
        (
            ".doc-closing",
            f"margin-top: {num(line_pt)}pt; break-inside: avoid; break-before: avoid",
        ),
        (".doc-signature", "break-inside: avoid"),
        (".doc-recipients-heading", f"{block}; {text_css(p.recipients_heading_style)}"),
        (".doc-recipient", f"{block}; {text_css(p.recipient_line_style)}"),
        (".doc-authority", f"{block}; {text_css(p.signing_authority_style)}"),
        (".doc-position", f"{block}; {text_css(p.signer_position_style)}"),
        (".doc-signature-space", f"{block}; height: {num(p.signature_blank_lines * line_pt)}pt"),
        (".doc-signer", f"{block}; {text_css(p.signer_name_style)}"),
    ]
    if standalone:
        # A faint diagonal mark on every page, so that no page of a draft passes for issued.
        rules.append(
            (
                ".doc-watermark",
                "position: fixed; top: 45%; left: 0; right: 0; margin: 0; text-align: center; "
                f"font-size: {num(p.body.size_pt * 6)}pt; font-weight: bold; "
                "color: rgba(0, 0, 0, 0.08); transform: rotate(-35deg); z-index: -1",
            )
        )
    return mark_safe("\n".join(f"{selector} {{ {body} }}" for selector, body in rules))  # noqa: S308 - built here from profile numbers and names, no user text
