"""Who a draft proposes as its signer: the issuing body's head (or, K/T, a deputy) from its
memberships, never the staff member who drafts it; any other name may still be typed."""

from __future__ import annotations

import datetime

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Directive, DirectiveRecipient
from campaigns.services import directive_implement
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.directives import directive_kind
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def leadership(tree, users):
    """The bloc's Propaganda Department: its head, a deputy and a drafting staff member
    (chuyên viên), all with accounts. The bloc's staff user drafts for it."""

    def member(name: str, position: str, **fields):
        user = UserFactory(full_name=name)
        MembershipFactory(
            user=user, unit=tree.bloc_btg, role=Role.STAFF, position=position, **fields
        )
        return user

    return {
        "head": member("Nguyễn Văn Sẵn", "Trưởng Ban Tuyên giáo Đảng ủy Khối"),
        "deputy": member("Lê Thị Phó", "Phó Trưởng ban Tuyên giáo"),
        "clerk": member("Trần Chuyên Viên", "Chuyên viên Ban Tuyên giáo Đảng ủy Khối"),
    }


def _create(client, campaign, issuer, **extra) -> Directive:
    response = client.post(
        reverse("campaigns:directive_create"),
        {
            "campaign": campaign.pk,
            "kind": directive_kind("HD").pk,
            "issuer": issuer.pk,
            **extra,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Directive.objects.order_by("-pk").first()


def _signature(directive: Directive) -> tuple[str, str, str]:
    directive.refresh_from_db()
    return directive.signing_authority, directive.signer_position, directive.signer_name


def test_a_new_draft_proposes_the_head_not_the_staff_member_drafting_it(
    campaign, tree, users, leadership, client_for
):
    draft = _create(client_for(users.staff), campaign, tree.bloc_btg)

    assert _signature(draft) == ("", "Trưởng ban", "Nguyễn Văn Sẵn")


def test_choosing_kt_proposes_a_deputy(campaign, tree, users, leadership, client_for):
    draft = _create(client_for(users.staff), campaign, tree.bloc_btg, deputy_signs="True")

    assert _signature(draft) == ("K/T TRƯỞNG BAN", "Phó Trưởng ban", "Lê Thị Phó")


def test_a_staff_member_is_never_proposed(campaign, tree, users, client_for):
    """A department whose only member in the portal is its chuyên viên: no name proposed
    (the issue page will ask for one), and the drafter is not among the choices."""
    clerk = UserFactory(full_name="Trần Chuyên Viên")
    MembershipFactory(user=clerk, unit=tree.bloc_btg, role=Role.STAFF, position="Chuyên viên")
    client = client_for(users.staff)

    draft = _create(client, campaign, tree.bloc_btg)
    editor = client.get(reverse("campaigns:directive_edit", args=[draft.pk])).text

    assert _signature(draft) == ("", "Trưởng ban", "")
    assert "Trần Chuyên Viên" not in editor


def test_the_head_on_the_day_is_proposed_after_a_rotation(campaign, tree, users, client_for):
    today = timezone.localdate()
    old, new = UserFactory(full_name="Bí Thư Cũ"), UserFactory(full_name="Bí Thư Mới")
    MembershipFactory(
        user=old,
        unit=tree.bloc,
        role=Role.LEADER,
        position="Bí thư Đảng ủy Khối",
        end_date=today - datetime.timedelta(days=1),
    )
    MembershipFactory(
        user=new,
        unit=tree.bloc,
        role=Role.LEADER,
        position="Bí thư Đảng ủy Khối",
        start_date=today,
    )

    draft = _create(client_for(users.staff), campaign, tree.bloc)

    assert _signature(draft) == ("T/M BAN THƯỜNG VỤ", "Bí thư", "Bí Thư Mới")


def test_the_editor_offers_the_leadership_as_choices(campaign, tree, users, leadership, client_for):
    client = client_for(users.staff)
    draft = _create(client, campaign, tree.bloc_btg)

    page = lxml.html.fromstring(
        client.get(reverse("campaigns:directive_edit", args=[draft.pk])).text
    )

    name_input = page.get_element_by_id("id_signer_name")
    choices = page.get_element_by_id(name_input.get("list"))
    assert [o.get("value") for o in choices.iter("option")] == ["Nguyễn Văn Sẵn", "Lê Thị Phó"]
    authority = page.get_element_by_id(page.get_element_by_id("id_signing_authority").get("list"))
    assert [o.get("value") for o in authority.iter("option")] == ["K/T TRƯỞNG BAN"]


def _save(client, draft, **typed):
    editor = client.get(reverse("campaigns:directive_edit", args=[draft.pk]))
    page = lxml.html.fromstring(editor.text)
    form = next(f for f in page.forms if "signer_name" in f.fields)
    data = dict(form.form_values())
    data.update({"subject": "Triển khai đợt sinh hoạt chính trị", **typed, "save": ""})
    response = client.post(reverse("campaigns:directive_edit", args=[draft.pk]), data)
    assert response.status_code == 302, response.context["form"].errors


def test_choosing_kt_in_the_editor_hands_the_head_over_to_a_deputy(
    campaign, tree, users, leadership, client_for
):
    client = client_for(users.staff)
    draft = _create(client, campaign, tree.bloc_btg)

    _save(client, draft, signing_authority="K/T TRƯỞNG BAN")

    assert _signature(draft) == ("K/T TRƯỞNG BAN", "Phó Trưởng ban", "Lê Thị Phó")


def test_a_signer_outside_the_portal_may_be_typed(campaign, tree, users, leadership, client_for):
    client = client_for(users.staff)
    draft = _create(client, campaign, tree.bloc_btg)

    _save(
        client,
        draft,
        signing_authority="K/T TRƯỞNG BAN",
        signer_position="Phó Trưởng ban",
        signer_name="Võ Văn Khách",
    )

    assert _signature(draft) == ("K/T TRƯỞNG BAN", "Phó Trưởng ban", "Võ Văn Khách")


@pytest.mark.slow
def test_an_implementing_plan_proposes_the_head_not_the_staff_member(
    issued, tree, users, client_for
):
    """grassroots_a's plan, drafted by a staff member of it: its secretary signs it."""
    clerk = UserFactory(full_name="Trần Chuyên Viên")
    MembershipFactory(
        user=clerk, unit=tree.grassroots_a, role=Role.STAFF, position="Chuyên viên Văn phòng"
    )
    secretary = UserFactory(full_name="Võ Thị Mỹ Linh")
    MembershipFactory(
        user=secretary,
        unit=tree.grassroots_a,
        role=Role.LEADER,
        position="Bí thư Đảng ủy Sở Tài chính",
    )
    row = DirectiveRecipient.objects.get(directive=issued, unit=tree.grassroots_a)

    plan = directive_implement(actor=clerk, recipient=row)

    assert _signature(plan) == ("T/M ĐẢNG ỦY", "Bí thư", "Võ Thị Mỹ Linh")
