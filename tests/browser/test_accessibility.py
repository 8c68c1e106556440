"""Accessibility: axe-core over one page of every URL shape, as each role of the demo sees it.

Each demo login opens every page shape its role can open (SHAPES lists them, with who), on
objects of the demo it sees; axe-core (tests/browser/vendor/axe-core, never served) runs on
each page, and any serious or critical violation fails the run, listed by login and page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from campaigns import services as campaign_services
from campaigns.access import campaigns_visible_to
from campaigns.models import Directive, DirectiveImport, DirectiveRecipient, Obligation
from reports import services as report_services
from reports.models import ProgressReport, PropagandaItem, StudySession
from tests.plugins.directives import make_draft
from tests.walk import POST_ONLY, ROUTES, received_file
from units.demo import DEMO_PASSWORD
from units.models import Membership, Unit, UnitImport, User

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
    "units:membership_add": (ADMIN,),
    "units:membership_end": (ADMIN,),
    "units:import_form": (ADMIN,),
    "units:import_detail": (ADMIN,),
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

# The unit whose pages each login opens: its own (the administrator's is the whole city; it
# manages the bloc, a unit with a parent and children, so moving and renaming show something).
UNIT_OF = {
    ADMIN: "DUK-DCD",
    STAFF: "DUK-DCD",
    LEADER: "DUK-DCD",
    SECRETARY: "DUK-01",
    CELL: "DUK-01-01",
}
# Whose directive each login opens: the bloc's guidance, or (the cell) its committee's plan.
ISSUER_OF = {
    ADMIN: "DUK-BTG",
    STAFF: "DUK-BTG",
    LEADER: "DUK-BTG",
    SECRETARY: "DUK-BTG",
    CELL: "DUK-01",
}


@dataclass
class Demo:
    """The demo of `make run`, and what it lacks for some pages: drafts, files waiting for
    review, a unit-tree import, a news item of the committee."""

    drafts: dict[str, Directive]
    unsigned: Directive  # the demo signs what it issues: one left unsigned, to sign
    sent_report: ProgressReport  # the committee's own report, sent: to sign
    received: dict[str, DirectiveImport]
    unit_import: UnitImport
    propaganda: PropagandaItem

    def user(self, login: str) -> User:
        return User.objects.get(username=login)

    def unit(self, login: str) -> Unit:
        return Unit.objects.get(code=UNIT_OF[login])

    def campaign(self, login: str, *, for_edit: bool = False) -> int:
        seen = campaigns_visible_to(self.user(login), for_edit=for_edit)
        return seen.order_by("-start_date", "-pk").values_list("pk", flat=True)[0]

    def directive(self, login: str) -> int:
        issued = Directive.objects.filter(
            issuer__code=ISSUER_OF[login], status=Directive.Status.ISSUED
        )
        return issued.order_by("-pk").values_list("pk", flat=True)[0]

    def report(self, login: str) -> int:
        if login == STAFF:  # one sent to the bloc and waiting: the page with the review form
            waiting = ProgressReport.objects.filter(
                status=ProgressReport.Status.SUBMITTED,
                obligation__directive__issuer__code="DUK-BTG",
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
    "units:membership_end": lambda d, login: Membership.objects.get(user__username=LEADER).pk,
    "units:import_detail": lambda d, login: d.unit_import.pk,
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


@pytest.fixture
def demo(demo_world) -> Demo:
    staff, secretary = (User.objects.get(username=login) for login in (STAFF, SECRETARY))
    reference = Directive.objects.get(symbol="32-HD/BTGĐUK")  # its 2024 campaign: dates fit
    bloc_draft = make_draft(reference.campaign, reference.issuer, staff)
    campaign_services.recipients_add(
        actor=staff,
        directive=bloc_draft,
        units=list(Unit.objects.filter(code__in=["DUK-01", "DUK-02"])),
    )
    committee = Unit.objects.get(code="DUK-01")
    plan = make_draft(
        reference.campaign,
        committee,
        secretary,
        symbol_code="ĐU",
        superior_body="Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ",
        issuing_body="Đảng ủy Sở Tài chính",
    )
    campaign_services.recipients_add(
        actor=secretary, directive=plan, units=list(Unit.objects.get_children(committee)[:2])
    )
    # The bloc's older guidance as before signing: the staff's directive page keeps the newer,
    # signed one with its signatures panel.
    Directive.objects.filter(pk=reference.pk).update(signed_pdf="", signatures=[])
    sent_report = report_services.report_start(
        actor=secretary,
        obligation=Obligation.objects.filter(
            directive=reference, recipient__unit=committee, kind=Obligation.Kind.REPORT
        ).get(),
    )
    report_services.report_update(
        actor=secretary, report=sent_report, assessment="Đã quán triệt đến các chi bộ."
    )
    report_services.report_submit(actor=secretary, report=sent_report)
    return Demo(
        drafts={STAFF: bloc_draft, SECRETARY: plan},
        unsigned=reference,
        sent_report=sent_report,
        received={
            login: received_file(user, "huong-dan-32.txt")
            for login, user in ((STAFF, staff), (SECRETARY, secretary))
        },
        unit_import=UnitImport.objects.create(
            created_by=User.objects.get(username=ADMIN), file_name="don-vi.xlsx", content=b"x"
        ),
        propaganda=report_services.propaganda_create(
            actor=secretary,
            campaign=reference.campaign,
            unit=committee,
            published_on=reference.issue_date,
            kind=PropagandaItem.Kind.NEWS,
            channel=PropagandaItem.Channel.WEBSITE,
            title="Đảng ủy Sở Tài chính quán triệt tác phẩm",
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
