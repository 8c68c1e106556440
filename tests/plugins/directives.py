"""Campaign fixtures on the shared tree: a campaign of the bloc and a complete draft of its
Propaganda Department, ready to issue to both grassroots organisations; `make_draft` for more."""

from __future__ import annotations

import datetime

import pytest

from campaigns import services
from campaigns.kinds import ensure_directive_kinds
from campaigns.models import Campaign, Directive, DirectiveKind, Milestone

BODY = """I- MỤC ĐÍCH, YÊU CẦU
1. Cán bộ, đảng viên nắm vững nội dung cốt lõi của tác phẩm.
II- NỘI DUNG SINH HOẠT
1. Những nội dung cốt lõi của tác phẩm
1.1. Phần thứ nhất
- Khẳng định vai trò của công tác đối ngoại.
III- TỔ CHỨC THỰC HIỆN
1. Báo cáo kết quả về Ban Tuyên giáo Đảng ủy Khối trước ngày 10/10/2024.
"""


def directive_kind(code: str) -> DirectiveKind:
    """A default directive kind (re-created if a transactional test flushed them)."""
    ensure_directive_kinds(DirectiveKind)
    return DirectiveKind.objects.get(code=code)


@pytest.fixture
def campaign(tree, users) -> Campaign:
    return services.campaign_create(
        actor=users.staff,
        owner=tree.bloc,
        title="Tác phẩm “Cây tre Việt Nam”",
        subject="Đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”.",
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 12, 31),
    )


REPORT_DUE = datetime.date(2024, 10, 10)


def make_draft(campaign: Campaign, issuer, actor, **fields) -> Directive:
    """A complete draft guidance (HD) of `issuer`, with a report milestone, no recipients yet."""
    values = {
        "symbol_code": "BTGĐUK",
        "superior_body": "Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ",
        "issuing_body": "Ban Tuyên giáo",
        "subject": "Triển khai đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”",
        "body": BODY,
        "signer_position": "Trưởng ban",
        "signer_name": "Nguyễn Văn Sẵn",
        "issue_date": datetime.date(2024, 3, 29),
        **fields,
    }
    directive = services.directive_create(
        actor=actor,
        campaign=campaign,
        kind=fields.pop("kind", None) or directive_kind("HD"),
        issuer=issuer,
        **{k: v for k, v in values.items() if k != "kind"},
    )
    services.milestones_replace(
        actor=actor,
        directive=directive,
        milestones=[
            services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                title="Báo cáo kết quả",
                # The reference's deadline; a campaign of other dates (built around today by
                # the reminder tests) gets its last day, as milestones must fall inside it.
                due_date=min(max(REPORT_DUE, campaign.start_date), campaign.end_date),
            )
        ],
    )
    return directive


@pytest.fixture
def draft(campaign, tree, users) -> Directive:
    """The bloc Propaganda Department's draft, sent to both grassroots organisations."""
    directive = make_draft(campaign, tree.bloc_btg, users.staff)
    services.recipients_add(
        actor=users.staff, directive=directive, units=[tree.grassroots_a, tree.grassroots_b]
    )
    return directive


@pytest.fixture
def issued(draft, users) -> Directive:
    return services.directive_issue(actor=users.staff, directive=draft)
