"""Forms for sessions, propaganda items, progress reports and their review, and the choice of
notification e-mails; no writes."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from campaigns.models import Campaign, StudyMaterial
from reports.models import EmailChannel, ProgressReport, PropagandaItem, StudySession
from reports.notifications import NOTIFYING_KINDS
from reports.services import PROPAGANDA_FIELDS, REPORT_PROSE, SESSION_FIELDS, check_attachment
from units.forms import DateInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each checked for type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]
        for upload in cleaned:
            try:
                check_attachment(upload)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages[0], code=exc.code) from exc
        return cleaned


class SessionForm(forms.ModelForm):
    # The form metaclass moves declared fields into base_fields, so this does not shadow
    # BaseForm.files at runtime; django-stubs types the class attribute as that MultiValueDict.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Tệp đính kèm",
        required=False,
        help_text="Biên bản, ảnh: PDF, JPG, PNG hoặc .docx, mỗi tệp tối đa 10 MB.",
    )

    class Meta:
        model = StudySession
        fields = list(SESSION_FIELDS)
        fields.insert(fields.index("minutes"), "materials")  # the page lists them before minutes
        widgets = {
            "held_on": DateInput(),
            "materials": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, campaign: Campaign, member_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_count = member_count
        materials = cast(forms.ModelMultipleChoiceField, self.fields["materials"])
        materials.queryset = StudyMaterial.objects.filter(campaign=campaign)
        present = self.fields["members_present"]
        present.widget.attrs["max"] = member_count
        present.help_text = f"Đơn vị có {member_count} đảng viên: không ghi quá số này."

    def clean_members_present(self) -> int:
        present = self.cleaned_data["members_present"]
        if present > self.member_count:
            raise forms.ValidationError(
                f"Số đảng viên tham dự ({present}) không được lớn hơn số đảng viên của đơn vị "
                f"({self.member_count}).",
                code="too_many_present",
            )
        return present


class PropagandaForm(forms.ModelForm):
    url = forms.URLField(label="Đường dẫn", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = PropagandaItem
        fields = list(PROPAGANDA_FIELDS)
        widgets = {"published_on": DateInput()}


class ReportForm(forms.ModelForm):
    """The report's prose; for a report to an issuer outside the portal, also how it is sent."""

    channel = forms.ChoiceField(
        label="Hình thức gửi",
        choices=[("", "— Chọn —"), *ProgressReport.Channel.choices],
        required=False,
        help_text="Báo cáo gửi cơ quan ngoài Cổng được đánh số, in và ghi nhận đã gửi.",
    )

    class Meta:
        model = ProgressReport
        fields = list(REPORT_PROSE)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}

    def __init__(self, *args, outside: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not outside:
            del self.fields["channel"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Tiếp nhận"), ("return", "Trả lại để sửa")],
        widget=forms.RadioSelect,
        label="Ý kiến",
    )
    comment = forms.CharField(
        label="Lý do trả lại",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bắt buộc khi trả lại: đơn vị sẽ thấy ý kiến này.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Trả lại báo cáo phải ghi lý do, để đơn vị biết cần sửa gì.")
        return cleaned


class NotificationSettingsForm(forms.Form):
    """One choice of e-mail per kind of event that notifies, the user's current one selected."""

    def __init__(self, *args, channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NOTIFYING_KINDS:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=EmailChannel.choices,
                initial=channels[kind.value],
                widget=forms.RadioSelect,
            )
