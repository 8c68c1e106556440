"""The home page as a to-do list: each obligation in its true state, its deadline in colour and
words, sorted by urgency, and the next thing the unit owes as the main button."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Campaign, DirectiveRecipient, Obligation
from reports import services
from reports.models import StudySession

pytestmark = pytest.mark.django_db

# Session, user, grants, the bell; the lists: received, their plans and obligations, issued, to
# review, the to-do list and the issuers it may be answered as.
HOME_QUERIES = 14


@pytest.fixture(autouse=True)
def _running(campaign):
    """The fixtures' campaign of 2024 still runs today: older ones are history (see below)."""
    Campaign.objects.filter(pk=campaign.pk).update(end_date=_days(60))


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _due(unit, kind: str, days: int | None) -> None:
    """Move the unit's obligations of this kind to `days` from today (None: no deadline)."""
    Obligation.objects.filter(recipient__unit=unit, kind=kind).update(
        due_date=None if days is None else _days(days)
    )


def _items(html: str) -> list[str]:
    """The to-do rows of a home page, in the order shown."""
    return re.findall(r'<li class="list-group-item todo-item.*?</li>', html, flags=re.S)


def _row(html: str, words: str) -> str:
    """The one to-do row that says `words`."""
    found = [item for item in _items(html) if words in item]
    assert len(found) == 1, f"{len(found)} rows say {words!r}"
    return found[0]


def _badge(row: str) -> tuple[str, str]:
    """The colour and the words of a row's deadline badge."""
    match = re.search(r'<span class="badge text-bg-(\w+)[^"]*">([^<]*)</span>', row)
    assert match, row
    return match.group(1), match.group(2).strip()


def _folded(html: str) -> str:
    """What the page folds away under "Đã xong"."""
    start = html.find('<details class="mb-4" id="todo-done">')
    return html[start : html.index("</details>", start)] if start >= 0 else ""


def _next_action(html: str) -> tuple[str, str]:
    """The main button: its words and where it leads (a link, or the form it submits)."""
    card = html[html.index('id="next-action-heading"') :]
    button = re.search(r'<(a|button)[^>]*id="next-action"[^>]*>([^<]*)<', card)
    assert button, card[:2000]
    form = re.search(r'<form method="post"\s+action="([^"]+)"', card[: button.start()])
    link = re.search(r'href="([^"]+)"', button.group(0))
    target = link.group(1) if link else form.group(1) if form else ""
    return button.group(2).strip(), target.replace("&amp;", "&")


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.text


def _cell_report(cascade, tree):
    return Obligation.objects.get(
        recipient__unit=tree.cell_a1, kind=Obligation.Kind.REPORT, directive=cascade.plan
    )


def _log_session(cascade, tree, users) -> StudySession:
    return services.session_create(
        actor=users.cell_secretary,
        campaign=cascade.plan.campaign,
        unit=tree.cell_a1,
        held_on=datetime.date(2024, 6, 1),
        form=StudySession.Form.REGULAR,
        members_present=18,
    )


def _submitted_report(cascade, tree, users):
    report = services.report_start(
        actor=users.cell_secretary, obligation=_cell_report(cascade, tree)
    )
    services.report_update(
        actor=users.cell_secretary, report=report, assessment="Chi bộ đã học tập đầy đủ."
    )
    return services.report_submit(actor=users.cell_secretary, report=report)


# ---------------------------------------------------------------------------- the cell's main action


def test_a_cell_is_asked_to_log_sessions_and_report_never_to_write_a_plan(
    cascade, tree, users, client_for
):
    _due(tree.cell_a1, Obligation.Kind.SESSIONS, 3)
    _due(tree.cell_a1, Obligation.Kind.REPORT, 20)

    html = _home(client_for(users.cell_secretary))

    create = reverse("reports:session_create", args=[tree.cell_a1.pk])
    assert _next_action(html) == (
        "Ghi buổi sinh hoạt",
        f"{create}?campaign={cascade.plan.campaign_id}",
    )
    assert "Làm báo cáo" in _row(html, "Báo cáo kết quả (Các chi bộ báo cáo)")
    assert "Tạo văn bản thực hiện" not in html  # the plan asked the cells for none
    assert "Phải làm" not in html


def test_an_overdue_report_comes_before_sessions_due_later(cascade, tree, users, client_for):
    _due(tree.cell_a1, Obligation.Kind.SESSIONS, 10)
    _due(tree.cell_a1, Obligation.Kind.REPORT, -2)
    report = _cell_report(cascade, tree)

    html = _home(client_for(users.cell_secretary))

    assert _next_action(html) == (
        "Làm báo cáo",
        reverse("reports:report_start", args=[report.pk]),
    )
    labels = [
        re.search(r'<div class="fw-semibold">([^<]*)</div>', i).group(1) for i in _items(html)
    ]
    assert labels == ["Báo cáo kết quả (Các chi bộ báo cáo)", "Tổ chức sinh hoạt"]


def test_the_main_button_starts_the_report_it_names(cascade, tree, users, client_for):
    _due(tree.cell_a1, Obligation.Kind.REPORT, -2)
    client = client_for(users.cell_secretary)
    label, url = _next_action(_home(client))

    response = client.post(url)

    report = _cell_report(cascade, tree).report
    assert (label, response.status_code) == ("Làm báo cáo", 302)
    assert response.url == reverse("reports:report_edit", args=[report.pk])


def test_a_unit_that_owes_a_plan_is_offered_one(issued, tree, users, client_for):
    row = DirectiveRecipient.objects.get(directive=issued, unit=tree.grassroots_a)
    _due(tree.grassroots_a, Obligation.Kind.IMPLEMENTING, 5)
    _due(tree.grassroots_a, Obligation.Kind.REPORT, 30)
    _due(tree.grassroots_a, Obligation.Kind.SESSIONS, 30)

    html = _home(client_for(users.secretary))

    assert _next_action(html) == (
        "Tạo văn bản thực hiện",
        reverse("campaigns:directive_implement", args=[row.pk]),
    )
    assert _badge(_row(html, "Ban hành văn bản thực hiện")) == ("warning", "Còn 5 ngày")


# ---------------------------------------------------------------------------- states and colours


@pytest.mark.parametrize(
    ("days", "colour", "words"),
    [
        (-3, "danger", "Quá hạn 3 ngày"),
        (-1, "danger", "Quá hạn 1 ngày"),
        (0, "warning", "Hạn hôm nay"),
        (1, "warning", "Còn 1 ngày"),
        (7, "warning", "Còn 7 ngày"),
        (8, "secondary", "Hạn {date}"),
        (None, "secondary", "Chưa có hạn"),
    ],
)
def test_owed_work_is_coloured_and_worded_by_its_deadline(
    days, colour, words, cascade, tree, users, client_for
):
    _due(tree.cell_a1, Obligation.Kind.SESSIONS, days)

    row = _row(_home(client_for(users.cell_secretary)), "Tổ chức sinh hoạt")

    date = _days(days).strftime("%d/%m/%Y") if days is not None else ""
    assert _badge(row) == (colour, words.format(date=date))
    assert "Ghi buổi sinh hoạt" in row


def test_a_logged_session_turns_the_obligation_green_and_folds_it_away(
    cascade, tree, users, client_for
):
    _due(tree.cell_a1, Obligation.Kind.SESSIONS, -4)
    client = client_for(users.cell_secretary)
    assert _badge(_row(_home(client), "Tổ chức sinh hoạt")) == ("danger", "Quá hạn 4 ngày")

    _log_session(cascade, tree, users)
    _log_session(cascade, tree, users)

    html = _home(client)
    row = _row(html, "Đã tổ chức 2 buổi")
    assert _badge(row) == ("success", "Đã xong")
    assert row in _folded(html)
    assert "Tổ chức sinh hoạt" not in html


def test_a_report_being_written_is_still_owed(cascade, tree, users, client_for):
    _due(tree.cell_a1, Obligation.Kind.REPORT, 2)
    services.report_start(actor=users.cell_secretary, obligation=_cell_report(cascade, tree))

    html = _home(client_for(users.cell_secretary))

    row = _row(html, "đang soạn, chưa gửi")
    assert _badge(row) == ("warning", "Còn 2 ngày")
    assert _next_action(html)[0] == "Tiếp tục làm báo cáo"


def test_a_submitted_report_waits_for_review_in_neutral(cascade, tree, users, client_for):
    _due(tree.cell_a1, Obligation.Kind.REPORT, -2)  # sent, so no longer the unit's to chase
    _submitted_report(cascade, tree, users)

    html = _home(client_for(users.cell_secretary))

    row = _row(html, "Đã gửi, chờ duyệt")
    assert _badge(row) == ("secondary", "Chờ duyệt")
    assert row not in _folded(html)
    assert "Làm báo cáo" not in html


def test_a_returned_report_says_so_with_the_comment_and_is_the_next_action(
    cascade, tree, users, client_for
):
    _due(tree.cell_a1, Obligation.Kind.SESSIONS, 2)
    _due(tree.cell_a1, Obligation.Kind.REPORT, -1)
    report = _submitted_report(cascade, tree, users)
    services.report_return(
        actor=users.secretary, report=report, comment="Bổ sung số đảng viên vắng mặt."
    )

    html = _home(client_for(users.cell_secretary))

    row = _row(html, "Bị trả lại – sửa và gửi lại")
    assert _badge(row) == ("danger", "Quá hạn 1 ngày")
    assert "Bổ sung số đảng viên vắng mặt." in row
    assert _next_action(html) == (
        "Sửa và gửi lại",
        reverse("reports:report_edit", args=[report.pk]),
    )
    assert "Phải làm" not in html


def test_a_returned_report_not_yet_due_is_amber(cascade, tree, users, client_for):
    _due(tree.cell_a1, Obligation.Kind.REPORT, 30)
    report = _submitted_report(cascade, tree, users)
    services.report_return(actor=users.secretary, report=report, comment="Thiếu số liệu.")

    row = _row(_home(client_for(users.cell_secretary)), "Bị trả lại")

    assert _badge(row)[0] == "warning"


def test_an_accepted_report_is_done(cascade, tree, users, client_for):
    report = _submitted_report(cascade, tree, users)
    services.report_accept(actor=users.secretary, report=report)

    html = _home(client_for(users.cell_secretary))

    row = _row(html, "Báo cáo đã được tiếp nhận")
    assert _badge(row) == ("success", "Đã xong")
    assert row in _folded(html)


def test_a_plan_shows_drafting_then_issued(issued, tree, users, client_for):
    client = client_for(users.secretary)
    row = DirectiveRecipient.objects.get(directive=issued, unit=tree.grassroots_a)
    _due(tree.grassroots_a, Obligation.Kind.IMPLEMENTING, 1)
    _due(tree.grassroots_a, Obligation.Kind.REPORT, 30)
    plan = campaign_services.directive_implement(actor=users.secretary, recipient=row)

    html = _home(client)
    drafting = _row(html, "Văn bản thực hiện đang soạn, chưa ban hành")
    assert _badge(drafting) == ("warning", "Còn 1 ngày")
    assert _next_action(html) == (
        "Tiếp tục soạn văn bản thực hiện",
        reverse("campaigns:directive_edit", args=[plan.pk]),
    )

    Obligation.objects.filter(recipient=row, kind=Obligation.Kind.IMPLEMENTING).update(
        fulfilled_at=timezone.now(), fulfilled_by=plan
    )
    done = _row(_home(client), "Đã ban hành")
    assert _badge(done) == ("success", "Đã xong")


def test_the_list_is_sorted_by_urgency(cascade, tree, users, client_for):
    """Overdue, then due soon, then later; what waits for review; done work last."""
    # grassroots_a owes the guidance's sessions and report and has issued its plan (done).
    _due(tree.grassroots_a, Obligation.Kind.SESSIONS, 30)
    _due(tree.grassroots_a, Obligation.Kind.REPORT, -5)

    html = _home(client_for(users.secretary))

    badges = [_badge(item) for item in _items(html)]
    assert badges == [
        ("danger", "Quá hạn 5 ngày"),
        ("secondary", f"Hạn {_days(30):%d/%m/%Y}"),
        ("success", "Đã xong"),
    ]


def _send_to_the_bloc(campaign, tree, users):
    from tests.plugins.directives import make_draft

    parent = make_draft(campaign, tree.city_btg, users.staff, symbol_code="BTGTU")
    campaign_services.recipients_add(actor=users.staff, directive=parent, units=[tree.bloc])
    return campaign_services.directive_issue(actor=users.staff, directive=parent)


def test_the_staff_home_lists_what_the_staffs_unit_owes(campaign, tree, users, client_for):
    """The city sends to the bloc: the bloc's staff see the plan it owes, with its options."""
    _send_to_the_bloc(campaign, tree, users)
    _due(tree.bloc, Obligation.Kind.IMPLEMENTING, -1)
    _due(tree.bloc, Obligation.Kind.REPORT, 30)

    html = _home(client_for(users.staff))

    row = _row(html, "Ban hành văn bản thực hiện")
    assert _badge(row) == ("danger", "Quá hạn 1 ngày")
    assert _next_action(html)[0] == "Tạo văn bản thực hiện"
    # The bloc may answer itself or through its Propaganda Department.
    assert f'<option value="{tree.bloc_btg.pk}">' in row


@pytest.mark.parametrize(("ended", "listed"), [(-30, True), (-31, False)])
def test_a_campaign_ended_over_a_month_ago_is_history(
    ended, listed, campaign, cascade, tree, users, client_for
):
    Campaign.objects.filter(pk=campaign.pk).update(end_date=_days(ended))

    html = _home(client_for(users.cell_secretary))

    assert ("Tổ chức sinh hoạt" in html) is listed
    assert ("Việc cần làm tiếp" in html) is listed


# ---------------------------------------------------------------------------- bounded cost


def _add_cells(parent, count: int, start: int) -> list:
    from units.models import Unit
    from units.services import unit_tree_import

    rows = [
        (
            step,
            {
                "code": f"{parent.code}-H{step:05d}",
                "name": f"Chi bộ cơ sở số {step}",
                "kind": "chi-bo-co-so",
                "parent_code": parent.code,
                "member_count": "10",
            },
        )
        for step in range(start, start + count)
    ]
    result = unit_tree_import(actor=None, rows=rows)
    assert result.ok, result.errors
    return list(
        Unit.objects.filter(
            code__startswith=f"{parent.code}-H", code__gte=f"{parent.code}-H{start:05d}"
        )
    )


def _issue_to_children(campaign, tree, users, units):
    """The bloc's guidance to every unit below it, sessions logged by half of them and reports
    sent by a quarter."""
    from campaigns.selectors import Level
    from tests.plugins.directives import make_draft

    draft = make_draft(campaign, tree.bloc_btg, users.staff)
    campaign_services.recipients_add(actor=users.staff, directive=draft, level=Level.CHILDREN)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "campaigns.services.issuing.issued_pdf_and_box", lambda directive: (b"%PDF-1.7\n", None)
        )
        directive = campaign_services.directive_issue(actor=users.staff, directive=draft)
    StudySession.objects.bulk_create(
        [
            StudySession(
                campaign=campaign,
                unit=unit,
                held_on=datetime.date(2024, 5, 10),
                form=StudySession.Form.REGULAR,
                member_count=10,
                members_present=8,
            )
            for unit in units[::2]
        ],
        batch_size=1000,
    )
    return directive


@pytest.mark.slow
def test_home_pages_cost_the_same_for_10_and_2000_units(
    campaign, tree, users, client_for, django_assert_max_num_queries
):
    from tests.plugins.cost import assert_cost_bounded, request_cost

    pages = {"secretary": client_for(users.secretary), "staff": client_for(users.staff)}
    _send_to_the_bloc(campaign, tree, users)  # so that the staff's unit owes something too
    few = _add_cells(tree.bloc, 8, start=1)
    _issue_to_children(campaign, tree, users, few)
    small = {}
    for name, client in pages.items():
        with django_assert_max_num_queries(HOME_QUERIES):
            small[name], _ = request_cost(client, reverse("home"))

    many = _add_cells(tree.bloc, 1990, start=9)
    _issue_to_children(campaign, tree, users, many)
    assert Obligation.objects.count() > 2000 * 2
    for name, client in pages.items():
        with django_assert_max_num_queries(HOME_QUERIES):
            large, response = request_cost(client, reverse("home"))
        assert large.count == small[name].count, name
        assert_cost_bounded(small[name], large, what=f"the {name}'s home with 2,000 units")
        assert len(_items(response.text)) >= 3, name
