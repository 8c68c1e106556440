"""Study sessions, propaganda work and progress reports: what units do and report upward."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign, Obligation, SigningMethod, StudyMaterial
from units.events import EventKind
from units.models import DomainEvent, Unit

from .search.models import SearchEntry  # noqa: F401 - the search index's table, defined there


class StudySession(models.Model):
    """One study session a unit held for a campaign, with the member count it had that day."""

    class Form(models.TextChoices):
        CONFERENCE = "conference", _("Hội nghị quán triệt")
        REGULAR = "regular", _("Sinh hoạt chi bộ thường kỳ")
        THEMATIC = "thematic", _("Sinh hoạt chuyên đề")
        ONLINE = "online", _("Trực tuyến")
        COMBINED = "combined", _("Kết hợp trực tiếp và trực tuyến")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("đợt sinh hoạt")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="study_sessions", verbose_name=_("đơn vị")
    )
    held_on = models.DateField(_("ngày sinh hoạt"))
    form = models.CharField(_("hình thức"), max_length=20, choices=Form.choices)
    topic = models.CharField(_("chủ đề"), max_length=255, blank=True)
    presenter = models.CharField(_("báo cáo viên"), max_length=150, blank=True)
    # The unit's member count on the day: later changes to the tree never rewrite a rate.
    member_count = models.PositiveIntegerField(_("số đảng viên của đơn vị"), editable=False)
    members_present = models.PositiveIntegerField(_("số đảng viên tham dự"))
    officials_present = models.PositiveIntegerField(_("cán bộ, công chức, viên chức"), default=0)
    youth_present = models.PositiveIntegerField(_("đoàn viên"), default=0)
    others_present = models.PositiveIntegerField(_("quần chúng, khác"), default=0)
    reflections = models.PositiveIntegerField(
        _("số bài thu hoạch"), default=0, help_text=_("Bài thu hoạch thu được sau buổi sinh hoạt.")
    )
    materials = models.ManyToManyField(
        StudyMaterial, blank=True, related_name="+", verbose_name=_("tài liệu đã dùng")
    )
    minutes = models.TextField(_("biên bản, tóm tắt"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("buổi sinh hoạt")
        verbose_name_plural = _("buổi sinh hoạt")
        indexes = [models.Index(fields=["campaign", "unit"], name="session_campaign_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(members_present__lte=F("member_count")),
                name="session_present_within_members",
                violation_error_message=_(
                    "Số đảng viên tham dự không được lớn hơn số đảng viên của đơn vị."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} – {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("reports:session_edit", args=[self.pk])

    @property
    def attendees(self) -> int:
        return (
            self.members_present + self.officials_present + self.youth_present + self.others_present
        )


class SessionAttachment(models.Model):
    """A file kept with a session (minutes, photos); served only through an access check."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="sessions/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name


class PropagandaItem(models.Model):
    """An article, news item or social-network post a unit published for the campaign."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Bài viết")
        NEWS = "news", _("Tin")
        REPORTAGE = "reportage", _("Phóng sự")
        SOCIAL_POST = "social_post", _("Bài đăng, chia sẻ trên mạng xã hội")
        OTHER = "other", _("Khác")

    class Channel(models.TextChoices):
        PRESS = "press", _("Báo chí")
        WEBSITE = "website", _("Trang thông tin điện tử")
        FACEBOOK = "facebook", _("Facebook")
        ZALO = "zalo", _("Zalo")
        YOUTUBE = "youtube", _("YouTube")
        TIKTOK = "tiktok", _("TikTok")
        OTHER = "other", _("Khác")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="propaganda")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="propaganda_items")
    published_on = models.DateField(_("ngày đăng"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("kênh"), max_length=20, choices=Channel.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    reach = models.PositiveIntegerField(
        _("lượt tiếp cận"), null=True, blank=True, help_text=_("Lượt xem, chia sẻ… nếu biết.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("tin, bài tuyên truyền")
        verbose_name_plural = _("tin, bài tuyên truyền")
        indexes = [models.Index(fields=["campaign", "unit"], name="propaganda_campaign_unit_idx")]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """A unit's report for one report milestone it owes: draft, submitted, returned, accepted.

    Figures are computed (reports.figures) and frozen into `figures` at each submission; the
    prose is the unit's own.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Bị trả lại")
        ACCEPTED = "accepted", _("Đã tiếp nhận")
        # To an issuer outside the portal: numbered, printed and sent; nobody here reviews it.
        SENT = "sent", _("Đã gửi cơ quan ngoài Cổng")

    class Channel(models.TextChoices):
        ELECTRONIC = "electronic", _("Hệ thống văn bản điện tử")
        EMAIL = "email", _("Thư điện tử")
        POST = "post", _("Bưu chính")
        HAND = "hand", _("Gửi trực tiếp")

    obligation = models.OneToOneField(
        Obligation, on_delete=models.PROTECT, related_name="report", verbose_name=_("hạn báo cáo")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="progress_reports")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    assessment = models.TextField(_("công tác lãnh đạo, chỉ đạo, tổ chức thực hiện"), blank=True)
    strengths = models.TextField(_("ưu điểm"), blank=True)
    limits = models.TextField(_("hạn chế, nguyên nhân"), blank=True)
    proposals = models.TextField(_("kiến nghị, đề xuất"), blank=True)
    figures = models.JSONField(default=dict, blank=True, editable=False)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("ý kiến khi trả lại"), blank=True)
    # Taken at the first submission from the unit's counter for "BC" and its term (the same
    # counter as a report written as a directive), kept when it is returned and submitted again.
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    term_label = models.CharField(_("nhiệm kỳ"), max_length=40, blank=True)
    sent_on = models.DateField(_("ngày gửi"), null=True, blank=True)
    sent_channel = models.CharField(
        _("hình thức gửi"), max_length=12, choices=Channel.choices, blank=True
    )
    # Signing a delivered report prints it once (`pdf`, as sent, never changed) and stores that
    # PDF signed (`signed_pdf`, the document of record); a report returned afterwards is sent
    # again and signed again.
    pdf = models.FileField(upload_to="reports/%Y/", blank=True, editable=False)
    signed_pdf = models.FileField(upload_to="reports/%Y/", blank=True, editable=False)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signing_method = models.CharField(
        _("cách ký"), max_length=10, choices=SigningMethod.choices, blank=True
    )
    # campaigns.signing.SignatureReport.as_dict() per signature of signed_pdf.
    signatures = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("báo cáo kết quả")
        verbose_name_plural = _("báo cáo kết quả")
        # Reports waiting for review, oldest first, without sorting every report (bench/home.py).
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="report_review_queue"),
            models.Index(fields=["unit", "first_submitted_at"], name="report_outgoing_idx"),
        ]

    def __str__(self) -> str:
        return f"Báo cáo của {self.unit} – {self.obligation.due_date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def submitted_late(self) -> bool | None:
        """First submitted after the deadline (local date), as reports.figures counts it."""
        due = self.obligation.due_date
        if self.first_submitted_at is None or due is None:
            return None
        return timezone.localtime(self.first_submitted_at).date() > due

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}

    @property
    def is_delivered(self) -> bool:
        return self.status in DELIVERED

    @property
    def is_signed(self) -> bool:
        """Signed as it was last sent: a signature older than the last submission (the report
        was returned and sent again since) no longer stands for it."""
        return bool(
            self.signed_pdf
            and self.status in DELIVERED
            and self.signed_at is not None
            and (self.submitted_at is None or self.signed_at >= self.submitted_at)
        )

    @property
    def reviewing_unit(self) -> Unit | None:
        """The unit whose approvers accept or return the report: the directive's issuer, or for
        a directive from outside the portal the office that registered this unit's copy; None
        when nobody in the portal reviews it (that office's own report, sent outside)."""
        directive = self.obligation.directive
        if directive.issuer_id is not None:
            return directive.issuer
        row = self.obligation.recipient
        if row.registered_by_id not in (None, self.unit_id):
            return row.registered_by
        return None

    @property
    def goes_outside(self) -> bool:
        """Owed to an issuer outside the portal and reviewed by nobody in it: numbered, printed
        and recorded as sent."""
        return self.obligation.directive.issuer_id is None and self.reviewing_unit is None


def reviewed_by_q(units: object) -> Q:
    """Reports these units review (`reviewing_unit` as a filter): those owed to them as issuer;
    for a directive from outside the portal, those owed by its other recipients to the unit that
    registered it."""
    return Q(obligation__directive__issuer__in=units) | Q(
        Q(obligation__directive__issuer__isnull=True),
        Q(obligation__recipient__registered_by__in=units),
        ~Q(unit=F("obligation__recipient__registered_by")),
    )


# A report that has reached its issuer: waiting for review, accepted, or sent outside the portal.
DELIVERED = (
    ProgressReport.Status.SUBMITTED,
    ProgressReport.Status.ACCEPTED,
    ProgressReport.Status.SENT,
)


class Digest(models.Model):
    """One user's reminders of one day, sent as one e-mail: at most one per user and day."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")
        SUPERSEDED = "superseded", _("Gộp vào thư ngày sau")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    day = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "user"]
        verbose_name = _("thư nhắc việc")
        verbose_name_plural = _("thư nhắc việc")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.day:%d/%m/%Y}"


class Reminder(models.Model):
    """One reminder of one obligation to one user at one offset from its deadline.

    The unique constraint is what makes reminders exactly-once: a second scan, a retried task
    or a concurrent worker can only find the row already there.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        CANCELLED = "cancelled", _("Đã hủy (việc đã xong)")
        SUPERSEDED = "superseded", _("Thay bằng lần nhắc sau")
        HANDED_OVER = "handedover", _("Việc đã chuyển cho đơn vị kế thừa")

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    offset = models.SmallIntegerField(help_text=_("Số ngày so với hạn: âm là trước hạn."))
    due_date = models.DateField()
    day = models.DateField(help_text=_("Ngày lần quét tạo nhắc việc này."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "user", "due_date"]
        verbose_name = _("nhắc việc")
        verbose_name_plural = _("nhắc việc")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "user", "offset"], name="reminder_once_per_offset"
            )
        ]
        indexes = [models.Index(fields=["user", "status"], name="reminder_user_status_idx")]

    def __str__(self) -> str:
        return f"{self.obligation} → {self.user} ({self.offset:+d})"


class EmailChannel(models.TextChoices):
    """How a user wants the e-mail of a kind of notification (the bell shows every one)."""

    IMMEDIATE = "immediate", _("Gửi thư ngay")
    DIGEST = "digest", _("Gộp vào thư nhắc việc hằng ngày")
    NONE = "none", _("Không gửi thư")


class Notification(models.Model):
    """What the bell shows, until the user marks it read: one per reminder sent (its text kept
    as sent), or one per (domain event, user) told of it (its text rendered when shown, by
    reports.notification_text.describe).

    The unique (event, user) and the event's processed mark, written in one transaction, make
    an event's notifications exactly-once; `emailed_at`, set under the row's lock in the
    transaction that sends, makes its e-mail at most once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    event = models.ForeignKey(
        DomainEvent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # An event's e-mail, as the user chose when it was created ("" for a reminder: its digest).
    channel = models.CharField(max_length=10, choices=EmailChannel.choices, blank=True)
    # Its e-mail sent (immediately or in a digest), or dropped for want of an address.
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["channel", "user"],
                condition=Q(emailed_at__isnull=True) & ~Q(channel=""),
                name="notification_unmailed_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], name="notification_once_per_event_and_user"
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.event} → {self.user}"


class NotificationPreference(models.Model):
    """A user's e-mail choice for one kind of event; without a row the kind's default applies
    (reports.notifications.DEFAULT_CHANNELS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    channel = models.CharField(max_length=10, choices=EmailChannel.choices)

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}: {self.get_channel_display()}"
