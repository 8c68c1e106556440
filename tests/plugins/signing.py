"""Signing fixtures: a test CA, a real SoftHSM2 token holding a key it certified, and settings.

The token lives in one session directory because SoftHSM2 reads its configuration once per
process (campaigns/signing/testca.py). Without SoftHSM2 the token tests are skipped locally and
fail when CI=true.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from campaigns.signing import sign_pdf
from campaigns.signing.config import forget_refused_logins, open_signer
from campaigns.signing.runner import outside_event_loop
from campaigns.signing.testca import (
    SOFTHSM_MODULE,
    CertificateAuthority,
    make_ca,
    softhsm_token,
)

TOKEN_LABEL = "portal-test"
KEY_LABEL = "signer"
SEAL_KEY_LABEL = "seal"
PIN = "123456"
SIGNER_NAME = "Nguyễn Văn Thắng (TEST)"
SEAL_NAME = "Ban Tuyên giáo Thành ủy Cần Thơ (TEST)"


@dataclass(frozen=True)
class TokenKeys:
    """The session's SoftHSM2 token: a signer key and a seal key, both certified by test_ca."""

    module: str
    token_label: str
    key_label: str
    seal_key_label: str
    pin: str
    ca: CertificateAuthority

    def key_settings(self, key_label: str | None = None) -> dict[str, Any]:
        """One key's PORTAL_SIGNING entries for this token."""
        return {
            "backend": "pkcs11",
            "pkcs12_path": "",
            "pkcs12_password": "",
            "pkcs11_module": self.module,
            "pkcs11_token_label": self.token_label,
            "pkcs11_key_label": key_label or self.key_label,
            "pkcs11_pin_secret": self.pin,
        }


@dataclass(frozen=True)
class Pkcs12Key:
    """A PKCS#12 signer issued by `ca`."""

    ca: CertificateAuthority
    path: Path
    passphrase: str

    def key_settings(self) -> dict[str, Any]:
        """One key's PORTAL_SIGNING entries for this file."""
        return {
            "backend": "pkcs12",
            "pkcs12_path": str(self.path),
            "pkcs12_password": self.passphrase,
            "pkcs11_module": "",
            "pkcs11_token_label": "",
            "pkcs11_key_label": "",
            "pkcs11_pin_secret": "",
        }


def portal_signing(key: dict[str, Any], *roots: Path, **extra: Any) -> dict[str, Any]:
    """A whole PORTAL_SIGNING value: `key` signs, `roots` are trusted, no seal, no timestamp."""
    return {
        **key,
        "seal": None,
        "timestamp_url": "",
        "trusted_roots": [str(root) for root in roots],
        "timestamper": None,
        **extra,
    }


def sample_pdf(pages: int = 5) -> bytes:
    """A small A4 PDF, "Trang N" on page N, content streams uncompressed (tests edit them)."""
    writer = PdfFileWriter()
    name = generic.NameObject
    font = writer.add_object(
        generic.DictionaryObject(
            {
                name("/Type"): name("/Font"),
                name("/Subtype"): name("/Type1"),
                name("/BaseFont"): name("/Helvetica"),
            }
        )
    )
    for number in range(1, pages + 1):
        content = generic.StreamObject(
            stream_data=b"BT /F1 14 Tf 72 760 Td (Trang %d) Tj ET" % number
        )
        resources = generic.DictionaryObject(
            {name("/Font"): generic.DictionaryObject({name("/F1"): font})}
        )
        writer.insert_page(
            PageObject(
                contents=writer.add_object(content),
                media_box=(0, 0, 595.28, 841.89),
                resources=resources,
            )
        )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_with(pdf: bytes, change: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    """`pdf` signed (invisibly) with the configured key, in a revision where `change` also
    wrote something else: what a forger's tool can do, and what the signature then covers."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    change(writer)
    meta = signers.PdfSignatureMetadata(
        field_name="ChuKy1", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
    )
    with open_signer() as (signer, _kind):
        # pyHanko runs its own event loop: not in this thread once a browser test has one.
        output = outside_event_loop(
            signers.PdfSigner(meta, signer).sign_pdf, writer, output=BytesIO()
        )
    return bytes(output.getbuffer())


def draw_on_first_page(writer: IncrementalPdfFileWriter, text: bytes = b"FORGED TEXT") -> None:
    """A new content stream on page 1 (font /F1, as sample_pdf's pages have)."""
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 700 Td (" + text + b") Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    """An unsigned 5-page PDF."""
    return sample_pdf(5)


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    """The root the tests trust."""
    return make_ca(tmp_path_factory.mktemp("test-ca"), "Cơ quan chứng thực TEST")


@pytest.fixture(scope="session")
def test_pkcs12(
    test_ca: CertificateAuthority, tmp_path_factory: pytest.TempPathFactory
) -> Pkcs12Key:
    """A PKCS#12 signer issued by test_ca (trusted, like the token keys)."""
    directory = tmp_path_factory.mktemp("test-p12")
    path = test_ca.issue_pkcs12(directory, SEAL_NAME, "mật-khẩu")
    return Pkcs12Key(test_ca, path, "mật-khẩu")


@pytest.fixture(scope="session")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Pkcs12Key:
    """A CA nobody configured to trust, with a PKCS#12 signer: its signatures are untrusted."""
    ca = make_ca(tmp_path_factory.mktemp("other-ca"), "Cơ quan chứng thực lạ TEST")
    path = ca.issue_pkcs12(ca.root_pem.parent, "Người ký lạ (TEST)", "khác")
    return Pkcs12Key(ca, path, "khác")


@pytest.fixture(scope="session")
def softhsm(test_ca: CertificateAuthority, tmp_path_factory: pytest.TempPathFactory) -> TokenKeys:
    """A SoftHSM2 token with a signer key and a seal key certified by test_ca."""
    if not os.path.exists(SOFTHSM_MODULE):
        reason = f"SoftHSM2 not found at {SOFTHSM_MODULE}: run `apt-get install softhsm2`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    token = softhsm_token(tmp_path_factory.mktemp("softhsm"), TOKEN_LABEL, PIN)
    test_ca.issue_on_token(token, SIGNER_NAME, KEY_LABEL)
    test_ca.issue_on_token(token, SEAL_NAME, SEAL_KEY_LABEL)
    return TokenKeys(token.module, token.label, KEY_LABEL, SEAL_KEY_LABEL, token.pin, test_ca)


NO_KEY = {
    "backend": "",
    "pkcs12_path": "",
    "pkcs12_password": "",
    "pkcs11_module": "",
    "pkcs11_token_label": "",
    "pkcs11_key_label": "",
    "pkcs11_pin_secret": "",
}


@pytest.fixture(autouse=True)
def no_signing_key(settings: Any) -> None:
    """No key unless a test configures one: in a checkout where `make run` made the demo's keys,
    the settings' development fallback would otherwise sign (and trust) with them. No PIN is
    remembered as refused from an earlier test."""
    settings.PORTAL_SIGNING = portal_signing(NO_KEY)
    forget_refused_logins()


@pytest.fixture
def signing_settings(settings: Any, softhsm: TokenKeys) -> dict[str, Any]:
    """PORTAL_SIGNING for this test: sign with the token's signer key, trust test_ca, no seal."""
    settings.PORTAL_SIGNING = portal_signing(softhsm.key_settings(), softhsm.ca.root_pem)
    return settings.PORTAL_SIGNING


@pytest.fixture
def seal_settings(
    signing_settings: dict[str, Any], softhsm: TokenKeys, settings: Any
) -> dict[str, Any]:
    """signing_settings plus the seal key on the same token, so seal_required() is True."""
    settings.PORTAL_SIGNING = {
        **signing_settings,
        "seal": softhsm.key_settings(softhsm.seal_key_label),
    }
    return settings.PORTAL_SIGNING


def signed_elsewhere(
    pdf: bytes,
    settings: Any,
    key: Pkcs12Key,
    change: Callable[[IncrementalPdfFileWriter], None] | None = None,
) -> bytes:
    """`pdf` signed on someone's own machine: their key, not the portal's; with `change`, a
    tool that also writes something else into the revision it signs."""
    saved = settings.PORTAL_SIGNING
    settings.PORTAL_SIGNING = portal_signing(key.key_settings())
    try:
        if change is not None:
            return signed_with(pdf, change)
        return sign_pdf(
            pdf,
            box=None,
            name="Nguyễn Văn Sẵn",
            position="Trưởng ban",
            signed_on=datetime.date(2024, 3, 29),
        )
    finally:
        settings.PORTAL_SIGNING = saved


def changed_after_signing(pdf: bytes) -> bytes:
    """An incremental update that draws on page 1 after the signature, as an editor would."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    draw_on_first_page(writer, b"Sua")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
