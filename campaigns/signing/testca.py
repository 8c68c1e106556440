"""Throw-away certificate authorities and SoftHSM2 tokens, for the tests and the demo only.

Production code never imports this module. Certificates made for the demo carry "DEMO" in their
names, those made by the tests "TEST", so neither can be mistaken for a real signer.

SoftHSM2 reads SOFTHSM2_CONF when the library is initialised in a process, and python-pkcs11
keeps the library loaded for the life of the process. So `softhsm_token` sets
os.environ["SOFTHSM2_CONF"] before anything in this process loads the module, and a process
gets ONE token directory: asking for a second directory after the module was loaded raises
RuntimeError (tests share one session-scoped token; seed_demo makes one per run).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils.text import slugify
from pkcs11 import Attribute, KeyType
from pkcs11.util.rsa import encode_rsa_public_key
from pkcs11.util.x509 import decode_x509_certificate
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
KEY_BITS = 2048


@dataclass(frozen=True)
class SoftHsmToken:
    """An initialised SoftHSM2 token: what PORTAL_SIGNING needs to use it."""

    directory: Path  # holds softhsm2.conf and tokens/
    module: str  # the PKCS#11 library path
    label: str  # token label
    pin: str  # user PIN


def _name(common_name: str) -> x509.Name:
    if "DEMO" not in common_name and "TEST" not in common_name:
        raise ValueError(f"{common_name!r}: a throw-away certificate's name must say DEMO or TEST")
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


class CertificateAuthority:
    """A self-signed root (root.pem, root-key.pem in `directory`) that issues signing certificates.

    A directory that already holds a root is reused, so the demo keeps one root across runs.
    """

    root_pem: Path

    def __init__(self, directory: Path, name: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.root_pem = directory / "root.pem"
        key_pem = directory / "root-key.pem"
        if self.root_pem.exists() and key_pem.exists():
            self.cert = x509.load_pem_x509_certificate(self.root_pem.read_bytes())
            key = serialization.load_pem_private_key(key_pem.read_bytes(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)  # noqa: S101 (written by this class)
            self.key = key
            return
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        now = datetime.now(UTC)
        public = self.key.public_key()
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        self.root_pem.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        key_pem.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_pem.chmod(0o600)

    def issue(self, public_key: PublicKeyTypes, common_name: str) -> x509.Certificate:
        """A certificate for document signing (digitalSignature + nonRepudiation), 3 years."""
        now = datetime.now(UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.cert.subject)
            .public_key(public_key)  # type: ignore[arg-type]
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,  # nonRepudiation
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)  # type: ignore[arg-type]
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )

    def timestamper(self, common_name: str, at: datetime | None = None) -> DummyTimeStamper:
        """An in-process RFC 3161 timestamp authority certified by this root (no server).

        pyHanko's DummyTimeStamper, for PORTAL_SIGNING["timestamper"] in tests; `at` fixes the
        time it stamps.
        """
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=3650))
            .not_valid_after(now + timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
            .sign(self.key, hashes.SHA256())
        )
        return DummyTimeStamper(
            tsa_cert=translate_pyca_cryptography_cert_to_asn1(cert),
            tsa_key=translate_pyca_cryptography_key_to_asn1(key),
            certs_to_embed=SimpleCertificateStore.from_certs(
                [translate_pyca_cryptography_cert_to_asn1(self.cert)]
            ),
            fixed_dt=at,
        )

    def issue_pkcs12(self, directory: Path, common_name: str, passphrase: str) -> Path:
        """A signing certificate + key (and this root) as `<directory>/<slug>.p12`."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        cert = self.issue(key.public_key(), common_name)
        path = directory / f"{slugify(common_name) or 'signer'}.p12"
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                common_name.encode(),
                key,
                cert,
                [self.cert],
                serialization.BestAvailableEncryption(passphrase.encode()),
            )
        )
        path.chmod(0o600)
        return path

    def issue_on_token(self, token: SoftHsmToken, common_name: str, label: str) -> None:
        """Generate a key pair on `token` and store the certificate issued for it, both `label`."""
        session = (
            pkcs11.lib(token.module)
            .get_token(token_label=token.label)
            .open(rw=True, user_pin=token.pin)
        )
        with session:
            key_id = secrets.token_bytes(8)
            public, _ = session.generate_keypair(
                KeyType.RSA,
                KEY_BITS,
                id=key_id,
                label=label,
                store=True,
                private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False},
            )
            public_key = serialization.load_der_public_key(encode_rsa_public_key(public))
            cert = self.issue(public_key, common_name)
            attributes = decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER))
            session.create_object(
                {**attributes, Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: key_id}
            )


def make_ca(directory: Path, name: str) -> CertificateAuthority:
    """A self-signed root CA called `name`, its files in `directory` (reused if present)."""
    return CertificateAuthority(directory, name)


def softhsm_token(directory: Path, label: str, pin: str) -> SoftHsmToken:
    """Initialise a SoftHSM2 token `label` with its private SOFTHSM2_CONF under `directory`.

    Sets os.environ["SOFTHSM2_CONF"] for this process (and the ones it starts); see the module
    docstring for why a process has one token directory.
    """
    conf = directory / "softhsm2.conf"
    current = os.environ.get("SOFTHSM2_CONF")
    if current and current != str(conf) and SOFTHSM_MODULE in pkcs11._loaded:
        raise RuntimeError(
            f"SoftHSM2 is already loaded with {current}; one token directory per process"
        )
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    tool = shutil.which("softhsm2-util") or "/usr/bin/softhsm2-util"
    subprocess.run(  # noqa: S603 (fixed tool, arguments from the caller)
        [
            tool,
            "--init-token",
            "--free",
            "--label",
            label,
            "--pin",
            pin,
            "--so-pin",
            secrets.token_hex(8),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
    )
    if SOFTHSM_MODULE in pkcs11._loaded:  # loaded earlier in this process: see the new token
        pkcs11._loaded[SOFTHSM_MODULE].reinitialize()
    return SoftHsmToken(directory=directory, module=SOFTHSM_MODULE, label=label, pin=pin)
