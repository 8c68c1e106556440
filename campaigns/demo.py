"""The demo campaign around the reference directive: 52-HD/BTGTU, 32-HD/BTGĐUK and two plans.

Built through the services, as staff would: drafts written, recipients chosen, issued. Idempotent:
nothing is created when the campaign already exists.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from campaigns import services
from campaigns.kinds import ensure_directive_kinds
from campaigns.models import (
    Campaign,
    CommitteeTerm,
    Directive,
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
        actor=staff_city,
        directive=city_guidance,
        issue_date=datetime.date(2024, 3, 14),
        received_on=datetime.date(2024, 3, 14),
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
        actor=staff_bloc,
        directive=reference,
        issue_date=datetime.date(2024, 3, 29),
        received_on=datetime.date(2024, 3, 29),
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
        services.directive_issue(actor=None, directive=plan, issue_date=day, received_on=day)
    return True


# ---------------------------------------------------------------------------- a campaign running now

# The current campaign runs on the tree reorganised on 1 July 2025 (units.demo): the city's
# Ban Tuyên giáo và Dân vận issues the guidance (05-HD/BTGDVTU, as An Giang's 14-HD/BTGDVTU of
# 2025 is numbered), the committee of the city's People's Committee its plan, and three of its
# departments theirs.
CURRENT_TITLE = "Học tập, quán triệt Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"
CURRENT_TERM = "2025 – 2030"
CURRENT_BODY = """I- MỤC ĐÍCH, YÊU CẦU
1. Cán bộ, đảng viên trong Đảng bộ thành phố nắm vững những nội dung cơ bản, cốt lõi của Nghị quyết.
2. Việc học tập được tổ chức nghiêm túc, đến từng chi bộ, gắn với nhiệm vụ chính trị của địa phương, cơ quan, đơn vị.
II- NỘI DUNG VÀ HÌNH THỨC
1. Hội nghị quán triệt tại các đảng ủy trực thuộc Thành ủy.
2. Sinh hoạt chuyên đề tại các chi bộ; đảng viên viết bài thu hoạch.
III- TỔ CHỨC THỰC HIỆN
1. Các đảng ủy trực thuộc Thành ủy ban hành kế hoạch thực hiện và tổ chức hội nghị quán triệt.
2. Báo cáo sơ kết và báo cáo kết quả về Ban Tuyên giáo và Dân vận Thành ủy theo các mốc thời gian.
"""
GOVERNMENT_PLAN_BODY = """I- MỤC ĐÍCH, YÊU CẦU
1. Cán bộ, đảng viên trong Đảng bộ Ủy ban nhân dân thành phố nắm vững nội dung cốt lõi của Nghị quyết.
II- TỔ CHỨC THỰC HIỆN
1. Các đảng bộ, chi bộ cơ sở trực thuộc ban hành kế hoạch thực hiện, tổ chức hội nghị quán triệt.
2. Báo cáo sơ kết và báo cáo kết quả về Đảng ủy Ủy ban nhân dân thành phố theo các mốc thời gian.
"""
CURRENT_PLAN_BODY = """I- MỤC ĐÍCH, YÊU CẦU
1. Mỗi đảng viên trong Đảng bộ nắm vững nội dung cốt lõi của Nghị quyết.
II- TỔ CHỨC THỰC HIỆN
1. Các chi bộ tổ chức sinh hoạt chuyên đề và báo cáo nhanh về Đảng ủy.
"""
GOVERNMENT = "DU-UBND"  # Đảng ủy Ủy ban nhân dân thành phố Cần Thơ


@dataclass(frozen=True)
class CurrentDemo:
    """What the current campaign's activity needs to know: its directives, by unit code."""

    campaign: Campaign
    guidance: Directive
    plans: dict[str, Directive]


def current_demo(today: datetime.date) -> CurrentDemo | None:
    """The current campaign built by `seed_current_campaign`, if it exists: the city's
    guidance and the plans answering it, by the code of the unit that issued each."""
    campaign = Campaign.objects.filter(title=CURRENT_TITLE).first()
    if campaign is None:
        return None
    directives = list(
        Directive.objects.filter(campaign=campaign, status=Directive.Status.ISSUED)
        .select_related("issuer")
        .order_by("pk")
    )
    return CurrentDemo(
        campaign=campaign,
        guidance=next(d for d in directives if d.responds_to_id is None),
        plans={
            d.issuer.code: d
            for d in directives
            if d.responds_to_id is not None and d.issuer is not None
        },
    )


@transaction.atomic
def seed_current_campaign(today: datetime.date) -> bool:
    """A campaign dated from `today`, on the tree of today: the city's guidance issued 25 days
    ago to the committees under the Thành ủy, its briefing deadline passed (plans of most
    departments overdue), a report due in five days; the plan of the People's Committee's
    committee issued, and those of Sở Tài chính (by its demo secretary), Sở Tư pháp and
    Sở Nội vụ. False when it already exists, so running the demo twice changes nothing."""
    if Campaign.objects.filter(title=CURRENT_TITLE).exists():
        return False
    units = {u.code: u for u in Unit.objects.select_related("kind")}
    kinds = {k.code: k for k in DirectiveKind.objects.all()}
    city, department, government = units["TU-CT"], units["TU-CT-BTGDV"], units[GOVERNMENT]
    staff_city = User.objects.get(username="tuyengiao.thanhuy")
    staff = User.objects.get(username="tuyengiao")
    secretary = User.objects.get(username="bithu")
    day = lambda offset: today + datetime.timedelta(days=offset)  # noqa: E731 - reads as a date
    CommitteeTerm.objects.get_or_create(
        unit=city, label=CURRENT_TERM, defaults={"start_date": datetime.date(2025, 10, 1)}
    )

    campaign = services.campaign_create(
        actor=staff_city,
        owner=department,
        title=CURRENT_TITLE,
        subject=f"Đợt {CURRENT_TITLE[0].lower()}{CURRENT_TITLE[1:]} trong Đảng bộ thành phố.",
        summary="Đợt đang diễn ra: hạn quán triệt đã qua, hạn báo cáo sơ kết trong tuần.",
        start_date=day(-30),
        end_date=day(150),
    )
    _at_number(department, kinds["HD"], CURRENT_TERM, 5)
    guidance = services.directive_create(
        actor=staff_city,
        campaign=campaign,
        kind=kinds["HD"],
        issuer=department,
        subject=f"Tổ chức {CURRENT_TITLE[0].lower()}{CURRENT_TITLE[1:]}",
        body=CURRENT_BODY,
        recipient_lines="- Thường trực Thành ủy,\n- Các đảng ủy trực thuộc Thành ủy,\n"
        "- Lưu Ban Tuyên giáo và Dân vận Thành ủy.",
        signer_position="Trưởng ban",
        signer_name="Trần Văn Hòa",
    )
    # The committees under the Thành ủy: of the party agencies, of the People's Committee, and
    # the ward directly under the city.
    services.recipients_add(actor=staff_city, directive=guidance, level=Level.CHILDREN)
    services.milestones_replace(
        actor=staff_city,
        directive=guidance,
        milestones=[
            services.MilestoneData(
                kind=Milestone.Kind.BRIEFING, title="Hội nghị quán triệt", due_date=day(-10)
            ),
            services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE, title="Báo cáo sơ kết", due_date=day(5)
            ),
            services.MilestoneData(
                kind=Milestone.Kind.STUDY_COMPLETED, title="Hoàn thành học tập", due_date=day(40)
            ),
            services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE, title="Báo cáo kết quả", due_date=day(60)
            ),
        ],
    )
    guidance = services.directive_issue(
        actor=staff_city, directive=guidance, issue_date=day(-25), received_on=day(-25)
    )

    # 12-KH/ĐU of the People's Committee's committee, to its departments.
    _at_number(government, kinds["KH"], CURRENT_TERM, 12)
    plan = services.directive_implement(
        actor=staff, recipient=guidance.recipients.get(unit=government)
    )
    services.directive_update(
        actor=staff,
        directive=plan,
        body=GOVERNMENT_PLAN_BODY,
        signing_authority="T/M BAN THƯỜNG VỤ",
        signer_position="Phó Bí thư Thường trực",
        signer_name="Trần Quốc Bảo",
    )
    plan = services.directive_issue(
        actor=staff, directive=plan, issue_date=day(-20), received_on=day(-20)
    )

    for code, actor, issued_on, signer in [
        ("DUK-01", secretary, day(-15), "Võ Thị Mỹ Linh"),
        ("DUK-02", None, day(-14), "Huỳnh Văn Tâm"),
        ("DUK-03", None, day(-12), "Nguyễn Thị Ngọc Trâm"),
    ]:
        recipient = plan.recipients.get(unit=units[code])
        answer = services.directive_implement(actor=actor, recipient=recipient)
        services.directive_update(
            actor=actor, directive=answer, body=CURRENT_PLAN_BODY, signer_name=signer
        )
        if code == "DUK-01":
            # Sở Tài chính asks its cells for a quick report, due two days ago.
            services.milestones_replace(
                actor=actor,
                directive=answer,
                milestones=[
                    services.MilestoneData(
                        kind=Milestone.Kind.REPORT_DUE,
                        title="Báo cáo nhanh về Đảng ủy",
                        due_date=day(-2),
                    ),
                    services.MilestoneData(
                        kind=Milestone.Kind.STUDY_COMPLETED,
                        title="Hoàn thành sinh hoạt chuyên đề",
                        due_date=day(30),
                    ),
                ],
            )
        services.directive_issue(
            actor=actor, directive=answer, issue_date=issued_on, received_on=issued_on
        )
    return True


# ---------------------------------------------------------------------------- signatures


def sign_demo_directives() -> int:
    """Sign the demo's issued directives with the demo's keys (made once, beside the media, all
    marked DEMO), so a first run shows signed PDFs; those signed already are left as they are.
    How many it signed. The demo's keys sign here whatever the operator configured."""
    from django.conf import settings
    from django.test.utils import override_settings

    from campaigns.demo_keys import demo_portal_signing, demo_signing_dir, make_demo_keys

    directory = demo_signing_dir(settings.MEDIA_ROOT)
    make_demo_keys(directory)
    # Only the demo's own campaigns: a real document signed with a DEMO key could not then be
    # signed with the office's key.
    unsigned = list(
        Directive.objects.filter(
            campaign__title__in=(CAMPAIGN_TITLE, CURRENT_TITLE),
            status=Directive.Status.ISSUED,
            origin=Directive.Origin.WRITTEN,
            issuer__isnull=False,
            signed_pdf="",
        )
        .exclude(issued_pdf="")
        .select_related("issued_by")
        .order_by("pk")
    )
    with override_settings(PORTAL_SIGNING=demo_portal_signing(directory)):
        for directive in unsigned:
            services.directive_sign(actor=directive.issued_by, directive=directive)
    return len(unsigned)
