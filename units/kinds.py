"""The default unit kinds, installed by a data migration and again (idempotently) by seed_demo."""

from __future__ import annotations

from typing import Any

# code, name, counts_members, issues_documents, is_grassroots, sort_order
DEFAULT_KINDS: list[tuple[str, str, bool, bool, bool, int]] = [
    ("tinh-uy", "Tỉnh ủy, Thành ủy", False, True, False, 10),
    ("ban-dang", "Ban, cơ quan tham mưu của cấp ủy", False, True, False, 20),
    ("dang-uy-cap-tren-co-so", "Đảng ủy khối, đảng ủy cấp trên cơ sở", False, True, False, 30),
    ("dang-bo-co-so", "Đảng bộ cơ sở", False, True, True, 40),
    ("chi-bo-co-so", "Chi bộ cơ sở", True, True, True, 50),
    ("chi-bo", "Chi bộ trực thuộc", True, True, False, 60),
    ("doan-the", "Đoàn thể trực thuộc", False, False, False, 70),
]
# Organs issue documents for their committee and are not sent its directives to implement.
ORGAN_KINDS = {"ban-dang"}


def ensure_default_kinds(unit_kind_model: Any) -> None:
    """Create the default kinds that are missing; existing rows (maybe renamed) are left alone."""
    # Migrations pass the historical model, which may predate later fields such as is_organ.
    has_organ_flag = any(f.name == "is_organ" for f in unit_kind_model._meta.get_fields())
    for code, name, counts, issues, grassroots, order in DEFAULT_KINDS:
        defaults = {
            "name": name,
            "counts_members": counts,
            "issues_documents": issues,
            "is_grassroots": grassroots,
            "sort_order": order,
        }
        if has_organ_flag:
            defaults["is_organ"] = code in ORGAN_KINDS
        unit_kind_model.objects.get_or_create(code=code, defaults=defaults)
