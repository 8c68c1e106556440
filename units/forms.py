"""Forms for units, memberships and imports: validation and crispy layout, no writes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from .access import Capability, units_visible_to
from .models import Membership, Role, Unit, UnitKind, User
from .selectors import merge_candidates
from .services import UNIT_EDITABLE_FIELDS, CarryOver, Decision, NewUnit


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
    opened_on = forms.DateField(
        label="Thành lập từ ngày",
        required=False,
        widget=DateInput(),
        help_text="Để trống: hôm nay. Tổng hợp của những ngày trước đó không tính đơn vị này.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"opened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_opened_on(self) -> datetime.date:
        day = self.cleaned_data.get("opened_on") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(
                "Ngày thành lập không được sau hôm nay: hãy thêm đơn vị vào ngày nó được thành lập.",
                code="opened_in_future",
            )
        return day

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


DECISION_FIELDS = ("decision_number", "decision_date", "decision_body")


class _DecisionForm(_CrispyForm):
    """A change ordered by a decision: its number, date and issuing body, shown last.

    Optional here (a rename or a move may be made without one: the decision is then not
    recorded); required by the forms of mergers, splits and closures.
    """

    decision_required = False
    decision_number = forms.CharField(
        label="Số quyết định",
        max_length=80,
        required=False,
        help_text="Ví dụ: 123-QĐ/TU. Để trống nếu không theo quyết định nào.",
    )
    decision_date = forms.DateField(label="Ngày quyết định", required=False, widget=DateInput())
    decision_body = forms.CharField(
        label="Cơ quan quyết định",
        max_length=255,
        required=False,
        help_text="Ví dụ: Ban Thường vụ Thành ủy Cần Thơ.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.decision_required:
            self.fields["decision_number"].required = True
            self.fields["decision_number"].help_text = "Ví dụ: 123-QĐ/TU."
        last = [*DECISION_FIELDS, *(["note"] if "note" in self.fields else [])]
        self.order_fields([*(f for f in self.fields if f not in last), *last])

    def clean(self):
        data = super().clean()
        if (data.get("decision_date") or data.get("decision_body")) and not data.get(
            "decision_number"
        ):
            self.add_error(
                "decision_number", "Ghi số quyết định, hoặc để trống cả ngày và cơ quan quyết định."
            )
        if data.get("decision_date") and data["decision_date"] > timezone.localdate():
            self.add_error("decision_date", "Ngày quyết định không được sau hôm nay.")
        return data

    def decision(self) -> Decision | None:
        """The decision as entered, or None when no number was given."""
        data = self.cleaned_data
        if not data.get("decision_number"):
            return None
        return Decision(
            number=data["decision_number"],
            date=data.get("decision_date"),
            body=data.get("decision_body", ""),
            note=data.get("note", ""),
        )


class UnitRenameForm(_DecisionForm):
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


def _managed_open_unit(user: User, code: str) -> Unit:
    """The open unit of this code that the user manages, for a picker typed as a code."""
    code = code.strip()
    unit = units_visible_to(user, Capability.MANAGE).filter(code=code).first()
    if unit is None:
        raise forms.ValidationError(
            "Không có đơn vị mã “%(code)s” trong phạm vi bạn quản lý.",
            code="unknown_target",
            params={"code": code},
        )
    if unit.closed_on is not None:
        raise forms.ValidationError(
            "%(unit)s đã không còn hoạt động từ ngày %(day)s: hãy chọn đơn vị khác.",
            code="closed_target",
            params={"unit": unit.name, "day": unit.closed_on.strftime("%d/%m/%Y")},
        )
    return unit


class UnitMoveForm(_DecisionForm):
    submit_label = "Chuyển đơn vị"
    target_code = forms.CharField(
        label="Mã đơn vị cấp trên mới",
        max_length=40,
        help_text="Đơn vị và toàn bộ đơn vị cấp dưới sẽ chuyển sang trực thuộc đơn vị này.",
    )
    effective_date = forms.DateField(
        label="Chuyển từ ngày",
        required=False,
        widget=DateInput(),
        help_text="Để trống: hôm nay. Tổng hợp của những ngày trước đó vẫn tính đơn vị ở vị trí "
        "cũ.",
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        kwargs.setdefault("initial", {"effective_date": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_target_code(self) -> Unit:
        return _managed_open_unit(self.user, self.cleaned_data["target_code"])


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


# ---------------------------------------------------------------------------- reorganisation


class _ReorganiseForm(_DecisionForm):
    """The first page of a merger, split or closure: what to do, from when, by which decision.

    The page renders its own buttons (review, then apply on the confirmation page).
    """

    decision_required = True
    effective_date = forms.DateField(
        label="Ngày có hiệu lực",
        widget=DateInput(),
        help_text="Từ ngày này đơn vị cũ không còn; không được sau hôm nay.",
    )
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, unit: Unit, user: User, **kwargs):
        self.unit, self.user = unit, user
        kwargs.setdefault("initial", {"effective_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper.inputs.clear()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own form tag carries it
        last = ("effective_date", *DECISION_FIELDS, "note")
        self.order_fields([*(f for f in self.fields if f not in last), *last])

    def clean_effective_date(self) -> datetime.date:
        day = self.cleaned_data["effective_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                "Ngày có hiệu lực không được sau hôm nay: hãy nhập việc sắp xếp vào ngày nó có "
                "hiệu lực.",
                code="reorganise_in_future",
            )
        return day


def _new_unit_code(code: str) -> str:
    code = code.strip()
    if code and Unit.objects.filter(code=code).exists():
        raise forms.ValidationError(
            "Mã “%(code)s” đã có đơn vị dùng: hãy chọn mã khác.",
            code="code_taken",
            params={"code": code},
        )
    return code


class _UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


def _codes(text: str) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", text.strip()) if code]


class UnitMergeForm(_ReorganiseForm):
    """Merge this unit with others into a new unit, or into one of them."""

    NEW, INTO = "new", "into"

    siblings = _UnitsField(
        label="Các đơn vị cùng cấp hợp nhất với đơn vị này",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Một đơn vị đã chọn không còn hoạt động hoặc không còn cùng cấp: "
            "hãy chọn lại."
        },
    )
    codes = forms.CharField(
        label="Mã các đơn vị khác",
        required=False,
        help_text="Đơn vị ở nơi khác trong phạm vi bạn quản lý: ghi mã, cách nhau bằng dấu phẩy.",
    )
    mode = forms.ChoiceField(
        label="Đơn vị sau hợp nhất",
        choices=[
            (NEW, "Thành lập đơn vị mới (các đơn vị trên đều không còn)"),
            (INTO, "Sáp nhập vào một đơn vị trong số trên (đơn vị đó tiếp tục hoạt động)"),
        ],
        widget=forms.RadioSelect,
    )
    into_code = forms.CharField(
        label="Mã đơn vị tiếp nhận (khi sáp nhập)",
        max_length=40,
        required=False,
        help_text="Một trong các đơn vị hợp nhất; mặc định là đơn vị này.",
    )
    code = forms.CharField(label="Mã đơn vị mới", max_length=40, required=False)
    name = forms.CharField(label="Tên đơn vị mới", max_length=255, required=False)
    short_name = forms.CharField(label="Tên viết tắt", max_length=120, required=False)
    symbol_code = forms.CharField(
        label="Ký hiệu trên văn bản",
        max_length=40,
        required=False,
        help_text="Phần sau dấu “/” trong số, ký hiệu văn bản của đơn vị mới.",
    )
    kind = forms.ModelChoiceField(
        label="Loại đơn vị mới", queryset=UnitKind.objects.all(), required=False
    )
    parent_code = forms.CharField(
        label="Mã đơn vị cấp trên của đơn vị mới",
        max_length=40,
        required=False,
        help_text="Để trống: đơn vị cấp trên của đơn vị này.",
    )

    def __init__(self, *args, unit: Unit, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "effective_date": timezone.localdate(),
                "mode": self.NEW,
                "into_code": unit.code,
                "kind": unit.kind_id,
            },
        )
        super().__init__(*args, unit=unit, user=user, **kwargs)
        siblings = cast(forms.ModelMultipleChoiceField, self.fields["siblings"])
        siblings.queryset = merge_candidates(user, unit)

    def clean_code(self) -> str:
        return _new_unit_code(self.cleaned_data["code"])

    def clean(self):
        data = super().clean()
        others = list(data.get("siblings") or [])
        codes = [c for c in _codes(data.get("codes", "")) if c != self.unit.code]
        found = {}
        for code in codes:
            try:
                found[code] = _managed_open_unit(self.user, code)
            except forms.ValidationError as exc:
                self.add_error("codes", exc)
        missing = [c for c in codes if c not in found]
        others += list(found.values())
        others = list({u.pk: u for u in others if u.pk != self.unit.pk}.values())
        if not others and not missing:
            self.add_error("siblings", "Hãy chọn ít nhất một đơn vị khác để hợp nhất.")
        data["predecessors"] = [self.unit, *others]
        data["into"] = data["new"] = None
        if data.get("mode") == self.INTO:
            into_code = data.get("into_code", "").strip() or self.unit.code
            into = next((u for u in data["predecessors"] if u.code == into_code), None)
            if into is None:
                self.add_error(
                    "into_code", "Đơn vị tiếp nhận phải là một trong các đơn vị hợp nhất."
                )
            data["into"] = into
        elif data.get("mode") == self.NEW:
            for name, message in (
                ("code", "Đơn vị mới cần có mã."),
                ("name", "Đơn vị mới cần có tên."),
                ("kind", "Hãy chọn loại của đơn vị mới."),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
            parent = None
            if data.get("parent_code", "").strip():
                try:
                    parent = _managed_open_unit(self.user, data["parent_code"])
                except forms.ValidationError as exc:
                    self.add_error("parent_code", exc)
            if not self.errors:
                data["new"] = NewUnit(
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    parent=parent,
                    short_name=data.get("short_name", ""),
                    symbol_code=data.get("symbol_code", ""),
                )
        return data


class SplitPartForm(forms.Form):
    """One new unit of a split; a row left blank is not a part."""

    code = forms.CharField(label="Mã đơn vị", max_length=40, required=False)
    name = forms.CharField(label="Tên đơn vị", max_length=255, required=False)
    short_name = forms.CharField(label="Tên viết tắt", max_length=120, required=False)
    kind = forms.ModelChoiceField(
        label="Loại đơn vị", queryset=UnitKind.objects.all(), required=False
    )
    member_count = forms.IntegerField(
        label="Số đảng viên",
        min_value=0,
        required=False,
        help_text="Để trống: số còn lại.",
    )

    def __init__(self, *args, unit_kind: UnitKind | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = unit_kind.pk if unit_kind else None

    def clean_code(self) -> str:
        return _new_unit_code(self.cleaned_data["code"])

    def clean(self):
        data = super().clean()
        if data.get("code") or data.get("name"):
            if not data.get("code") and "code" not in self.errors:
                self.add_error("code", "Đơn vị mới cần có mã.")
            if not data.get("name"):
                self.add_error("name", "Đơn vị mới cần có tên.")
            if not data.get("kind"):
                self.add_error("kind", "Hãy chọn loại của đơn vị mới.")
        return data

    def part(self) -> NewUnit | None:
        data = self.cleaned_data
        if not data.get("code"):
            return None
        return NewUnit(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            short_name=data.get("short_name", ""),
            member_count=data.get("member_count"),
        )


class BaseSplitPartFormSet(forms.BaseFormSet):
    """The rows of a split's new units: at least two filled, codes not repeated."""

    def clean(self):
        if any(self.errors):
            return
        codes = [f.cleaned_data["code"] for f in self.forms if f.cleaned_data.get("code")]
        if len(codes) < 2:
            raise forms.ValidationError(
                "Chia tách cần ít nhất hai đơn vị mới.", code="split_too_few"
            )
        if len(set(codes)) != len(codes):
            raise forms.ValidationError(
                "Hai đơn vị mới không được trùng mã.", code="duplicate_code"
            )

    def rows(self) -> list[NewUnit | None]:
        """Per row as numbered on the page: its new unit, or None for a blank row."""
        return [f.part() for f in self.forms]


SPLIT_ROWS = 4
SplitPartFormSet = cast(
    type[BaseSplitPartFormSet],
    forms.formset_factory(
        SplitPartForm, formset=BaseSplitPartFormSet, extra=SPLIT_ROWS, max_num=SPLIT_ROWS
    ),
)


def _row_choices() -> list[tuple[str, str]]:
    return [(str(i), f"Đơn vị mới thứ {i + 1}") for i in range(SPLIT_ROWS)]


class UnitSplitForm(_ReorganiseForm):
    """Split this unit: which new unit takes over its work, where each open child goes."""

    takes_over = forms.TypedChoiceField(
        label="Đơn vị mới tiếp nhận công việc chưa xong",
        choices=_row_choices,
        coerce=int,
        initial="0",
        help_text="Văn bản, báo cáo đang chờ của đơn vị cũ chuyển cho đơn vị này.",
    )

    def __init__(self, *args, unit: Unit, user: User, children: Sequence[Unit], **kwargs):
        super().__init__(*args, unit=unit, user=user, **kwargs)
        self.children = list(children)
        for child in self.children:
            self.fields[f"child_{child.pk}"] = forms.TypedChoiceField(
                label=f"{child.name} chuyển về",
                choices=[("", "Đơn vị tiếp nhận công việc"), *_row_choices()],
                coerce=int,
                empty_value=None,
                required=False,
            )
        self.order_fields(["takes_over", *(f"child_{c.pk}" for c in self.children), *self.fields])

    def child_rows(self) -> dict[int, int]:
        """Child unit pk → the row (as numbered on the page) of the new unit it goes to."""
        return {
            child.pk: self.cleaned_data[f"child_{child.pk}"]
            for child in self.children
            if self.cleaned_data.get(f"child_{child.pk}") is not None
        }


class UnitCloseForm(_ReorganiseForm):
    """Dissolve this unit; a unit (its parent by default) takes over children and open work."""

    takes_over_code = forms.CharField(
        label="Mã đơn vị tiếp nhận",
        max_length=40,
        required=False,
        help_text="Nhận các đơn vị trực thuộc và công việc chưa xong. Để trống: đơn vị cấp trên "
        "trực tiếp.",
    )

    def clean_takes_over_code(self) -> Unit | None:
        code = self.cleaned_data["takes_over_code"].strip()
        if not code:
            return None
        unit = _managed_open_unit(self.user, code)
        if unit.path.startswith(self.unit.path):
            raise forms.ValidationError(
                "Đơn vị tiếp nhận không thể là đơn vị giải thể hay đơn vị trực thuộc của nó.",
                code="close_into_self",
            )
        return unit


class CarryOverForm(forms.Form):
    """The confirmation page: per person with a role in an ending unit, where the role carries
    on (a successor, or nowhere) and as which role; and the new unit's member count."""

    NOWHERE = ""

    def __init__(
        self,
        *args,
        proposals: Sequence[CarryOver],
        targets: Mapping[str, tuple[str, Unit | NewUnit]],
        default: str,
        member_total: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.proposals, self.targets = list(proposals), targets
        choices = [(self.NOWHERE, "Không chuyển"), *((k, v[0]) for k, v in targets.items())]
        for proposal in self.proposals:
            m = proposal.membership
            self.fields[f"carry_{m.pk}"] = forms.ChoiceField(
                label=f"{m.user} chuyển sang",
                choices=choices,
                required=False,
                initial=default,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"role_{m.pk}"] = forms.ChoiceField(
                label=f"Vai trò của {m.user}",
                choices=Role.choices,
                required=False,
                initial=proposal.role or m.role,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"position_{m.pk}"] = forms.CharField(
                label=f"Chức vụ của {m.user}",
                max_length=120,
                required=False,
                initial=proposal.position,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
        if member_total is not None:
            self.fields["member_count"] = forms.IntegerField(
                label="Số đảng viên của đơn vị mới",
                min_value=0,
                initial=member_total,
                help_text="Mặc định là tổng số đảng viên của các đơn vị cũ.",
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "aria-describedby": "member-count-help"}
                ),
            )

    def rows(self) -> list[tuple[Membership, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                p.membership,
                self[f"carry_{p.membership.pk}"],
                self[f"role_{p.membership.pk}"],
                self[f"position_{p.membership.pk}"],
            )
            for p in self.proposals
        ]

    def carry_over(self) -> list[CarryOver]:
        """The choices made: everyone listed, carried where chosen ([] carries nobody)."""
        chosen = []
        for proposal in self.proposals:
            m = proposal.membership
            key = self.cleaned_data.get(f"carry_{m.pk}") or self.NOWHERE
            if key == self.NOWHERE:
                continue
            chosen.append(
                CarryOver(
                    membership=m,
                    successor=self.targets[key][1],
                    role=self.cleaned_data.get(f"role_{m.pk}") or m.role,
                    position=self.cleaned_data.get(f"position_{m.pk}") or "",
                )
            )
        return chosen
