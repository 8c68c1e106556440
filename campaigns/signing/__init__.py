"""PAdES signing and verification of issued PDFs (pyHanko), with the operator's key.

The key is a PKCS#12 file or a PKCS#11 token configured in settings.PORTAL_SIGNING (read at call
time, secrets from the environment only). Nothing is fetched from the network: trust is decided
against the root certificates the operator lists. `testca` makes throw-away CAs for tests and
the demo; production code never imports it.

The plain values (types) import at once; the functions load pyHanko (about 0.7 s) on first use
only, so that a web process or a test that never signs does not pay for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from campaigns.signing.types import (
    SignatureBox,
    SignatureReport,
    SignerIdentity,
    SigningUnavailable,
    UnreadablePdf,
)

if TYPE_CHECKING:
    from campaigns.signing.config import seal_required, signing_available
    from campaigns.signing.sign import sign_pdf
    from campaigns.signing.verify import covers_exactly, signed_copy_problem, verify_pdf

_LAZY = {
    "seal_required": "campaigns.signing.config",
    "signing_available": "campaigns.signing.config",
    "sign_pdf": "campaigns.signing.sign",
    "covers_exactly": "campaigns.signing.verify",
    "signed_copy_problem": "campaigns.signing.verify",
    "verify_pdf": "campaigns.signing.verify",
}

__all__ = [
    "SignatureBox",
    "SignatureReport",
    "SignerIdentity",
    "SigningUnavailable",
    "UnreadablePdf",
    "covers_exactly",
    "seal_required",
    "sign_pdf",
    "signed_copy_problem",
    "signing_available",
    "verify_pdf",
]


def __getattr__(name: str) -> Any:
    """PEP 562: the functions' modules (and pyHanko) load when first asked for."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
