"""The default directive kinds, from the default format profile; installed idempotently."""

from __future__ import annotations

from typing import Any

from campaigns.documents.profiles import get_profile


def ensure_directive_kinds(directive_kind_model: Any) -> None:
    """Create missing kinds (by code); rows already there, maybe renamed, are left alone."""
    for order, document_type in enumerate(get_profile().document_types, start=1):
        directive_kind_model.objects.get_or_create(
            code=document_type.code,
            defaults={
                "name": document_type.name,
                "has_title": document_type.has_title,
                "sort_order": order * 10,
            },
        )
