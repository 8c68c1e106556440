"""Who may reach which page: every URL of the project, anonymous, outside scope, and inside it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import (
    Campaign,
    Directive,
    DirectiveRecipient,
    Obligation,
    StudyMaterial,
)
from reports import services as report_services
from reports import signing as report_signing
from reports.models import Notification, ProgressReport, PropagandaItem, StudySession
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.directives import make_draft
from tests.plugins.signing import portal_signing
from tests.walk import (
    POST_ONLY,
    READ_ONLY,
    ROUTES,
    WITH_OBJECT,
    Route,
    bloc_campaign,
    bloc_draft,
    bloc_issued,
    imported_reference,
    once,
    post_data,
    received_file,
    snapshot,
)
from units import services as unit_services
from units.models import Membership, ReorganisationBatch, Role, Unit, UnitImport, User

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


# ---------------------------------------------------------------------------- every URL


PUBLIC = {"login", "healthz", "favicon"}


def _outside_unit(w: SimpleNamespace) -> int:
    return w.tree.other_cell.pk


def _outside_membership(w: SimpleNamespace) -> int:
    return Membership.objects.get(user=w.users.outsider, unit=w.tree.other_grassroots).pk


def _outside_import(w: SimpleNamespace) -> int:
    return UnitImport.objects.create(
        created_by=w.users.outside_admin, file_name="doanh-nghiep.xlsx", content=b"x"
    ).pk


def _reorganisation_file(user: User, scope: Unit) -> ReorganisationBatch:
    """A reorganisation file `user` uploaded for `scope`, previewed without a bad row: its page
    offers to apply it (applying runs after the commit, which these tests never reach)."""
    return ReorganisationBatch.objects.create(
        created_by=user,
        scope=scope,
        file_name="sap-xep.xlsx",
        content=b"x",
        status=ReorganisationBatch.Status.PREVIEWED,
    )


def _outside_reorganisation_file(w: SimpleNamespace) -> int:
    return _reorganisation_file(w.users.outside_admin, w.tree.other_bloc).pk


def _outside_staff(w: SimpleNamespace) -> User:
    """Propaganda staff of the other bloc: the user who writes its directives."""

    def build() -> User:
        user = UserFactory(username="outside_staff", full_name="Trần Thị Khối Hai")
        MembershipFactory(user=user, unit=w.tree.other_bloc, role=Role.STAFF)
        return user

    return once(w, "outside_staff", build)


def _outside_campaign_object(w: SimpleNamespace) -> Campaign:
    return once(
        w,
        "outside_campaign",
        lambda: campaign_services.campaign_create(
            actor=_outside_staff(w),
            owner=w.tree.other_bloc,
            title="Đợt sinh hoạt của Khối Doanh nghiệp",
            subject="Học tập chuyên đề năm 2024 trong các doanh nghiệp.",
            start_date=datetime.date(2024, 3, 1),
            end_date=datetime.date(2024, 12, 31),
        ),
    )


def _outside_draft_object(w: SimpleNamespace, key: str = "outside_draft") -> Directive:
    """A complete draft of the other bloc to its grassroots committee: issuing would work."""

    def build() -> Directive:
        draft = make_draft(
            _outside_campaign_object(w),
            w.tree.other_bloc,
            _outside_staff(w),
            symbol_code="ĐUKDN",
            superior_body="Đảng bộ Thành phố Cần Thơ",
            issuing_body="Đảng ủy Khối Doanh nghiệp",
        )
        campaign_services.recipients_add(
            actor=_outside_staff(w), directive=draft, units=[w.tree.other_grassroots]
        )
        return draft

    return once(w, key, build)


def _outside_issued_object(w: SimpleNamespace) -> Directive:
    return once(
        w,
        "outside_issued",
        lambda: campaign_services.directive_issue(
            actor=_outside_staff(w), directive=_outside_draft_object(w, key="outside_to_issue")
        ),
    )


def _outside_received_file(w: SimpleNamespace) -> int:
    return once(
        w, "outside_received_file", lambda: received_file(_outside_staff(w), "huong-dan.txt")
    ).pk


def _outside_imported(w: SimpleNamespace) -> int:
    """A directive the other bloc received as a file, with the file kept."""
    return once(
        w,
        "outside_imported",
        lambda: imported_reference(
            _outside_staff(w), [w.tree.other_grassroots], campaign=_outside_campaign_object(w)
        ),
    ).pk


def _outside_campaign(w: SimpleNamespace) -> int:
    return _outside_campaign_object(w).pk


def _outside_draft(w: SimpleNamespace) -> int:
    return _outside_draft_object(w).pk


def _outside_issued(w: SimpleNamespace) -> int:
    return _outside_issued_object(w).pk


def _outside_recipient(w: SimpleNamespace) -> int:
    return DirectiveRecipient.objects.get(
        directive=_outside_issued_object(w), unit=w.tree.other_grassroots
    ).pk


def _outside_material(w: SimpleNamespace) -> int:
    return campaign_services.material_add(
        actor=_outside_staff(w),
        campaign=_outside_campaign_object(w),
        title="Tài liệu của Khối Doanh nghiệp",
        kind=StudyMaterial.Kind.BULLETIN,
        file=SimpleUploadedFile(
            "ban-tin.pdf", b"%PDF-1.4 ban tin noi bo", content_type="application/pdf"
        ),
    ).pk


def _outside_grassroots(w: SimpleNamespace) -> int:
    """The other bloc's grassroots committee, once a directive of the campaign reached it."""
    _outside_issued_object(w)
    return w.tree.other_grassroots.pk


def _outside_session_object(w: SimpleNamespace) -> StudySession:
    return once(
        w,
        "outside_session",
        lambda: report_services.session_create(
            actor=w.users.outsider,
            campaign=_outside_campaign_object(w),
            unit=w.tree.other_cell,
            held_on=datetime.date(2024, 5, 2),
            form=StudySession.Form.REGULAR,
            members_present=25,
            files=[SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban")],
        ),
    )


def _outside_session(w: SimpleNamespace) -> int:
    return _outside_session_object(w).pk


def _outside_propaganda(w: SimpleNamespace) -> int:
    return once(
        w,
        "outside_propaganda",
        lambda: report_services.propaganda_create(
            actor=w.users.outsider,
            campaign=_outside_campaign_object(w),
            unit=w.tree.other_cell,
            published_on=datetime.date(2024, 5, 2),
            kind=PropagandaItem.Kind.NEWS,
            channel=PropagandaItem.Channel.WEBSITE,
            title="Tin của chi bộ khối bên",
        ),
    ).pk


def _outside_attachment(w: SimpleNamespace) -> int:
    return _outside_session_object(w).attachments.get().pk


def _outside_obligation(w: SimpleNamespace) -> int:
    return Obligation.objects.get(
        directive=_outside_issued_object(w),
        recipient__unit=w.tree.other_grassroots,
        kind=Obligation.Kind.REPORT,
    ).pk


def _outside_report_object(w: SimpleNamespace) -> ProgressReport:
    return once(
        w,
        "outside_report",
        lambda: report_services.report_start(
            actor=w.users.outsider, obligation=Obligation.objects.get(pk=_outside_obligation(w))
        ),
    )


def _outside_report(w: SimpleNamespace) -> int:
    return _outside_report_object(w).pk


def _outside_submitted_report(w: SimpleNamespace) -> int:
    report = _outside_report_object(w)
    if report.status == ProgressReport.Status.DRAFT:
        report_services.report_update(actor=w.users.outsider, report=report, assessment="Đã làm.")
        report_services.report_submit(actor=w.users.outsider, report=report)
    return report.pk


def _outside_signed_report(w: SimpleNamespace) -> int:
    report = ProgressReport.objects.get(pk=_outside_submitted_report(w))
    if not report.is_signed:
        report_signing.report_sign(actor=w.users.outsider, report=report)
    return report.pk


def _outside_notification(w: SimpleNamespace) -> int:
    return Notification.objects.create(
        user=w.users.outsider, title="Nhắc việc của Khối Doanh nghiệp", url="/"
    ).pk


# Per URL name, per kwarg: an object of the other bloc's subtree. `pk` means a different model in
# different URLs, so every URL that takes an argument is listed here; a new one that is not
# makes test_every_url_argument_has_an_outside_object fail and says what to add.
OUTSIDE_OBJECTS: dict[str, dict[str, Callable[[SimpleNamespace], int]]] = {
    "units:unit_detail": {"pk": _outside_unit},
    "units:unit_edit": {"pk": _outside_unit},
    "units:unit_add_child": {"pk": _outside_unit},
    "units:unit_rename": {"pk": _outside_unit},
    "units:unit_move": {"pk": _outside_unit},
    "units:unit_merge": {"pk": _outside_unit},
    "units:unit_split": {"pk": _outside_unit},
    "units:unit_close": {"pk": _outside_unit},
    "units:reorganisation_list": {"pk": _outside_unit},
    "units:unit_export": {"pk": _outside_unit},
    "units:membership_add": {"pk": _outside_unit},
    "units:membership_end": {"pk": _outside_membership},
    "units:import_detail": {"pk": _outside_import},
    "units:reorganise_batch_upload": {"pk": _outside_unit},
    "units:reorganise_batch_detail": {"pk": _outside_reorganisation_file},
    "units:reorganise_batch_apply": {"pk": _outside_reorganisation_file},
    "campaigns:campaign_detail": {"pk": _outside_campaign},
    "campaigns:campaign_edit": {"pk": _outside_campaign},
    "campaigns:material_add": {"pk": _outside_campaign},
    "campaigns:material_file": {"pk": _outside_material},
    "campaigns:material_delete": {"pk": _outside_material},
    "campaigns:directive_detail": {"pk": _outside_issued},
    "campaigns:directive_edit": {"pk": _outside_draft},
    "campaigns:directive_preview": {"pk": _outside_draft},
    "campaigns:directive_recipients": {"pk": _outside_draft},
    "campaigns:directive_milestones": {"pk": _outside_draft},
    "campaigns:directive_issue": {"pk": _outside_draft},
    "campaigns:directive_delete": {"pk": _outside_draft},
    "campaigns:directive_replace": {"pk": _outside_issued},
    "campaigns:directive_pdf": {"pk": _outside_issued},
    "campaigns:directive_docx": {"pk": _outside_issued},
    "campaigns:directive_history": {"pk": _outside_issued},
    "campaigns:directive_sign": {"pk": _outside_issued},
    "campaigns:directive_upload_signed": {"pk": _outside_issued},
    "campaigns:directive_pdf_unsigned": {"pk": _outside_issued},
    "campaigns:directive_implement": {"pk": _outside_recipient},
    "campaigns:directive_source": {"pk": _outside_imported},
    "campaigns:import_review": {"pk": _outside_received_file},
    "campaigns:import_discard": {"pk": _outside_received_file},
    "reports:unit_work": {"pk": _outside_grassroots},
    "reports:session_create": {"pk": _outside_grassroots},
    "reports:propaganda_create": {"pk": _outside_grassroots},
    "reports:session_edit": {"pk": _outside_session},
    "reports:session_delete": {"pk": _outside_session},
    "reports:propaganda_edit": {"pk": _outside_propaganda},
    "reports:propaganda_delete": {"pk": _outside_propaganda},
    "reports:attachment_file": {"pk": _outside_attachment},
    "reports:report_start": {"pk": _outside_obligation},
    "reports:report_detail": {"pk": _outside_report},
    "reports:report_edit": {"pk": _outside_report},
    "reports:report_review": {"pk": _outside_submitted_report},
    "reports:dashboard": {"pk": _outside_grassroots},
    "reports:notification_read": {"pk": _outside_notification},
    "reports:report_pdf": {"pk": _outside_report},
    "reports:report_sign": {"pk": _outside_submitted_report},
    "reports:report_pdf_unsigned": {"pk": _outside_signed_report},
    "reports:dashboard_xlsx": {"pk": _outside_grassroots},
    "reports:outgoing_register": {"pk": _outside_grassroots},
    "reports:outgoing_register_xlsx": {"pk": _outside_grassroots},
    "reports:outgoing_register_pdf": {"pk": _outside_grassroots},
    "reports:incoming_register": {"pk": _outside_grassroots},
    "reports:incoming_register_xlsx": {"pk": _outside_grassroots},
    "reports:incoming_register_pdf": {"pk": _outside_grassroots},
    "reports:incoming_assign": {"pk": _outside_recipient},
}

# The user of the other bloc who may use a URL, for the control below: per URL name, else per
# app. Units are maintained by administrators; directives are written by staff (administrators
# may not issue); a received directive is answered by the secretary of the unit it was sent to.
OUTSIDE_OWNERS: dict[str, Callable[[SimpleNamespace], User]] = {
    "units": lambda w: w.users.outside_admin,
    "campaigns": _outside_staff,
    "campaigns:directive_implement": lambda w: w.users.outsider,
    # Sessions and reports are the secretary's; reviewing is for the issuer's staff.
    "reports": lambda w: w.users.outsider,
    "reports:report_review": _outside_staff,
}


def _outside_owner(route: Route, world: SimpleNamespace) -> User:
    namespace = route.name.partition(":")[0]
    owner = OUTSIDE_OWNERS.get(route.name) or OUTSIDE_OWNERS.get(namespace)
    if owner is None:
        pytest.fail(
            f"URL {route} is in namespace {namespace!r}: add to OUTSIDE_OWNERS which user of the "
            "other bloc may use its pages, so the 404s for everyone else are controlled."
        )
    return owner(world)


def _outside_kwargs(route: Route, world: SimpleNamespace) -> dict[str, int]:
    getters = OUTSIDE_OBJECTS.get(route.name, {})
    missing = [k for k in route.kwargs if k not in getters]
    if missing:
        pytest.fail(
            f"URL {route} ({route.route}) takes {missing}: add to OUTSIDE_OBJECTS how to get "
            "an object of the other bloc's subtree for it, so its permissions are tested."
        )
    return {k: getters[k](world) for k in route.kwargs}


def _url(route: Route, world: SimpleNamespace) -> str:
    return reverse(route.name, kwargs=_outside_kwargs(route, world))


@pytest.fixture
def world(tree, users, settings, test_pkcs12) -> SimpleNamespace:
    """The named tree and users; a signing key configured (a PKCS#12 file: no token needed), so
    that the signing pages do sign."""
    settings.PORTAL_SIGNING = portal_signing(test_pkcs12.key_settings(), test_pkcs12.ca.root_pem)
    return SimpleNamespace(tree=tree, users=users, built={})


def test_the_url_walk_finds_the_unit_pages_and_skips_the_admin():
    names = {r.name for r in ROUTES}
    assert {"home", "healthz", "login", "units:unit_detail", "units:membership_end"} <= names
    assert not any(r.route.startswith("admin/") for r in ROUTES)


def test_every_url_has_a_name():
    assert [r.route for r in ROUTES if not r.name] == []


@pytest.mark.parametrize("route", WITH_OBJECT, ids=str)
def test_every_url_argument_has_an_outside_object(route, world):
    kwargs = _outside_kwargs(route, world)
    assert set(kwargs) == set(route.kwargs)


def test_outside_objects_table_names_only_existing_urls():
    assert (set(OUTSIDE_OBJECTS) | READ_ONLY | POST_ONLY) - {r.name for r in ROUTES} == set()


@pytest.mark.parametrize("route", WITH_OBJECT, ids=str)
def test_outside_objects_are_real_pages_for_their_own_users(route, world, client_for):
    """The control for the 404s below: the same URL works for the other bloc's own user (its
    administrator for units, its staff for directives). A POST-only action is posted to and
    must do its work: show its answer, or redirect after the change."""
    client = client_for(_outside_owner(route, world))
    url = _url(route, world)

    response = client.get(url)
    if route.name in POST_ONLY:
        assert response.status_code == 405
        assert client.post(url, post_data(route, world)).status_code in {200, 302}
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("route", [r for r in WITH_OBJECT if r.name not in READ_ONLY], ids=str)
def test_the_submission_changes_an_outside_object_for_its_own_user(route, world, client_for):
    """The control for "unchanged" below: posted by the object's own user, the same data does
    write, so a page that lost its gatekeeper would write too."""
    client = client_for(_outside_owner(route, world))
    url = _url(route, world)
    before = snapshot()

    response = client.post(url, post_data(route, world))

    assert response.status_code == 302
    assert snapshot() != before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in PUBLIC], ids=str)
def test_anonymous_visitor_is_sent_to_the_login_page(route, method, world):
    url = _url(route, world) if route.kwargs else reverse(route.name)
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == reverse("login")
    assert parse_qs(target.query)["next"] == [url]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in PUBLIC], ids=str)
def test_public_pages_answer_without_login(route):
    assert Client().get(reverse(route.name)).status_code == 200


@pytest.mark.parametrize("who", ["secretary", "staff", "leader", "admin"])
@pytest.mark.parametrize("route", WITH_OBJECT, ids=str)
def test_objects_outside_the_users_subtree_are_not_found_and_unchanged(
    route, who, world, client_for
):
    url = _url(route, world)
    client = client_for(getattr(world.users, who))
    before = snapshot()

    assert client.get(url).status_code == (405 if route.name in POST_ONLY else 404)
    assert client.post(url, post_data(route, world)).status_code == 404
    assert snapshot() == before


# ---------------------------------------------------------------------------- inside the tree


def _object(spec: str | None, world: SimpleNamespace) -> dict[str, int]:
    """`"unit:grassroots_a"`, `"membership:secretary"`, `"import:admin"`, `"campaign:bloc"`
    (the bloc's campaign), `"campaign:issued"` (the same, once a directive of it is issued to
    both grassroots organisations), `"directive:draft"`, `"directive:issued"`,
    `"directive:imported"` (received as a file by grassroots_a), `"received_file:secretary"`
    (a file the secretary uploaded, waiting for review), `"recipient:grassroots_a"` (that
    unit's line of the issued directive), `"reorganisation_file:admin"` (a reorganisation file
    the administrator uploaded for their unit, previewed) → the URL's kwargs."""
    if spec is None:
        return {}
    what, name = spec.split(":")
    if what == "unit":
        return {"pk": getattr(world.tree, name).pk}
    if spec == "campaign:bloc":
        return {"pk": bloc_campaign(world).pk}
    if spec == "campaign:issued":
        return {"pk": bloc_issued(world).campaign_id}
    if spec == "directive:draft":
        return {"pk": bloc_draft(world).pk}
    if spec == "directive:issued":
        return {"pk": bloc_issued(world).pk}
    if spec == "directive:imported":
        return {"pk": imported_reference(world.users.secretary, [world.tree.grassroots_a]).pk}
    if what == "recipient":
        issued = bloc_issued(world)
        return {"pk": issued.recipients.get(unit=getattr(world.tree, name)).pk}
    user = getattr(world.users, name)
    if what == "membership":
        return {"pk": Membership.objects.get(user=user).pk}
    if what == "received_file":
        return {"pk": received_file(user, "huong-dan.txt").pk}
    if what == "import":
        return {
            "pk": UnitImport.objects.create(created_by=user, file_name="a.csv", content=b"x").pk
        }
    if what == "reorganisation_file":
        return {"pk": _reorganisation_file(user, Membership.objects.get(user=user).unit).pk}
    raise AssertionError(spec)


MANAGE_PAGES = [
    "units:unit_edit",
    "units:unit_rename",
    "units:unit_move",
    "units:unit_add_child",
    "units:membership_add",
    "units:unit_merge",
    "units:unit_split",
    "units:unit_close",
    "units:reorganise_batch_upload",
]

EDITING_PAGES = [
    "campaigns:directive_edit",
    "campaigns:directive_recipients",
    "campaigns:directive_milestones",
    "campaigns:directive_issue",
]
READING_PAGES = [
    "campaigns:directive_detail",
    "campaigns:directive_pdf",
    "campaigns:directive_docx",
    "campaigns:directive_history",
]
CAMPAIGN_EDITING_PAGES = ["campaigns:campaign_edit", "campaigns:material_add"]
SIGNING_PAGES = ["campaigns:directive_sign", "campaigns:directive_upload_signed"]
REGISTER_PAGES = [
    "reports:outgoing_register",
    "reports:outgoing_register_xlsx",
    "reports:incoming_register",
    "reports:incoming_register_xlsx",
]

ACCESS_TABLE = [
    # Sessions and reports: a unit's work is seen over the subtree, logged by its own people
    # (and, for cells without a portal user, by their committee's secretary).
    ("secretary", "reports:unit_work", "unit:grassroots_a", 200),
    ("secretary", "reports:session_create", "unit:cell_a1", 404),  # no campaign reached it yet
    ("cell_secretary", "reports:unit_work", "unit:grassroots_a", 404),
    ("cell_secretary", "reports:unit_work", "unit:cell_a1", 200),
    ("leader", "reports:unit_work", "unit:grassroots_a", 200),
    ("leader", "reports:session_create", "unit:grassroots_a", 404),  # leaders do not log
    ("leader", "reports:dashboard", "unit:bloc", 200),
    ("secretary", "reports:dashboard", "unit:grassroots_a", 200),
    ("secretary", "reports:dashboard", "unit:bloc", 404),
    ("cell_secretary", "reports:dashboard", "unit:grassroots_a", 404),
    # The bloc's administrator maintains every unit below the bloc; other roles only see them.
    *[("admin", page, "unit:grassroots_a", 200) for page in MANAGE_PAGES],
    *[("admin", page, "unit:bloc", 200) for page in MANAGE_PAGES],
    *[
        (who, page, "unit:grassroots_a", 404)
        for who in ("staff", "leader", "secretary", "cell_secretary")
        for page in MANAGE_PAGES
    ],
    *[
        (who, "units:unit_detail", "unit:grassroots_a", 200)
        for who in ("admin", "staff", "leader", "secretary")
    ],
    ("secretary", "units:unit_detail", "unit:cell_a1", 200),
    ("secretary", "units:unit_detail", "unit:bloc", 404),
    ("secretary", "units:unit_detail", "unit:grassroots_b", 404),
    ("cell_secretary", "units:unit_detail", "unit:cell_a1", 200),
    ("cell_secretary", "units:unit_detail", "unit:cell_a2", 404),
    ("cell_secretary", "units:unit_detail", "unit:grassroots_a", 404),
    ("leader", "units:unit_detail", "unit:bloc", 200),
    ("admin", "units:unit_detail", "unit:city", 404),
    ("admin", "units:unit_detail", "unit:city_btg", 404),
    ("outsider", "units:unit_detail", "unit:other_cell", 200),
    ("outsider", "units:unit_detail", "unit:bloc", 404),
    ("nobody", "units:unit_detail", "unit:bloc", 404),
    ("superuser", "units:unit_detail", "unit:other_cell", 200),
    ("superuser", "units:unit_edit", "unit:city", 200),
    ("leader", "units:unit_export", "unit:bloc", 200),
    # The reorganisations of a subtree are read by whoever sees it.
    *[
        (who, "units:reorganisation_list", "unit:grassroots_a", 200)
        for who in ("admin", "staff", "leader", "secretary")
    ],
    ("secretary", "units:reorganisation_list", "unit:bloc", 404),
    ("cell_secretary", "units:reorganisation_list", "unit:grassroots_a", 404),
    ("secretary", "units:unit_export", "unit:grassroots_a", 200),
    ("cell_secretary", "units:unit_export", "unit:grassroots_a", 404),
    ("admin", "units:membership_end", "membership:secretary", 200),
    ("admin", "units:membership_end", "membership:cell_secretary", 200),
    *[
        (who, "units:membership_end", "membership:cell_secretary", 404)
        for who in ("staff", "leader", "secretary", "cell_secretary")
    ],
    ("admin", "units:import_form", None, 200),
    *[(who, "units:import_form", None, 404) for who in ("staff", "leader", "secretary")],
    ("admin", "units:import_detail", "import:admin", 200),
    ("superuser", "units:import_detail", "import:admin", 200),
    ("staff", "units:import_detail", "import:admin", 404),
    # A reorganisation file: the template for whoever manages a unit; a file uploaded for a unit
    # is seen (and applied) by whoever manages that unit.
    ("admin", "units:reorganise_batch_template", None, 200),
    *[
        (who, "units:reorganise_batch_template", None, 404)
        for who in ("staff", "leader", "secretary")
    ],
    *[
        (who, "units:reorganise_batch_detail", "reorganisation_file:admin", 200)
        for who in ("admin", "superuser")
    ],
    *[
        (who, "units:reorganise_batch_detail", "reorganisation_file:admin", 404)
        for who in ("staff", "leader", "secretary", "outside_admin")
    ],
    *[(who, "units:unit_list", None, 200) for who in ("admin", "leader", "nobody")],
    *[(who, "home", None, 200) for who in ("admin", "staff", "leader", "secretary", "nobody")],
    # Campaigns and directives: staff write and issue for their committee; leaders and
    # administrators read the subtree; a unit a directive is issued to reads that directive and
    # its campaign; an editing page refuses an issued directive with a redirect and a message.
    *[
        ("staff", page, None, 200)
        for page in (
            "campaigns:campaign_list",
            "campaigns:campaign_create",
            "campaigns:directive_list",
            "campaigns:received_list",
            "campaigns:directive_create",
        )
    ],
    *[
        (who, page, None, 404)
        for who in ("leader", "admin", "nobody")
        for page in ("campaigns:campaign_create", "campaigns:directive_create")
    ],
    ("secretary", "campaigns:directive_create", None, 200),
    *[
        (who, page, None, 200)
        for who in ("leader", "secretary", "nobody")
        for page in (
            "campaigns:campaign_list",
            "campaigns:directive_list",
            "campaigns:received_list",
        )
    ],
    *[("staff", page, "directive:draft", 200) for page in (*EDITING_PAGES, *READING_PAGES)],
    *[
        (who, page, "directive:draft", 404)
        for who in ("leader", "admin", "secretary", "cell_secretary")
        for page in EDITING_PAGES
    ],
    *[
        (who, page, "directive:issued", 200)
        for who in ("staff", "leader", "admin", "secretary", "superuser")
        for page in READING_PAGES
    ],
    *[("staff", page, "directive:issued", 302) for page in EDITING_PAGES],
    *[
        (who, page, "directive:issued", 404)
        for who in ("leader", "admin", "secretary")
        for page in EDITING_PAGES
    ],
    *[
        (who, page, "directive:issued", 404)
        for who in ("cell_secretary", "outsider", "outside_admin", "nobody")
        for page in READING_PAGES
    ],
    # A draft is sent nowhere yet: the units chosen as its recipients do not see it.
    *[("secretary", page, "directive:draft", 404) for page in READING_PAGES],
    *[(who, "campaigns:campaign_detail", "campaign:bloc", 200) for who in ("staff", "leader")],
    *[("staff", page, "campaign:bloc", 200) for page in CAMPAIGN_EDITING_PAGES],
    *[
        (who, page, "campaign:issued", 404)
        for who in ("leader", "admin", "secretary")
        for page in CAMPAIGN_EDITING_PAGES
    ],
    ("secretary", "campaigns:campaign_detail", "campaign:bloc", 404),
    ("secretary", "campaigns:campaign_detail", "campaign:issued", 200),
    ("cell_secretary", "campaigns:campaign_detail", "campaign:issued", 404),
    ("outsider", "campaigns:campaign_detail", "campaign:issued", 404),
    # Signing: an issued directive is signed (or its signed copy uploaded) by those who issue for
    # its issuer; a draft sends them back with the reason. The PDF as issued, kept beside the
    # signed one, is read by the directive's readers.
    *[("staff", page, "directive:issued", 200) for page in SIGNING_PAGES],
    *[("staff", page, "directive:draft", 302) for page in SIGNING_PAGES],
    *[
        (who, page, "directive:issued", 404)
        for who in ("leader", "admin", "secretary", "cell_secretary", "outsider", "superuser")
        for page in SIGNING_PAGES
    ],
    *[
        (who, "campaigns:directive_pdf_unsigned", "directive:issued", 200)
        for who in ("staff", "leader", "admin", "secretary", "superuser")
    ],
    *[
        (who, "campaigns:directive_pdf_unsigned", "directive:issued", 404)
        for who in ("cell_secretary", "outsider", "nobody")
    ],
    ("staff", "campaigns:directive_pdf_unsigned", "directive:draft", 404),  # no PDF as issued
    # Directives received as files: uploaded by whoever issues for a unit, reviewed only by the
    # uploader; the file kept is read by those who read the directive.
    *[
        (who, "campaigns:import_upload", None, 200)
        for who in ("staff", "secretary", "cell_secretary", "outsider")
    ],
    *[(who, "campaigns:import_upload", None, 404) for who in ("leader", "admin", "nobody")],
    ("secretary", "campaigns:import_review", "received_file:secretary", 200),
    *[
        (who, "campaigns:import_review", "received_file:secretary", 404)
        for who in ("staff", "leader", "admin", "cell_secretary", "outsider", "superuser")
    ],
    *[
        (who, "campaigns:directive_source", "directive:imported", 200)
        for who in ("secretary", "staff", "leader", "admin", "superuser")
    ],
    *[
        (who, "campaigns:directive_source", "directive:imported", 404)
        for who in ("cell_secretary", "outsider", "outside_admin", "nobody")
    ],
    ("staff", "campaigns:directive_source", "directive:issued", 404),  # written, no file
    # Registers: a unit's are read by those who see the unit (its people and those above it); a
    # received document is given a handler by those who issue for the receiving unit itself.
    *[
        (who, page, "unit:grassroots_a", 200)
        for who in ("secretary", "staff", "leader", "admin", "superuser")
        for page in REGISTER_PAGES
    ],
    *[
        (who, page, "unit:grassroots_a", 404)
        for who in ("cell_secretary", "outsider", "outside_admin", "nobody")
        for page in REGISTER_PAGES
    ],
    ("secretary", "reports:outgoing_register_pdf", "unit:grassroots_a", 200),
    ("leader", "reports:incoming_register_pdf", "unit:grassroots_a", 200),
    ("cell_secretary", "reports:incoming_register_pdf", "unit:grassroots_a", 404),
    ("secretary", "reports:incoming_assign", "recipient:grassroots_a", 200),
    *[
        (who, "reports:incoming_assign", "recipient:grassroots_a", 404)
        for who in ("staff", "leader", "admin", "cell_secretary", "outsider", "nobody")
    ],
    ("staff", "reports:incoming_assign", "recipient:grassroots_b", 404),  # below, not its own
    ("secretary", "reports:outgoing_choose", None, 302),  # one unit: straight to its register
    *[(who, "reports:incoming_choose", None, 200) for who in ("staff", "leader", "nobody")],
    # Search: anyone signed in searches, and finds only what they may open (below, and
    # tests/reports/test_search.py).
    *[
        (who, "reports:search", None, 200)
        for who in ("staff", "leader", "admin", "secretary", "outsider", "nobody", "superuser")
    ],
]


@pytest.mark.parametrize(("who", "page", "obj", "status"), ACCESS_TABLE)
def test_access_table(who, page, obj, status, world, client_for):
    url = reverse(page, kwargs=_object(obj, world))
    assert client_for(getattr(world.users, who)).get(url).status_code == status


# ---------------------------------------------------------------------------- closed units

# The pages of one unit: those whose object, for the walk above, is a unit of the other bloc.
UNIT_PAGES = [
    r
    for r in WITH_OBJECT
    if OUTSIDE_OBJECTS.get(r.name, {}).get("pk") in {_outside_unit, _outside_grassroots}
    and r.name not in POST_ONLY
]


def _merge_grassroots_a_away(world: SimpleNamespace) -> None:
    """grassroots_a merged into grassroots_b today, nobody's role carried over."""
    unit_services.unit_merge(
        actor=world.users.admin,
        predecessors=[world.tree.grassroots_a, world.tree.grassroots_b],
        day=timezone.localdate(),
        decision=unit_services.Decision(number="125-QĐ/ĐUK"),
        into=world.tree.grassroots_b,
        carry_over=[],
    )


@pytest.mark.parametrize("route", UNIT_PAGES, ids=str)
def test_a_closed_units_former_secretary_finds_none_of_its_pages(route, world, client_for):
    bloc_issued(world)  # the unit's work pages exist: a directive of the campaign reached it
    url = reverse(route.name, kwargs={"pk": world.tree.grassroots_a.pk})
    before = client_for(world.users.secretary).get(url).status_code
    _merge_grassroots_a_away(world)

    after = client_for(User.objects.get(pk=world.users.secretary.pk)).get(url).status_code

    assert after == 404
    if route.name in {"units:unit_detail", "reports:unit_work", "reports:dashboard"}:
        assert before == 200  # the control: these were the secretary's own pages


def test_a_closed_units_former_secretary_keeps_what_another_role_grants(world, client_for):
    _merge_grassroots_a_away(world)
    MembershipFactory(user=world.users.secretary, unit=world.tree.grassroots_b, role=Role.LEADER)

    client = client_for(User.objects.get(pk=world.users.secretary.pk))

    # The closed unit now sits under its successor, which the secretary leads.
    assert client.get(world.tree.grassroots_a.get_absolute_url()).status_code == 200
    assert client.get(world.tree.bloc.get_absolute_url()).status_code == 404


# ---------------------------------------------------------------------------- lists and search


def test_search_never_finds_units_outside_the_users_subtree(tree, users, client_for):
    response = client_for(users.admin).get(reverse("units:unit_list"), {"q": "Nhà máy"})

    assert response.status_code == 200
    assert tree.other_cell.name not in response.text
    assert "Không tìm thấy đơn vị nào trong phạm vi của bạn." in response.text


def test_search_by_an_outside_code_finds_nothing(tree, users, client_for):
    response = client_for(users.staff).get(reverse("units:unit_list"), {"q": tree.other_cell.code})

    assert tree.other_cell.name not in response.text


def test_document_search_never_finds_documents_outside_the_users_subtree(world, client_for):
    issued = bloc_issued(world)
    search = reverse("reports:search")

    outside = client_for(world.users.outsider).get(search, {"q": issued.symbol})
    inside = client_for(world.users.secretary).get(search, {"q": issued.symbol})

    assert outside.status_code == 200
    assert issued.get_absolute_url() not in outside.text
    assert "Không tìm thấy" in outside.text
    assert issued.get_absolute_url() in inside.text


def test_search_finds_the_same_unit_for_a_user_whose_subtree_holds_it(tree, users, client_for):
    response = client_for(users.outsider).get(reverse("units:unit_list"), {"q": "Nhà máy"})

    assert tree.other_cell.name in response.text


def test_unit_list_starts_at_the_users_own_unit(tree, users, client_for):
    response = client_for(users.leader).get(reverse("units:unit_list"))

    assert tree.bloc.name in response.text
    for outside in (tree.city, tree.other_bloc, tree.city_btg):
        assert outside.name not in response.text


def test_unit_page_breadcrumbs_leave_out_ancestors_above_the_users_scope(tree, users, client_for):
    response = client_for(users.secretary).get(tree.cell_a1.get_absolute_url())

    assert tree.grassroots_a.name in response.text
    assert tree.bloc.display_short_name not in response.text
    assert tree.city.name not in response.text


def test_leader_home_lists_only_units_of_the_own_subtree(tree, users, client_for):
    response = client_for(users.leader).get(reverse("home"))

    assert tree.grassroots_a.name in response.text
    assert tree.other_bloc.name not in response.text
    assert tree.other_cell.name not in response.text
