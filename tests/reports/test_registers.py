"""The office registers of a unit: documents sent and received in a year, as the page lists them,
filtered, exported as .xlsx and printed as PDF; giving a received document to a handler; who may
open them; and queries that do not grow with the register."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import unicodedata
import zoneinfo
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.models import Directive, DirectiveRecipient, Milestone, Obligation
from campaigns.services import incoming_assign, record_obligations, register_incoming
from reports import services as report_services
from reports.exports import REGISTER_HEADER_ROW, XLSX_TYPE
from reports.models import Notification, ProgressReport
from reports.notifications import events_process
from reports.registers import (
    INCOMING_HEADERS,
    OUTGOING_HEADERS,
    IncomingFilters,
    OutgoingFilters,
    incoming_register,
    outgoing_register,
)
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.cost import assert_cost_bounded, request_cost
from tests.plugins.directives import directive_kind
from units.models import Role, Unit

pytestmark = pytest.mark.django_db

YEAR = 2024
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SECRETARY_NAME = "Lê Văn Sáu"
DEPUTY_NAME = "Nguyễn Thị Bảy"
CLERK_NAME = "Phạm Thị Tám"
UBND = "Ủy ban nhân dân thành phố Cần Thơ"


# ---------------------------------------------------------------------------- the office's year


def entered(
    campaign,
    issuer: Unit | None,
    code: str,
    number: int | None,
    day: datetime.date,
    *,
    subject: str,
    symbol_code: str = "ĐU",
    signer: str = SECRETARY_NAME,
    lines: str = "",
    to: tuple[Unit, ...] = (),
    received: datetime.date | None = None,
    report_due: datetime.date | None = None,
    **fields,
) -> Directive:
    """A directive as the portal holds it once issued (or imported), entered in the incoming
    registers of `to` on `received`: the rows the registers read, without rendering a PDF."""
    kind = directive_kind(code)
    office = fields.pop("registered_by", None)  # the unit that entered an imported copy
    directive = Directive.objects.create(
        campaign=campaign,
        kind=kind,
        issuer=issuer,
        issuing_body=issuer.name if issuer else UBND,
        issuer_name=issuer.name if issuer else UBND,
        symbol_code=symbol_code,
        number=number,
        symbol=fields.pop("symbol", f"{number:02d}-{code}/{symbol_code}" if number else ""),
        place="Cần Thơ",
        issue_date=day,
        subject=subject,
        body="I- MỤC ĐÍCH, YÊU CẦU",
        signer_position="Bí thư",
        signer_name=signer,
        recipient_lines=lines,
        status=fields.pop("status", Directive.Status.ISSUED),
        **fields,
    )
    if report_due is not None:
        Milestone.objects.create(
            directive=directive, kind=Milestone.Kind.REPORT_DUE, due_date=report_due
        )
    recipients = DirectiveRecipient.objects.bulk_create(
        [
            DirectiveRecipient(
                directive=directive, unit=unit, unit_name=unit.name, registered_by=office
            )
            for unit in to
        ]
    )
    for recipient, unit in zip(recipients, to, strict=True):
        recipient.unit = unit
    record_obligations(directive, recipients)
    register_incoming(recipients, received or day)
    return directive


def reported(
    directive: Directive, unit: Unit, user, *, on: datetime.date, **submit
) -> ProgressReport:
    """`unit`'s report under `directive`, written and submitted (numbered) on that day."""
    obligation = Obligation.objects.get(
        directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )
    report = report_services.report_start(actor=user, obligation=obligation)
    report_services.report_update(actor=user, report=report, assessment="Đã triển khai đầy đủ.")
    report = report_services.report_submit(actor=user, report=report, **submit)
    moment = datetime.datetime.combine(on, datetime.time(16, 0), tzinfo=HCM)
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=moment, submitted_at=moment, sent_on=report.sent_on and on
    )
    return report


@pytest.fixture
def office(campaign, tree, users) -> SimpleNamespace:
    """Đảng bộ Sở Tài chính (grassroots_a) in 2024, as its register shows it.

    Sent: 02-CV (15/3, entered first), 01-CV (15/3, replaced by 03-CV), 03-CV (20/3), 01-KH
    (2/4), 01-TB (1/6, imported from its file), 01-BC (5/10, sent again 8/10), 02-BC (12/11,
    to the city's People's Committee by e-mail); a draft and a 2025 plan are not of the year.
    Received: 1 the bloc's guidance, 2 the People's Committee's plan (imported), 3 the bloc's
    letter, given to the clerk; the guidance is also number 1 of grassroots_b's register.
    """
    a = tree.grassroots_a
    a.symbol_code = "ĐU"
    a.save(update_fields=["symbol_code"])
    users.secretary.full_name = SECRETARY_NAME
    users.secretary.save(update_fields=["full_name"])
    clerk = UserFactory(username="van_thu", full_name=CLERK_NAME)
    MembershipFactory(user=clerk, unit=a, role=Role.STAFF)

    guidance = entered(
        campaign,
        tree.bloc_btg,
        "HD",
        1,
        datetime.date(YEAR, 3, 29),
        symbol_code="BTGĐUK",
        subject="Triển khai đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”",
        signer="Nguyễn Văn Sẵn",
        to=(a, tree.grassroots_b),
        received=datetime.date(YEAR, 3, 30),
        report_due=datetime.date(YEAR, 10, 10),
    )
    people = entered(
        campaign,
        None,
        "KH",
        125,
        datetime.date(YEAR, 4, 1),
        symbol_code="UBND",
        symbol="125/KH-UBND",
        subject="Tổ chức Ngày hội đọc sách năm 2024",
        signer="Trần Văn Chín",
        to=(a,),
        received=datetime.date(YEAR, 4, 3),
        report_due=datetime.date(YEAR, 11, 30),
        origin=Directive.Origin.IMPORTED,
        registered_by=a,
    )
    letter = entered(
        campaign,
        tree.bloc,
        "CV",
        5,
        datetime.date(YEAR, 4, 8),
        symbol_code="ĐUK",
        subject="V/v báo cáo số liệu đảng viên quý II",
        signer="Trần Quốc Bảo",
        to=(a,),
        received=datetime.date(YEAR, 4, 9),
    )
    incoming_assign(
        actor=users.secretary,
        row=DirectiveRecipient.objects.get(directive=letter, unit=a),
        handler=clerk,
        handling_due=datetime.date(YEAR, 4, 20),
        note="Tổng hợp số liệu",
    )

    cells = (tree.cell_a1, tree.cell_a2)
    second = entered(
        campaign,
        a,
        "CV",
        2,
        datetime.date(YEAR, 3, 15),
        subject="V/v cử báo cáo viên",
        signer=DEPUTY_NAME,
        lines="- Các chi bộ trực thuộc,\n- Lưu VP.",
        to=cells,
    )
    first = entered(
        campaign,
        a,
        "CV",
        1,
        datetime.date(YEAR, 3, 15),
        subject="V/v tổ chức học tập chuyên đề",
        signer=DEPUTY_NAME,
        lines="- Chi bộ Văn phòng,\n- Lưu VP.",
        to=(tree.cell_a1,),
        status=Directive.Status.REPLACED,
    )
    correction = entered(
        campaign,
        a,
        "CV",
        3,
        datetime.date(YEAR, 3, 20),
        subject="V/v tổ chức học tập chuyên đề (thay thế)",
        signer=DEPUTY_NAME,
        lines="- Chi bộ Văn phòng,\n- Lưu VP.",
        to=(tree.cell_a1,),
        replaces=first,
    )
    plan = entered(
        campaign,
        a,
        "KH",
        1,
        datetime.date(YEAR, 4, 2),
        subject="Thực hiện đợt sinh hoạt chính trị về tác phẩm “Cây tre Việt Nam”",
        lines="- Ban Tuyên giáo Đảng ủy Khối (b/c),\n- Các chi bộ trực thuộc,\n- Lưu VP.",
        to=cells,
    )
    notice = entered(
        campaign,
        a,
        "TB",
        1,
        datetime.date(YEAR, 6, 1),
        subject="Kết luận của Ban Thường vụ về công tác tuyên giáo",
        to=cells,
        origin=Directive.Origin.IMPORTED,
    )
    entered(campaign, a, "KH", 2, datetime.date(YEAR + 1, 1, 10), subject="Năm sau", to=cells)
    entered(
        campaign, a, "KH", None, datetime.date(YEAR, 5, 1), subject="Dự thảo", to=(),
        status=Directive.Status.DRAFT,
    )  # fmt: skip
    report = reported(guidance, a, users.secretary, on=datetime.date(YEAR, 10, 5))
    ProgressReport.objects.filter(pk=report.pk).update(
        submitted_at=datetime.datetime(YEAR, 10, 8, 9, 0, tzinfo=HCM)
    )
    sent = reported(people, a, users.secretary, on=datetime.date(YEAR, 11, 12), channel="email")
    return SimpleNamespace(
        unit=a,
        clerk=clerk,
        guidance=guidance,
        people=people,
        letter=letter,
        first=first,
        second=second,
        correction=correction,
        plan=plan,
        notice=notice,
        report=report,
        sent=sent,
    )


def outgoing_url(unit: Unit, kind: str = "") -> str:
    name = f"reports:outgoing_register{'_' + kind if kind else ''}"
    return reverse(name, args=[unit.pk])


def incoming_url(unit: Unit, kind: str = "") -> str:
    name = f"reports:incoming_register{'_' + kind if kind else ''}"
    return reverse(name, args=[unit.pk])


def headers(response) -> list[str]:
    table = response.content.decode().split("<thead", 1)[1].split("</thead>", 1)[0]
    return [h for h in re.findall(r'<th scope="col">\s*([^<]*?)\s*</th>', table) if h]


def symbols(response) -> list[str]:
    return re.findall(r'data-symbol="([^"]*)"', response.content.decode())


def numbers(response) -> list[int]:
    return [int(n) for n in re.findall(r'data-number="(\d+)"', response.content.decode())]


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


# ---------------------------------------------------------------------------- documents sent


def test_outgoing_register_lists_the_years_documents_and_reports_by_date_then_number(
    office, users, client_for
):
    response = client_for(users.secretary).get(outgoing_url(office.unit), {"year": YEAR})

    assert response.status_code == 200
    assert headers(response) == list(OUTGOING_HEADERS)
    assert symbols(response) == [
        "01-CV/ĐU",
        "02-CV/ĐU",
        "03-CV/ĐU",
        "01-KH/ĐU",
        "01-TB/ĐU",
        "01-BC/ĐU",
        "02-BC/ĐU",
    ]
    assert "Năm sau" not in response.text  # 2025
    assert "Dự thảo" not in response.text
    assert "01-HD/BTGĐUK" not in symbols(response)  # the bloc's, received here


def test_outgoing_register_lines_say_what_an_office_register_says(office):
    register = outgoing_register(office.unit, OutgoingFilters(year=YEAR))
    lines = {row.symbol: row for row in register.rows}

    plan = lines["01-KH/ĐU"]
    assert plan.cells == (
        "01-KH/ĐU",
        datetime.date(YEAR, 4, 2),
        "Kế hoạch\nThực hiện đợt sinh hoạt chính trị về tác phẩm “Cây tre Việt Nam”",
        SECRETARY_NAME,
        "Ban Tuyên giáo Đảng ủy Khối (b/c); Các chi bộ trực thuộc; Lưu VP",
        3,
        "",
    )
    assert lines["01-CV/ĐU"].note == "Đã được thay thế bằng văn bản số 03-CV/ĐU"
    assert lines["03-CV/ĐU"].note == "Thay thế văn bản số 01-CV/ĐU"
    assert lines["01-TB/ĐU"].note == "Nhập từ tệp"
    report = lines["01-BC/ĐU"]
    assert report.cells == (
        "01-BC/ĐU",
        datetime.date(YEAR, 10, 5),
        "Báo cáo\nKết quả thực hiện Hướng dẫn số 01-HD/BTGĐUK của Ban Tuyên giáo Đảng ủy Khối",
        SECRETARY_NAME,
        "Ban Tuyên giáo Đảng ủy Khối; Lưu",
        2,
        "Gửi lại ngày 08/10/2024",
    )
    sent = lines["02-BC/ĐU"]
    assert sent.recipients == f"{UBND}; Lưu"
    assert sent.note == "Gửi qua Thư điện tử ngày 12/11/2024"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "BC"}, ["01-BC/ĐU", "02-BC/ĐU"]),
        ({"kind": "CV"}, ["01-CV/ĐU", "02-CV/ĐU", "03-CV/ĐU"]),
        ({"signer": "nguyen thi bay"}, ["01-CV/ĐU", "02-CV/ĐU", "03-CV/ĐU"]),
        ({"q": "cay tre"}, ["01-KH/ĐU"]),
        ({"q": "HUONG DAN 01-hd"}, ["01-BC/ĐU"]),  # the report's subject names the guidance
        ({"q": "thay the"}, ["01-CV/ĐU", "03-CV/ĐU"]),  # notes are searched too
        ({"q": "ủy ban nhân dân"}, ["02-BC/ĐU"]),
        ({"q": "không có chữ này"}, []),
    ],
)
def test_outgoing_register_filters_ignore_case_and_tone_marks(
    office, users, client_for, query, expected
):
    response = client_for(users.secretary).get(outgoing_url(office.unit), {"year": YEAR, **query})

    assert symbols(response) == expected
    assert f"(trong 7 văn bản của năm {YEAR})" in response.text


def test_outgoing_register_filters_by_campaign_and_year(office, campaign, users, client_for):
    client = client_for(users.secretary)

    other = client.get(outgoing_url(office.unit), {"year": YEAR, "campaign": campaign.pk + 99})
    this = client.get(outgoing_url(office.unit), {"year": YEAR, "campaign": campaign.pk})
    next_year = client.get(outgoing_url(office.unit), {"year": YEAR + 1})

    assert symbols(other) == []
    assert len(symbols(this)) == 7
    assert symbols(next_year) == ["02-KH/ĐU"]


def test_outgoing_xlsx_holds_the_whole_filtered_year_not_one_page(
    office, users, client_for, monkeypatch
):
    monkeypatch.setattr("reports.views.registers.PER_PAGE", 2)
    client = client_for(users.secretary)

    page = client.get(outgoing_url(office.unit), {"year": YEAR, "kind": "CV"})
    rows = sheet_rows(client.get(outgoing_url(office.unit, "xlsx"), {"year": YEAR, "kind": "CV"}))

    assert len(symbols(page)) == 2
    assert rows[0][0] == "Đảng bộ Sở Tài chính"
    assert rows[1][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert rows[2][0] == f"Năm {YEAR} – Loại văn bản: Công văn"
    assert rows[REGISTER_HEADER_ROW - 1] == OUTGOING_HEADERS
    body = rows[REGISTER_HEADER_ROW:]
    assert [row[0] for row in body] == ["01-CV/ĐU", "02-CV/ĐU", "03-CV/ĐU"]
    symbol, day, *rest = body[1]
    assert (symbol, day.date()) == ("02-CV/ĐU", datetime.date(YEAR, 3, 15))  # a date cell
    assert rest == [
        "Công văn\nV/v cử báo cáo viên",
        DEPUTY_NAME,
        "Các chi bộ trực thuộc; Lưu VP",
        2,
        None,
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc", "campaign": "x"},
        {"year": "9" * 5000, "campaign": "9" * 5000, "handler": "9" * 5000},
        {"year": "1066", "handler": "-1"},
    ],
)
def test_a_register_opened_with_a_mangled_query_shows_this_year(office, users, client_for, query):
    client = client_for(users.secretary)
    this_year = timezone.localdate().year

    for url in (outgoing_url(office.unit), incoming_url(office.unit)):
        response = client.get(url, query)
        assert response.status_code == 200
        assert f"năm {this_year}:" in response.text


# ---------------------------------------------------------------------------- documents received


def test_incoming_register_lists_what_arrived_by_its_number_with_every_column(
    office, users, client_for
):
    response = client_for(users.secretary).get(incoming_url(office.unit), {"year": YEAR})

    assert response.status_code == 200
    assert headers(response) == list(INCOMING_HEADERS)
    assert numbers(response) == [1, 2, 3]
    register = incoming_register(office.unit, IncomingFilters(year=YEAR))
    assert [row.cells for row in register.rows] == [
        (
            datetime.date(YEAR, 3, 30),
            1,
            "Ban Tuyên giáo Đảng ủy Khối",
            "01-HD/BTGĐUK",
            datetime.date(YEAR, 3, 29),
            "Hướng dẫn\nTriển khai đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”",
            "",
            None,
            "",
        ),
        (
            datetime.date(YEAR, 4, 3),
            2,
            UBND,
            "125/KH-UBND",
            datetime.date(YEAR, 4, 1),
            "Kế hoạch\nTổ chức Ngày hội đọc sách năm 2024",
            "",
            None,
            "Nhập từ tệp",
        ),
        (
            datetime.date(YEAR, 4, 9),
            3,
            "Đảng ủy Khối cơ quan Dân Chính Đảng",
            "05-CV/ĐUK",
            datetime.date(YEAR, 4, 8),
            "Công văn\nV/v báo cáo số liệu đảng viên quý II",
            CLERK_NAME,
            datetime.date(YEAR, 4, 20),
            "Tổng hợp số liệu",
        ),
    ]
    assert "Chưa giao" in response.text


def test_each_unit_numbers_its_own_incoming_register(office, tree):
    other = incoming_register(tree.grassroots_b, IncomingFilters(year=YEAR))

    assert [(row.number, row.symbol) for row in other.rows] == [(1, "01-HD/BTGĐUK")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"handler": "none"}, [1, 2]),
        ({"kind": "CV"}, [3]),
        ({"q": "uy ban nhan dan"}, [2]),
        ({"q": "PHAM THI TAM"}, [3]),  # the handler's name
        ({"q": "cây tre"}, [1]),
    ],
)
def test_incoming_register_filters(office, users, client_for, query, expected):
    response = client_for(users.secretary).get(incoming_url(office.unit), {"year": YEAR, **query})

    assert numbers(response) == expected


def test_incoming_register_filters_by_handler(office, users, client_for):
    response = client_for(users.secretary).get(
        incoming_url(office.unit), {"year": YEAR, "handler": office.clerk.pk}
    )

    assert numbers(response) == [3]
    assert f"selected>{CLERK_NAME}</option>" in response.text


def test_incoming_xlsx_lists_the_filtered_year(office, users, client_for):
    response = client_for(users.secretary).get(
        incoming_url(office.unit, "xlsx"), {"year": YEAR, "handler": "none"}
    )

    assert 'filename="so-van-ban-den-DUK-A-2024.xlsx"' in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert rows[1][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    assert rows[2][0] == f"Năm {YEAR} – Người xử lý: chưa giao"
    assert rows[REGISTER_HEADER_ROW - 1] == INCOMING_HEADERS
    assert [(row[1], row[3]) for row in rows[REGISTER_HEADER_ROW:]] == [
        (1, "01-HD/BTGĐUK"),
        (2, "125/KH-UBND"),
    ]


# ---------------------------------------------------------------------------- giving a handler


def assign_url(office, directive: Directive) -> str:
    row = DirectiveRecipient.objects.get(directive=directive, unit=office.unit)
    return reverse("reports:incoming_assign", args=[row.pk])


def test_the_handler_is_told_and_the_register_shows_them(office, users, client_for):
    client = client_for(users.secretary)
    url = assign_url(office, office.guidance)
    row = DirectiveRecipient.objects.get(directive=office.guidance, unit=office.unit)

    form = client.get(url)
    response = client.post(
        url,
        {"handler": office.clerk.pk, "handling_due": "2024-04-15", "note": "Trình Ban Thường vụ"},
    )
    events_process()

    assert form.status_code == 200
    assert CLERK_NAME in form.text
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Đã giao văn bản số đến 1 cho Phạm Thị Tám xử lý." in page.text
    line = incoming_register(office.unit, IncomingFilters(year=YEAR)).rows[0]
    assert (line.handler, line.handling_due, line.note) == (
        CLERK_NAME,
        datetime.date(YEAR, 4, 15),
        "Trình Ban Thường vụ",
    )
    assert Notification.objects.filter(
        user=office.clerk, event__kind="document_assigned", event__target_id=row.pk
    ).exists()
    bell = client_for(office.clerk).get(reverse("reports:notification_list"))
    assert "Đồng chí được giao xử lý văn bản đến số 1" in bell.text


def test_a_handler_outside_the_receiving_office_is_refused_and_the_form_keeps_the_data(
    office, users, client_for
):
    url = assign_url(office, office.guidance)

    response = client_for(users.secretary).post(
        url, {"handler": users.outsider.pk, "handling_due": "2024-04-15", "note": "Ghi chú giữ lại"}
    )

    assert response.status_code == 200
    assert "Chỉ giao cho người của đơn vị nhận văn bản." in response.text
    assert 'value="Ghi chú giữ lại"' in response.text
    assert 'value="2024-04-15"' in response.text
    row = DirectiveRecipient.objects.get(directive=office.guidance, unit=office.unit)
    assert (row.handler_id, row.register_note) == (None, "")


def test_a_deadline_before_arrival_is_refused_beside_its_field(office, users, client_for):
    url = assign_url(office, office.guidance)

    response = client_for(users.secretary).post(
        url, {"handler": office.clerk.pk, "handling_due": "2024-03-01", "note": ""}
    )

    assert response.status_code == 200
    assert "Hạn xử lý không thể trước ngày đến (30/03/2024)." in response.text
    assert not Notification.objects.filter(user=office.clerk).exists()


@pytest.mark.parametrize("who", ["outsider", "cell_secretary", "leader", "admin", "nobody"])
def test_only_those_who_issue_for_the_receiving_unit_may_give_a_handler(
    office, users, client_for, who
):
    url = assign_url(office, office.guidance)
    client = client_for(getattr(users, who))

    assert client.get(url).status_code == 404
    assert client.post(url, {"handler": office.clerk.pk}).status_code == 404
    assert (
        DirectiveRecipient.objects.get(directive=office.guidance, unit=office.unit).handler_id
        is None
    )


def test_the_give_link_shows_only_to_those_who_may(office, users, client_for):
    secretary = client_for(users.secretary).get(incoming_url(office.unit), {"year": YEAR})
    leader = client_for(users.leader).get(incoming_url(office.unit), {"year": YEAR})

    assert secretary.text.count("/registers/incoming/entry/") == 3
    assert leader.status_code == 200
    assert "/registers/incoming/entry/" not in leader.text


# ---------------------------------------------------------------------------- who sees a register


@pytest.mark.parametrize("kind", ["", "xlsx"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("secretary", 200),
        ("leader", 200),  # above it
        ("staff", 200),
        ("cell_secretary", 404),  # below it
        ("outsider", 404),
        ("nobody", 404),
    ],
)
def test_a_register_is_seen_by_its_units_people_and_those_above(
    office, users, client_for, who, status, kind
):
    client = client_for(getattr(users, who))

    assert client.get(outgoing_url(office.unit, kind)).status_code == status
    assert client.get(incoming_url(office.unit, kind)).status_code == status


def test_one_unit_goes_straight_to_its_register_and_several_choose(tree, users, client_for):
    secretary = client_for(users.secretary).get(reverse("reports:incoming_choose"))
    staff = client_for(users.staff).get(reverse("reports:outgoing_choose"))
    nobody = client_for(users.nobody).get(reverse("reports:outgoing_choose"))

    assert secretary.status_code == 302
    assert secretary.url == incoming_url(tree.grassroots_a)
    assert staff.status_code == 200
    assert outgoing_url(tree.bloc) in staff.text
    assert outgoing_url(tree.bloc_btg) in staff.text
    assert "chưa giữ sổ văn bản của đơn vị nào" in nobody.text


def test_the_lists_lead_to_the_registers(office, users, client_for):
    client = client_for(users.secretary)

    received = client.get(reverse("campaigns:received_list"))
    written = client.get(reverse("campaigns:directive_list"))

    assert reverse("reports:incoming_choose") in received.text
    assert 'Số đến <span class="fw-semibold">1</span>' in received.text
    assert reverse("reports:outgoing_choose") in written.text
    assert reverse("reports:outgoing_choose") in client.get(reverse("home")).text


# ---------------------------------------------------------------------------- queries


def grow(office, campaign, tree, count: int) -> None:
    """`count` more documents sent and received by the office in the year, with reports."""
    for index in range(count):
        day = datetime.date(YEAR, 1 + index % 12, 1 + index % 28)
        entered(
            campaign,
            office.unit,
            "TB",
            100 + index,
            day,
            subject=f"Thông báo số {index}",
            lines="- Các chi bộ trực thuộc,\n- Lưu VP.",
            to=(tree.cell_a1,),
        )
        received = entered(
            campaign,
            tree.bloc_btg,
            "TB",
            100 + index,
            day,
            symbol_code="BTGĐUK",
            subject=f"Thông báo của Khối số {index}",
            to=(office.unit,),
            report_due=datetime.date(YEAR, 12, 31),
        )
        if index % 6 == 0:
            incoming_assign(
                actor=None,
                row=DirectiveRecipient.objects.get(directive=received, unit=office.unit),
                handler=office.clerk,
                handling_due=None,
            )
            reported(received, office.unit, office.clerk, on=day)


@pytest.mark.parametrize("which", ["outgoing", "incoming"])
def test_a_register_page_and_its_export_cost_the_same_queries_small_or_large(
    office, campaign, tree, users, client_for, django_assert_max_num_queries, which
):
    client = client_for(users.secretary)
    url = reverse(f"reports:{which}_register", args=[office.unit.pk]) + f"?year={YEAR}&q=so"
    xlsx = reverse(f"reports:{which}_register_xlsx", args=[office.unit.pk]) + f"?year={YEAR}"
    small, _ = request_cost(client, url)
    with CaptureQueriesContext(connection) as small_export:
        client.get(xlsx)

    grow(office, campaign, tree, 60)
    with django_assert_max_num_queries(small.count):
        large_page = client.get(url)
    with django_assert_max_num_queries(len(small_export.captured_queries)):
        client.get(xlsx)
    large, _ = request_cost(client, url)

    assert "Trang 1/2" in large_page.text
    assert large.count <= small.count <= 16
    assert_cost_bounded(small, large, what=f"the {which} register of 60 more documents")


# ---------------------------------------------------------------------------- printed


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "register.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 - poppler-utils on PATH
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return unicodedata.normalize("NFC", text)


def pdf_facts(pdf: bytes, tmp_path) -> tuple[str, str]:
    """The page size pdfinfo reads, and the fonts pdffonts lists."""
    path = tmp_path / "register.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(path)],  # noqa: S607 - poppler-utils on PATH
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fonts = subprocess.run(
        ["pdffonts", str(path)],  # noqa: S607 - poppler-utils on PATH
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return info, fonts


@pytest.mark.slow
def test_outgoing_register_prints_on_landscape_a4_in_the_official_layout(
    office, users, client_for, tmp_path
):
    response = client_for(users.secretary).get(outgoing_url(office.unit, "pdf"), {"year": YEAR})

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    # The header of the office's documents (issue() above prints its name alone), which the
    # register follows as the author's correction (campaigns.selectors.header_names).
    for line in (
        "ĐẢNG BỘ SỞ TÀI CHÍNH",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
        f"Năm {YEAR}",
        "Số và ký hiệu",
        "Nơi nhận",
        "Nhập từ tệp",
    ):
        assert line in text
    assert re.findall(r"^\s*(\d\d-[A-Z]+/ĐU)\s", text, re.MULTILINE) == [
        "01-CV/ĐU",
        "02-CV/ĐU",
        "03-CV/ĐU",
        "01-KH/ĐU",
        "01-TB/ĐU",
        "01-BC/ĐU",
        "02-BC/ĐU",
    ]
    info, fonts = pdf_facts(response.content, tmp_path)
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info)
    listed = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert listed
    assert all("Portal-Serif" in name for name in listed)


@pytest.mark.slow
def test_incoming_register_prints_the_filtered_year(office, users, client_for, tmp_path):
    response = client_for(users.secretary).get(
        incoming_url(office.unit, "pdf"), {"year": YEAR, "q": "uy ban nhan dan"}
    )

    text = pdf_text(response.content, tmp_path)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "(Có chữ: uy ban nhan dan)" in text
    assert "125/KH-UBND" in text
    assert "01-HD/BTGĐUK" not in text


@pytest.mark.slow
def test_an_issued_directive_and_a_submitted_report_enter_both_registers(
    cascade, tree, users, client_for
):
    """Through the services end to end: issuing gives each recipient its số đến today; the
    plan and the report the committee numbered are in its outgoing register."""
    today = timezone.localdate()
    report = reported(cascade.guidance, tree.grassroots_a, users.secretary, on=today)
    client = client_for(users.secretary)

    received = client.get(incoming_url(tree.grassroots_a))
    sent = client.get(outgoing_url(tree.grassroots_a), {"year": 2024})
    sent_now = client.get(outgoing_url(tree.grassroots_a))

    assert numbers(received) == [1]
    assert cascade.guidance.symbol in received.text
    assert symbols(sent) == [cascade.plan.symbol]
    assert symbols(sent_now) == [report.symbol]
