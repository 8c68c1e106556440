"""The signatures stored on a document, as the panel shows them: `{{ doc.signatures|signature_reports }}`."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def signature_reports(data: list[dict[str, Any]] | None) -> list[Any]:
    """Stored `SignatureReport.as_dict()` values back as reports (times as aware datetimes, which
    the `date` filter shows in local time). Signing's libraries load only for a signed file."""
    if not data:
        return []
    from campaigns.signing import SignatureReport

    return [SignatureReport.from_dict(row) for row in data]
