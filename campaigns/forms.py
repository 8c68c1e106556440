"""Forms for campaigns, materials and directives: validation and crispy layout, no writes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat

from campaigns.documents.extract import MAX_BYTES
from campaigns.documents.headlines import (
    MAX_ISSUING_LINES,
    MAX_SUPERIOR_LINES,
    header_problem,
    normalise_header,
)
from campaigns.documents.profiles import get_profile
from campaigns.documents.text import canonical_symbol, read_symbol
from campaigns.models import Campaign, Directive, DirectiveKind, Milestone, StudyMaterial
from campaigns.selectors import Level, committee_of, is_deputy_authority, recipient_candidates
from campaigns.services import CAMPAIGN_FIELDS, DRAFT_EDIT_FIELDS, MilestoneData
from units.access import issuer_units_for
from units.forms import DateInput
from units.models import Unit, User
from units.positions import Rank
from units.selectors import Leader

from .access import campaigns_visible_to

# The datalist offering choices for each signature field of the draft form (directive_form.html).
SIGNER_DATALISTS = {
    "signing_authority": "authority-choices",
    "signer_position": "position-choices",
    "signer_name": "signer-choices",
}
HEADER_HELP = (
    "Xuống dòng (Enter) ở chỗ muốn ngắt dòng khi in; để liền một dòng thì Cổng tự ngắt cho cân "
    "đối. Tối đa 2 dòng."
)
MATERIAL_MAX_BYTES = 20 * 1024 * 1024
MATERIAL_EXTENSIONS = {".pdf", ".docx", ".doc", ".epub", ".jpg", ".jpeg", ".png", ".txt"}


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A model choice field of the form, typed as one, to narrow its queryset."""
    return cast(forms.ModelChoiceField, form.fields[name])


class _Crispy:
    submit_label = "Lưu"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class CampaignForm(_Crispy, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["owner", *CAMPAIGN_FIELDS]  # campaign_update takes all but the owner
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "owner").queryset = issuer_units_for(user)
        if self.instance.pk:
            del self.fields["owner"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Ngày kết thúc không được trước ngày bắt đầu.")
        return cleaned


class MaterialForm(_Crispy, forms.ModelForm):
    submit_label = "Thêm tài liệu"

    # A link typed without a scheme is read as https (Django 6's default, chosen now).
    url = forms.URLField(label="Đường dẫn", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = StudyMaterial
        fields = ["title", "kind", "url", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        if Path(upload.name).suffix.lower() not in MATERIAL_EXTENSIONS:
            allowed = ", ".join(sorted(MATERIAL_EXTENSIONS))
            raise forms.ValidationError(
                f"Loại tệp này không được nhận. Chỉ nhận: {allowed}.", code="bad_type"
            )
        if upload.size > MATERIAL_MAX_BYTES:
            raise forms.ValidationError(
                f"Tệp quá lớn ({filesizeformat(upload.size)}); tối đa "
                f"{filesizeformat(MATERIAL_MAX_BYTES)}.",
                code="too_large",
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("file") and not self.errors:
            raise forms.ValidationError(
                "Nhập đường dẫn hoặc chọn tệp cho tài liệu.", code="material_empty"
            )
        return cleaned


class DirectiveCreateForm(_Crispy, forms.Form):
    """The three choices that fix a draft's header: campaign, type and issuing body."""

    submit_label = "Tạo dự thảo"

    campaign = forms.ModelChoiceField(label="Đợt sinh hoạt", queryset=Campaign.objects.none())
    kind = forms.ModelChoiceField(label="Loại văn bản", queryset=DirectiveKind.objects.all())
    issuer = forms.ModelChoiceField(label="Cơ quan ban hành", queryset=Unit.objects.none())
    deputy_signs = forms.BooleanField(
        label="Người ký",
        required=False,
        initial=False,
        widget=forms.RadioSelect(
            choices=[
                (False, "Người đứng đầu ký"),
                (True, "Cấp phó ký thay (K/T)"),
            ]
        ),
        help_text="Họ tên người ký được gợi ý theo phân công của cơ quan ban hành; sửa được.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "campaign").queryset = campaigns_visible_to(user).order_by("-start_date")
        _choices(self, "issuer").queryset = issuer_units_for(user)
        self.fields["kind"].initial = DirectiveKind.objects.filter(code="HD").first()


class DirectiveForm(forms.ModelForm):
    """The draft's text, laid out by the template beside the live preview."""

    class Meta:
        model = Directive
        fields = list(DRAFT_EDIT_FIELDS)  # what directive_update takes, in the order shown
        widgets = {
            "superior_body": forms.Textarea(attrs={"rows": 2}),
            "issuing_body": forms.Textarea(attrs={"rows": 2}),
            "issue_date": DateInput(),
            "subject": forms.Textarea(attrs={"rows": 3}),
            "basis": forms.Textarea(attrs={"rows": 4}),
            "body": forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
            "audience": forms.Textarea(attrs={"rows": 2}),
            "recipient_lines": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"issue_date": "Ngày ban hành (dự kiến)"}
        # Only the subject is needed to save a draft; the issue page lists what else is missing.
        help_texts = {
            "superior_body": HEADER_HELP,
            "issuing_body": "In đậm dưới tên cơ quan cấp trên. " + HEADER_HELP,
            "issue_date": "Để trống: lấy ngày ban hành thực tế.",
        }

    def __init__(self, *args, leaders: Sequence[Leader] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].required = True
        # The issuer's head and deputies are offered (datalists in the page); any name may be
        # typed, for a signer who has no account in the portal.
        self.leaders = list(leaders)
        for name, datalist in SIGNER_DATALISTS.items():
            self.fields[name].widget.attrs["list"] = datalist

    def clean_superior_body(self) -> str:
        return self._header("superior_body", MAX_SUPERIOR_LINES)

    def clean_issuing_body(self) -> str:
        return self._header("issuing_body", MAX_ISSUING_LINES)

    def _header(self, name: str, max_lines: int) -> str:
        """The name with the author's line breaks; refused when it cannot print on the lines
        real documents use. The preview still shows it as typed, so the author sees why."""
        value = normalise_header(self.cleaned_data.get(name) or "")
        setattr(self.instance, name, value)
        profile = get_profile(self.instance.format_profile)
        style = profile.superior_body if name == "superior_body" else profile.issuing_body
        if problem := header_problem(value, style, profile, max_lines):
            raise forms.ValidationError(problem, code="header_too_long")
        return value

    def clean(self):
        cleaned = super().clean()
        authority = cleaned.get("signing_authority") or ""
        if is_deputy_authority(authority):
            # K/T: a deputy signs for the head. The head's name (proposed before K/T was chosen)
            # or none gives way to the first deputy the portal knows; another name stays.
            heads = {leader.name for leader in self.leaders if leader.rank == Rank.HEAD}
            deputy = next((x for x in self.leaders if x.rank == Rank.DEPUTY), None)
            name = (cleaned.get("signer_name") or "").strip()
            if deputy is not None and (not name or name in heads):
                cleaned["signer_name"] = deputy.name
                cleaned["signer_position"] = deputy.title.title
        return cleaned


class MilestoneForm(forms.Form):
    # An empty first choice, so that a blank extra row posts nothing and is left out.
    kind = forms.ChoiceField(label="Loại mốc", choices=[("", "—"), *Milestone.Kind.choices])
    title = forms.CharField(label="Nội dung", max_length=255, required=False)
    due_date = forms.DateField(label="Hạn (ngày)", required=False, widget=DateInput())
    due_month = forms.CharField(
        label="Hạn (tháng)",
        required=False,
        help_text="Dạng 4/2024, khi văn bản chỉ ghi tháng.",
        widget=forms.TextInput(attrs={"placeholder": "4/2024"}),
    )
    applies_to = forms.ChoiceField(
        label="Áp dụng cho", choices=Milestone.Applies.choices, initial=Milestone.Applies.ALL
    )

    def clean_due_month(self) -> datetime.date | None:
        text = self.cleaned_data["due_month"].strip()
        if not text:
            return None
        match = re.fullmatch(r"(?:tháng\s*)?(\d{1,2})\s*[/.-]\s*(\d{4})", text, re.IGNORECASE)
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError("Ghi tháng dạng 4/2024.", code="bad_month")
        return datetime.date(int(match[2]), int(match[1]), 1)

    def clean(self):
        cleaned = super().clean()
        if self.errors or not self.has_changed():
            return cleaned
        has_date, has_month = bool(cleaned.get("due_date")), bool(cleaned.get("due_month"))
        if has_date == has_month:
            raise forms.ValidationError(
                "Ghi hạn theo ngày hoặc theo tháng, một trong hai.", code="date_or_month"
            )
        return cleaned


class BaseMilestoneFormSet(forms.BaseFormSet):
    """Milestone rows edited as one list."""

    def milestones(self) -> list[MilestoneData]:
        """The rows of the valid formset: every row with a kind, changed or not (blank extra
        rows post no kind), except those ticked for deletion."""
        return [
            MilestoneData(
                kind=f.cleaned_data["kind"],
                title=f.cleaned_data["title"],
                due_date=f.cleaned_data["due_date"],
                due_month=f.cleaned_data["due_month"],
                applies_to=f.cleaned_data["applies_to"],
            )
            for f in self.forms
            if f.cleaned_data.get("kind") and not f.cleaned_data.get("DELETE")
        ]


# formset_factory is typed as returning a plain BaseFormSet; these are BaseMilestoneFormSets.
MilestoneFormSet = cast(
    type[BaseMilestoneFormSet],
    forms.formset_factory(MilestoneForm, formset=BaseMilestoneFormSet, extra=2, can_delete=True),
)


class RecipientsForm(forms.Form):
    """Add recipients: a whole level, direct subordinate units by tick, deeper ones by code."""

    level = forms.ChoiceField(
        label="Gửi cả cấp",
        choices=[("", "—"), *Level.CHOICES],
        required=False,
    )
    units = forms.ModelMultipleChoiceField(
        label="Đơn vị trực thuộc",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    codes = forms.CharField(
        label="Thêm theo mã đơn vị",
        required=False,
        help_text="Mã đơn vị, cách nhau bằng dấu phẩy hoặc xuống dòng (ví dụ DUK-01-02).",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, issuer: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = recipient_candidates(issuer)
        depth = committee_of(issuer).depth + 1
        _choices(self, "units").queryset = self.candidates.filter(depth=depth).order_by("path")

    def clean_codes(self) -> list[Unit]:
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data["codes"]) if c]
        if not codes:
            return []
        found = {u.code: u for u in self.candidates.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                "Không có đơn vị nhận nào mang mã: %(codes)s.",
                code="unknown_codes",
                params={"codes": ", ".join(missing)},
            )
        return list(found.values())

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (
            cleaned.get("level") or cleaned.get("units") or cleaned.get("codes")
        ):
            raise forms.ValidationError(
                "Chọn một cấp, đánh dấu đơn vị hoặc nhập mã đơn vị.", code="nothing_chosen"
            )
        return cleaned


class IssueForm(forms.Form):
    confirm = forms.BooleanField(
        label="Tôi đã kiểm tra văn bản; cấp số và ban hành. Sau khi ban hành không sửa được nữa.",
        required=True,
    )


# ---------------------------------------------------------------------------- received files


class DirectiveUploadForm(forms.Form):
    """A directive file to upload; too big or empty is refused before anything is read."""

    file = forms.FileField(
        label="Tệp văn bản",
        help_text=(
            "Tệp .docx, .txt, .md hoặc .pdf có lớp chữ (không nhận bản chụp), "
            f"đến {MAX_BYTES // (1024 * 1024)} MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.txt,.md,.pdf"}),
        error_messages={"empty": "Tệp rỗng: không có nội dung nào để đọc."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                "Tệp quá lớn (%(size)s): chỉ nhận tệp đến %(limit)s.",
                code="too_big",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)},
            )
        return upload


class ImportReviewForm(forms.Form):
    """The fields read from a received directive, for its reader to correct and confirm."""

    campaign = forms.ModelChoiceField(
        label="Đợt sinh hoạt",
        queryset=Campaign.objects.none(),
        required=False,
        empty_label="— Tạo đợt sinh hoạt mới từ văn bản này —",
    )
    campaign_title = forms.CharField(
        label="Tên đợt sinh hoạt mới",
        max_length=255,
        required=False,
        help_text="Khi tạo đợt mới: tên ngắn để nhận ra đợt sinh hoạt.",
    )
    kind = forms.ModelChoiceField(label="Loại văn bản", queryset=DirectiveKind.objects.all())
    symbol = forms.CharField(
        label="Số, ký hiệu",
        max_length=80,
        required=False,
        help_text="Để trống khi văn bản không ghi số, ký hiệu: văn bản vẫn được vào sổ.",
    )
    issue_date = forms.DateField(label="Ngày ban hành", widget=DateInput())
    place = forms.CharField(label="Địa danh", max_length=80, required=False)
    # As printed on the received copy, its line breaks kept.
    superior_body = forms.CharField(
        label="Tên cơ quan cấp trên",
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    issuing_body = forms.CharField(
        label="Tên cơ quan ban hành", max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )
    issuer = forms.ModelChoiceField(
        label="Cơ quan ban hành trên Cổng",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="Cơ quan ngoài Cổng",
    )
    issuer_name = forms.CharField(
        label="Tên đầy đủ của cơ quan ban hành",
        max_length=255,
        help_text="Dùng trong dòng “Thực hiện … của …” của văn bản thực hiện.",
    )
    subject = forms.CharField(label="Trích yếu", widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(
        label="Căn cứ", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 8}))
    recipient_lines = forms.CharField(
        label="Nơi nhận (như in trên văn bản)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    signing_authority = forms.CharField(
        label="Thẩm quyền ký",
        max_length=120,
        required=False,
        help_text="T/M BAN THƯỜNG VỤ, K/T TRƯỞNG BAN…; để trống khi người đứng đầu ký.",
    )
    signer_position = forms.CharField(label="Chức vụ người ký", max_length=120, required=False)
    signer_name = forms.CharField(label="Họ tên người ký", max_length=120, required=False)
    units = forms.ModelMultipleChoiceField(
        label="Đơn vị nhận trên Cổng",
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Các đơn vị của bạn nhận văn bản này; mỗi đơn vị sẽ thấy việc phải làm.",
        error_messages={"required": "Chọn ít nhất một đơn vị nhận văn bản này."},
    )
    requires_implementing = forms.BooleanField(
        label="Đơn vị nhận phải ban hành văn bản thực hiện", required=False
    )
    requires_sessions = forms.BooleanField(
        label="Đơn vị nhận phải tổ chức sinh hoạt", required=False
    )

    def __init__(
        self, *args, user: User, unit_choices: QuerySet[Unit], issuer: Unit | None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        campaigns = campaigns_visible_to(user).order_by("-start_date", "-pk")
        _choices(self, "campaign").queryset = campaigns
        _choices(self, "units").queryset = unit_choices
        if issuer is not None:
            _choices(self, "issuer").queryset = Unit.objects.filter(pk=issuer.pk)
        else:
            del self.fields["issuer"]

    def clean_superior_body(self) -> str:
        return normalise_header(self.cleaned_data.get("superior_body") or "")

    def clean_issuing_body(self) -> str:
        return normalise_header(self.cleaned_data.get("issuing_body") or "")

    def clean_symbol(self) -> str:
        if not (self.cleaned_data.get("symbol") or "").strip():
            return ""  # a document that bears no number at all, registered as it is
        symbol = canonical_symbol(self.cleaned_data["symbol"])
        if symbol is None:
            raise forms.ValidationError(
                "Số, ký hiệu phải viết dạng 32-HD/BTGĐUK hoặc 45/KH-UBND (số, loại văn bản, cơ "
                "quan ban hành); số để trống khi bản sao không ghi số.",
                code="bad_symbol",
            )
        return symbol

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("campaign") and not (cleaned.get("campaign_title") or "").strip():
            self.add_error(
                "campaign_title",
                forms.ValidationError(
                    "Chọn một đợt sinh hoạt hoặc đặt tên cho đợt mới.", code="no_campaign"
                ),
            )
        kind, parts = cleaned.get("kind"), read_symbol(cleaned.get("symbol") or "")
        if kind and parts and parts.code and parts.code.upper() != kind.code.upper():
            self.add_error(
                "symbol",
                forms.ValidationError(
                    "Ký hiệu ghi loại “%(code)s” nhưng loại văn bản đã chọn là %(kind)s.",
                    code="kind_mismatch",
                    params={"code": parts.code, "kind": kind},
                ),
            )
        return cleaned


ImportMilestoneFormSet = cast(
    type[BaseMilestoneFormSet],
    forms.formset_factory(MilestoneForm, formset=BaseMilestoneFormSet, extra=1, can_delete=True),
)
