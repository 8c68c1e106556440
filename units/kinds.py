"""The default unit kinds, installed by a data migration and again (idempotently) by seed_demo."""

from __future__ import annotations

from typing import Any

# code, name, counts_members, issues_documents, is_grassroots, sort_order
DEFAULT_KINDS: list[tuple[str, str, bool, bool, bool, int]] = [
    ("tinh-uy", "Tỉnh ủy, Thành ủy", False, True, False, 10),
    ("ban-dang", "Ban, cơ quan tham mưu của cấp ủy", False, True, False, 20),
    # Since 2025 (Kết luận 121-KL/TW, 24/01/2025, on streamlining the political system): the
    # bloc committees closed; the party agencies, the Front and the mass organisations of a
    # province, and its People's Committee, each have a party committee directly under the
    # provincial committee ("Đảng ủy các cơ quan Đảng tỉnh", "Đảng ủy Ủy ban nhân dân tỉnh").
    (
        "dang-uy-cac-co-quan-tinh",
        "Đảng ủy các cơ quan Đảng, Đảng ủy Ủy ban nhân dân tỉnh",
        False,
        True,
        False,
        25,
    ),
    ("dang-uy-cap-tren-co-so", "Đảng ủy khối, đảng ủy cấp trên cơ sở", False, True, False, 30),
    # Since 1 July 2025 the district level is gone: communes, wards and special zones are
    # directly under the province (Nghị quyết 202/2025/QH15 and the resolutions on communes);
    # their committees lead grassroots organisations and have a standing board.
    (
        "dang-uy-xa-phuong",
        "Đảng ủy xã, phường, đặc khu trực thuộc tỉnh",
        False,
        True,
        False,
        35,
    ),
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
