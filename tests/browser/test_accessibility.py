"""Accessibility: axe-core over one page of every URL shape, as each role of the demo sees it.

Each demo login opens every page shape its role can open (SHAPES lists them, with who), on
objects of the demo it sees; axe-core (tests/browser/vendor/axe-core, never served) runs on
each page, and any serious or critical violation fails the run, listed by login and page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from campaigns import services as campaign_services
from campaigns.access import campaigns_visible_to
from campaigns.demo import current_demo
from campaigns.models import (
    Directive,
    DirectiveImport,
    DirectiveRecipient,
    Milestone,
    Obligation,
)
from reports import services as report_services
from reports.models import ProgressReport, PropagandaItem, StudySession
from tests.plugins.directives import make_draft
from tests.units.test_reorganise_import import file_bytes
from tests.walk import POST_ONLY, ROUTES, received_file
from units.demo import DEMO_PASSWORD
from units.models import Membership, ReorganisationBatch, Unit, UnitImport, User
from units.services import reorganisation_batch_preview

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
FAILING = {"serious", "critical"}

ANONYMOUS = ""
ADMIN, STAFF, LEADER = "quantri", "tuyengiao", "lanhdao"
SECRETARY, CELL = "bithu", "bithu.chibo"  # a grassroots committee's secretary, a cell's
SIGNED_IN = (ADMIN, STAFF, LEADER, SECRETARY, CELL)
ISSUERS = (STAFF, SECRETARY)  # who write directives (the cell's secretary has no plan to write)

# The page shapes of the portal (named URLs), and the demo logins that open each one: one page
# of each shape, on an object the login sees (Demo.kwargs), per login.
SHAPES: dict[str, tuple[str, ...]] = {
    "login": (ANONYMOUS,),
    "home": SIGNED_IN,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "units:unit_list": SIGNED_IN,
    "units:unit_detail": SIGNED_IN,
    "units:unit_edit": (ADMIN,),
    "units:unit_add_child": (ADMIN,),
    "units:unit_rename": (ADMIN,),
    "units:unit_move": (ADMIN,),
    "units:unit_merge": (ADMIN,),
    "units:unit_split": (ADMIN,),
    "units:unit_close": (ADMIN,),
    "units:reorganisation_list": SIGNED_IN,
    "units:membership_add": (ADMIN,),
    "units:membership_end": (ADMIN,),
    "units:import_form": (ADMIN,),
    "units:import_detail": (ADMIN,),
    "units:reorganise_batch_upload": (ADMIN,),
    "units:reorganise_batch_detail": (ADMIN,),
    "campaigns:campaign_list": SIGNED_IN,
    "campaigns:campaign_create": ISSUERS,
    "campaigns:campaign_detail": SIGNED_IN,
    "campaigns:campaign_edit": (STAFF,),
    "campaigns:material_add": (STAFF,),
    "campaigns:directive_list": ISSUERS,
    "campaigns:received_list": ISSUERS,
    "campaigns:directive_create": ISSUERS,
    "campaigns:directive_detail": SIGNED_IN,
    "campaigns:directive_history": SIGNED_IN,
    "campaigns:directive_edit": ISSUERS,
    "campaigns:directive_recipients": ISSUERS,
    "campaigns:directive_milestones": ISSUERS,
    "campaigns:directive_issue": ISSUERS,
    "campaigns:directive_sign": (STAFF,),
    "campaigns:directive_upload_signed": (STAFF,),
    "campaigns:import_upload": ISSUERS,
    "campaigns:import_review": ISSUERS,
    "reports:unit_work": SIGNED_IN,
    "reports:session_create": (SECRETARY, CELL),
    "reports:propaganda_create": (SECRETARY, CELL),
    "reports:session_edit": (SECRETARY, CELL),
    "reports:propaganda_edit": (SECRETARY,),
    "reports:report_detail": SIGNED_IN,
    "reports:report_edit": (CELL,),
    "reports:report_sign": (SECRETARY,),
    "reports:dashboard": SIGNED_IN,
    "reports:notification_list": SIGNED_IN,
    "reports:notification_settings": SIGNED_IN,
    "reports:search": SIGNED_IN,
    "reports:outgoing_choose": SIGNED_IN,
    "reports:incoming_choose": SIGNED_IN,
    "reports:outgoing_register": SIGNED_IN,
    "reports:incoming_register": SIGNED_IN,
    "reports:incoming_assign": ISSUERS,
}

# Pages opened with a query string: the search shows its results, marks and all.
QUERY = {"reports:search": "?q=huong+dan+bao+cao"}

# Not pages: files, JSON, and actions that answer only a POST.
NOT_PAGES = {
    "healthz": "JSON",
    "favicon": "an image",
    "logout": "POST only",
    "units:unit_export": "a spreadsheet",
    "units:reorganise_batch_template": "a spreadsheet",
    "campaigns:material_file": "a file",
    "campaigns:directive_pdf": "a PDF",
    "campaigns:directive_pdf_unsigned": "a PDF",
    "campaigns:directive_docx": "a Word file",
    "campaigns:directive_source": "the imported file",
    "reports:attachment_file": "a file",
    "reports:report_pdf": "a PDF",
    "reports:report_pdf_unsigned": "a PDF",
    "reports:dashboard_xlsx": "a spreadsheet",
    "reports:outgoing_register_xlsx": "a spreadsheet",
    "reports:incoming_register_xlsx": "a spreadsheet",
    "reports:outgoing_register_pdf": "a PDF",
    "reports:incoming_register_pdf": "a PDF",
    "reports:notification_read_all": "POST only",
    **dict.fromkeys(POST_ONLY, "POST only"),
}

# The demo's tree since its reorganisation of 1 July 2025: the committee of the city's People's
# Committee, which the staff and the leader work for, and one of its departments' committees.
GOVERNMENT, COMMITTEE = "DU-UBND", "DUK-01"

# The unit whose pages each login opens: its own (the administrator's is the whole city; it
# manages the People's Committee's committee, a unit with a parent and children, so moving,
# renaming, merging, splitting and closing show something).
UNIT_OF = {
    ADMIN: GOVERNMENT,
    STAFF: GOVERNMENT,
    LEADER: GOVERNMENT,
    SECRETARY: COMMITTEE,
    CELL: "DUK-01-01",
}
# Whose directive each login opens: the People's Committee's committee's plan of the current
# campaign, or (the cell) its own committee's plan.
ISSUER_OF = {
    ADMIN: GOVERNMENT,
    STAFF: GOVERNMENT,
    LEADER: GOVERNMENT,
    SECRETARY: GOVERNMENT,
    CELL: COMMITTEE,
}


@dataclass
class Demo:
    """The demo of `make run`, and what it lacks for some pages: drafts, files waiting for
    review, a unit-tree import, a reorganisation file previewed, a news item of the committee,
    a campaign the staff may edit."""

    drafts: dict[str, Directive]
    unsigned: Directive  # the demo signs what it issues: one issued here, left unsigned, to sign
    sent_report: ProgressReport  # the committee's own report, sent: to sign
    received: dict[str, DirectiveImport]
    unit_import: UnitImport
    reorganisation_file: ReorganisationBatch
    propaganda: PropagandaItem

    def user(self, login: str) -> User:
        return User.objects.get(username=login)

    def unit(self, login: str) -> Unit:
        return Unit.objects.get(code=UNIT_OF[login])

    def campaign(self, login: str, *, for_edit: bool = False) -> int:
        seen = campaigns_visible_to(self.user(login), for_edit=for_edit)
        return seen.order_by("-start_date", "-pk").values_list("pk", flat=True)[0]

    def directive(self, login: str) -> int:
        """The issuer's newest directive as the demo signed it (not the one left unsigned)."""
        issued = Directive.objects.filter(
            issuer__code=ISSUER_OF[login], status=Directive.Status.ISSUED
        ).exclude(pk=self.unsigned.pk)
        return issued.order_by("-pk").values_list("pk", flat=True)[0]

    def report(self, login: str) -> int:
        if login == STAFF:  # one sent to its committee and waiting: the page with the review form
            waiting = ProgressReport.objects.filter(
                status=ProgressReport.Status.SUBMITTED,
                obligation__directive__issuer__code=GOVERNMENT,
            )
            return waiting.order_by("-pk").values_list("pk", flat=True)[0]
        return ProgressReport.objects.get(
            unit__code="DUK-01-01", status=ProgressReport.Status.RETURNED
        ).pk

    def received_line(self, login: str) -> int:
        """The line of the login's incoming register of a directive in force: to give it a
        handler."""
        lines = DirectiveRecipient.objects.filter(
            unit=self.unit(login), directive__status=Directive.Status.ISSUED
        )
        return lines.order_by("pk").values_list("pk", flat=True)[0]

    def session(self, login: str) -> int:
        sessions = StudySession.objects.filter(unit=self.unit(login))
        return sessions.order_by("-pk").values_list("pk", flat=True)[0]

    def kwargs(self, route: str, login: str) -> dict[str, int]:
        if route not in OBJECT:
            return {}
        return {"pk": OBJECT[route](self, login)}


UNIT_PAGES = [
    "units:unit_detail",
    "units:unit_edit",
    "units:unit_add_child",
    "units:unit_rename",
    "units:unit_move",
    "units:unit_merge",
    "units:unit_split",
    "units:unit_close",
    "units:reorganisation_list",
    "units:reorganise_batch_upload",
    "units:membership_add",
    "reports:unit_work",
    "reports:session_create",
    "reports:propaganda_create",
    "reports:dashboard",
    "reports:outgoing_register",
    "reports:incoming_register",
]
OBJECT: dict[str, Callable[[Demo, str], int]] = {
    **dict.fromkeys(UNIT_PAGES, lambda d, login: d.unit(login).pk),
    "units:membership_end": lambda d, login: (
        Membership.objects.get(user__username=LEADER, end_date__isnull=True).pk
    ),
    "units:import_detail": lambda d, login: d.unit_import.pk,
    "units:reorganise_batch_detail": lambda d, login: d.reorganisation_file.pk,
    "campaigns:campaign_detail": lambda d, login: d.campaign(login),
    "campaigns:campaign_edit": lambda d, login: d.campaign(login, for_edit=True),
    "campaigns:material_add": lambda d, login: d.campaign(login, for_edit=True),
    "campaigns:directive_detail": lambda d, login: d.directive(login),
    "campaigns:directive_history": lambda d, login: d.directive(login),
    "campaigns:directive_edit": lambda d, login: d.drafts[login].pk,
    "campaigns:directive_recipients": lambda d, login: d.drafts[login].pk,
    "campaigns:directive_milestones": lambda d, login: d.drafts[login].pk,
    "campaigns:directive_issue": lambda d, login: d.drafts[login].pk,
    "campaigns:directive_sign": lambda d, login: d.unsigned.pk,
    "campaigns:directive_upload_signed": lambda d, login: d.unsigned.pk,
    "campaigns:import_review": lambda d, login: d.received[login].pk,
    "reports:session_edit": lambda d, login: d.session(login),
    "reports:propaganda_edit": lambda d, login: d.propaganda.pk,
    "reports:report_detail": lambda d, login: d.report(login),
    "reports:report_edit": lambda d, login: d.report(login),
    "reports:report_sign": lambda d, login: d.sent_report.pk,
    "reports:incoming_assign": lambda d, login: d.received_line(login),
}


def reorganisation_file(admin: User) -> ReorganisationBatch:
    """The administrator's file for the People's Committee's committee, previewed and waiting to
    be applied: the Transport Department's committee merged into the Construction Department's,
    as the two departments themselves merged."""
    today = timezone.localdate().strftime("%d/%m/%Y")
    row = {
        "kind": "sáp nhập",
        "effective_date": today,
        "decision_number": "1240-QĐ/TU",
        "decision_date": today,
        "decision_body": "Ban Thường vụ Thành ủy",
        "old_codes": "DUK-06",  # Sở Giao thông vận tải
        "new_code": "DUK-05",  # Sở Xây dựng
    }
    batch = ReorganisationBatch.objects.create(
        created_by=admin,
        scope=Unit.objects.get(code=GOVERNMENT),
        file_name="sap-xep-don-vi.csv",
        content=file_bytes([row], "csv"),
    )
    batch = reorganisation_batch_preview(batch=batch)
    assert batch.status == ReorganisationBatch.Status.PREVIEWED, batch.errors
    return batch


@pytest.fixture
def demo(demo_world) -> Demo:
    """The current campaign's pages: drafts of the People's Committee's committee and of Sở Tài
    chính's, a directive of that committee issued unsigned, Sở Tài chính's interim report sent."""
    staff, secretary = (User.objects.get(username=login) for login in (STAFF, SECRETARY))
    current = current_demo(timezone.localdate())
    assert current is not None
    campaign, plan = current.campaign, current.plans[GOVERNMENT]
    government, committee = (Unit.objects.get(code=code) for code in (GOVERNMENT, COMMITTEE))
    # As the committees' own plans are headed and signed.
    headed_as = {
        code: {
            field: getattr(current.plans[code], field)
            for field in ("symbol_code", "superior_body", "issuing_body")
        }
        for code in (GOVERNMENT, COMMITTEE)
    }
    subject = "Tổ chức sinh hoạt chuyên đề về Nghị quyết Đại hội XIV của Đảng"
    government_draft, unsigned = (
        make_draft(
            campaign,
            government,
            staff,
            **headed_as[GOVERNMENT],
            subject=subject,
            signer_position=plan.signer_position,
            signer_name=plan.signer_name,
            issue_date=None,
        )
        for _ in range(2)
    )
    departments = list(Unit.objects.filter(code__in=[COMMITTEE, "DUK-02"]))
    for directive in (government_draft, unsigned):
        campaign_services.recipients_add(actor=staff, directive=directive, units=departments)
    campaign_services.milestones_replace(
        actor=staff,
        directive=unsigned,
        milestones=[
            campaign_services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                title="Báo cáo kết quả sinh hoạt chuyên đề",
                due_date=timezone.localdate() + datetime.timedelta(days=20),
            )
        ],
    )
    # Issued here, so the demo's signing left it alone: the staff's page to sign it. The
    # committee's directive page keeps its signed plan, with the signatures panel.
    unsigned = campaign_services.directive_issue(actor=staff, directive=unsigned)
    committee_draft = make_draft(
        campaign,
        committee,
        secretary,
        **headed_as[COMMITTEE],
        subject=subject,
        signer_position="Bí thư",
        signer_name=secretary.get_full_name(),
        issue_date=None,
    )
    cells = Unit.objects.get_children(committee).filter(closed_on__isnull=True)
    campaign_services.recipients_add(actor=secretary, directive=committee_draft, units=cells[:2])
    sent_report = report_services.report_start(
        actor=secretary,
        obligation=Obligation.objects.filter(
            directive=plan, recipient__unit=committee, kind=Obligation.Kind.REPORT
        )
        .order_by("due_date")
        .first(),
    )
    report_services.report_update(
        actor=secretary, report=sent_report, assessment="Đã quán triệt đến các chi bộ."
    )
    report_services.report_submit(actor=secretary, report=sent_report)
    # The current campaign is the city department's: one of the committee's own, begun before
    # it, for its staff to edit.
    campaign_services.campaign_create(
        actor=staff,
        owner=government,
        title="Chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        subject="Học tập chuyên đề trong Đảng bộ Ủy ban nhân dân thành phố.",
        start_date=campaign.start_date - datetime.timedelta(days=30),
        end_date=campaign.end_date,
    )
    return Demo(
        drafts={STAFF: government_draft, SECRETARY: committee_draft},
        unsigned=unsigned,
        sent_report=sent_report,
        received={
            login: received_file(user, "huong-dan-32.txt")
            for login, user in ((STAFF, staff), (SECRETARY, secretary))
        },
        unit_import=UnitImport.objects.create(
            created_by=User.objects.get(username=ADMIN), file_name="don-vi.xlsx", content=b"x"
        ),
        reorganisation_file=reorganisation_file(User.objects.get(username=ADMIN)),
        propaganda=report_services.propaganda_create(
            actor=secretary,
            campaign=campaign,
            unit=committee,
            published_on=current.plans[COMMITTEE].issue_date,
            kind=PropagandaItem.Kind.NEWS,
            channel=PropagandaItem.Channel.WEBSITE,
            title="Đảng ủy Sở Tài chính quán triệt Nghị quyết Đại hội XIV",
            url="https://stc.cantho.gov.vn/tin/quan-triet",
        ),
    )


def sign_in(browser, base: str, login: str) -> Page:
    page = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    if login != ANONYMOUS:
        page.goto(f"{base}/login/")
        page.get_by_label("Tên đăng nhập").fill(login)
        page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(lambda url: "/login/" not in url)
    return page


def serious_violations(page: Page) -> list[str]:
    """What axe finds serious or critical on the page: per rule, the elements and the fix."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])}): "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        + "\n      "
        + " ".join(v["nodes"][0]["failureSummary"].split())[:300]
        for v in violations
        if v["impact"] in FAILING
    ]


def test_every_url_is_a_page_shape_or_named_as_not_a_page():
    """A new URL must be added to SHAPES (who opens it) or to NOT_PAGES."""
    names = {route.name for route in ROUTES}
    assert names - set(SHAPES) - set(NOT_PAGES) == set()
    assert set(SHAPES) - names == set()
    assert set(SHAPES) & set(NOT_PAGES) == set()


# The logins in two halves, so that the test runner's workers share the walk.
LOGIN_GROUPS = [(ANONYMOUS, ADMIN, STAFF), (LEADER, SECRETARY, CELL)]


def test_the_login_groups_hold_every_login_once():
    assert sorted(login for group in LOGIN_GROUPS for login in group) == sorted(
        (ANONYMOUS, *SIGNED_IN)
    )


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("group", LOGIN_GROUPS, ids=["anonymous-admin-staff", "readers"])
def test_no_page_of_any_role_has_a_serious_or_critical_violation(group, demo, live_server, browser):
    problems: list[str] = []
    checked: set[str] = set()
    for login in group:
        page = sign_in(browser, live_server.url, login)
        for route, logins in SHAPES.items():
            if login not in logins:
                continue
            url = reverse(route, kwargs=demo.kwargs(route, login)) + QUERY.get(route, "")
            response = page.goto(live_server.url + url)
            assert response is not None
            assert response.status == 200, (
                f"{login or 'anonymous'} {route} {url}: {response.status}"
            )
            checked.add(route)
            problems += [
                f"{login or 'anonymous'} {route} {url}\n    {line}"
                for line in serious_violations(page)
            ]
        page.context.close()

    assert checked == {route for route, logins in SHAPES.items() if set(logins) & set(group)}
    assert not problems, "axe: serious or critical violations\n" + "\n".join(problems)
