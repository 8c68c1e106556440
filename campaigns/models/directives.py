"""Directives, their recipients, milestones and what each recipient owes."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.documents.formatting import short_date
from campaigns.documents.profiles import DEFAULT_PROFILE
from units.models import Unit

from .campaigns import Campaign
from .numbering import DirectiveKind
from .signatures import SigningMethod


class Directive(models.Model):
    """A directive (Hướng dẫn, Kế hoạch…) as a unit writes it, issues it and sends it down.

    A draft can be edited; issuing numbers it and freezes every name printed on it into its
    own fields (the unit foreign keys only serve tracking), so renaming or merging units never
    changes an issued document. A correction is a new document that replaces this one.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")
        REPLACED = "replaced", _("Đã được thay thế")

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="directives",
        verbose_name=_("đợt sinh hoạt"),
    )
    kind = models.ForeignKey(
        DirectiveKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("loại văn bản")
    )

    class Origin(models.TextChoices):
        WRITTEN = "written", _("Soạn trên Cổng")
        IMPORTED = "imported", _("Nhập từ tệp")

    # Empty only for a directive imported from an issuer that is not a unit of the portal.
    issuer = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_directives",
        verbose_name=_("cơ quan ban hành"),
    )
    # Printed header lines, pre-filled from the tree and frozen at issue.
    superior_body = models.CharField(
        _("tên cơ quan cấp trên"),
        max_length=255,
        blank=True,
        help_text=_(
            "Dòng trên cùng bên trái, ví dụ: Đảng ủy Khối cơ quan Dân Chính Đảng TP Cần Thơ."
        ),
    )
    issuing_body = models.CharField(
        _("tên cơ quan ban hành"),
        max_length=255,
        help_text=_("In đậm dưới tên cơ quan cấp trên, ví dụ: Ban Tuyên giáo."),
    )
    issuer_name = models.CharField(
        _("tên đầy đủ của cơ quan ban hành"),
        max_length=255,
        help_text=_("Dùng trong dòng “Thực hiện … của …” của văn bản cấp dưới."),
    )
    symbol_code = models.CharField(
        _("ký hiệu cơ quan ban hành"), max_length=40, blank=True, help_text=_("Ví dụ: BTGĐUK.")
    )
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    term_label = models.CharField(_("nhiệm kỳ"), max_length=40, blank=True)
    place = models.CharField(_("địa danh"), max_length=80, blank=True)
    issue_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    # A new draft may lack any of these; issue_problems() lists what is still missing.
    subject = models.TextField(_("trích yếu"), blank=True)
    basis = models.TextField(
        _("căn cứ"),
        blank=True,
        help_text=_("Đoạn “Thực hiện Hướng dẫn số … ngày … của …, như sau:” đứng trước nội dung."),
    )
    body = models.TextField(
        _("nội dung"),
        blank=True,
        help_text=_("Dán từ Word: “I- MỤC ĐÍCH, YÊU CẦU”, “1.”, “1.1.”, “a)”, “- ” được nhận ra."),
    )
    audience = models.TextField(
        _("đối tượng"),
        blank=True,
        help_text=_("Ví dụ: cán bộ, đảng viên, công chức, viên chức, người lao động."),
    )
    recipient_lines = models.TextField(
        _("nơi nhận (in trên văn bản)"),
        blank=True,
        help_text=_("Mỗi dòng một nơi nhận, như sẽ in: “Cấp ủy các TCCSĐ trực thuộc,”."),
    )
    signing_authority = models.CharField(
        _("thẩm quyền ký"),
        max_length=120,
        blank=True,
        help_text=_("T/M BAN THƯỜNG VỤ, K/T TRƯỞNG BAN…; để trống khi người đứng đầu ký."),
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    requires_implementing = models.BooleanField(
        _("đơn vị nhận phải ban hành văn bản thực hiện"), default=True
    )
    requires_sessions = models.BooleanField(_("đơn vị nhận phải tổ chức sinh hoạt"), default=True)
    implements = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="implemented_by",
        verbose_name=_("thực hiện văn bản"),
    )
    responds_to = models.ForeignKey(
        "DirectiveRecipient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
        help_text=_("Văn bản được giao mà văn bản này thực hiện, với tư cách đơn vị nhận."),
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacements",
        verbose_name=_("thay thế văn bản"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    format_profile = models.CharField(_("mẫu trình bày"), max_length=40, default=DEFAULT_PROFILE)
    origin = models.CharField(
        _("nguồn"), max_length=10, choices=Origin.choices, default=Origin.WRITTEN
    )
    # The file an imported directive was read from, kept as received.
    source_file = models.FileField(upload_to="received/%Y/", blank=True, editable=False)
    source_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    issued_pdf = models.FileField(upload_to="directives/%Y/", blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    # Where the visible signature goes on issued_pdf (a campaigns.signing.SignatureBox as a
    # dict), measured when the PDF was rendered; None for one issued before it was measured.
    signature_box = models.JSONField(null=True, blank=True, editable=False)
    # The document of record once signed: issued_pdf plus its signatures as incremental
    # updates. issued_pdf itself never changes.
    signed_pdf = models.FileField(upload_to="directives/%Y/", blank=True, editable=False)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signing_method = models.CharField(
        _("cách ký"), max_length=10, choices=SigningMethod.choices, blank=True
    )
    # What verification found in the signed file of record (signed_pdf, or an imported file):
    # one campaigns.signing.SignatureReport.as_dict() per signature; [] when unsigned.
    signatures = models.JSONField(default=list, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-issue_date", "-pk"]
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        constraints = [
            # The counter makes numbers race-free; this makes a repeat impossible. An imported
            # document keeps the number it arrived with (one of a portal unit moves that unit's
            # counter past it, campaigns.services.numbering.claim_document_number).
            models.UniqueConstraint(
                fields=["issuer", "kind", "term_label", "number"],
                condition=Q(number__isnull=False, origin="written"),
                name="directive_number_unique",
            ),
            # Issued here: numbered and dated. Imported: dated; a copy whose number was left
            # blank is registered without one, as a clerk would.
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(number__isnull=False, issue_date__isnull=False)
                | Q(origin="imported", issue_date__isnull=False),
                name="directive_issued_has_number",
            ),
        ]
        indexes = [models.Index(fields=["issuer", "status"], name="directive_issuer_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind.name} {self.symbol}" if self.symbol else f"{self.kind.name} (dự thảo)"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:directive_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_imported(self) -> bool:
        return self.origin == self.Origin.IMPORTED

    @property
    def issuer_label(self) -> str:
        """How lists name the issuer: the unit's short name, or the outside issuer's name."""
        issuer = self.issuer if self.issuer_id else None  # no query for an outside issuer
        return issuer.display_short_name if issuer is not None else self.issuer_name

    @property
    def record_pdf(self) -> FieldFile:
        """The PDF served, registered and backed up: the signed one once there is one."""
        return self.signed_pdf if self.signed_pdf else self.issued_pdf

    @property
    def display_title(self) -> str:
        """ "Hướng dẫn 32-HD/BTGĐUK" or "Kế hoạch (dự thảo)": how lists and pages name it."""
        return str(self)


class DirectiveRecipient(models.Model):
    """A unit a directive is sent to: what that unit owes hangs on this row, and it is the line
    of that unit's incoming register (sổ văn bản đến).

    `unit_name` and `member_count` are the unit's on the day of issue, kept thereafter, so the
    units expected to act and their members never change with the tree. `incoming_number` is
    the số đến: the next number of the unit's year, taken under a locked counter on receipt.
    """

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="received_directives")
    unit_name = models.CharField(max_length=255)
    # Members the unit counted when the directive was issued: the denominator of its rates.
    member_count = models.PositiveIntegerField(default=0)
    incoming_year = models.PositiveSmallIntegerField(_("năm vào sổ"), null=True, blank=True)
    incoming_number = models.PositiveIntegerField(_("số đến"), null=True, blank=True)
    received_on = models.DateField(_("ngày đến"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_documents",
        verbose_name=_("người xử lý"),
    )
    handling_due = models.DateField(_("hạn xử lý"), null=True, blank=True)
    register_note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # For a document imported from a file: the office that entered these rows. For one from
    # outside the portal, its staff review the reports the other units of its import owe.
    registered_by = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị vào sổ"),
    )

    class Meta:
        ordering = ["directive", "unit__path"]
        verbose_name = _("đơn vị nhận")
        verbose_name_plural = _("đơn vị nhận")
        constraints = [
            models.UniqueConstraint(fields=["directive", "unit"], name="recipient_unique"),
            # The counter makes số đến race-free; this makes a repeat impossible.
            models.UniqueConstraint(
                fields=["unit", "incoming_year", "incoming_number"],
                condition=Q(incoming_number__isnull=False),
                name="incoming_number_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "incoming_year", "incoming_number"], name="incoming_register_idx"
            ),
            models.Index(fields=["handler", "received_on"], name="recipient_handler_idx"),
        ]

    def __str__(self) -> str:
        return self.unit_name


class Milestone(models.Model):
    """A dated step a directive sets: a briefing, study completed, a report due."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("Hội nghị quán triệt")
        STUDY_COMPLETED = "study_completed", _("Hoàn thành sinh hoạt")
        REPORT_DUE = "report_due", _("Hạn báo cáo")
        OTHER = "other", _("Mốc khác")

    class Applies(models.TextChoices):
        ALL = "all", _("Tất cả đơn vị nhận")
        GRASSROOTS = "grassroots", _("Các tổ chức cơ sở đảng")
        OTHERS = "others", _("Các đơn vị khác (đoàn thể, ban…)")

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("loại mốc"), max_length=20, choices=Kind.choices)
    title = models.CharField(
        _("nội dung"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Báo cáo kết quả về Ban Tuyên giáo Đảng ủy Khối."),
    )
    due_date = models.DateField(_("hạn (ngày)"), null=True, blank=True)
    due_month = models.DateField(
        _("hạn (tháng)"), null=True, blank=True, help_text=_("Khi văn bản chỉ ghi tháng.")
    )
    applies_to = models.CharField(
        _("áp dụng cho"), max_length=20, choices=Applies.choices, default=Applies.ALL
    )
    history = HistoricalRecords()

    class Meta:
        # By date, a month-only milestone at its month's start, on every database alike.
        ordering = ["directive", Coalesce("due_date", "due_month").asc(), "pk"]
        verbose_name = _("mốc thời gian")
        verbose_name_plural = _("mốc thời gian")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__isnull=True, due_month__isnull=False)
                | Q(due_date__isnull=False, due_month__isnull=True),
                name="milestone_date_or_month",
                violation_error_message=_("Ghi hạn theo ngày hoặc theo tháng, một trong hai."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title or self.get_kind_display()} – {self.deadline_text}"

    @property
    def deadline(self) -> datetime.date:
        """The last day the milestone is met: the date, or the month's last day."""
        if self.due_date:
            return self.due_date
        month = self.due_month
        if month is None:  # clean() and a check constraint require a date or a month
            raise ValueError(f"milestone {self.pk} has neither a date nor a month")
        return month.replace(day=calendar.monthrange(month.year, month.month)[1])

    @property
    def deadline_text(self) -> str:
        """ "trước ngày 10/10/2024" or "trong tháng 4/2024", as directives write them."""
        if self.due_date:
            return f"trước ngày {short_date(self.due_date)}"
        return f"trong tháng {self.deadline.month}/{self.deadline.year}"

    def binds(self, unit: Unit) -> bool:
        if self.applies_to == self.Applies.GRASSROOTS:
            return unit.kind.is_grassroots
        if self.applies_to == self.Applies.OTHERS:
            return not unit.kind.is_grassroots
        return True


class Obligation(models.Model):
    """What one recipient unit owes under an issued directive, and whether it has done it."""

    class Kind(models.TextChoices):
        IMPLEMENTING = "implementing", _("Ban hành văn bản thực hiện")
        SESSIONS = "sessions", _("Tổ chức sinh hoạt")
        REPORT = "report", _("Báo cáo kết quả")

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="obligations")
    recipient = models.ForeignKey(
        DirectiveRecipient, on_delete=models.CASCADE, related_name="obligations"
    )
    # Who acts on it now: the recipient unit, or the successor that took over its open work in
    # a merger, split or closure (from `handed_over_on`). Figures still count it for the
    # recipient, the unit that was expected; reminders, to-do lists and reports go to `unit`.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="owed_obligations",
        verbose_name=_("đơn vị thực hiện"),
    )
    handed_over_on = models.DateField(_("chuyển giao từ ngày"), null=True, blank=True)
    # The successor already owed the same (plan, report of that milestone) itself: its own
    # obligation answers for both, and this one follows its state.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="obligations"
    )
    due_date = models.DateField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        Directive, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["recipient", "due_date", "kind"]
        verbose_name = _("việc phải làm")
        verbose_name_plural = _("việc phải làm")
        indexes = [
            models.Index(fields=["recipient", "kind"], name="obligation_recipient_kind"),
            models.Index(fields=["unit", "kind"], name="obligation_unit_kind"),
            # Each issued directive's progress, counted from the index alone (bench/home.py).
            models.Index(fields=["directive", "kind", "fulfilled_at"], name="obligation_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.get_kind_display()}"
