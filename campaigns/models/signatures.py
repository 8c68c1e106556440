"""How a document of record came to be signed: the choices shared by directives and reports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningMethod(models.TextChoices):
    """Signed here with the operator's key, or signed elsewhere (a personal USB token) and
    uploaded back."""

    SERVER = "server", _("Ký số bằng khóa của Cổng")
    UPLOADED = "uploaded", _("Ký ngoài Cổng, tải lên bản đã ký")
