"""Two clicks on "Ký số" at the same moment, on two connections, sign the directive once.

Each signing runs in its own thread, hence its own PostgreSQL connection and transaction, as two
requests would; SQLite serialises every writer and could not show a race.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError

from campaigns import services
from campaigns.models import Directive
from campaigns.signing import verify_pdf
from tests.campaigns.test_numbering_postgres import TIMEOUT, _in_thread, _join
from tests.plugins.directives import make_draft
from tests.plugins.signing import portal_signing
from units.events import EventKind
from units.models import DomainEvent

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_two_signings_at_once_sign_once(campaign, tree, users, settings, test_pkcs12):
    settings.PORTAL_SIGNING = portal_signing(test_pkcs12.key_settings(), test_pkcs12.ca.root_pem)
    draft = make_draft(campaign, tree.bloc_btg, users.staff)
    services.recipients_add(actor=users.staff, directive=draft, units=[tree.grassroots_a])
    issued = services.directive_issue(actor=users.staff, directive=draft)
    barrier = threading.Barrier(2)
    signed: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def sign(actor) -> None:
        barrier.wait(TIMEOUT)
        try:
            services.directive_sign(actor=actor, directive=issued)
        except ValidationError as exc:
            refused.append(exc.error_list[0].code)
        else:
            signed.append(actor.pk)

    threads = [
        _in_thread(lambda actor=actor: sign(actor), errors) for actor in (users.staff, users.staff)
    ]
    for thread in threads:
        thread.start()
    _join(threads)

    assert errors == []
    assert (len(signed), refused) == (1, ["already_signed"])
    directive = Directive.objects.get(pk=issued.pk)
    with directive.signed_pdf.open("rb") as pdf:
        assert len(verify_pdf(pdf.read())) == 1
    assert DomainEvent.objects.filter(kind=EventKind.DOCUMENT_SIGNED).count() == 1
