"""Sessions, attachments, propaganda items and progress reports as units use them: through the
services and through the real pages, submitted the way a browser submits them."""

from __future__ import annotations

import datetime
import zoneinfo
from types import SimpleNamespace

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.models import Obligation, StudyMaterial
from reports import selectors, services
from reports.figures import rollup
from reports.models import ProgressReport, PropagandaItem, SessionAttachment, StudySession
from tests.factories import MembershipFactory, UserFactory
from units.models import Role

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n% bien ban sinh hoat chi bo\n%%EOF\n"
LOCKED = "Đơn vị đã gửi báo cáo cho giai đoạn có buổi sinh hoạt này"
IN_PERIOD = datetime.date(2024, 5, 10)  # before the plan's report deadline, 30/9/2024
AFTER_DEADLINE = datetime.date(2024, 10, 5)


# ---------------------------------------------------------------------------- helpers


def _work_url(unit, campaign) -> str:
    return f"{reverse('reports:unit_work', args=[unit.pk])}?campaign={campaign.pk}"


def _new_session_url(unit, campaign) -> str:
    return f"{reverse('reports:session_create', args=[unit.pk])}?campaign={campaign.pk}"


def _new_item_url(unit, campaign) -> str:
    return f"{reverse('reports:propaganda_create', args=[unit.pk])}?campaign={campaign.pk}"


def _url(name: str, obj) -> str:
    return reverse(f"reports:{name}", args=[obj.pk])


def _page_form(response, field: str):
    page = lxml.html.fromstring(response.text)
    return next(f for f in page.forms if field in f.fields)


def _fill(response, field: str, /, **typed) -> tuple[str, dict]:
    """Where and what a browser sends from the page's form holding `field`, after the user typed
    `typed`: unticked boxes left out, hidden fields and pre-filled values kept."""
    form = _page_form(response, field)
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    data = {name: sent[0] if len(sent) == 1 else sent for name, sent in values.items()}
    data.update(typed)
    here = response.request["PATH_INFO"]
    if response.request.get("QUERY_STRING"):
        here += "?" + response.request["QUERY_STRING"]
    return form.get("action") or here, data


def _submit(client, page: str, field: str, /, *, follow: bool = False, **typed):
    """Open the page, fill in its form and send it."""
    response = client.get(page)
    assert response.status_code == 200
    action, data = _fill(response, field, **typed)
    return client.post(action, data, follow=follow)


def _press(client, url: str, label: str, *, follow: bool = False):
    """Open the page and press the button of that label (a one-button form)."""
    page = lxml.html.fromstring(client.get(url).text)
    (form,) = page.xpath(f'//form[.//button[normalize-space()="{label}"]]')
    return client.post(form.get("action"), dict(form.form_values()), follow=follow)


def _session_fields(day: datetime.date, present: int, **typed) -> dict:
    return {"held_on": day.isoformat(), "form": "regular", "members_present": str(present), **typed}


def _log(campaign, unit, day: datetime.date, present: int, **fields) -> StudySession:
    return services.session_create(
        actor=None,
        campaign=campaign,
        unit=unit,
        held_on=day,
        form=StudySession.Form.REGULAR,
        members_present=present,
        **fields,
    )


def _obligation(directive, unit) -> Obligation:
    return Obligation.objects.get(
        directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )


def _send_report(directive, unit, actor) -> ProgressReport:
    report = services.report_start(actor=actor, obligation=_obligation(directive, unit))
    services.report_update(
        actor=actor, report=report, assessment="Chi bộ đã tổ chức sinh hoạt chuyên đề."
    )
    return services.report_submit(actor=actor, report=report)


def _sibling_secretary(tree):
    """The secretary of cell_a2: another unit under the same committee."""
    user = UserFactory(username="cell_a2_secretary", full_name="Cell A2 Secretary")
    MembershipFactory(user=user, unit=tree.cell_a2, role=Role.SECRETARY)
    return user


def _user(users, tree, who: str):
    return _sibling_secretary(tree) if who == "cell_a2_secretary" else getattr(users, who)


def _stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "sessions"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# ---------------------------------------------------------------------------- the session form


def test_more_members_present_than_the_cell_has_is_refused_with_the_typed_data_kept(
    cascade, campaign, tree, users, client_for
):
    client = client_for(users.cell_secretary)

    response = _submit(
        client,
        _new_session_url(tree.cell_a1, campaign),
        "members_present",
        **_session_fields(IN_PERIOD, 21, topic="Học tập tác phẩm “Cây tre Việt Nam”"),
    )

    assert response.status_code == 200
    assert "không được lớn hơn số đảng viên của đơn vị (20)" in response.text
    form = _page_form(response, "members_present")
    assert form.fields["members_present"] == "21"
    assert form.fields["topic"] == "Học tập tác phẩm “Cây tre Việt Nam”"
    assert form.fields["held_on"] == "2024-05-10"
    assert not StudySession.objects.exists()


def test_a_committee_may_count_the_members_of_its_cells(cascade, campaign, tree, users, client_for):
    client = client_for(users.secretary)
    url = _new_session_url(tree.grassroots_a, campaign)

    refused = _submit(client, url, "members_present", **_session_fields(IN_PERIOD, 36))
    accepted = _submit(client, url, "members_present", **_session_fields(IN_PERIOD, 35))

    assert "không được lớn hơn số đảng viên của đơn vị (35)" in refused.text
    assert accepted.status_code == 302
    session = StudySession.objects.get(unit=tree.grassroots_a)
    assert (session.members_present, session.member_count) == (35, 35)


def test_a_session_keeps_the_member_count_of_its_day(cascade, campaign, tree, users, client_for):
    client = client_for(users.cell_secretary)
    _submit(
        client,
        _new_session_url(tree.cell_a1, campaign),
        "members_present",
        **_session_fields(IN_PERIOD, 18),
    )
    session = StudySession.objects.get(unit=tree.cell_a1)
    tree.cell_a1.member_count = 25
    tree.cell_a1.save(update_fields=["member_count"])

    edited = _submit(client, _url("session_edit", session), "members_present", members_present="22")
    later = services.session_create(
        actor=users.cell_secretary,
        campaign=campaign,
        unit=tree.cell_a1,
        held_on=datetime.date(2024, 6, 1),
        form=StudySession.Form.THEMATIC,
        members_present=22,
    )

    session.refresh_from_db()
    assert (session.member_count, session.members_present) == (20, 18)
    assert "không được lớn hơn số đảng viên của đơn vị (20)" in edited.text
    assert later.member_count == 25
    assert "18/20" in client.get(_work_url(tree.cell_a1, campaign)).text


def test_the_campaigns_materials_can_be_ticked(cascade, campaign, tree, users, client_for):
    book = campaign_services.material_add(
        actor=users.staff,
        campaign=campaign,
        title="Tác phẩm “Cây tre Việt Nam” (bản điện tử)",
        kind=StudyMaterial.Kind.BOOK,
        url="https://example.vn/cay-tre.pdf",
    )
    other_campaign = campaign_services.campaign_create(
        actor=users.staff,
        owner=tree.bloc,
        title="Nghị quyết Trung ương 10",
        subject="Học tập Nghị quyết.",
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 12, 31),
    )
    campaign_services.material_add(
        actor=users.staff,
        campaign=other_campaign,
        title="Tài liệu của đợt khác",
        kind=StudyMaterial.Kind.BULLETIN,
        url="https://example.vn/khac.pdf",
    )
    client = client_for(users.cell_secretary)
    url = _new_session_url(tree.cell_a1, campaign)

    page = client.get(url)
    offered = _page_form(page, "members_present").xpath('.//input[@name="materials"]')
    response = _submit(
        client, url, "members_present", **_session_fields(IN_PERIOD, 18, materials=[str(book.pk)])
    )

    assert [box.get("value") for box in offered] == [str(book.pk)]
    assert "Tác phẩm “Cây tre Việt Nam” (bản điện tử)" in page.text
    assert "Tài liệu của đợt khác" not in page.text
    assert response.status_code == 302
    assert list(StudySession.objects.get().materials.all()) == [book]


# ---------------------------------------------------------------------------- attachments


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("chuong-trinh.exe", 2048, "chỉ nhận PDF, ảnh JPG/PNG và Word .docx"),
        ("bien-ban.pdf", 10 * 1024 * 1024 + 1, "quá lớn"),
    ],
    ids=["exe", "over-10-MB"],
)
def test_a_wrong_or_oversize_file_is_refused_and_nothing_is_stored(
    cascade, campaign, tree, users, client_for, settings, name, size, message
):
    upload = SimpleUploadedFile(name, b"x" * size, content_type="application/octet-stream")

    response = _submit(
        client_for(users.secretary),
        _new_session_url(tree.grassroots_a, campaign),
        "members_present",
        **_session_fields(IN_PERIOD, 30, files=upload),
    )

    assert response.status_code == 200
    assert f"Tệp “{name}”" in response.text
    assert message in response.text
    assert not StudySession.objects.exists()
    assert not SessionAttachment.objects.exists()
    assert _stored_files(settings) == []


def test_a_pdf_is_stored_with_the_session_and_listed(cascade, campaign, tree, users, client_for):
    client = client_for(users.secretary)
    upload = SimpleUploadedFile("Biên bản sinh hoạt.pdf", PDF, content_type="application/pdf")

    response = _submit(
        client,
        _new_session_url(tree.grassroots_a, campaign),
        "members_present",
        follow=True,
        **_session_fields(IN_PERIOD, 30, files=upload),
    )

    attachment = SessionAttachment.objects.get()
    assert "Đã ghi buổi sinh hoạt." in response.text
    assert attachment.session.unit == tree.grassroots_a
    assert (attachment.original_name, attachment.size) == ("Biên bản sinh hoạt.pdf", len(PDF))
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF
    assert _url("attachment_file", attachment) in response.text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 200),  # the bloc's leader sees the whole bloc
        ("staff", 200),
        ("secretary", 200),  # the committee's own secretary
        ("cell_secretary", 404),  # a cell below does not see its committee's files
        ("outsider", 404),
        ("nobody", 404),
    ],
)
def test_a_session_file_is_served_only_to_those_who_see_the_unit(
    cascade, campaign, tree, users, client_for, who, status
):
    session = _log(
        campaign,
        tree.grassroots_a,
        IN_PERIOD,
        30,
        files=[SimpleUploadedFile("Biên bản.pdf", PDF, content_type="application/pdf")],
    )
    attachment = session.attachments.get()

    response = client_for(getattr(users, who)).get(_url("attachment_file", attachment))

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert "Bi%C3%AAn%20b%E1%BA%A3n.pdf" in response["Content-Disposition"]
        response.close()


# ---------------------------------------------------------------------------- locking


@pytest.fixture
def reported(cascade, campaign, tree, users):
    """cell_a1 logged a session in May and a later one in October, then sent its report for the
    plan (due 30/9/2024)."""
    in_period = _log(campaign, tree.cell_a1, IN_PERIOD, 18)
    after = _log(campaign, tree.cell_a1, AFTER_DEADLINE, 17)
    report = _send_report(cascade.plan, tree.cell_a1, users.cell_secretary)
    return SimpleNamespace(session=in_period, after=after, report=report)


LOCKED_CHANGES = {
    "add": lambda r: _log(r.session.campaign, r.session.unit, datetime.date(2024, 6, 1), 10),
    "edit": lambda r: services.session_update(actor=None, session=r.session, members_present=19),
    "delete": lambda r: services.session_delete(actor=None, session=r.session),
    "move-into-the-period": lambda r: services.session_update(
        actor=None, session=r.after, held_on=datetime.date(2024, 9, 1)
    ),
}


@pytest.mark.parametrize("change", list(LOCKED_CHANGES))
def test_the_service_refuses_sessions_of_a_reported_period(reported, change):
    before = list(StudySession.objects.values_list("pk", "held_on", "members_present"))

    with pytest.raises(ValidationError) as exc:
        LOCKED_CHANGES[change](reported)

    assert exc.value.code == "reported"
    assert list(StudySession.objects.values_list("pk", "held_on", "members_present")) == before


def test_sessions_after_the_deadline_and_other_units_stay_open(reported, campaign, tree):
    services.session_update(actor=None, session=reported.after, members_present=19)
    _log(campaign, tree.cell_a1, datetime.date(2024, 10, 15), 12)
    _log(campaign, tree.cell_a2, IN_PERIOD, 14)

    assert StudySession.objects.filter(unit=tree.cell_a1).count() == 3
    assert StudySession.objects.filter(unit=tree.cell_a2).count() == 1


def test_the_pages_refuse_sessions_of_a_reported_period_with_a_message(
    reported, campaign, tree, users, client_for
):
    client = client_for(users.cell_secretary)
    session = reported.session

    edited = _submit(client, _url("session_edit", session), "members_present", members_present="19")
    deleted = client.post(_url("session_delete", session), follow=True)
    added = _submit(
        client,
        _new_session_url(tree.cell_a1, campaign),
        "members_present",
        **_session_fields(datetime.date(2024, 6, 1), 10),
    )

    assert edited.status_code == 200
    assert LOCKED in edited.text
    assert LOCKED in deleted.text
    assert "Đã xóa buổi sinh hoạt." not in deleted.text
    assert added.status_code == 200
    assert LOCKED in added.text
    session.refresh_from_db()
    assert (session.held_on, session.members_present) == (IN_PERIOD, 18)
    assert StudySession.objects.filter(unit=tree.cell_a1).count() == 2


def test_a_returned_report_opens_its_sessions_again(reported, users, client_for):
    services.report_return(
        actor=users.secretary, report=reported.report, comment="Bổ sung buổi sinh hoạt tháng 6."
    )

    response = _submit(
        client_for(users.cell_secretary),
        _url("session_edit", reported.session),
        "members_present",
        follow=True,
        members_present="19",
    )

    assert "Đã lưu buổi sinh hoạt." in response.text
    reported.session.refresh_from_db()
    assert reported.session.members_present == 19


# ---------------------------------------------------------------------------- report life cycle


def test_the_cell_secretary_starts_the_report_from_the_work_page_and_sends_it_up(
    cascade, campaign, tree, users, client_for
):
    _log(campaign, tree.cell_a1, IN_PERIOD, 18)
    client = client_for(users.cell_secretary)
    work = _work_url(tree.cell_a1, campaign)

    started = _press(client, work, "Soạn báo cáo")
    report = ProgressReport.objects.get()
    edit = _url("report_edit", report)
    without = _submit(client, edit, "assessment", submit="")
    sent = _submit(
        client,
        edit,
        "assessment",
        follow=True,
        assessment="Chi bộ đã tổ chức sinh hoạt chuyên đề, 18/20 đảng viên tham dự.",
        submit="",
    )

    assert started.status_code == 302
    assert started.url == edit
    assert report.unit == tree.cell_a1
    assert report.obligation == _obligation(cascade.plan, tree.cell_a1)
    assert without.status_code == 200
    assert "Chưa có phần đánh giá" in without.text
    assert sent.redirect_chain[-1][0] == _url("report_detail", report)
    assert "Đã gửi báo cáo số 01-BC/CB lên cấp trên." in sent.text  # a cell's first report
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.submitted_by == users.cell_secretary
    assert report.first_submitted_at == report.submitted_at
    assert report.obligation.fulfilled_at is not None
    assert "Soạn báo cáo" not in client.get(work).text


def test_a_report_keeps_the_figures_it_was_sent_with(cascade, campaign, tree, users):
    _log(campaign, tree.cell_a1, IN_PERIOD, 18)
    report = _send_report(cascade.plan, tree.cell_a1, users.cell_secretary)

    _log(campaign, tree.cell_a1, AFTER_DEADLINE, 19)
    report.refresh_from_db()
    now = selectors.report_figures(report)

    assert (report.figures["sessions"], report.figures["participants"]) == (1, 18)
    assert (now["sessions"], now["participants"]) == (2, 19)


def test_returning_a_report_without_a_reason_keeps_the_choice_and_asks_for_the_reason(
    cascade, tree, users, client_for
):
    report = _send_report(cascade.plan, tree.cell_a1, users.cell_secretary)
    reviewer = client_for(users.secretary)

    again = _submit(
        reviewer, _url("report_detail", report), "decision", decision="return", comment="  "
    )

    assert again.status_code == 200
    form = _page_form(again, "decision")
    assert form.fields["decision"] == "return"  # "Trả lại để sửa" is still the one ticked
    feedback = lxml.html.fromstring(again.text).xpath(
        '//*[@id="id_comment"]/following::*[contains(@class, "invalid-feedback")][1]'
    )
    assert "Trả lại báo cáo phải ghi lý do" in feedback[0].text_content()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED


def test_the_issuing_committee_returns_the_report_with_a_reason_and_accepts_the_correction(
    cascade, campaign, tree, users, client_for
):
    report = _send_report(cascade.plan, tree.cell_a1, users.cell_secretary)
    on_the_day = datetime.datetime(2024, 9, 29, 23, 30, tzinfo=HCM)
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=on_the_day, submitted_at=on_the_day
    )
    reviewer, cell = client_for(users.secretary), client_for(users.cell_secretary)
    detail = _url("report_detail", report)

    home = reviewer.get(reverse("home")).text
    to_review = home[home.index("Báo cáo chờ xem xét") :]
    assert tree.cell_a1.name in to_review
    assert detail in to_review

    no_reason = _submit(reviewer, detail, "decision", follow=True, decision="return", comment="")
    assert "Trả lại báo cáo phải ghi lý do, để đơn vị biết cần sửa gì." in no_reason.text
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED

    returned = _submit(
        reviewer,
        detail,
        "decision",
        follow=True,
        decision="return",
        comment="Bổ sung số bài thu hoạch của chi bộ.",
    )
    assert "Đã trả lại báo cáo kèm ý kiến." in returned.text
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED
    assert report.reviewed_by == users.secretary
    assert "Báo cáo chờ xem xét" not in reviewer.get(reverse("home")).text

    seen = cell.get(detail).text
    assert "Bổ sung số bài thu hoạch của chi bộ." in seen
    assert _url("report_edit", report) in seen
    resent = _submit(
        cell,
        _url("report_edit", report),
        "assessment",
        follow=True,
        assessment="Chi bộ đã tổ chức sinh hoạt; thu được 15 bài thu hoạch.",
        submit="",
    )
    assert "Đã gửi báo cáo số 01-BC/CB lên cấp trên." in resent.text  # its number kept
    assert "Đúng hạn" in resent.text
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.first_submitted_at == on_the_day
    assert report.submitted_at > on_the_day
    assert report.submitted_late is False

    accepted = _submit(reviewer, detail, "decision", follow=True, decision="accept")
    assert "Đã tiếp nhận báo cáo." in accepted.text
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ACCEPTED
    closed = cell.get(_url("report_edit", report), follow=True)
    assert "chỉ sửa được khi cấp trên trả lại" in closed.text


@pytest.mark.parametrize(
    ("who", "status", "outcome"),
    [
        ("secretary", 302, ProgressReport.Status.ACCEPTED),  # the committee that issued the plan
        # The unit that asked reviews; the bloc above it reads the report but does not judge it.
        ("staff", 404, ProgressReport.Status.SUBMITTED),
        ("leader", 404, ProgressReport.Status.SUBMITTED),
        ("admin", 404, ProgressReport.Status.SUBMITTED),  # administers, does not approve
        ("cell_secretary", 404, ProgressReport.Status.SUBMITTED),  # never one's own report
        ("cell_a2_secretary", 404, ProgressReport.Status.SUBMITTED),
        ("outsider", 404, ProgressReport.Status.SUBMITTED),
    ],
)
def test_who_may_review_a_cells_report(cascade, tree, users, client_for, who, status, outcome):
    report = _send_report(cascade.plan, tree.cell_a1, users.cell_secretary)
    user = _user(users, tree, who)

    response = client_for(user).post(_url("report_review", report), {"decision": "accept"})

    assert response.status_code == status
    report.refresh_from_db()
    assert report.status == outcome


@pytest.mark.parametrize(
    ("who", "detail", "edit"),
    [
        ("cell_secretary", 200, 200),
        ("secretary", 200, 404),  # the committee reads its cell's report but does not write it
        ("staff", 200, 404),
        ("leader", 200, 404),
        ("cell_a2_secretary", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_who_may_read_and_write_a_cells_report(cascade, tree, users, client_for, who, detail, edit):
    report = services.report_start(
        actor=users.cell_secretary, obligation=_obligation(cascade.plan, tree.cell_a1)
    )
    client = client_for(_user(users, tree, who))

    saved = client.post(_url("report_edit", report), {"assessment": "Sửa.", "save": ""})

    assert client.get(_url("report_detail", report)).status_code == detail
    assert client.get(_url("report_edit", report)).status_code == edit
    assert saved.status_code == (302 if edit == 200 else 404)
    report.refresh_from_db()
    assert report.assessment == ("Sửa." if edit == 200 else "")


def test_a_committee_report_names_the_cells_that_have_not_reported(
    cascade, campaign, tree, users, client_for
):
    _send_report(cascade.plan, tree.cell_a1, users.cell_secretary)
    report = services.report_start(
        actor=users.secretary, obligation=_obligation(cascade.guidance, tree.grassroots_a)
    )

    figures = selectors.report_figures(report)
    page = client_for(users.secretary).get(_url("report_detail", report)).text

    assert figures["not_reported"] == [tree.cell_a2.name]
    listed = page[page.index("Đơn vị trực thuộc chưa báo cáo") :]
    assert tree.cell_a2.name in listed
    assert tree.cell_a1.name not in listed


def test_a_cells_report_has_no_one_below_to_name(cascade, tree, users):
    report = services.report_start(
        actor=users.cell_secretary, obligation=_obligation(cascade.plan, tree.cell_a1)
    )

    assert selectors.report_figures(report)["not_reported"] == []


# ---------------------------------------------------------------------------- propaganda


@pytest.mark.parametrize(
    "url", ["không phải đường dẫn", "javascript:alert(1)"], ids=["words", "javascript"]
)
def test_a_news_item_with_a_bad_link_is_refused(cascade, campaign, tree, users, client_for, url):
    response = _submit(
        client_for(users.cell_secretary),
        _new_item_url(tree.cell_a1, campaign),
        "title",
        published_on="2024-05-12",
        kind="news",
        channel="website",
        title="Chi bộ Văn phòng học tập tác phẩm",
        url=url,
    )

    assert response.status_code == 200
    assert "Nhập một URL hợp lệ." in response.text
    assert not PropagandaItem.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.propaganda_create(
            actor=None,
            campaign=campaign,
            unit=tree.cell_a1,
            published_on=datetime.date(2024, 5, 12),
            kind="news",
            channel="website",
            title="Tin",
            url=url,
        )
    assert "url" in exc.value.message_dict


def test_a_news_item_shows_on_the_work_page_and_counts_in_the_figures(
    cascade, campaign, tree, users, client_for
):
    response = _submit(
        client_for(users.cell_secretary),
        _new_item_url(tree.cell_a1, campaign),
        "title",
        follow=True,
        published_on="2024-05-12",
        kind="news",
        channel="website",
        title="Chi bộ Văn phòng học tập tác phẩm",
        url="https://stc.cantho.gov.vn/tin/cay-tre",
        reach="120",
    )

    assert response.redirect_chain[-1][0] == _work_url(tree.cell_a1, campaign)
    assert "Đã ghi tin, bài tuyên truyền." in response.text
    assert 'href="https://stc.cantho.gov.vn/tin/cay-tre"' in response.text
    assert "Chi bộ Văn phòng học tập tác phẩm" in response.text
    assert "120 lượt tiếp cận" in response.text
    assert rollup(campaign, tree.cell_a1).total.propaganda == 1
    assert rollup(campaign, tree.bloc).total.propaganda == 1
    assert rollup(campaign, tree.bloc).total.propaganda_by_kind == {"news": 1}


def test_the_sessions_list_pages_on_within_the_chosen_campaign(
    cascade, campaign, tree, users, client_for
):
    """The "Sau" link of the unit's sessions keeps ?campaign=: it used to drop it, and the
    second page then showed another campaign's (or no) sessions."""
    for day in range(1, 26):
        _log(campaign, tree.cell_a1, datetime.date(2024, 5, day), 10)
    later = campaign_services.campaign_create(  # the unit's latest: the page's default
        actor=None,
        owner=tree.cell_a1,
        title="Chuyên đề năm 2025",
        subject="Học tập chuyên đề năm 2025.",
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    assert later.start_date > campaign.start_date
    client = client_for(users.cell_secretary)

    first = client.get(_work_url(tree.cell_a1, campaign))
    following = lxml.html.fromstring(first.text).xpath("//a[text()='Sau']/@href")

    assert len(following) == 1
    second = client.get(reverse("reports:unit_work", args=[tree.cell_a1.pk]) + following[0])
    assert second.status_code == 200
    assert second.context["campaign"] == campaign
    assert "Trang 2/2" in second.text
    assert "05/05/2024" in second.text  # the 25 sessions, newest first: 5 on the second page


def _item(campaign, unit, day: datetime.date, title: str = "Tin về hội nghị quán triệt"):
    return services.propaganda_create(
        actor=None,
        campaign=campaign,
        unit=unit,
        published_on=day,
        kind=PropagandaItem.Kind.NEWS,
        channel=PropagandaItem.Channel.WEBSITE,
        title=title,
    )


def test_a_propaganda_item_is_corrected_and_deleted_through_the_pages(
    cascade, campaign, tree, users, client_for
):
    item = _item(campaign, tree.cell_a1, IN_PERIOD, "Tin về hội nghi quán triêt")
    client = client_for(users.cell_secretary)
    work = client.get(_work_url(tree.cell_a1, campaign))
    (edit,) = lxml.html.fromstring(work.text).xpath("//a[normalize-space()='Sửa']/@href")
    assert edit == _url("propaganda_edit", item)

    _submit(client, edit, "title", title="Tin về hội nghị quán triệt", reach="1200")

    item.refresh_from_db()
    assert (item.title, item.reach) == ("Tin về hội nghị quán triệt", 1200)
    deleted = _press(client, edit, "Xóa tin, bài", follow=True)
    assert "Đã xóa tin, bài tuyên truyền." in deleted.text
    assert not PropagandaItem.objects.exists()


def test_a_propaganda_item_of_a_reported_period_stays_as_sent(
    reported, campaign, tree, users, client_for
):
    item = _item(campaign, tree.cell_a1, IN_PERIOD)
    later = _item(campaign, tree.cell_a1, AFTER_DEADLINE, "Tin sau hạn báo cáo")
    client = client_for(users.cell_secretary)

    edited = _submit(client, _url("propaganda_edit", item), "title", title="Sửa sau khi gửi")
    deleted = client.post(_url("propaganda_delete", item), follow=True)
    moved = _submit(client, _url("propaganda_edit", later), "title", published_on="2024-09-01")

    refusal = "Đơn vị đã gửi báo cáo cho giai đoạn có tin, bài này"
    assert refusal in edited.text
    assert refusal in deleted.text
    assert refusal in moved.text
    assert list(PropagandaItem.objects.order_by("pk").values_list("title", "published_on")) == [
        ("Tin về hội nghị quán triệt", IN_PERIOD),
        ("Tin sau hạn báo cáo", AFTER_DEADLINE),
    ]
