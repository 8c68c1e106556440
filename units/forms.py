"""Forms for units, memberships and imports: validation and crispy layout, no writes."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from .access import Capability, units_visible_to
from .models import Role, Unit, User
from .services import UNIT_EDITABLE_FIELDS


def errors_to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal on the form it came from: each error beside its field when the
    form has that field, above the form otherwise, so the user's input is re-rendered intact."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages[0])
    else:
        for message in exc.messages:
            form.add_error(None, message)


class _CrispyMixin:
    """A crispy helper with one submit button labelled `submit_label`."""

    submit_label = "Lưu"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class _CrispyForm(_CrispyMixin, forms.Form):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UnitForm(_CrispyMixin, forms.ModelForm):
    """Kind, place and headcounts: names change only through a rename, which keeps history."""

    class Meta:
        model = Unit
        fields = list(UNIT_EDITABLE_FIELDS)  # what unit_update accepts, in the order shown


class UnitCreateForm(_CrispyMixin, forms.ModelForm):
    submit_label = "Thêm đơn vị"

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "symbol_code",
            "place_name",
            "member_count",
            "official_count",
            "youth_count",
            "other_count",
        ]


class UnitRenameForm(_CrispyForm):
    submit_label = "Đổi tên"
    name = forms.CharField(label="Tên mới", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt mới", max_length=120, required=False)
    symbol_code = forms.CharField(
        label="Ký hiệu trên văn bản mới",
        max_length=40,
        required=False,
        help_text="Ví dụ: Ban Tuyên giáo đổi thành Ban Tuyên giáo và Dân vận thì BTGTU thành BTGDVTU.",
    )
    effective_date = forms.DateField(label="Dùng tên mới từ ngày", widget=DateInput())

    def __init__(self, *args, unit: Unit, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": unit.name,
                "short_name": unit.short_name,
                "symbol_code": unit.symbol_code,
                "effective_date": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)


class UnitMoveForm(_CrispyForm):
    submit_label = "Chuyển đơn vị"
    target_code = forms.CharField(
        label="Mã đơn vị cấp trên mới",
        max_length=40,
        help_text="Đơn vị và toàn bộ đơn vị cấp dưới sẽ chuyển sang trực thuộc đơn vị này.",
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_target_code(self) -> Unit:
        code = self.cleaned_data["target_code"].strip()
        target = units_visible_to(self.user, Capability.MANAGE).filter(code=code).first()
        if target is None:
            raise forms.ValidationError(
                "Không có đơn vị mã “%(code)s” trong phạm vi bạn quản lý.",
                code="unknown_target",
                params={"code": code},
            )
        return target


class MembershipForm(_CrispyForm):
    """Give a role to an existing user, or create the user on the way."""

    submit_label = "Phân công"
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        help_text="Nếu chưa có người dùng này, hệ thống tạo mới với họ tên, thư điện tử và mật khẩu dưới đây.",
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    password = forms.CharField(
        label="Mật khẩu ban đầu", required=False, widget=forms.PasswordInput(render_value=True)
    )
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    position = forms.CharField(label="Chức vụ", max_length=120, required=False)
    start_date = forms.DateField(label="Từ ngày", required=False, widget=DateInput())
    end_date = forms.DateField(label="Đến ngày", required=False, widget=DateInput())

    def __init__(self, *args, actor: User, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        username = data.get("username", "").strip()
        data["user"] = User.objects.filter(username=username).first() if username else None
        if data["user"] is not None and data["user"].pk == self.actor.pk:
            self.add_error("username", "Bạn không thể tự phân công vai trò cho chính mình.")
        elif data["user"] is not None and data.get("password"):
            # A typo must not hand the role to someone else's existing account.
            self.add_error(
                "username",
                "Tên đăng nhập này đã có người dùng. Để phân công người đó, hãy để trống mật khẩu; "
                "để tạo người dùng mới, hãy chọn tên đăng nhập khác.",
            )
        if username and data["user"] is None:
            if not data.get("full_name"):
                self.add_error("full_name", "Người dùng mới cần có họ và tên.")
            if not data.get("password"):
                self.add_error("password", "Người dùng mới cần có mật khẩu ban đầu.")
            else:
                try:
                    validate_password(
                        data["password"],
                        User(username=username, full_name=data.get("full_name", "")),
                    )
                except forms.ValidationError as exc:
                    self.add_error("password", exc)
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Ngày kết thúc không được trước ngày bắt đầu.")
        return data


class MembershipEndForm(_CrispyForm):
    submit_label = "Kết thúc phân công"
    end_date = forms.DateField(
        label="Ngày kết thúc",
        help_text="Người dùng còn quyền đến hết ngày này.",
        widget=DateInput(),
    )


class UnitImportForm(_CrispyForm):
    submit_label = "Tải lên và nhập"
    file = forms.FileField(
        label="Tệp danh sách đơn vị (.xlsx hoặc .csv)",
        help_text="Mỗi dòng một đơn vị, kèm mã đơn vị cấp trên. Tệp có lỗi sẽ không được nhập dòng nào.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.", code="bad_type")
        if upload.size > settings.UNIT_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                "Tệp lớn hơn giới hạn %(limit)s.",
                code="too_large",
                params={"limit": filesizeformat(settings.UNIT_IMPORT_MAX_BYTES)},
            )
        if upload.size == 0:
            raise forms.ValidationError("Tệp rỗng.", code="empty")
        return upload
