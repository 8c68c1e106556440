"""Signing a sent progress report: printed once as sent and kept, signed with the server's key,
served signed; refused before it is sent and twice; signed again once returned and sent again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.models import Obligation, SigningMethod
from campaigns.signing import verify_pdf
from reports import services
from reports.models import ProgressReport
from reports.signing import report_sign
from tests.plugins.signing import SIGNER_NAME
from units.events import EventKind
from units.models import DomainEvent

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def sent(issued, tree, users) -> ProgressReport:
    obligation = Obligation.objects.get(
        directive=issued, recipient__unit=tree.grassroots_a, kind=Obligation.Kind.REPORT
    )
    report = services.report_start(actor=users.secretary, obligation=obligation)
    services.report_update(actor=users.secretary, report=report, assessment="Đã quán triệt.")
    return services.report_submit(actor=users.secretary, report=report)


def _reload(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.get(pk=report.pk)


def _bytes(field) -> bytes:
    with field.open("rb") as stored:
        return stored.read()


def test_a_sent_report_is_printed_once_and_signed(sent, users, signing_settings, client_for):
    report_sign(actor=users.secretary, report=sent)

    report = _reload(sent)
    printed, signed = _bytes(report.pdf), _bytes(report.signed_pdf)
    assert signed.startswith(printed)
    [found] = verify_pdf(signed)
    assert (found.signer, found.intact, found.trusted, found.modified_after) == (
        SIGNER_NAME,
        True,
        True,
        False,
    )
    assert (report.signed_by, report.signing_method) == (users.secretary, SigningMethod.SERVER)
    assert report.is_signed
    event = DomainEvent.objects.get(kind=EventKind.DOCUMENT_SIGNED)
    assert (event.actor, event.unit, event.target) == (users.secretary, report.unit, report)
    last = report.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == users.secretary

    client = client_for(users.staff)  # the issuer's staff, who review it
    assert client.get(reverse("reports:report_pdf", args=[sent.pk])).content == signed
    assert client.get(reverse("reports:report_pdf_unsigned", args=[sent.pk])).content == printed
    page = client.get(sent.get_absolute_url()).content.decode()
    assert "✓ Chứng thư được tin cậy" in page
    assert "Tải PDF (đã ký số)" in page


def test_only_the_reports_own_people_are_offered_signing(sent, users, client_for):
    for who, offered in [("secretary", True), ("staff", False), ("leader", False)]:
        page = client_for(getattr(users, who)).get(sent.get_absolute_url()).content.decode()
        assert (reverse("reports:report_sign", args=[sent.pk]) in page) is offered, who


def test_a_draft_report_and_a_second_signing_are_refused(sent, users, signing_settings):
    draft = ProgressReport.objects.filter(pk=sent.pk)
    draft.update(status=ProgressReport.Status.DRAFT)
    with pytest.raises(ValidationError) as exc:
        report_sign(actor=users.secretary, report=sent)
    assert exc.value.error_list[0].code == "not_sent"

    draft.update(status=ProgressReport.Status.SUBMITTED)
    report_sign(actor=users.secretary, report=sent)
    with pytest.raises(ValidationError) as exc:
        report_sign(actor=users.secretary, report=sent)
    assert exc.value.error_list[0].code == "already_signed"


def test_a_report_returned_after_signing_is_signed_again_once_sent_again(
    sent, users, signing_settings, client_for
):
    report_sign(actor=users.secretary, report=sent)
    first = _reload(sent).signed_pdf.name
    services.report_return(actor=users.staff, report=_reload(sent), comment="Bổ sung số liệu.")
    assert not _reload(sent).is_signed
    pdf = client_for(users.staff).get(reverse("reports:report_pdf", args=[sent.pk])).content
    assert verify_pdf(pdf) == []  # the old signature no longer stands for it

    report = _reload(sent)
    services.report_update(actor=users.secretary, report=report, assessment="Đã bổ sung.")
    services.report_submit(actor=users.secretary, report=report)
    report_sign(actor=users.secretary, report=_reload(sent))

    again = _reload(sent)
    assert again.is_signed
    assert again.signed_pdf.name != first
