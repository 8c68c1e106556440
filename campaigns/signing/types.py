"""Plain values the signing package hands to the portal: where to sign, who signs, what was found."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


class SigningUnavailable(Exception):
    """No key is configured, the token is absent, or the PIN or passphrase is wrong.

    The message is Vietnamese and meant for the person who pressed "Ký số".
    """


class UnreadablePdf(ValueError):
    """The bytes are not a PDF pyHanko can read (truncated, garbage, encrypted)."""


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: PDF user space in points, origin bottom-left."""

    page: int  # 0-based page index
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class SignerIdentity:
    """The key the operator configured, shown before signing so the clerk knows who will sign."""

    kind: str  # "pkcs12" | "pkcs11"
    subject: str  # certificate subject common name
    issuer: str  # issuer common name
    not_after: datetime


@dataclass(frozen=True)
class SignatureReport:
    """What verification found about one signature, in the words the portal shows."""

    field_name: str
    signer: str  # certificate subject CN (or the full subject when it has none)
    issuer: str  # issuer CN
    signing_time: datetime | None  # timestamp token's time if any, else the claimed time
    timestamped: bool
    intact: bool  # the signed bytes are unchanged and the cryptographic signature holds
    covers_document: bool  # nothing changed after it except later signatures / DSS
    modified_after: bool  # the document was changed after signing (non-signature changes)
    trusted: bool  # the chain reaches a root in PORTAL_SIGNING["trusted_roots"]
    summary: str  # one Vietnamese sentence

    @property
    def valid(self) -> bool:
        """Intact, unmodified and trusted: the green tick."""
        return self.intact and not self.modified_after and self.trusted

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form (datetimes as ISO strings), for a JSONField."""
        data = asdict(self)
        data["signing_time"] = self.signing_time.isoformat() if self.signing_time else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignatureReport:
        """Inverse of `as_dict`; unknown keys are ignored so stored reports survive additions."""
        values = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        when = values.get("signing_time")
        values["signing_time"] = datetime.fromisoformat(when) if when else None
        return cls(**values)
