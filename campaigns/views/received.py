"""Pages for directives a unit has received: the list, the file one arrived as, and the one
click that starts the draft implementing it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.access import access_directive, access_recipient
from units.access import issuer_units_for
from units.http import AuthedHttpRequest


def received_list(request: AuthedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.received_for(request.user), 25).get_page(request.GET.get("page"))
    rows = selectors.with_issuer_options(request.user, list(page.object_list))
    return render(request, "campaigns/received_list.html", {"page": page, "rows": rows})


def directive_source(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """The file a received directive was imported from, as it arrived."""
    directive = access_directive(request.user, pk)
    if not directive.source_file or not directive.source_file.storage.exists(
        directive.source_file.name
    ):
        raise Http404("Văn bản này không có tệp gốc.")
    return FileResponse(
        directive.source_file.open("rb"), as_attachment=True, filename=directive.source_name
    )


@require_POST
def directive_implement(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One click from a received directive to a pre-filled implementing draft."""
    recipient = access_recipient(request.user, pk)
    issuer = None
    if request.POST.get("issuer"):
        issuer = issuer_units_for(request.user).filter(pk=request.POST["issuer"]).first()
        if issuer is None:
            raise Http404("Không tìm thấy cơ quan ban hành.")
    try:
        draft = services.directive_implement(actor=request.user, recipient=recipient, issuer=issuer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(recipient.directive)
    messages.success(
        request,
        f"Đã tạo dự thảo thực hiện {recipient.directive.display_title}; hãy sửa và ban hành.",
    )
    return redirect("campaigns:directive_edit", pk=draft.pk)
