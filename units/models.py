"""The party unit tree, its dated names, users, their role memberships, and the outbox of domain
events."""

import datetime
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from .events import EventKind


class User(AbstractUser):
    """A portal user; what they may see comes from their memberships, never from the user row."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    # units.access caches the user's grants on the object for the request; not a field.
    _unit_grants: Any

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


def fold_for_search(text: str) -> str:
    """Lower case without tone marks ("Đảng ủy" → "dang uy"): what people type in a search box."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return " ".join(
        "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split()
    )


class UnitKind(models.Model):
    """A kind of unit (committee, department, cell…): data, since the 2025 reform renamed them."""

    code = models.SlugField(_("mã loại"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=120, unique=True)
    counts_members = models.BooleanField(
        _("tính số đảng viên"),
        default=True,
        help_text=_("Bỏ chọn với các ban, cơ quan tham mưu: có cán bộ, không tính đảng viên."),
    )
    issues_documents = models.BooleanField(_("ban hành văn bản"), default=False)
    is_grassroots = models.BooleanField(
        _("là tổ chức cơ sở đảng"),
        default=False,
        help_text=_("Đảng bộ cơ sở, chi bộ cơ sở: dùng khi gửi văn bản cho cả cấp."),
    )
    is_organ = models.BooleanField(
        _("là cơ quan tham mưu của cấp ủy"),
        default=False,
        help_text=_(
            "Các ban, văn phòng: ban hành văn bản thay cấp ủy, không nhận văn bản để thực hiện."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")

    def __str__(self) -> str:
        return self.name


class Unit(MP_Node):
    """A node of the party tree; its subtree is every unit whose path starts with its path."""

    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, verbose_name=_("loại đơn vị"))
    code = models.CharField(
        _("mã đơn vị"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[\w.-]+$",
                _(
                    "Mã đơn vị chỉ gồm chữ, số, dấu chấm, gạch ngang và gạch dưới, không có khoảng trắng."
                ),
                code="bad_code",
            )
        ],
        help_text=_("Mã định danh duy nhất, dùng khi nhập, xuất danh sách đơn vị."),
    )
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=120, blank=True)
    symbol_code = models.CharField(
        _("ký hiệu trên văn bản"),
        max_length=40,
        blank=True,
        help_text=_("Phần sau dấu “/” trong số, ký hiệu văn bản, ví dụ BTGĐUK."),
    )
    place_name = models.CharField(
        _("địa danh"), max_length=80, blank=True, help_text=_("Ví dụ: Cần Thơ.")
    )
    member_count = models.PositiveIntegerField(_("số đảng viên"), default=0)
    official_count = models.PositiveIntegerField(_("số cán bộ, công chức"), default=0)
    youth_count = models.PositiveIntegerField(_("số đoàn viên"), default=0)
    other_count = models.PositiveIntegerField(_("số quần chúng"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    name_since = models.DateField(_("dùng tên hiện tại từ"), null=True, blank=True)
    # The unit's life in the real world (not in the portal): a unit opened by a merger exists
    # from the decision's date; one merged away, split or dissolved is closed from that day
    # (its last day is the day before) and stays in the tree, read-only, for its history.
    opened_on = models.DateField(_("thành lập từ ngày"), null=True, blank=True)
    closed_on = models.DateField(_("không còn từ ngày"), null=True, blank=True)
    search_name = models.CharField(max_length=420, blank=True, editable=False)

    node_order_by: list[str] = []

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [models.Index(fields=["kind", "path"], name="unit_kind_path_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:unit_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.refresh_search_name()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def refresh_search_name(self) -> None:
        """Bulk writes (the importer) call this themselves, since they bypass save()."""
        self.search_name = fold_for_search(f"{self.name} {self.short_name} {self.code}")

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def existed_on(self, day: datetime.date) -> bool:
        """Whether the unit existed on `day` (opened by then, not yet closed)."""
        return (self.opened_on is None or self.opened_on <= day) and (
            self.closed_on is None or day < self.closed_on
        )


class UnitNameRecord(models.Model):
    """An earlier name and code of a unit, with the dates it held them (kept across renames)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="name_history")
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=120, blank=True)
    symbol_code = models.CharField(_("ký hiệu trên văn bản"), max_length=40, blank=True)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_until = models.DateField(_("đến ngày"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["unit", "-valid_until"]
        verbose_name = _("tên cũ của đơn vị")
        verbose_name_plural = _("tên cũ của đơn vị")

    def __str__(self) -> str:
        return f"{self.name} (đến {self.valid_until:%d/%m/%Y})"


class UnitPathRecord(models.Model):
    """Where a unit stood in the tree before a move, merger or split: its earlier path.

    The record covers the days after the unit's previous record (or since always) up to
    `valid_until`; the unit's path on a day is that of its first record ending on or after
    the day, or its current path. "As of" dashboards read past trees from here.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="path_history")
    path = models.CharField(max_length=255)
    depth = models.PositiveIntegerField()
    valid_until = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["unit", "valid_until", "pk"]
        verbose_name = _("vị trí cũ của đơn vị")
        verbose_name_plural = _("vị trí cũ của đơn vị")
        indexes = [
            models.Index(fields=["unit", "valid_until"], name="unit_path_record_idx"),
            models.Index(fields=["path", "valid_until"], name="unit_path_record_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.path} (đến {self.valid_until:%d/%m/%Y})"


class ReorganisationBatch(models.Model):
    """One spreadsheet of reorganisation operations: previewed first, then applied all or nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        PREVIEWING = "previewing", _("Đang xem trước")
        PREVIEWED = "previewed", _("Đã xem trước")
        INVALID = "invalid", _("Có dòng lỗi")
        APPLYING = "applying", _("Đang thực hiện")
        APPLIED = "applied", _("Đã thực hiện")
        FAILED = "failed", _("Không thực hiện")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    scope = models.ForeignKey(
        "Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("phạm vi"),
        help_text=_("Đơn vị mà mọi dòng của tệp phải nằm trong cây của nó."),
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tệp sắp xếp đơn vị")
        verbose_name_plural = _("tệp sắp xếp đơn vị")

    def __str__(self) -> str:
        return self.file_name


class Reorganisation(models.Model):
    """One change to the tree ordered by a decision: a merger, split, closure, rename or move.

    The lineage (`links`) says which units it ended or changed and which carry on their work.
    """

    class Kind(models.TextChoices):
        MERGE = "merge", _("Hợp nhất, sáp nhập")
        SPLIT = "split", _("Chia tách")
        CLOSE = "close", _("Giải thể")
        RENAME = "rename", _("Đổi tên")
        MOVE = "move", _("Chuyển trực thuộc")

    kind = models.CharField(_("loại sắp xếp"), max_length=10, choices=Kind.choices)
    effective_date = models.DateField(_("ngày có hiệu lực"))
    decision_number = models.CharField(
        _("số quyết định"), max_length=80, help_text=_("Ví dụ: 123-QĐ/TU.")
    )
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_body = models.CharField(
        _("cơ quan quyết định"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Ban Thường vụ Thành ủy Cần Thơ."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    batch = models.ForeignKey(
        ReorganisationBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operations",
    )
    summary = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_date", "-pk"]
        verbose_name = _("sắp xếp đơn vị")
        verbose_name_plural = _("sắp xếp đơn vị")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} theo Quyết định số {self.decision_number}"

    @property
    def decision_text(self) -> str:
        """ "Quyết định số 123-QĐ/TU ngày 20/6/2025 của Ban Thường vụ Thành ủy" """
        text = f"Quyết định số {self.decision_number}"
        if self.decision_date:
            d = self.decision_date
            text += f" ngày {d.day}/{d.month}/{d.year}"
        if self.decision_body:
            text += f" của {self.decision_body}"
        return text


class Lineage(models.Model):
    """predecessor → successor under one operation; a closure without successor has none."""

    operation = models.ForeignKey(Reorganisation, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="successor_links", verbose_name=_("đơn vị cũ")
    )
    successor = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessor_links",
        verbose_name=_("đơn vị kế thừa"),
    )
    takes_over_work = models.BooleanField(
        _("tiếp nhận công việc"),
        default=True,
        help_text=_("Đơn vị kế thừa nhận các việc chưa xong của đơn vị cũ."),
    )

    class Meta:
        ordering = ["operation", "pk"]
        verbose_name = _("kế thừa")
        verbose_name_plural = _("kế thừa")
        indexes = [models.Index(fields=["successor", "operation"], name="lineage_successor_idx")]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"


class Role(models.TextChoices):
    STAFF = "staff", _("Cán bộ Ban Tuyên giáo")
    SECRETARY = "secretary", _("Bí thư")
    LEADER = "leader", _("Lãnh đạo")
    ADMIN = "admin", _("Quản trị")


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> "MembershipQuerySet":
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            user__is_active=True,
        )

    def active(self) -> "MembershipQuerySet":
        return self.active_on(timezone.localdate())


class Membership(models.Model):
    """A user's role in a unit for a period; a rotation ends one and starts another."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    position = models.CharField(
        _("chức vụ"), max_length=120, blank=True, help_text=_("Ví dụ: Bí thư Chi bộ, Trưởng ban.")
    )
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user", "unit__path", "role"]
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class UnitImport(models.Model):
    """One upload of a unit-tree spreadsheet, tracked so a large file can show its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang xử lý")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Không nhập")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần nhập danh sách đơn vị")
        verbose_name_plural = _("các lần nhập danh sách đơn vị")

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("units:import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class DomainEvent(models.Model):
    """Something that happened to work (the outbox): recorded by a service in the transaction of
    the change (`units.events.record_event`), read after the commit by the consumers above.

    A consumer marks the event processed in the same transaction as its own work, and keys that
    work on the event, so a retry or a second worker finds it done. The audit trail reads the
    same rows. `target` is the object it happened to (a directive, a report, a membership…).
    """

    kind = models.CharField(_("sự kiện"), max_length=40, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="events", verbose_name=_("đơn vị")
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    processed_at = models.DateTimeField(_("đã xử lý lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        indexes = [
            # The consumer's question, "the oldest unprocessed", reads only the few pending rows.
            models.Index(
                fields=["id"],
                condition=Q(processed_at__isnull=True),
                name="event_unprocessed_idx",
            ),
            models.Index(fields=["target_type", "target_id"], name="event_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.unit} ({self.created_at:%d/%m/%Y %H:%M})"
