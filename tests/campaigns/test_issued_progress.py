"""The progress an issuer sees beside each directive it issued: recipients, plans, reports."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

from campaigns.models import Obligation
from reports import services as report_services

pytestmark = pytest.mark.django_db


def _progress(html: str, directive) -> str:
    """The text of the progress cell in the row that links to `directive`."""
    page = lxml.html.fromstring(html)
    (row,) = page.xpath(f'//tr[.//a[@href="{directive.get_absolute_url()}"]]')
    return " ".join(row.xpath("./td")[-1].text_content().split())


@pytest.mark.parametrize("page", ["campaigns:directive_list", "home"])
def test_issued_directives_show_recipients_plans_issued_and_reports_sent(
    cascade, tree, users, client_for, page
):
    # The guidance went to grassroots_a and grassroots_b; grassroots_a answered with its plan
    # (the cascade) and now sends its report; grassroots_b has done neither.
    owed = Obligation.objects.get(
        directive=cascade.guidance, recipient__unit=tree.grassroots_a, kind="report"
    )
    report = report_services.report_start(actor=users.secretary, obligation=owed)
    report_services.report_update(actor=users.secretary, report=report, assessment="Đã quán triệt.")
    report_services.report_submit(actor=users.secretary, report=report)

    html = client_for(users.staff).get(reverse(page)).text

    assert _progress(html, cascade.guidance) == (
        "2 đơn vị nhận Văn bản thực hiện: 1/2 Báo cáo đã gửi: 1/2"
    )
