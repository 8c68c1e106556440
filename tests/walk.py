"""What the permission walks share: every URL, a valid submission per app, a row snapshot."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.documents.extract import extract_directive_text, normalise_text
from campaigns.models import (
    Campaign,
    Directive,
    DirectiveImport,
    DirectiveRecipient,
    Milestone,
    Obligation,
    StudyMaterial,
)
from campaigns.signing import sign_pdf
from reports.models import Notification, ProgressReport, PropagandaItem, StudySession
from tests.campaigns.reference_document import REFERENCE
from tests.factories import kind
from tests.plugins.directives import directive_kind, make_draft
from units.models import (
    Membership,
    ReorganisationBatch,
    Role,
    Unit,
    UnitImport,
    UnitNameRecord,
    User,
)
from units.services.reorganise_file import template_csv

# ---------------------------------------------------------------------------- every URL


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "units:unit_detail"; "" for an unnamed pattern
    route: str
    kwargs: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or self.route


SKIPPED_NAMESPACES = {"admin"}  # Django's admin checks is_staff itself
SKIPPED_PREFIXES = ("static/", "media/")


def _walk(patterns, namespace: str = "", route: str = "", kwargs=()) -> Iterator[Route]:
    for entry in patterns:
        here = route + str(entry.pattern)
        names = tuple(entry.pattern.regex.groupindex)
        if here.lstrip("^").startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, here, kwargs + names)
        elif isinstance(entry, URLPattern):
            yield Route(f"{namespace}{entry.name}" if entry.name else "", here, kwargs + names)


ROUTES = list(_walk(get_resolver().url_patterns))
WITH_OBJECT = [r for r in ROUTES if r.kwargs]


# ---------------------------------------------------------------------------- objects


def once(w: SimpleNamespace, key: str, build: Callable[[], object]):
    """Build an object once per test: several URLs and specs share it."""
    if key not in w.built:
        w.built[key] = build()
    return w.built[key]


def received_file(user: User, name: str) -> DirectiveImport:
    """The reference directive uploaded as a file by `user`, read and waiting for review."""
    text = normalise_text(REFERENCE.read_text(encoding="utf-8"))
    return DirectiveImport.objects.create(
        created_by=user,
        file=ContentFile(REFERENCE.read_bytes(), name=name),
        original_name=name,
        text=text,
        data=extract_directive_text(text),
    )


def imported_reference(
    user: User,
    units: list[Unit],
    campaign: Campaign | None = None,
    issuer_name: str = "Ban Tuyên giáo Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ",
) -> Directive:
    """The reference directive received as a file by `units` and confirmed by `user`, as from
    an issuer outside the portal: only its recipients make it visible."""
    job = received_file(user, "huong-dan-32.txt")
    data = job.data
    return campaign_services.import_confirm(
        actor=user,
        job=job,
        campaign=campaign,
        kind=directive_kind(data["kind"]),
        issuer=None,
        symbol=data["symbol"],
        issue_date=datetime.date.fromisoformat(data["date"]),
        units=units,
        milestones=[],
        issuer_name=issuer_name,
        superior_body=data["superior_body"],
        issuing_body=data["issuing_body"],
        subject=data["subject"],
        body=data["body"],
        signer_position=data["signer_position"],
        signer_name=data["signer_name"],
    )


# ---------------------------------------------------------------------------- submissions


# Pages that show an object and change nothing, whatever is posted to them.
READ_ONLY = {
    "units:unit_detail",
    "units:unit_export",
    "units:import_detail",
    "units:reorganisation_list",
    "units:reorganise_batch_detail",
    "campaigns:campaign_detail",
    "campaigns:material_file",
    "campaigns:directive_detail",
    "campaigns:directive_preview",
    "campaigns:directive_pdf",
    "campaigns:directive_docx",
    "campaigns:directive_history",
    "campaigns:directive_pdf_unsigned",
    "campaigns:directive_source",
    "reports:unit_work",
    "reports:attachment_file",
    "reports:report_detail",
    "reports:dashboard",
    "reports:report_pdf",
    "reports:report_pdf_unsigned",
    "reports:dashboard_xlsx",
    "reports:outgoing_register",
    "reports:outgoing_register_xlsx",
    "reports:outgoing_register_pdf",
    "reports:incoming_register",
    "reports:incoming_register_xlsx",
    "reports:incoming_register_pdf",
}

# Actions that take only POST: every user, the owner too, gets 405 for GET, which tells nothing.
POST_ONLY = {
    "units:reorganise_batch_apply",
    "campaigns:material_delete",
    "campaigns:directive_preview",
    "campaigns:directive_delete",
    "campaigns:directive_replace",
    "campaigns:directive_implement",
    "campaigns:import_discard",
    "reports:session_delete",
    "reports:propaganda_delete",
    "reports:report_start",
    "reports:report_review",
    "reports:notification_read",
}


def post_data(route: Route, world: SimpleNamespace) -> dict[str, str]:
    """A valid submission for every form of the URL's app, so a missing gatekeeper would really
    write. Apps use the same field names for different things (`kind`), hence one set per app."""
    if route.name == "campaigns:directive_upload_signed":
        return _campaign_post_data(route, world.tree) | {"file": signed_upload(world)}
    if route.name.startswith("campaigns:"):
        return _campaign_post_data(route, world.tree)
    if route.name == "reports:incoming_assign":
        # AssignForm: the other bloc's grassroots secretary, who is of the receiving unit.
        return {
            "handler": str(world.users.outsider.pk),
            "handling_due": "",
            "note": "Giao do người ngoài",
        }
    if route.name.startswith("reports:"):
        return _report_post_data()
    if route.name == "units:reorganise_batch_upload":
        # The downloadable template, uploaded as it is: stored, its preview queued for after
        # the commit (which the walks' transactions never reach).
        return {"file": SimpleUploadedFile("mau-sap-xep-don-vi.csv", template_csv())}
    if route.name in REORGANISE_POSTS:
        return _unit_post_data(world.tree) | REORGANISE_POSTS[route.name](world.tree)
    return _unit_post_data(world.tree)


def signed_upload(world: SimpleNamespace) -> SimpleUploadedFile:
    """The walk's issued directive (the other bloc's, or else the bloc's) as issued, signed on
    someone's own machine with the key PORTAL_SIGNING names (the walks configure one):
    what "Tải lên bản đã ký" accepts."""

    def build() -> bytes:
        directive = world.built.get("outside_issued") or world.built["issued"]
        with directive.issued_pdf.open("rb") as pdf:
            issued = pdf.read()
        return sign_pdf(
            issued, box=None, name="Người Ký", position="Trưởng ban", signed_on=timezone.localdate()
        )

    return SimpleUploadedFile("da-ky.pdf", once(world, "signed_upload", build))


def _report_post_data() -> dict[str, str]:
    return {
        # SessionForm
        "held_on": "2024-05-03",
        "form": StudySession.Form.THEMATIC,
        "topic": "Chủ đề do người ngoài đặt",
        "presenter": "",
        "members_present": "5",
        "officials_present": "0",
        "youth_present": "0",
        "others_present": "0",
        "reflections": "3",
        "minutes": "",
        # PropagandaForm
        "published_on": "2024-05-04",
        "kind": PropagandaItem.Kind.NEWS,
        "channel": PropagandaItem.Channel.WEBSITE,
        "title": "Tin do người ngoài viết",
        "url": "https://example.vn/tin",
        "reach": "",
        # ReportForm
        "assessment": "Đánh giá do người ngoài viết.",
        "strengths": "",
        "limits": "",
        "proposals": "",
        # ReviewForm
        "decision": "accept",
        "comment": "",
        # SignForm
        "confirm": "on",
    }


def _unit_post_data(tree) -> dict[str, str]:
    today = timezone.localdate().isoformat()
    return {
        "code": "XAM-NHAP",
        "name": "Tên do người ngoài đặt",
        "short_name": "",
        "symbol_code": "",
        "kind": str(kind("chi-bo").pk),
        "place_name": "Hà Nội",
        "member_count": "999",
        "official_count": "0",
        "youth_count": "0",
        "other_count": "0",
        "is_active": "on",
        "effective_date": today,
        "target_code": tree.other_bloc.code,
        "username": "xam_nhap",
        "full_name": "Người Xâm Nhập",
        "email": "xam@example.vn",
        "password": "Mat-khau-rat-dai-2024",
        "role": Role.ADMIN,
        "position": "",
        "start_date": "",
        "end_date": today,
    }


# A merger, split or closure of the URL's unit, confirmed in one post (step=apply, nobody's role
# carried over): the other bloc's cell into its committee, split in two, or dissolved.
# tests/test_capabilities.py names a cell of the bloc instead (INSIDE_FIELDS).
REORGANISE_POSTS: dict[str, Callable[[SimpleNamespace], dict[str, str]]] = {
    "units:unit_merge": lambda tree: {
        "codes": tree.other_grassroots.code,
        "mode": "into",
        "into_code": tree.other_grassroots.code,
        "decision_number": "99-QĐ/XAMNHAP",
        "step": "apply",
    },
    "units:unit_split": lambda tree: {
        "parts-TOTAL_FORMS": "2",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "4",
        **{
            f"parts-{i}-{field}": value
            for i in range(2)
            for field, value in (
                ("code", f"XAM-NHAP-{i}"),
                ("name", f"Tổ do người ngoài lập {i}"),
                ("kind", str(kind("chi-bo").pk)),
                ("member_count", ""),
            )
        },
        "takes_over": "0",
        "decision_number": "99-QĐ/XAMNHAP",
        "step": "apply",
    },
    "units:unit_close": lambda tree: {
        "takes_over_code": "",
        "decision_number": "99-QĐ/XAMNHAP",
        "step": "apply",
    },
}


def _campaign_post_data(route: Route, tree) -> dict[str, str]:
    data = {
        # CampaignForm (and MaterialForm's title)
        "title": "Tên do người ngoài đặt",
        "subject": "Trích yếu do người ngoài viết",
        "summary": "Người ngoài đã sửa.",
        "start_date": "2024-01-01",
        "end_date": "2025-12-31",
        # DirectiveForm
        "kind": str(directive_kind("CV").pk),
        "superior_body": "Cơ quan do người ngoài đặt",
        "issuing_body": "Ban do người ngoài đặt",
        "symbol_code": "XAMNHAP",
        "place": "Hà Nội",
        "issue_date": "2024-04-01",
        "basis": "",
        "body": "I- NỘI DUNG DO NGƯỜI NGOÀI VIẾT",
        "audience": "",
        "recipient_lines": "",
        "signing_authority": "",
        "signer_position": "Người ngoài",
        "signer_name": "Người Xâm Nhập",
        "requires_implementing": "on",
        # RecipientsForm: a unit of the directive's own issuer that is not yet a recipient
        "codes": tree.other_cell.code,
        # MilestoneFormSet
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "1000",
        "m-0-kind": Milestone.Kind.BRIEFING,
        "m-0-title": "Hội nghị do người ngoài đặt",
        "m-0-due_date": "2024-05-05",
        "m-0-due_month": "",
        "m-0-applies_to": Milestone.Applies.ALL,
        # IssueForm
        "confirm": "on",
        # MaterialForm
        "url": "https://example.vn/xam-nhap",
    }
    if route.name == "campaigns:material_add":
        data["kind"] = StudyMaterial.Kind.OTHER
    if route.name == "campaigns:import_review":
        # ImportReviewForm: the file confirmed as an official letter (CV) of an issuer outside
        # the portal, received by the other bloc's committee (its staff's own unit).
        data["symbol"] = "15-CV/XAMNHAP"
        data["issuer_name"] = "Cơ quan do người ngoài đặt"
        data["units"] = str(tree.other_bloc.pk)
        data["campaign_title"] = "Đợt do người ngoài đặt"
    return data


def snapshot() -> dict[str, list]:
    return {
        "units": list(
            Unit.objects.order_by("pk").values_list(
                "pk", "code", "name", "short_name", "symbol_code", "path", "depth", "numchild",
                "kind_id", "member_count", "is_active", "name_since",
            )
        ),
        "names": list(UnitNameRecord.objects.order_by("pk").values_list("pk", "unit_id", "name")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "pk", "user_id", "unit_id", "role", "start_date", "end_date"
            )
        ),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "is_active")),
        "imports": list(UnitImport.objects.order_by("pk").values_list("pk", "status")),
        "reorganisation_files": list(
            ReorganisationBatch.objects.order_by("pk").values_list(
                "pk", "scope_id", "status", "applied_by_id"
            )
        ),
        "received_files": list(
            DirectiveImport.objects.order_by("pk").values_list("pk", "created_by_id", "file")
        ),
        "campaigns": list(
            Campaign.objects.order_by("pk").values_list(
                "pk", "owner_id", "title", "subject", "summary", "start_date", "end_date"
            )
        ),
        "directives": list(
            Directive.objects.order_by("pk").values_list(
                "pk", "status", "number", "symbol", "kind_id", "subject", "body", "symbol_code",
                "issue_date", "signer_name", "issued_pdf", "signed_pdf", "updated_at",
            )
        ),
        "recipients": list(
            DirectiveRecipient.objects.order_by("pk").values_list(
                "pk", "directive_id", "unit_id", "unit_name", "handler_id", "handling_due",
                "register_note",
            )
        ),
        "milestones": list(
            Milestone.objects.order_by("pk").values_list(
                "pk", "directive_id", "kind", "title", "due_date", "due_month"
            )
        ),
        "obligations": list(
            Obligation.objects.order_by("pk").values_list("pk", "recipient_id", "fulfilled_at")
        ),
        "materials": list(
            StudyMaterial.objects.order_by("pk").values_list(
                "pk", "campaign_id", "title", "url", "file"
            )
        ),
        "sessions": list(
            StudySession.objects.order_by("pk").values_list(
                "pk", "unit_id", "held_on", "form", "members_present", "reflections", "updated_at"
            )
        ),
        "propaganda": list(PropagandaItem.objects.order_by("pk").values_list("pk", "title")),
        "notifications": list(
            Notification.objects.order_by("pk").values_list("pk", "user_id", "read_at")
        ),
        "reports": list(
            ProgressReport.objects.order_by("pk").values_list(
                "pk", "status", "assessment", "signed_pdf", "updated_at"
            )
        ),
    }  # fmt: skip


# ---------------------------------------------------------------------------- the bloc's objects


def bloc_campaign(w: SimpleNamespace) -> Campaign:
    return once(
        w,
        "campaign",
        lambda: campaign_services.campaign_create(
            actor=w.users.staff,
            owner=w.tree.bloc,
            title="Tác phẩm “Cây tre Việt Nam”",
            subject="Đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”.",
            start_date=datetime.date(2024, 3, 1),
            end_date=datetime.date(2024, 12, 31),
        ),
    )


def bloc_draft(w: SimpleNamespace, key: str = "draft") -> Directive:
    """The bloc Propaganda Department's draft, to both grassroots organisations."""

    def build() -> Directive:
        draft = make_draft(bloc_campaign(w), w.tree.bloc_btg, w.users.staff)
        campaign_services.recipients_add(
            actor=w.users.staff, directive=draft, units=[w.tree.grassroots_a, w.tree.grassroots_b]
        )
        return draft

    return once(w, key, build)


def bloc_issued(w: SimpleNamespace) -> Directive:
    return once(
        w,
        "issued",
        lambda: campaign_services.directive_issue(
            actor=w.users.staff, directive=bloc_draft(w, key="to_issue")
        ),
    )
