"""The operator's signing keys, as configured in settings.PORTAL_SIGNING, opened on demand.

Settings are read at call time (tests override them per test). A key is opened for one
operation and closed again: a token can be unplugged between two signatures.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.views.decorators.debug import sensitive_variables
from pkcs11 import exceptions as p11_errors
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from campaigns.signing.types import SignerIdentity, SigningUnavailable

logger = logging.getLogger(__name__)

ROLES = ("signer", "seal")
NOT_CONFIGURED = {
    "signer": "Cổng chưa được cấu hình khóa ký số.",
    "seal": "Cổng chưa được cấu hình khóa con dấu của cơ quan.",
}
# Settings keys holding secrets; their names match Django's hidden settings (PASS, SECRET), so
# the debug page and error reports show them masked.
PASSWORD_SETTING = "pkcs12_password"  # noqa: S105 - a settings key's name, not a secret
PIN_SETTING = "pkcs11_pin_secret"
SECRETS = (PASSWORD_SETTING, PIN_SETTING)
PIN_VARIABLE = {"signer": "PORTAL_SIGN_PIN", "seal": "PORTAL_SEAL_PIN"}
RETRY_LATER = (
    "Để thiết bị không bị khóa, Cổng không thử lại cho đến khi cấu hình được sửa hoặc Cổng "
    "được khởi động lại."
)

# Logins a token refused, by (module, token label, digest of the PIN): a token locks itself
# after a few wrong PINs, and every page that names the signer would otherwise try again.
_refused_logins: dict[tuple[str, str, str], str] = {}


def _configured(role: str) -> dict[str, Any] | None:
    if role not in ROLES:
        raise ValueError(f"unknown signing role {role!r}")
    config: dict[str, Any] = getattr(settings, "PORTAL_SIGNING", None) or {}
    key = config if role == "signer" else config.get("seal")
    if not key or not key.get("backend"):
        return None
    return key


def key_settings(role: str) -> dict[str, Any] | None:
    """The settings of the key that signs for `role` without its secrets (PIN, passphrase), or
    None when none is configured. Only the function that uses a secret reads it (`_secret`),
    so no caller's locals, shown in a traceback, hold it."""
    key = _configured(role)
    return None if key is None else {k: v for k, v in key.items() if k not in SECRETS}


@sensitive_variables()
def _secret(role: str, name: str) -> str:
    key = _configured(role) or {}
    return str(key.get(name) or "")


def forget_refused_logins() -> None:
    """Try the configured PINs again (the operator fixed or unlocked the token)."""
    _refused_logins.clear()


def common_name(name: asn1_x509.Name) -> str:
    """A certificate name's CN, or the whole name when it has none."""
    cn = name.native.get("common_name")
    if isinstance(cn, list):  # a name may repeat an attribute
        cn = cn[-1]
    return str(cn) if cn else name.human_friendly


@contextmanager
def open_signer(role: str = "signer") -> Iterator[tuple[Signer, str]]:
    """The pyHanko signer for `role` and its kind ("pkcs12" | "pkcs11"), closed on exit.

    Raises SigningUnavailable (Vietnamese message) when the key is not configured or cannot be
    opened; the technical cause goes to the log for the operator.
    """
    key = key_settings(role)
    if key is None:
        raise SigningUnavailable(NOT_CONFIGURED[role])
    backend = key["backend"]
    if backend == "pkcs12":
        yield _pkcs12_signer(key, role), backend
    elif backend == "pkcs11":
        session = _pkcs11_session(key, role)
        try:
            signer = PKCS11Signer(session, key_label=key.get("pkcs11_key_label") or None)
            try:
                signer.signing_cert  # noqa: B018 (loads the certificate and the key handle now)
            except (SigningError, p11_errors.PKCS11Error) as exc:
                logger.warning("PKCS#11 key %r: %s", key.get("pkcs11_key_label"), exc)
                raise SigningUnavailable(
                    f"Không tìm thấy khóa ký “{key.get('pkcs11_key_label')}” "
                    "và chứng thư số của nó trên thiết bị ký số."
                ) from exc
            yield signer, backend
        finally:
            session.close()
    else:
        raise SigningUnavailable(
            f"Kiểu khóa ký số “{backend}” không được hỗ trợ (pkcs12 hoặc pkcs11)."
        )


class Pkcs12Signer(SimpleSigner):
    """A SimpleSigner that parses its private key once rather than at every signature.

    pyHanko re-reads the key for each raw signature (twice per PDF: a size estimate, then the
    signature), and cryptography's RSA key checks cost ~0.1 s each time.
    """

    def __init__(self, *, private_key: PrivateKeyTypes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        key = self._private_key
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), digest)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)  # rarer mechanisms: pyHanko's own path


@sensitive_variables("password")
def _pkcs12_signer(key: dict[str, Any], role: str) -> Pkcs12Signer:
    path = Path(key.get("pkcs12_path") or "")
    try:
        stat = path.stat()
    except OSError as exc:
        logger.warning("PKCS#12 file %s: %s", path, exc)
        raise SigningUnavailable("Không đọc được tệp khóa ký số (PKCS#12) đã cấu hình.") from exc
    password = _secret(role, PASSWORD_SETTING)
    return _load_pkcs12(str(path), stat.st_mtime_ns, stat.st_size, password)


@functools.lru_cache(maxsize=4)
def _load_pkcs12(path: str, _mtime_ns: int, _size: int, password: str) -> Pkcs12Signer:
    """The signer in a PKCS#12 file, cached while the file and the password stay the same."""
    try:
        data = Path(path).read_bytes()
        private_key, cert, others = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except (OSError, ValueError) as exc:
        logger.warning("PKCS#12 file %s: %s", path, exc)
        raise SigningUnavailable(
            "Mật khẩu của tệp khóa ký số không đúng, hoặc tệp bị hỏng."
        ) from exc
    if private_key is None or cert is None:
        raise SigningUnavailable("Tệp khóa ký số không chứa khóa và chứng thư số.")
    registry = SimpleCertificateStore()
    registry.register_multiple(translate_pyca_cryptography_cert_to_asn1(other) for other in others)
    return Pkcs12Signer(
        private_key=private_key,
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        cert_registry=registry,
    )


@sensitive_variables("pin", "user_pin")
def _pkcs11_session(key: dict[str, Any], role: str) -> Any:
    """A logged-in session on the configured token. A PIN the token refused is not tried again
    (see _refused_logins): the same message comes back without touching the token."""
    module = key.get("pkcs11_module") or ""
    label = key.get("pkcs11_token_label") or None
    pin = _secret(role, PIN_SETTING)
    attempt = (module, label or "", hashlib.sha256(pin.encode()).hexdigest())
    if (refusal := _refused_logins.get(attempt)) is not None:
        raise SigningUnavailable(refusal)
    try:
        return open_pkcs11_session(
            module, token_criteria=TokenCriteria(label=label), user_pin=pin or None
        )
    except p11_errors.PinIncorrect as exc:
        refusal = (
            "Mã PIN của thiết bị ký số không đúng: quản trị viên cần sửa mã PIN trong cấu hình "
            f"({PIN_VARIABLE.get(role, 'PORTAL_SIGN_PIN')}). {RETRY_LATER}"
        )
        _refuse(attempt, refusal, exc)
        raise SigningUnavailable(refusal) from exc
    except (p11_errors.PinLocked, p11_errors.PinExpired) as exc:
        refusal = (
            "Mã PIN của thiết bị ký số đã bị khóa hoặc hết hạn: quản trị viên cần mở khóa "
            f"thiết bị hoặc đặt mã PIN mới rồi sửa cấu hình. {RETRY_LATER}"
        )
        _refuse(attempt, refusal, exc)
        raise SigningUnavailable(refusal) from exc
    except (p11_errors.PKCS11Error, SigningError, OSError) as exc:
        logger.warning("PKCS#11 module %s, token %r: %s", module, label, exc)
        if "loading" in str(exc) or not Path(module).exists():
            raise SigningUnavailable(
                "Không nạp được thư viện PKCS#11 của thiết bị ký số đã cấu hình."
            ) from exc
        raise SigningUnavailable(
            f"Không tìm thấy thiết bị ký số “{label or ''}”: hãy cắm thiết bị rồi thử lại."
        ) from exc


def _refuse(attempt: tuple[str, str, str], refusal: str, exc: Exception) -> None:
    _refused_logins[attempt] = refusal
    logger.error(
        "PKCS#11 token %r refused the configured PIN (%s): not tried again until the "
        "configuration changes or the process restarts",
        attempt[1],
        type(exc).__name__,
    )


def signing_available(role: str = "signer") -> SignerIdentity | None:
    """Who would sign for `role` ("signer" or "seal"), or None when no key is configured.

    Opens the key (file or token) to read its certificate, so a wrong PIN, a missing token or a
    missing file raises SigningUnavailable here rather than at the moment of signing.
    """
    if key_settings(role) is None:
        return None
    with open_signer(role) as (signer, kind):
        cert = signer.signing_cert
        assert cert is not None  # noqa: S101 (both loaders set it or raise)
        return SignerIdentity(
            kind=kind,
            subject=common_name(cert.subject),
            issuer=common_name(cert.issuer),
            not_after=cert.not_valid_after,
        )


def seal_required() -> bool:
    """Whether the issuing body's seal goes on as a second signature (a seal key is configured)."""
    return key_settings("seal") is not None
