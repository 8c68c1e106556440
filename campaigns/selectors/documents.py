"""Reads that build a directive's printable document context from its own fields."""

from __future__ import annotations

from django.utils import timezone

from campaigns.documents.body import parse_body
from campaigns.documents.context import DocumentContext
from campaigns.documents.formatting import (
    date_line,
    date_words,
    draft_date_line,
    draft_number_line,
    subject_text,
)
from campaigns.documents.profiles import get_profile
from campaigns.models import Directive, DirectiveRecipient


def recipient_lines(directive: Directive, recipients: list[DirectiveRecipient]) -> tuple[str, ...]:
    """ "Nơi nhận" as printed: the author's lines, or else the recipient units and the archive."""
    written = [
        line.strip().removeprefix("-").strip() for line in directive.recipient_lines.splitlines()
    ]
    written = [line for line in written if line]
    if written:
        return tuple(written)
    names = [f"{r.unit_name}," for r in recipients]
    return (*names, f"Lưu {' '.join(directive.issuing_body.split())}.")  # one line, no breaks


def directive_document(directive: Directive) -> DocumentContext:
    """Everything printed on the directive, from its own (frozen once issued) fields."""
    profile = get_profile(directive.format_profile)
    recipients = list(directive.recipients.order_by("unit__path"))
    kind = directive.kind
    if directive.number:
        number = f"{profile.number_prefix} {directive.symbol}"
        stem = directive.symbol.replace("/", "-")
    else:
        number = draft_number_line(
            type_code=kind.code, issuer_code=directive.symbol_code, profile=profile
        )
        stem = f"du-thao-{kind.code}-{directive.symbol_code}-{directive.pk}"
    if directive.issue_date and directive.place.strip():
        dated = date_line(place=directive.place, day=directive.issue_date, profile=profile)
    elif directive.issue_date:  # received without a place name: the date alone
        dated = date_words(directive.issue_date, profile).capitalize()
    else:  # undated: blanks for the pen, as wide as the profile says
        dated = draft_date_line(
            place=directive.place, year=timezone.localdate().year, profile=profile
        )
    return DocumentContext(
        profile=profile,
        superior_body=directive.superior_body,
        issuing_body=directive.issuing_body,
        number_line=number,
        date_line=dated,
        type_code=kind.code,
        type_name=kind.name if kind.has_title else "",
        subject=subject_text(directive.subject, profile, has_title=kind.has_title),
        basis=directive.basis,
        blocks=tuple(parse_body(directive.body)),
        recipients=recipient_lines(directive, recipients),
        signing_authority=directive.signing_authority,
        signer_position=directive.signer_position,
        signer_name=directive.signer_name,
        is_draft=directive.is_draft,
        title=stem,
    )
