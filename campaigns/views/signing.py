"""Pages that sign an issued directive (the operator's key, after a confirmation), take back one
signed elsewhere, and serve the PDF as issued before signing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from campaigns import services
from campaigns.access import access_directive
from campaigns.models import Directive
from campaigns.services.signing import MAX_SIGNED_BYTES
from units.access import issuer_units_for
from units.http import AuthedHttpRequest
from units.models import User

if TYPE_CHECKING:
    from campaigns.signing import SignerIdentity


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        label="Tôi đã kiểm tra văn bản và ký số bằng khóa của Cổng. Bản đã ký thay cho bản "
        "chưa ký khi tải xuống; không ký lại được.",
        required=True,
    )


class SignedUploadForm(forms.Form):
    """The issued PDF, signed elsewhere; checked against the issued bytes by the service."""

    file = forms.FileField(
        label="Tệp PDF đã ký số",
        help_text="Đúng bản PDF tải xuống từ Cổng, đã ký bằng thiết bị ký số, đến 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"empty": "Tệp rỗng: không có gì để lưu."},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SIGNED_BYTES:
            raise forms.ValidationError(
                "Tệp quá lớn: bản PDF đã ký không thể lớn hơn 20 MB.", code="too_big"
            )
        return upload


def may_sign(user: User, directive: Directive) -> bool:
    """Whether the page offers signing: the people who may issue for the directive's issuer
    (the gate of the signing pages), on a directive that can still be signed."""
    return (
        directive.issuer_id is not None
        and services.signing_refusal(directive) is None
        and issuer_units_for(user).filter(pk=directive.issuer_id).exists()
    )


def signing_context(user: User, directive: Directive) -> dict[str, Any]:
    """What the directive's page shows about signing: the buttons, and the panel."""
    return {"may_sign": may_sign(user, directive)}


def _signable(request: AuthedHttpRequest, pk: int) -> tuple[Directive, HttpResponse | None]:
    """The directive for its issuer's people (404 for anyone else); a redirect to its page with
    the reason when it cannot be signed (signed already, imported, replaced)."""
    directive = access_directive(request.user, pk, for_edit=True)
    refusal = services.signing_refusal(directive)
    if refusal is not None:
        messages.error(request, refusal.messages[0])
        return directive, redirect(directive)
    return directive, None


def _identity(role: str) -> tuple[SignerIdentity | None, str]:
    """Who the configured key certifies, or why it cannot be used."""
    from campaigns.signing import SigningUnavailable, signing_available

    try:
        return signing_available(role), ""
    except SigningUnavailable as exc:
        return None, str(exc)


def directive_sign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Who the operator's key certifies, what will be signed, and a confirmation; then sign."""
    directive, refused = _signable(request, pk)
    if refused:
        return refused
    form = SignForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_sign(actor=request.user, directive=directive)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Đã ký số văn bản số {directive.symbol}.")
            return redirect(directive)
    return render(
        request,
        "campaigns/directive_sign.html",
        {"directive": directive, "form": form, "errors": errors, **signer_identities()},
    )


def signer_identities() -> dict[str, Any]:
    """For a confirmation page: who the key certifies (`signer`) and the seal's (`seal`), or
    why each cannot be used (`unavailable`, `seal_unavailable`)."""
    from campaigns.signing import seal_required

    signer, unavailable = _identity("signer")
    seal, seal_unavailable = _identity("seal") if seal_required() else (None, "")
    return {
        "signer": signer,
        "unavailable": unavailable,
        "seal": seal,
        "seal_unavailable": seal_unavailable,
    }


def directive_upload_signed(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Take back the issued PDF signed elsewhere: kept only if it is that PDF, signed, intact."""
    directive, refused = _signable(request, pk)
    if refused:
        return refused
    form = SignedUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_upload_signed(
                actor=request.user, directive=directive, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(request, f"Đã lưu bản đã ký số của văn bản số {directive.symbol}.")
            return redirect(directive)
    return render(
        request,
        "campaigns/directive_upload_signed.html",
        {"directive": directive, "form": form},
    )


def directive_pdf_unsigned(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The PDF as issued, before any signature: kept unchanged beside the signed one."""
    directive = access_directive(request.user, pk)
    if directive.is_draft or not directive.issued_pdf:
        raise Http404("Văn bản không có bản PDF ban hành.")
    with directive.issued_pdf.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{directive.symbol.replace('/', '-')}-chua-ky.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response
