"""Capabilities inside the subtree: seeing an object does not let a user change it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.models import DirectiveRecipient, Obligation, StudyMaterial
from reports import services as report_services
from reports.models import ProgressReport, PropagandaItem, StudySession
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.signing import portal_signing
from tests.walk import (
    POST_ONLY,
    READ_ONLY,
    WITH_OBJECT,
    Route,
    bloc_campaign,
    bloc_draft,
    bloc_issued,
    once,
    post_data,
    received_file,
    snapshot,
)
from units.access import Capability
from units.models import Membership, ReorganisationBatch, Role, User

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

WRITING = [r for r in WITH_OBJECT if r.name not in READ_ONLY]


# ---------------------------------------------------------------------------- the table

# The capability each writing URL asks of its user, besides seeing the object. A new URL that
# is not listed here makes test_every_writing_url_states_the_capability_it_needs fail.
CAPABILITY_NEEDED: dict[str, Capability] = {
    "units:unit_edit": Capability.MANAGE,
    "units:unit_add_child": Capability.MANAGE,
    "units:unit_rename": Capability.MANAGE,
    "units:unit_move": Capability.MANAGE,
    "units:unit_merge": Capability.MANAGE,
    "units:unit_split": Capability.MANAGE,
    "units:unit_close": Capability.MANAGE,
    "units:reorganise_batch_upload": Capability.MANAGE,
    "units:reorganise_batch_apply": Capability.MANAGE,
    "units:membership_add": Capability.MANAGE,
    "units:membership_end": Capability.MANAGE,
    "campaigns:campaign_edit": Capability.ISSUE,
    "campaigns:material_add": Capability.ISSUE,
    "campaigns:material_delete": Capability.ISSUE,
    "campaigns:directive_edit": Capability.ISSUE,
    "campaigns:directive_recipients": Capability.ISSUE,
    "campaigns:directive_milestones": Capability.ISSUE,
    "campaigns:directive_issue": Capability.ISSUE,
    "campaigns:directive_delete": Capability.ISSUE,
    "campaigns:directive_replace": Capability.ISSUE,
    "campaigns:directive_sign": Capability.ISSUE,
    "campaigns:directive_upload_signed": Capability.ISSUE,
    "campaigns:directive_implement": Capability.ISSUE,
    "campaigns:import_review": Capability.ISSUE,
    "campaigns:import_discard": Capability.ISSUE,
    "reports:session_create": Capability.CAPTURE,
    "reports:session_edit": Capability.CAPTURE,
    "reports:session_delete": Capability.CAPTURE,
    "reports:propaganda_create": Capability.CAPTURE,
    "reports:propaganda_edit": Capability.CAPTURE,
    "reports:propaganda_delete": Capability.CAPTURE,
    "reports:report_start": Capability.CAPTURE,
    "reports:report_edit": Capability.CAPTURE,
    "reports:report_review": Capability.APPROVE,
    "reports:report_sign": Capability.CAPTURE,
    "reports:incoming_assign": Capability.ISSUE,
}

# Writing URLs that no role opens: the object is one user's own, whatever their capabilities.
NOT_BY_CAPABILITY = {
    "reports:notification_read": "a notification is its addressee's alone",
}

# Who sees an object inside the bloc's subtree but lacks the capability: the bloc's roles without
# it (units.access.ROLE_CAPABILITIES: leaders view and approve, administrators view and manage,
# staff do everything but manage).
LACKING: dict[Capability, tuple[str, ...]] = {
    Capability.MANAGE: ("leader", "staff"),
    Capability.ISSUE: ("leader", "admin"),
    Capability.CAPTURE: ("leader", "admin"),
    Capability.APPROVE: ("admin",),
}

# Gates by own unit, not by subtree, refuse the bloc's roles for not being the unit's own people,
# capability or not; the user who sees the object but may not act is then of the unit itself.
# (Reviewing is by the issuer's own approvers: the bloc's administrator is of the issuer's
# committee, so LACKING[APPROVE] already is. A received file is seen by its uploader alone, so
# its object below is a file the refused user uploaded, while they still held an issuing role.)
OWN_UNIT_LACKING: dict[str, tuple[str, ...]] = {
    # A received directive is implemented by the recipient unit's own people.
    "campaigns:directive_implement": ("grassroots_leader", "grassroots_admin"),
    # A report is started and written by its own unit's people.
    "reports:report_start": ("grassroots_leader", "grassroots_admin"),
    "reports:report_edit": ("grassroots_leader", "grassroots_admin"),
    "reports:report_sign": ("grassroots_leader", "grassroots_admin"),
    # A received document is given a handler by the receiving unit's own issuers.
    "reports:incoming_assign": ("grassroots_leader", "grassroots_admin"),
}

# The role that brings each capability, for the control (no role brings ISSUE or CAPTURE alone).
ROLE_WITH: dict[Capability, str] = {
    Capability.MANAGE: Role.ADMIN,
    Capability.ISSUE: Role.STAFF,
    Capability.CAPTURE: Role.SECRETARY,
    Capability.APPROVE: Role.LEADER,
}


def _lacking(route: Route) -> tuple[str, ...]:
    return OWN_UNIT_LACKING.get(route.name) or LACKING[CAPABILITY_NEEDED[route.name]]


CASES = [
    pytest.param(route, who, id=f"{route}-{who}")
    for route in WRITING
    if route.name in CAPABILITY_NEEDED
    for who in _lacking(route)
]


# ---------------------------------------------------------------------------- users and objects


def _grassroots_user(w: SimpleNamespace, role: str) -> User:
    """A user of grassroots_a itself, in a role without capture or issue."""

    def build() -> User:
        user = UserFactory(username=f"grassroots_{role}")
        MembershipFactory(user=user, unit=w.tree.grassroots_a, role=role)
        return user

    return once(w, f"grassroots_{role}", build)


EXTRA_USERS: dict[str, Callable[[SimpleNamespace], User]] = {
    "grassroots_leader": lambda w: _grassroots_user(w, Role.LEADER),
    "grassroots_admin": lambda w: _grassroots_user(w, Role.ADMIN),
}


def _user(w: SimpleNamespace, who: str) -> User:
    return EXTRA_USERS[who](w) if who in EXTRA_USERS else getattr(w.users, who)


def _reached(w: SimpleNamespace) -> int:
    """grassroots_a, once the bloc's directive reached it: its work can be logged."""
    bloc_issued(w)
    return w.tree.grassroots_a.pk


def _session(w: SimpleNamespace) -> int:
    return report_services.session_create(
        actor=w.users.secretary,
        campaign=bloc_issued(w).campaign,
        unit=w.tree.grassroots_a,
        held_on=datetime.date(2024, 5, 2),
        form=StudySession.Form.REGULAR,
        members_present=25,
    ).pk


def _propaganda(w: SimpleNamespace) -> int:
    return report_services.propaganda_create(
        actor=w.users.secretary,
        campaign=bloc_issued(w).campaign,
        unit=w.tree.grassroots_a,
        published_on=datetime.date(2024, 5, 2),
        kind=PropagandaItem.Kind.NEWS,
        channel=PropagandaItem.Channel.WEBSITE,
        title="Tin của Đảng bộ Sở Tài chính",
    ).pk


def _obligation(w: SimpleNamespace) -> Obligation:
    return Obligation.objects.get(
        directive=bloc_issued(w), recipient__unit=w.tree.grassroots_a, kind=Obligation.Kind.REPORT
    )


def _report(w: SimpleNamespace) -> ProgressReport:
    return report_services.report_start(actor=w.users.secretary, obligation=_obligation(w))


def _submitted_report(w: SimpleNamespace) -> int:
    report = _report(w)
    report_services.report_update(actor=w.users.secretary, report=report, assessment="Đã làm.")
    report_services.report_submit(actor=w.users.secretary, report=report)
    return report.pk


def _material(w: SimpleNamespace) -> int:
    return campaign_services.material_add(
        actor=w.users.staff,
        campaign=bloc_campaign(w),
        title="Tài liệu của Khối",
        kind=StudyMaterial.Kind.BULLETIN,
        file=SimpleUploadedFile("ban-tin.pdf", b"%PDF-1.4 ban tin", content_type="application/pdf"),
    ).pk


def _reorganisation_file(w: SimpleNamespace) -> int:
    """A file of the bloc's administrator for grassroots_a, previewed without a bad row: ready
    to apply (applying runs after the commit, which these tests never reach)."""
    return ReorganisationBatch.objects.create(
        created_by=w.users.admin,
        scope=w.tree.grassroots_a,
        file_name="sap-xep.xlsx",
        content=b"x",
        status=ReorganisationBatch.Status.PREVIEWED,
    ).pk


# Per writing URL: an object inside the bloc's subtree, given the user who will post to it.
INSIDE_OBJECTS: dict[str, Callable[[SimpleNamespace, User], int]] = {
    "units:unit_edit": lambda w, _: w.tree.cell_a2.pk,
    "units:unit_add_child": lambda w, _: w.tree.cell_a2.pk,
    "units:unit_rename": lambda w, _: w.tree.cell_a2.pk,
    "units:unit_move": lambda w, _: w.tree.cell_a2.pk,
    "units:unit_merge": lambda w, _: w.tree.cell_a2.pk,
    "units:unit_split": lambda w, _: w.tree.cell_a2.pk,
    "units:unit_close": lambda w, _: w.tree.cell_a2.pk,
    "units:reorganise_batch_upload": lambda w, _: w.tree.cell_a2.pk,
    "units:reorganise_batch_apply": lambda w, _: _reorganisation_file(w),
    "units:membership_add": lambda w, _: w.tree.cell_a2.pk,
    "units:membership_end": lambda w, _: Membership.objects.get(user=w.users.cell_secretary).pk,
    "campaigns:campaign_edit": lambda w, _: bloc_campaign(w).pk,
    "campaigns:material_add": lambda w, _: bloc_campaign(w).pk,
    "campaigns:material_delete": lambda w, _: _material(w),
    "campaigns:directive_edit": lambda w, _: bloc_draft(w).pk,
    "campaigns:directive_recipients": lambda w, _: bloc_draft(w).pk,
    "campaigns:directive_milestones": lambda w, _: bloc_draft(w).pk,
    "campaigns:directive_issue": lambda w, _: bloc_draft(w).pk,
    "campaigns:directive_delete": lambda w, _: bloc_draft(w).pk,
    "campaigns:directive_replace": lambda w, _: bloc_issued(w).pk,
    "campaigns:directive_sign": lambda w, _: bloc_issued(w).pk,
    "campaigns:directive_upload_signed": lambda w, _: bloc_issued(w).pk,
    "campaigns:directive_implement": lambda w, _: (
        DirectiveRecipient.objects.get(directive=bloc_issued(w), unit=w.tree.grassroots_a).pk
    ),
    "campaigns:import_review": lambda _, user: received_file(user, "huong-dan.txt").pk,
    "campaigns:import_discard": lambda _, user: received_file(user, "huong-dan.txt").pk,
    "reports:session_create": lambda w, _: _reached(w),
    "reports:session_edit": lambda w, _: _session(w),
    "reports:session_delete": lambda w, _: _session(w),
    "reports:propaganda_create": lambda w, _: _reached(w),
    "reports:propaganda_edit": lambda w, _: _propaganda(w),
    "reports:propaganda_delete": lambda w, _: _propaganda(w),
    "reports:report_start": lambda w, _: _obligation(w).pk,
    "reports:report_edit": lambda w, _: _report(w).pk,
    "reports:report_review": lambda w, _: _submitted_report(w),
    "reports:report_sign": lambda w, _: _submitted_report(w),
    "reports:incoming_assign": lambda w, _: (
        DirectiveRecipient.objects.get(directive=bloc_issued(w), unit=w.tree.grassroots_a).pk
    ),
}

# Fields of the shared submission that name a unit of the other bloc: here, one of the bloc's.
INSIDE_FIELDS: dict[str, Callable[[SimpleNamespace], dict[str, str]]] = {
    "units:unit_move": lambda tree: {"target_code": tree.grassroots_b.code},
    # The cell merged into its sibling.
    "units:unit_merge": lambda tree: {"codes": tree.cell_a1.code, "into_code": tree.cell_a1.code},
    "campaigns:directive_recipients": lambda tree: {"codes": tree.cell_a1.code},
    "campaigns:import_review": lambda tree: {"units": str(tree.bloc.pk)},
    # A handler of grassroots_a's own office: its secretary.
    "reports:incoming_assign": lambda tree: {
        "handler": str(User.objects.get(username="secretary").pk)
    },
}


def _url(route: Route, world: SimpleNamespace, user: User) -> str:
    build = INSIDE_OBJECTS.get(route.name)
    if build is None:
        pytest.fail(
            f"URL {route} ({route.route}) writes: add to INSIDE_OBJECTS how to get an object "
            "inside the bloc's subtree for it, so its capability is tested."
        )
    return reverse(route.name, kwargs={"pk": build(world, user)})


def _data(route: Route, world: SimpleNamespace) -> dict[str, str]:
    inside = INSIDE_FIELDS.get(route.name)
    return post_data(route, world) | (inside(world.tree) if inside else {})


@pytest.fixture
def world(tree, users, settings, test_pkcs12) -> SimpleNamespace:
    """The named tree and users; a signing key configured (a PKCS#12 file: no token needed), so
    that the signing pages do sign."""
    settings.PORTAL_SIGNING = portal_signing(test_pkcs12.key_settings(), test_pkcs12.ca.root_pem)
    return SimpleNamespace(tree=tree, users=users, built={})


# ---------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("route", WRITING, ids=str)
def test_every_writing_url_states_the_capability_it_needs(route):
    if route.name not in CAPABILITY_NEEDED and route.name not in NOT_BY_CAPABILITY:
        pytest.fail(
            f"URL {route} ({route.route}) writes: add to CAPABILITY_NEEDED which capability "
            "(capture, issue, approve, manage) it asks of its user, or to "
            "NOT_BY_CAPABILITY why no role opens it, so that seeing without it is tested."
        )
    if route.name in CAPABILITY_NEEDED:
        assert route.name in INSIDE_OBJECTS, f"add to INSIDE_OBJECTS an object for {route}"


def test_capability_tables_name_only_writing_urls():
    writing = {r.name for r in WRITING}
    named = set(CAPABILITY_NEEDED) | set(NOT_BY_CAPABILITY) | set(INSIDE_OBJECTS)
    assert named - writing == set()
    assert set(OWN_UNIT_LACKING) | set(INSIDE_FIELDS) <= set(CAPABILITY_NEEDED)


@pytest.mark.parametrize(("route", "who"), CASES)
def test_a_user_who_sees_the_object_without_the_capability_gets_404_and_nothing_changes(
    route, who, world, client_for
):
    """The same 404 as for an object outside the subtree: the gate asks for the capability, not
    only for sight. The control below shows that the capability is all the user lacks."""
    user = _user(world, who)
    url = _url(route, world, user)
    client = client_for(user)
    before = snapshot()

    assert client.get(url).status_code == (405 if route.name in POST_ONLY else 404)
    assert client.post(url, _data(route, world)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("route", "who"), CASES)
def test_the_same_post_writes_once_the_user_holds_the_capability(route, who, world, client_for):
    """The control: the same user, object and data, with a role that brings the capability at
    the unit where the user already sees it; a page that lost its gate would write as well."""
    user = _user(world, who)
    url = _url(route, world, user)
    unit = Membership.objects.get(user=user).unit
    MembershipFactory(user=user, unit=unit, role=ROLE_WITH[CAPABILITY_NEEDED[route.name]])
    before = snapshot()

    response = client_for(user).post(url, _data(route, world))

    assert response.status_code == 302
    assert snapshot() != before
