"""The demo campaign around the reference directive: 52-HD/BTGTU, 32-HD/BTGĐUK and two plans.

Built through the services, as staff would: drafts written, recipients chosen, issued. Idempotent:
nothing is created when the campaign already exists.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction

from campaigns import services
from campaigns.kinds import ensure_directive_kinds
from campaigns.models import (
    Campaign,
    CommitteeTerm,
    DirectiveKind,
    DocumentCounter,
    Milestone,
)
from campaigns.selectors import Level
from units.models import Unit, User

REFERENCE = (
    Path(__file__).resolve().parent / "demo_data" / "huong-dan-32-HD-BTGDUK-can-tho-2024.txt"
)
CAMPAIGN_TITLE = "Tác phẩm “Cây tre Việt Nam” của Tổng Bí thư Nguyễn Phú Trọng"
WORK = (
    "tác phẩm “Xây dựng và phát triển nền đối ngoại, ngoại giao Việt Nam toàn diện, hiện đại "
    "mang đậm bản sắc “Cây tre Việt Nam”” của Tổng Bí thư Nguyễn Phú Trọng"
)

# The city's guidance is not in the reference file: this is a short stand-in written for the demo.
CITY_BODY = """I- MỤC ĐÍCH, YÊU CẦU
1. Giúp cán bộ, đảng viên và Nhân dân thành phố nhận thức sâu sắc nội dung cốt lõi, giá trị lý luận và thực tiễn của tác phẩm.
2. Việc sinh hoạt phải được triển khai nghiêm túc, sâu rộng tới từng chi bộ, gắn với nhiệm vụ chính trị của cơ quan, đơn vị.
II- NỘI DUNG SINH HOẠT
1. Những nội dung cốt lõi của tác phẩm (ba phần).
2. Giá trị lý luận và thực tiễn của tác phẩm.
III- TỔ CHỨC THỰC HIỆN
1. Các đảng ủy trực thuộc Thành ủy xây dựng hướng dẫn, kế hoạch triển khai; tổ chức hội nghị quán triệt trong tháng 4/2024.
2. Báo cáo kết quả về Ban Tuyên giáo Thành ủy trước ngày 20/10/2024.
"""

PLAN_BODY = """I- MỤC ĐÍCH, YÊU CẦU
1. Cán bộ, đảng viên trong Đảng bộ nắm vững nội dung cốt lõi của tác phẩm.
2. Mỗi chi bộ tổ chức ít nhất một buổi sinh hoạt chuyên đề về tác phẩm.
II- NỘI DUNG VÀ HÌNH THỨC
1. Quán triệt nội dung tác phẩm tại hội nghị cán bộ chủ chốt.
2. Đưa nội dung tác phẩm vào sinh hoạt chi bộ thường kỳ.
III- TỔ CHỨC THỰC HIỆN
1. Các chi bộ trực thuộc triển khai và báo cáo kết quả về Đảng ủy trước ngày 30/9/2024.
2. Văn phòng Đảng ủy tổng hợp, báo cáo Ban Tuyên giáo Đảng ủy Khối trước ngày 10/10/2024.
"""


def reference_parts(text: str) -> dict[str, str | list[str]]:
    """Subject, basis, body and "Nơi nhận" lines of the reference file, cut at its landmarks."""
    lines = [line.strip() for line in text.splitlines()]
    title_at = lines.index("HƯỚNG DẪN")
    separator_at = lines.index("-----")
    basis_at = next(i for i, line in enumerate(lines) if line.startswith("Thực hiện"))
    recipients_at = lines.index("Nơi nhận:")
    signature_at = lines.index("TRƯỞNG BAN")
    subject = " ".join(line for line in lines[title_at + 1 : separator_at] if line)
    recipient_lines: list[str] = []
    for line in lines[recipients_at + 1 : signature_at]:
        if not line:
            continue
        if line.startswith("-") or not recipient_lines:
            recipient_lines.append(line)
        else:  # a name wrapped onto the next line
            recipient_lines[-1] += " " + line
    return {
        "subject": subject,
        "basis": lines[basis_at],
        "body": "\n".join(lines[basis_at + 1 : recipients_at]).strip(),
        "recipient_lines": recipient_lines,
    }


def _at_number(issuer: Unit, kind: DirectiveKind, term: str, number: int) -> None:
    """Earlier documents of the term are not in the demo: start the counter where they ended."""
    DocumentCounter.objects.update_or_create(
        issuer=issuer, kind=kind, term_label=term, defaults={"last_number": number - 1}
    )


@transaction.atomic
def seed_demo_campaign() -> bool:
    """Create the demo campaign and its directives; False when it already exists."""
    ensure_directive_kinds(DirectiveKind)
    if Campaign.objects.filter(title=CAMPAIGN_TITLE).exists():
        return False
    units = {u.code: u for u in Unit.objects.select_related("kind")}
    kinds = {k.code: k for k in DirectiveKind.objects.all()}
    city, city_btg, bloc, bloc_btg = (
        units[c] for c in ("TU-CT", "TU-CT-BTG", "DUK-DCD", "DUK-BTG")
    )
    term = "2020 – 2025"
    CommitteeTerm.objects.get_or_create(
        unit=city,
        label=term,
        defaults={
            "start_date": datetime.date(2020, 10, 1),
            "end_date": datetime.date(2025, 9, 30),
        },
    )
    CommitteeTerm.objects.get_or_create(
        unit=city, label="2025 – 2030", defaults={"start_date": datetime.date(2025, 10, 1)}
    )
    staff_city = User.objects.get(username="tuyengiao.thanhuy")
    staff_bloc = User.objects.get(username="tuyengiao")

    campaign = services.campaign_create(
        actor=staff_city,
        owner=city_btg,
        title=CAMPAIGN_TITLE,
        subject=f"Đợt sinh hoạt chính trị, tư tưởng sâu rộng về nội dung {WORK}.",
        summary="Nghiên cứu, học tập tác phẩm trong toàn Đảng bộ thành phố năm 2024.",
        start_date=datetime.date(2024, 3, 14),
        end_date=datetime.date(2024, 12, 31),
    )
    services.material_add(
        actor=staff_city,
        campaign=campaign,
        title=WORK[0].upper() + WORK[1:] + " (sách điện tử)",
        kind="book",
        url="https://stbook.vn/",
    )

    # 52-HD/BTGTU, from the city's Propaganda Department.
    _at_number(city_btg, kinds["HD"], term, 52)
    city_guidance = services.directive_create(
        actor=staff_city,
        campaign=campaign,
        kind=kinds["HD"],
        issuer=city_btg,
        superior_body="Thành ủy Cần Thơ",
        issuing_body="Ban Tuyên giáo",
        subject=f"Triển khai đợt sinh hoạt chính trị, tư tưởng sâu rộng về nội dung {WORK}",
        body=CITY_BODY,
        audience="Cán bộ, đảng viên, công chức, viên chức, người lao động trong Đảng bộ thành phố.",
        recipient_lines="- Thường trực Thành ủy,\n- Các đảng ủy trực thuộc Thành ủy,\n"
        "- Lưu Ban Tuyên giáo Thành ủy.",
        signer_position="Trưởng ban",
        signer_name="Trần Văn Hòa",
    )
    services.recipients_add(actor=staff_city, directive=city_guidance, units=[bloc])
    services.milestones_replace(
        actor=staff_city,
        directive=city_guidance,
        milestones=[
            services.MilestoneData(
                kind=Milestone.Kind.BRIEFING,
                title="Hội nghị quán triệt",
                due_month=datetime.date(2024, 4, 1),
            ),
            services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                title="Báo cáo kết quả về Ban Tuyên giáo Thành ủy",
                due_date=datetime.date(2024, 10, 20),
            ),
        ],
    )
    city_guidance = services.directive_issue(
        actor=staff_city, directive=city_guidance, issue_date=datetime.date(2024, 3, 14)
    )

    # 32-HD/BTGĐUK, the reference directive, implementing it for the bloc.
    parts = reference_parts(REFERENCE.read_text(encoding="utf-8"))
    bloc_recipient = city_guidance.recipients.get(unit=bloc)
    _at_number(bloc_btg, kinds["HD"], term, 32)
    reference = services.directive_create(
        actor=staff_bloc,
        campaign=campaign,
        kind=kinds["HD"],
        issuer=bloc_btg,
        responds_to=bloc_recipient,
        superior_body="Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ",
        issuing_body="Ban Tuyên giáo",
        subject=parts["subject"],
        basis=parts["basis"],
        body=parts["body"],
        audience="Cán bộ, đảng viên, công chức, viên chức, người lao động và đoàn viên, hội viên "
        "trong Đảng bộ Khối.",
        recipient_lines="\n".join(parts["recipient_lines"]),
        signer_position="Trưởng ban",
        signer_name="Nguyễn Văn Sẵn",
    )
    reference.implements.add(city_guidance)
    services.recipients_add(actor=staff_bloc, directive=reference, level=Level.GRASSROOTS)
    services.recipients_add(
        actor=staff_bloc, directive=reference, units=[units["DUK-DK"], units["DUK-CCB"]]
    )
    services.milestones_replace(
        actor=staff_bloc,
        directive=reference,
        milestones=[
            services.MilestoneData(
                kind=Milestone.Kind.BRIEFING,
                title="Hội nghị quán triệt tác phẩm",
                due_month=datetime.date(2024, 4, 1),
            ),
            services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                title="Báo cáo kết quả về Ban Tuyên giáo Đảng ủy Khối",
                due_date=datetime.date(2024, 10, 10),
            ),
        ],
    )
    reference = services.directive_issue(
        actor=staff_bloc, directive=reference, issue_date=datetime.date(2024, 3, 29)
    )

    # Two grassroots committees have answered with their plans; the others (Sở Tài chính, whose
    # secretary is a demo login, among them) have not yet.
    for code, day, signer in [
        ("DUK-02", datetime.date(2024, 4, 5), "Huỳnh Văn Tâm"),
        ("DUK-03", datetime.date(2024, 4, 8), "Nguyễn Thị Ngọc Trâm"),
    ]:
        recipient = reference.recipients.get(unit=units[code])
        # Their secretaries have no demo login: the plans are entered without an actor.
        plan = services.directive_implement(actor=None, recipient=recipient)
        services.directive_update(actor=None, directive=plan, body=PLAN_BODY, signer_name=signer)
        services.directive_issue(actor=None, directive=plan, issue_date=day)
    return True
