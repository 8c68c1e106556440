"""campaigns.services: numbering, freezing at issue, recipients, obligations, the cascade down."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from campaigns import services
from campaigns.access import (
    access_directive,
    access_recipient,
    campaigns_visible_to,
    directives_visible_to,
)
from campaigns.models import (
    CommitteeTerm,
    Directive,
    DirectiveRecipient,
    DocumentCounter,
    Milestone,
    Obligation,
)
from campaigns.selectors import directive_document, recipient_statuses
from campaigns.services import MilestoneData
from tests.factories import MembershipFactory, UnitFactory, UserFactory, kind
from tests.plugins.directives import BODY, directive_kind, make_draft
from units import services as unit_services
from units.access import issuer_units_for
from units.models import Role, Unit

pytestmark = pytest.mark.django_db

SUBJECT_LOWER = "triển khai đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”"


def _codes(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [error.code for error in exc.value.error_list]


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [error.message for error in exc.value.error_list]


def _reload(directive: Directive) -> Directive:
    return Directive.objects.get(pk=directive.pk)


def _issue(campaign, issuer, actor, *, day: datetime.date, **fields) -> Directive:
    """A complete draft of `issuer`, sent to its grassroots organisations, issued on `day`."""
    directive = make_draft(campaign, issuer, actor, **fields)
    services.recipients_add(actor=actor, directive=directive, level="grassroots")
    return services.directive_issue(actor=actor, directive=directive, issue_date=day)


def _recipient(directive: Directive, unit: Unit) -> DirectiveRecipient:
    return directive.recipients.get(unit=unit)


def _pdf_bytes(directive: Directive) -> bytes:
    with _reload(directive).issued_pdf.open("rb") as pdf:
        return pdf.read()


def _declare_terms(unit: Unit, *terms: tuple[str, datetime.date, datetime.date | None]) -> None:
    for label, start, end in terms:
        CommitteeTerm.objects.create(unit=unit, label=label, start_date=start, end_date=end)


def _give_symbol_code(unit: Unit, code: str) -> None:
    Unit.objects.filter(pk=unit.pk).update(symbol_code=code)
    unit.refresh_from_db()


# ---------------------------------------------------------------------------- numbering


@pytest.mark.slow
def test_first_issue_is_number_01_and_the_second_02(campaign, tree, users):
    first = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 3, 29))
    second = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 4, 2))

    assert (first.number, first.symbol) == (1, "01-HD/BTGĐUK")
    assert (second.number, second.symbol) == (2, "02-HD/BTGĐUK")
    assert _reload(second).status == Directive.Status.ISSUED
    assert directive_document(_reload(second)).number_line == "Số 02-HD/BTGĐUK"


@pytest.mark.slow
def test_numbers_run_per_issuer(campaign, tree, users):
    _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 3, 29))
    _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 3, 30))

    committee = _issue(
        campaign, tree.bloc, users.staff, day=datetime.date(2024, 4, 1), symbol_code="ĐUK"
    )

    assert committee.symbol == "01-HD/ĐUK"


@pytest.mark.slow
def test_numbers_run_per_kind(campaign, tree, users):
    _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 3, 29))
    _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 3, 30))

    plan = _issue(
        campaign,
        tree.bloc_btg,
        users.staff,
        day=datetime.date(2024, 4, 1),
        kind=directive_kind("KH"),
    )
    guidance = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 4, 2))

    assert plan.symbol == "01-KH/BTGĐUK"
    assert guidance.symbol == "03-HD/BTGĐUK"


@pytest.mark.slow
def test_a_new_term_restarts_the_numbers(campaign, tree, users):
    _declare_terms(
        tree.bloc,
        ("2020 – 2025", datetime.date(2020, 10, 1), datetime.date(2025, 9, 30)),
        ("2025 – 2030", datetime.date(2025, 10, 1), None),
    )
    old_1 = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 3, 29))
    old_2 = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2025, 9, 30))

    new_1 = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2025, 10, 1))
    new_2 = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2025, 10, 20))

    assert [(d.symbol, d.term_label) for d in (old_1, old_2, new_1, new_2)] == [
        ("01-HD/BTGĐUK", "2020 – 2025"),
        ("02-HD/BTGĐUK", "2020 – 2025"),
        ("01-HD/BTGĐUK", "2025 – 2030"),
        ("02-HD/BTGĐUK", "2025 – 2030"),
    ]


@pytest.mark.slow
def test_a_term_declared_on_an_ancestor_holds_unless_a_nearer_unit_declares_one(
    campaign, tree, users
):
    _declare_terms(tree.city, ("Thành ủy 2020 – 2025", datetime.date(2020, 10, 1), None))
    city_term = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 3, 29))
    _declare_terms(tree.bloc, ("Khối 2020 – 2025", datetime.date(2020, 8, 1), None))

    bloc_term = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 4, 2))

    assert (city_term.term_label, city_term.symbol) == ("Thành ủy 2020 – 2025", "01-HD/BTGĐUK")
    assert (bloc_term.term_label, bloc_term.symbol) == ("Khối 2020 – 2025", "01-HD/BTGĐUK")


@pytest.mark.slow
def test_without_a_declared_term_there_is_one_sequence(campaign, tree, users):
    first = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2020, 1, 10))
    later = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2026, 1, 10))

    assert (first.term_label, later.term_label) == ("", "")
    assert (first.symbol, later.symbol) == ("01-HD/BTGĐUK", "02-HD/BTGĐUK")


@pytest.mark.slow
def test_numbers_do_not_restart_with_the_year(campaign, tree, users):
    _declare_terms(tree.city, ("2020 – 2025", datetime.date(2020, 10, 1), None))

    december = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 12, 31))
    january = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2025, 1, 1))

    assert (december.symbol, january.symbol) == ("01-HD/BTGĐUK", "02-HD/BTGĐUK")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("last_number", "symbol"),
    [(9, "10-HD/BTGĐUK"), (99, "100-HD/BTGĐUK"), (12344, "12345-HD/BTGĐUK")],
)
def test_numbers_of_two_and_more_digits_are_not_padded(campaign, tree, users, last_number, symbol):
    DocumentCounter.objects.create(
        issuer=tree.bloc_btg, kind=directive_kind("HD"), term_label="", last_number=last_number
    )

    directive = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 3, 29))

    assert (directive.number, directive.symbol) == (last_number + 1, symbol)
    assert DocumentCounter.objects.get(issuer=tree.bloc_btg).last_number == last_number + 1


@pytest.mark.slow
def test_a_refused_issue_does_not_use_up_a_number(campaign, tree, users, draft):
    Directive.objects.filter(pk=draft.pk).update(body="")
    with pytest.raises(ValidationError):
        services.directive_issue(actor=users.staff, directive=draft)

    directive = _issue(campaign, tree.bloc_btg, users.staff, day=datetime.date(2024, 3, 29))

    assert directive.symbol == "01-HD/BTGĐUK"


# ---------------------------------------------------------------------------- issuing freezes


@pytest.mark.slow
def test_issue_freezes_unit_names(tree, users, issued):
    pdf = _pdf_bytes(issued)
    today = timezone.localdate()

    unit_services.unit_rename(
        actor=users.admin,
        unit=tree.grassroots_a,
        name="Đảng bộ Sở Tài chính và Kế hoạch",
        short_name="",
        symbol_code="ĐUSTC",
        effective_date=today,
    )
    unit_services.unit_rename(
        actor=users.admin,
        unit=tree.bloc_btg,
        name="Ban Tuyên giáo và Dân vận Đảng ủy Khối",
        short_name="Ban Tuyên giáo và Dân vận",
        symbol_code="BTGDVĐUK",
        effective_date=today,
    )
    unit_services.unit_rename(
        actor=users.admin,
        unit=tree.bloc,
        name="Đảng ủy các cơ quan Đảng thành phố",
        short_name="",
        symbol_code="ĐUCQĐ",
        effective_date=today,
    )

    directive = _reload(issued)
    assert _recipient(directive, tree.grassroots_a).unit_name == "Đảng bộ Sở Tài chính"
    assert (
        directive.superior_body,
        directive.issuing_body,
        directive.issuer_name,
        directive.symbol,
    ) == (
        "Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ",
        "Ban Tuyên giáo",
        "Ban Tuyên giáo Đảng ủy Khối",
        "01-HD/BTGĐUK",
    )
    assert _pdf_bytes(directive) == pdf
    document = directive_document(directive)
    assert (document.superior_body, document.issuing_body, document.number_line) == (
        "Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ",
        "Ban Tuyên giáo",
        "Số 01-HD/BTGĐUK",
    )
    assert document.recipients == (
        "Đảng bộ Sở Tài chính,",
        "Chi bộ Sở Ngoại vụ,",
        "Lưu Ban Tuyên giáo.",
    )


@pytest.mark.slow
def test_issue_prints_the_recipients_names_of_the_day_of_issue(tree, users, draft):
    unit_services.unit_rename(
        actor=users.admin,
        unit=tree.grassroots_b,
        name="Chi bộ Sở Ngoại vụ và Du lịch",
        short_name="",
        symbol_code="",
        effective_date=timezone.localdate(),
    )

    directive = services.directive_issue(actor=users.staff, directive=draft)

    assert _recipient(directive, tree.grassroots_b).unit_name == "Chi bộ Sở Ngoại vụ và Du lịch"


@pytest.mark.slow
def test_issue_stores_the_pdf_and_who_issued(users, issued):
    directive = _reload(issued)

    assert directive.issued_pdf.name.endswith("01-HD-BTGĐUK.pdf")
    assert _pdf_bytes(directive).startswith(b"%PDF-")
    assert directive.issued_by == users.staff
    assert directive.issued_at is not None
    assert directive.issue_date == datetime.date(2024, 3, 29)


# ---------------------------------------------------------------------------- issued is final


def _snapshot(directive: Directive) -> tuple:
    directive = _reload(directive)
    return (
        directive.status,
        directive.number,
        directive.symbol,
        directive.subject,
        directive.body,
        directive.updated_at,
        directive.issued_pdf.name,
        sorted(directive.recipients.values_list("unit_id", "unit_name")),
        sorted(directive.milestones.values_list("kind", "due_date")),
        directive.obligations.count(),
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda d, tree, user: services.directive_update(
                actor=user, directive=d, subject="Trích yếu mới"
            ),
            id="directive_update",
        ),
        pytest.param(
            lambda d, tree, user: services.directive_delete(actor=user, directive=d),
            id="directive_delete",
        ),
        pytest.param(
            lambda d, tree, user: services.recipients_add(
                actor=user, directive=d, units=[tree.cell_a1]
            ),
            id="recipients_add",
        ),
        pytest.param(
            lambda d, tree, user: services.recipients_add(
                actor=user, directive=d, level="children"
            ),
            id="recipients_add_level",
        ),
        pytest.param(
            lambda d, tree, user: services.recipients_remove(
                actor=user, directive=d, unit_ids=[tree.grassroots_b.pk]
            ),
            id="recipients_remove",
        ),
        pytest.param(
            lambda d, tree, user: services.milestones_replace(
                actor=user, directive=d, milestones=[]
            ),
            id="milestones_replace",
        ),
        pytest.param(
            lambda d, tree, user: services.directive_issue(actor=user, directive=d),
            id="directive_issue",
        ),
    ],
)
def test_an_issued_directive_refuses_every_change(tree, users, issued, change):
    before = _snapshot(issued)

    with pytest.raises(ValidationError) as exc:
        change(issued, tree, users.staff)

    assert _codes(exc) == ["issued"]
    assert _messages(exc) == [
        "Văn bản đã ban hành không thể sửa; muốn đính chính, hãy ban hành văn bản thay thế."
    ]
    assert _snapshot(issued) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda d, tree, user: services.recipients_add(
                actor=user, directive=d, units=[tree.cell_a1]
            ),
            id="recipients_add",
        ),
        pytest.param(
            lambda d, tree, user: services.recipients_remove(
                actor=user, directive=d, unit_ids=[tree.grassroots_b.pk]
            ),
            id="recipients_remove",
        ),
        pytest.param(
            lambda d, tree, user: services.milestones_replace(
                actor=user, directive=d, milestones=[]
            ),
            id="milestones_replace",
        ),
        pytest.param(
            lambda d, tree, user: services.directive_update(
                actor=user, directive=d, subject="Trích yếu mới"
            ),
            id="directive_update",
        ),
    ],
)
def test_a_stale_draft_object_cannot_change_the_issued_directive(tree, users, draft, change):
    """A page loaded while the directive was a draft, submitted after someone issued it."""
    issued = services.directive_issue(
        actor=users.staff, directive=Directive.objects.get(pk=draft.pk)
    )
    before = _snapshot(issued)
    assert draft.status == Directive.Status.DRAFT  # the object the page still holds

    with pytest.raises(ValidationError) as exc:
        change(draft, tree, users.staff)

    assert _codes(exc) == ["issued"]
    assert _snapshot(issued) == before


# ---------------------------------------------------------------------------- what stops an issue


@pytest.mark.parametrize(
    ("blank", "code", "message"),
    [
        ({"body": ""}, "no_body", "Chưa có nội dung văn bản."),
        ({"body": "  \n "}, "no_body", "Chưa có nội dung văn bản."),
        ({"signer_name": ""}, "no_signer", "Chưa có chức vụ và họ tên người ký."),
        ({"signer_position": " "}, "no_signer", "Chưa có chức vụ và họ tên người ký."),
        (
            {"symbol_code": ""},
            "no_symbol",
            "Chưa có ký hiệu cơ quan ban hành (ví dụ BTGĐUK).",
        ),
        ({"subject": ""}, "no_subject", "Chưa có trích yếu."),
    ],
)
def test_an_incomplete_draft_cannot_be_issued(users, draft, blank, code, message):
    # Written straight to the row: the form would not let these through, the guard must not either.
    Directive.objects.filter(pk=draft.pk).update(**blank)

    with pytest.raises(ValidationError) as exc:
        services.directive_issue(actor=users.staff, directive=draft)

    assert (_codes(exc), _messages(exc)) == ([code], [message])
    directive = _reload(draft)
    assert (directive.status, directive.number, directive.symbol) == ("draft", None, "")
    assert not directive.issued_pdf
    assert not Obligation.objects.exists()
    assert not DocumentCounter.objects.filter(last_number__gt=0).exists()


def test_a_draft_without_recipients_cannot_be_issued(tree, users, draft):
    services.recipients_remove(
        actor=users.staff, directive=draft, unit_ids=[tree.grassroots_a.pk, tree.grassroots_b.pk]
    )

    with pytest.raises(ValidationError) as exc:
        services.directive_issue(actor=users.staff, directive=draft)

    assert (_codes(exc), _messages(exc)) == (["no_recipients"], ["Chưa có nơi nhận."])
    assert _reload(draft).status == Directive.Status.DRAFT


@pytest.mark.slow
def test_written_recipient_lines_alone_are_enough_to_issue(tree, users, draft):
    services.recipients_remove(
        actor=users.staff, directive=draft, unit_ids=[tree.grassroots_a.pk, tree.grassroots_b.pk]
    )
    services.directive_update(
        actor=users.staff, directive=draft, recipient_lines="- Ban Tuyên giáo Thành ủy,\n- Lưu."
    )

    directive = services.directive_issue(actor=users.staff, directive=draft)

    assert directive.status == Directive.Status.ISSUED
    assert directive_document(directive).recipients == ("Ban Tuyên giáo Thành ủy,", "Lưu.")


def test_every_problem_is_reported_at_once(tree, users, draft):
    Directive.objects.filter(pk=draft.pk).update(body="", signer_name="")
    services.recipients_remove(
        actor=users.staff, directive=draft, unit_ids=[tree.grassroots_a.pk, tree.grassroots_b.pk]
    )

    with pytest.raises(ValidationError) as exc:
        services.directive_issue(actor=users.staff, directive=draft)

    assert sorted(_codes(exc)) == ["no_body", "no_recipients", "no_signer"]


@pytest.mark.parametrize(
    "milestone",
    [
        MilestoneData(kind=Milestone.Kind.REPORT_DUE, due_date=datetime.date(2025, 1, 15)),
        MilestoneData(kind=Milestone.Kind.BRIEFING, due_date=datetime.date(2024, 2, 29)),
        MilestoneData(kind=Milestone.Kind.STUDY_COMPLETED, due_month=datetime.date(2025, 1, 1)),
    ],
    ids=["report-after-the-end", "briefing-before-the-start", "month-after-the-end"],
)
def test_a_milestone_outside_the_campaign_is_refused_when_saved(users, draft, milestone):
    before = list(draft.milestones.values_list("pk", "due_date", "due_month"))

    with pytest.raises(ValidationError) as exc:
        services.milestones_replace(actor=users.staff, directive=draft, milestones=[milestone])

    assert _codes(exc) == ["milestone_outside_campaign"]
    assert "nằm ngoài thời gian của đợt sinh hoạt (01/03/2024 – 31/12/2024)" in _messages(exc)[0]
    assert list(draft.milestones.values_list("pk", "due_date", "due_month")) == before


def test_a_campaign_shortened_after_the_milestones_were_saved_still_stops_the_issue(
    users, draft, campaign
):
    services.campaign_update(
        actor=users.staff, campaign=campaign, end_date=datetime.date(2024, 9, 30)
    )

    with pytest.raises(ValidationError) as exc:
        services.directive_issue(actor=users.staff, directive=_reload(draft))

    assert _codes(exc) == ["milestone_outside_campaign"]
    assert "(01/03/2024 – 30/09/2024)" in _messages(exc)[0]
    assert _reload(draft).status == Directive.Status.DRAFT


@pytest.mark.slow
def test_a_milestone_on_the_campaigns_last_day_is_accepted(users, draft):
    services.milestones_replace(
        actor=users.staff,
        directive=draft,
        milestones=[
            MilestoneData(kind=Milestone.Kind.REPORT_DUE, due_month=datetime.date(2024, 12, 5))
        ],
    )

    directive = services.directive_issue(actor=users.staff, directive=draft)

    assert directive.milestones.get().deadline == datetime.date(2024, 12, 31)


# ---------------------------------------------------------------------------- recipients


def _recipient_units(directive: Directive) -> set[int]:
    return set(directive.recipients.values_list("unit_id", flat=True))


def test_grassroots_level_adds_the_grassroots_organisations_only(campaign, tree, users):
    directive = make_draft(campaign, tree.bloc_btg, users.staff)

    added = services.recipients_add(actor=users.staff, directive=directive, level="grassroots")

    assert added == 2
    assert _recipient_units(directive) == {tree.grassroots_a.pk, tree.grassroots_b.pk}
    names = dict(directive.recipients.values_list("unit_id", "unit_name"))
    assert names[tree.grassroots_a.pk] == "Đảng bộ Sở Tài chính"


def test_children_level_adds_the_committees_direct_non_organ_children(campaign, tree, users):
    youth = UnitFactory(parent=tree.bloc, name="Đoàn Khối", kind=kind("doan-the"), member_count=0)
    UnitFactory(parent=tree.bloc, name="Ban Tổ chức Đảng ủy Khối", kind=kind("ban-dang"))
    directive = make_draft(campaign, tree.bloc_btg, users.staff)

    services.recipients_add(actor=users.staff, directive=directive, level="children")

    assert _recipient_units(directive) == {tree.grassroots_a.pk, tree.grassroots_b.pk, youth.pk}


def test_inactive_units_are_not_added_by_level(campaign, tree, users):
    Unit.objects.filter(pk=tree.grassroots_b.pk).update(is_active=False)
    directive = make_draft(campaign, tree.bloc_btg, users.staff)

    services.recipients_add(actor=users.staff, directive=directive, level="grassroots")

    assert _recipient_units(directive) == {tree.grassroots_a.pk}


@pytest.mark.parametrize("outside", ["other_cell", "other_bloc", "bloc", "bloc_btg", "city_btg"])
def test_a_unit_outside_the_committees_subtree_is_refused(campaign, tree, users, outside):
    directive = make_draft(campaign, tree.bloc_btg, users.staff)
    unit = getattr(tree, outside)

    with pytest.raises(ValidationError) as exc:
        services.recipients_add(
            actor=users.staff, directive=directive, units=[tree.grassroots_a, unit]
        )

    assert _codes(exc) == ["recipient_out_of_scope"]
    assert unit.name in _messages(exc)[0]
    assert not directive.recipients.exists()


def test_adding_a_recipient_twice_does_not_duplicate_it(campaign, tree, users):
    directive = make_draft(campaign, tree.bloc_btg, users.staff)
    services.recipients_add(actor=users.staff, directive=directive, units=[tree.grassroots_a])

    again = services.recipients_add(
        actor=users.staff, directive=directive, units=[tree.grassroots_a], level="grassroots"
    )

    assert again == 1  # only grassroots_b is new
    assert directive.recipients.count() == 2
    assert services.recipients_add(actor=users.staff, directive=directive, level="grassroots") == 0


def test_a_cell_below_a_grassroots_committee_can_be_added_by_hand(campaign, tree, users):
    directive = make_draft(campaign, tree.bloc_btg, users.staff)

    services.recipients_add(actor=users.staff, directive=directive, units=[tree.cell_a1])

    assert _recipient_units(directive) == {tree.cell_a1.pk}


def test_removing_recipients_removes_only_those(users, tree, draft):
    removed = services.recipients_remove(
        actor=users.staff, directive=draft, unit_ids=[tree.grassroots_b.pk, tree.cell_a1.pk]
    )

    assert removed == 1
    assert _recipient_units(draft) == {tree.grassroots_a.pk}


# ---------------------------------------------------------------------------- obligations


def _obligations(directive: Directive) -> set[tuple[str, str, datetime.date | None]]:
    return set(
        Obligation.objects.filter(directive=directive).values_list(
            "recipient__unit__code", "kind", "due_date"
        )
    )


@pytest.mark.slow
def test_issue_records_what_each_recipient_owes(issued):
    october_10 = datetime.date(2024, 10, 10)

    assert _obligations(issued) == {
        ("DUK-A", "implementing", october_10),
        ("DUK-A", "sessions", None),
        ("DUK-A", "report", october_10),
        ("DUK-B", "implementing", october_10),
        ("DUK-B", "sessions", None),
        ("DUK-B", "report", october_10),
    }
    report = Obligation.objects.get(directive=issued, recipient__unit__code="DUK-A", kind="report")
    assert report.milestone == issued.milestones.get()
    assert not Obligation.objects.filter(fulfilled_at__isnull=False).exists()


@pytest.mark.slow
def test_report_milestones_bind_grassroots_or_other_units(campaign, tree, users):
    youth = UnitFactory(
        parent=tree.bloc, code="DUK-DOAN", name="Đoàn Khối", kind=kind("doan-the"), member_count=0
    )
    directive = make_draft(campaign, tree.bloc_btg, users.staff)
    services.milestones_replace(
        actor=users.staff,
        directive=directive,
        milestones=[
            MilestoneData(kind=Milestone.Kind.BRIEFING, due_date=datetime.date(2024, 4, 15)),
            MilestoneData(kind=Milestone.Kind.STUDY_COMPLETED, due_month=datetime.date(2024, 9, 1)),
            MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                due_date=datetime.date(2024, 10, 10),
                applies_to=Milestone.Applies.GRASSROOTS,
            ),
            MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                due_date=datetime.date(2024, 10, 20),
                applies_to=Milestone.Applies.OTHERS,
            ),
        ],
    )
    services.recipients_add(
        actor=users.staff, directive=directive, units=[tree.grassroots_a, youth]
    )

    issued = services.directive_issue(actor=users.staff, directive=directive)

    assert _obligations(issued) == {
        # The first deadline of the directive is when the plan is due.
        ("DUK-A", "implementing", datetime.date(2024, 4, 15)),
        ("DUK-A", "sessions", datetime.date(2024, 9, 30)),
        ("DUK-A", "report", datetime.date(2024, 10, 10)),
        # A mass organisation issues no documents: it studies and reports, on its own date.
        ("DUK-DOAN", "sessions", datetime.date(2024, 9, 30)),
        ("DUK-DOAN", "report", datetime.date(2024, 10, 20)),
    }


@pytest.mark.slow
def test_no_implementing_or_sessions_obligation_when_the_directive_asks_none(campaign, tree, users):
    directive = make_draft(
        campaign,
        tree.bloc_btg,
        users.staff,
        requires_implementing=False,
        requires_sessions=False,
    )
    services.recipients_add(actor=users.staff, directive=directive, units=[tree.grassroots_a])

    issued = services.directive_issue(actor=users.staff, directive=directive)

    assert _obligations(issued) == {("DUK-A", "report", datetime.date(2024, 10, 10))}


# ---------------------------------------------------------------------------- cascade


@pytest.fixture
def received(tree, issued) -> DirectiveRecipient:
    """grassroots_a's row of the bloc's guidance; grassroots_a writes "ĐU" on its documents."""
    _give_symbol_code(tree.grassroots_a, "ĐU")
    return _recipient(issued, tree.grassroots_a)


@pytest.mark.slow
def test_implement_starts_a_plan_prefilled_from_the_received_directive(
    tree, users, issued, received
):
    plan = services.directive_implement(actor=users.secretary, recipient=received)

    assert plan.status == Directive.Status.DRAFT
    assert (plan.kind.code, plan.campaign, plan.issuer) == (
        "KH",
        issued.campaign,
        tree.grassroots_a,
    )
    assert plan.responds_to == received
    assert list(plan.implements.all()) == [issued]
    assert plan.basis == (
        "Thực hiện Hướng dẫn số 01-HD/BTGĐUK ngày 29/3/2024 của Ban Tuyên giáo Đảng ủy Khối "
        f"về việc {SUBJECT_LOWER}, Đảng bộ Sở Tài chính xây dựng kế hoạch thực hiện như sau:"
    )
    # The organisation above over the committee that issues (headlines.py).
    assert (plan.superior_body, plan.issuing_body, plan.symbol_code) == (
        "Đảng bộ Khối cơ quan Dân Chính Đảng",
        "Đảng ủy Sở Tài chính",
        "ĐU",
    )
    assert (plan.signing_authority, plan.signer_position, plan.signer_name) == (
        "T/M ĐẢNG ỦY",
        "Bí thư",
        "Secretary",
    )
    assert list(plan.milestones.values_list("kind", "due_date")) == [
        ("report_due", datetime.date(2024, 10, 10))
    ]
    assert _recipient_units(plan) == {tree.cell_a1.pk, tree.cell_a2.pk}


@pytest.mark.slow
def test_implementing_twice_returns_the_same_draft(users, received):
    first = services.directive_implement(actor=users.secretary, recipient=received)

    again = services.directive_implement(actor=users.secretary, recipient=received)

    assert again.pk == first.pk
    assert Directive.objects.filter(responds_to=received).count() == 1


@pytest.mark.slow
def test_issuing_the_plan_fulfils_the_parents_obligation(tree, users, issued, received):
    plan = services.directive_implement(actor=users.secretary, recipient=received)
    services.directive_update(actor=users.secretary, directive=plan, body=BODY)

    plan = services.directive_issue(
        actor=users.secretary, directive=plan, issue_date=datetime.date(2024, 4, 5)
    )

    assert plan.symbol == "01-KH/ĐU"
    fulfilled = Obligation.objects.get(
        directive=issued, recipient=received, kind=Obligation.Kind.IMPLEMENTING
    )
    assert fulfilled.fulfilled_by == plan
    assert fulfilled.fulfilled_at is not None
    others = Obligation.objects.filter(directive=issued).exclude(pk=fulfilled.pk)
    assert not others.filter(fulfilled_at__isnull=False).exists()
    statuses = {row.recipient.unit: row for row in recipient_statuses(issued)}
    assert statuses[tree.grassroots_a].implemented
    assert statuses[tree.grassroots_a].response == plan
    assert not statuses[tree.grassroots_b].implemented
    assert statuses[tree.grassroots_b].response is None
    # The plan's own cells now owe sessions and a report under it.
    assert {(o.recipient.unit, o.kind) for o in plan.obligations.select_related("recipient")} >= {
        (tree.cell_a1, "sessions"),
        (tree.cell_a2, "report"),
    }


@pytest.mark.slow
def test_a_plan_draft_does_not_count_as_implemented(tree, users, issued, received):
    plan = services.directive_implement(actor=users.secretary, recipient=received)

    statuses = {row.recipient.unit: row for row in recipient_statuses(issued)}

    assert statuses[tree.grassroots_a].response == plan
    assert not statuses[tree.grassroots_a].implemented


@pytest.mark.slow
def test_a_plans_milestone_after_the_parents_last_deadline_is_refused(users, received):
    plan = services.directive_implement(actor=users.secretary, recipient=received)
    services.directive_update(actor=users.secretary, directive=plan, body=BODY)
    services.milestones_replace(
        actor=users.secretary,
        directive=plan,
        milestones=[
            MilestoneData(kind=Milestone.Kind.REPORT_DUE, due_date=datetime.date(2024, 10, 11))
        ],
    )

    with pytest.raises(ValidationError) as exc:
        services.directive_issue(actor=users.secretary, directive=plan)

    assert _codes(exc) == ["milestone_after_parent"]
    assert "muộn hơn hạn cuối của văn bản cấp trên (10/10/2024)" in _messages(exc)[0]
    assert _reload(plan).status == Directive.Status.DRAFT


@pytest.mark.slow
def test_a_plan_with_the_parents_own_month_deadline_can_be_issued(campaign, tree, users):
    """The parent's last deadline is "trong tháng 10/2024", i.e. 31/10/2024, after its briefing
    date: a plan that copies both deadlines stays inside the parent's window."""
    parent = make_draft(campaign, tree.bloc_btg, users.staff)
    services.milestones_replace(
        actor=users.staff,
        directive=parent,
        milestones=[
            MilestoneData(kind=Milestone.Kind.BRIEFING, due_date=datetime.date(2024, 4, 15)),
            MilestoneData(kind=Milestone.Kind.REPORT_DUE, due_month=datetime.date(2024, 10, 1)),
        ],
    )
    services.recipients_add(actor=users.staff, directive=parent, units=[tree.grassroots_a])
    parent = services.directive_issue(actor=users.staff, directive=parent)
    _give_symbol_code(tree.grassroots_a, "ĐU")
    plan = services.directive_implement(
        actor=users.secretary, recipient=_recipient(parent, tree.grassroots_a)
    )
    services.directive_update(actor=users.secretary, directive=plan, body=BODY)

    plan = services.directive_issue(actor=users.secretary, directive=plan)

    assert plan.status == Directive.Status.ISSUED
    assert [m.deadline for m in plan.milestones.all()] == [
        datetime.date(2024, 4, 15),
        datetime.date(2024, 10, 31),
    ]


@pytest.mark.slow
def test_implement_starts_a_draft_for_a_unit_without_a_symbol_code(tree, users, issued):
    """The draft may lack the code: issue_problems reports "no_symbol" until it is written."""
    recipient = _recipient(issued, tree.grassroots_a)
    assert tree.grassroots_a.symbol_code == ""

    plan = services.directive_implement(actor=users.secretary, recipient=recipient)

    assert plan.status == Directive.Status.DRAFT
    services.directive_update(actor=users.secretary, directive=plan, body=BODY)
    assert [p.code for p in services.issue_problems(_reload(plan))] == ["no_symbol"]


# ---------------------------------------------------------------------------- replacing


@pytest.mark.slow
def test_replace_starts_a_copy_that_replaces_the_issued_directive(tree, users, issued):
    copy = services.directive_replace(actor=users.staff, directive=issued)

    assert copy.pk != issued.pk
    assert (copy.status, copy.replaces, copy.number, copy.symbol) == ("draft", issued, None, "")
    assert (copy.subject, copy.body, copy.issuer) == (issued.subject, issued.body, issued.issuer)
    assert _recipient_units(copy) == {tree.grassroots_a.pk, tree.grassroots_b.pk}
    assert list(copy.milestones.values_list("kind", "due_date")) == [
        ("report_due", datetime.date(2024, 10, 10))
    ]
    assert services.directive_replace(actor=users.staff, directive=issued).pk == copy.pk
    assert Directive.objects.filter(replaces=issued).count() == 1


@pytest.mark.slow
def test_issuing_the_replacement_retires_the_old_directive_untouched(users, issued):
    pdf = _pdf_bytes(issued)
    pdf_name = _reload(issued).issued_pdf.name
    copy = services.directive_replace(actor=users.staff, directive=issued)
    services.directive_update(actor=users.staff, directive=copy, subject="Trích yếu đã đính chính")

    copy = services.directive_issue(
        actor=users.staff, directive=copy, issue_date=datetime.date(2024, 4, 2)
    )

    old = _reload(issued)
    assert old.status == Directive.Status.REPLACED
    assert (old.number, old.symbol, old.issued_pdf.name) == (1, "01-HD/BTGĐUK", pdf_name)
    assert _pdf_bytes(old) == pdf
    assert (copy.status, copy.symbol) == ("issued", "02-HD/BTGĐUK")
    with pytest.raises(ValidationError) as exc:
        services.directive_replace(actor=users.staff, directive=old)
    assert _codes(exc) == ["not_issued"]


def test_a_draft_cannot_be_replaced(users, draft):
    with pytest.raises(ValidationError) as exc:
        services.directive_replace(actor=users.staff, directive=draft)

    assert _codes(exc) == ["not_issued"]


# ---------------------------------------------------------------------------- drafts


def test_updating_a_draft_leaves_a_history_record(users, draft):
    before = draft.history.count()

    services.directive_update(actor=users.staff, directive=draft, subject="Trích yếu sửa lại")

    assert draft.history.count() == before + 1
    assert draft.history.first().subject == "Trích yếu sửa lại"
    assert _reload(draft).subject == "Trích yếu sửa lại"


def test_update_refuses_fields_the_author_does_not_write(users, draft):
    with pytest.raises(TypeError):
        services.directive_update(actor=users.staff, directive=draft, number=7)

    assert _reload(draft).number is None


def test_update_stores_vietnamese_text_composed(users, draft):
    decomposed = "Hu\u031bo\u031b\u0301ng da\u0302\u0303n"  # "Hướng dẫn", as some keyboards send it

    services.directive_update(actor=users.staff, directive=draft, subject=decomposed)

    assert _reload(draft).subject == "Hướng dẫn"


def test_a_draft_can_be_deleted(users, draft):
    services.directive_delete(actor=users.staff, directive=draft)

    assert not Directive.objects.filter(pk=draft.pk).exists()


def test_a_new_draft_is_prefilled_from_the_issuers_place_in_the_tree(campaign, tree, users):
    _give_symbol_code(tree.bloc_btg, "BTGĐUK")

    directive = services.directive_create(
        actor=users.staff,
        campaign=campaign,
        kind=directive_kind("HD"),
        issuer=tree.bloc_btg,
        subject="Triển khai",
        signer_position="Trưởng ban",
        signer_name="Nguyễn Văn Sẵn",
    )

    assert (
        directive.superior_body,
        directive.issuing_body,
        directive.issuer_name,
        directive.symbol_code,
        directive.place,
    ) == (
        "Đảng ủy Khối cơ quan Dân Chính Đảng",
        "Ban Tuyên giáo",  # the organ under its committee, as 32-HD/BTGĐUK prints it
        "Ban Tuyên giáo Đảng ủy Khối",
        "BTGĐUK",
        "Cần Thơ",
    )


# ---------------------------------------------------------------------------- access


@pytest.mark.slow
def test_a_recipient_sees_the_issued_directive_and_an_outsider_does_not(users, issued):
    assert access_directive(users.secretary, issued.pk) == issued
    assert directives_visible_to(users.secretary).filter(pk=issued.pk).exists()

    with pytest.raises(Http404):
        access_directive(users.outsider, issued.pk)
    assert not directives_visible_to(users.outsider).filter(pk=issued.pk).exists()


@pytest.mark.slow
def test_a_recipient_cannot_edit_the_directive_it_received(users, issued):
    with pytest.raises(Http404):
        access_directive(users.secretary, issued.pk, for_edit=True)

    assert access_directive(users.staff, issued.pk, for_edit=True) == issued


def test_a_recipient_does_not_see_a_draft_addressed_to_it(users, draft):
    assert access_directive(users.staff, draft.pk) == draft

    with pytest.raises(Http404):
        access_directive(users.secretary, draft.pk)


def test_a_missing_directive_is_404_like_another_units(users):
    with pytest.raises(Http404):
        access_directive(users.staff, 999_999)


def test_issuer_units_are_the_users_units_and_their_organs(tree, users):
    units = set(issuer_units_for(users.staff))

    assert units == {tree.bloc, tree.bloc_btg}
    assert tree.grassroots_a not in units
    assert set(issuer_units_for(users.secretary)) == {tree.grassroots_a}
    assert not issuer_units_for(users.leader).exists()
    assert not issuer_units_for(users.nobody).exists()


@pytest.mark.slow
def test_only_the_recipients_own_issuers_reach_its_recipient_row(tree, users, issued):
    row = _recipient(issued, tree.grassroots_a)

    assert access_recipient(users.secretary, row.pk) == row
    with pytest.raises(Http404):
        access_recipient(users.outsider, row.pk)
    with pytest.raises(Http404):
        access_recipient(users.secretary, _recipient(issued, tree.grassroots_b).pk)


def test_a_draft_recipient_row_cannot_be_implemented(tree, users, draft):
    with pytest.raises(Http404):
        access_recipient(users.secretary, _recipient(draft, tree.grassroots_a).pk)


@pytest.mark.slow
def test_a_campaign_is_seen_through_a_received_directive(users, campaign, issued):
    assert campaigns_visible_to(users.secretary).filter(pk=campaign.pk).exists()
    assert not campaigns_visible_to(users.secretary, for_edit=True).filter(pk=campaign.pk).exists()
    assert campaigns_visible_to(users.staff, for_edit=True).filter(pk=campaign.pk).exists()
    assert not campaigns_visible_to(users.outsider).filter(pk=campaign.pk).exists()


@pytest.mark.slow
def test_a_committees_department_may_answer_a_directive_sent_to_the_committee(
    campaign, tree, users
):
    """The city sends to the bloc; the bloc's Propaganda Department issues the implementing
    guidance (as 32-HD/BTGĐUK answers 52-HD/BTGTU), signed by its head, and the bloc's
    obligation is met."""
    head = UserFactory(full_name="Nguyễn Văn Sẵn")
    MembershipFactory(user=head, unit=tree.bloc_btg, role=Role.STAFF, position="Trưởng ban")
    parent = make_draft(campaign, tree.city_btg, users.staff, symbol_code="BTGTU")
    services.recipients_add(actor=users.staff, directive=parent, units=[tree.bloc])
    parent = services.directive_issue(actor=users.staff, directive=parent)

    plan = services.directive_implement(
        actor=users.staff, recipient=_recipient(parent, tree.bloc), issuer=tree.bloc_btg
    )
    services.directive_update(actor=users.staff, directive=plan, symbol_code="BTGĐUK", body=BODY)
    plan = services.directive_issue(actor=users.staff, directive=plan)

    assert plan.issuer == tree.bloc_btg
    assert plan.symbol == "01-KH/BTGĐUK"
    assert (plan.signing_authority, plan.signer_position, plan.signer_name) == (
        "",
        "Trưởng ban",
        "Nguyễn Văn Sẵn",
    )
    assert recipient_statuses(parent)[0].implemented


@pytest.mark.slow
def test_a_unit_cannot_answer_for_a_recipient_it_does_not_speak_for(issued, tree, users):
    with pytest.raises(ValidationError) as exc:
        services.directive_implement(
            actor=users.staff, recipient=_recipient(issued, tree.grassroots_a), issuer=tree.bloc
        )

    assert exc.value.error_list[0].code == "issuer_not_recipient"
    assert not Directive.objects.filter(responds_to__directive=issued).exists()
