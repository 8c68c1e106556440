"""The demo's signing keys: a demo CA and two keys it certifies (a signer, and the seal), every
name marked DEMO, in a directory beside the media files that git ignores.

Plain functions with no model import, so settings can read `demo_portal_signing` when it falls
back to the demo's keys (DEBUG, nothing configured). Nothing here is used in production: the
demo root is trusted only in the demo's configuration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEMO_PASSPHRASE = "demo"  # noqa: S105 - a throw-away key of the demo, printed in the README
CA_NAME = "CA Cổng điều hành (DEMO)"
SIGNER_NAME = "Khóa ký số của Cổng điều hành (DEMO)"
SEAL_NAME = "Con dấu số của Cổng điều hành (DEMO)"
SIGNER_FILE = "signer.p12"
SEAL_FILE = "seal.p12"


def demo_signing_dir(media_root: Path | str) -> Path:
    """`var/demo-signing/` beside the media directory (the checkout's, for `make run`)."""
    return Path(media_root).resolve().parent / "var" / "demo-signing"


def _key(path: Path) -> dict[str, Any]:
    return {
        "backend": "pkcs12",
        "pkcs12_path": str(path),
        "pkcs12_password": DEMO_PASSPHRASE,
        "pkcs11_module": "",
        "pkcs11_token_label": "",
        "pkcs11_key_label": "",
        "pkcs11_pin_secret": "",
    }


def demo_portal_signing(directory: Path) -> dict[str, Any]:
    """PORTAL_SIGNING for the demo's keys in `directory`: sign, seal, and trust its root only."""
    return {
        **_key(directory / SIGNER_FILE),
        "seal": _key(directory / SEAL_FILE),
        "timestamp_url": "",
        "trusted_roots": [str(directory / "root.pem")],
        "timestamper": None,
    }


def make_demo_keys(directory: Path) -> bool:
    """Create the demo CA and its two keys in `directory` unless they exist; whether it did."""
    if all((directory / name).exists() for name in ("root.pem", SIGNER_FILE, SEAL_FILE)):
        return False
    from campaigns.signing.testca import make_ca  # the demo and the tests only

    ca = make_ca(directory, CA_NAME)
    for name, file in ((SIGNER_NAME, SIGNER_FILE), (SEAL_NAME, SEAL_FILE)):
        ca.issue_pkcs12(directory, name, DEMO_PASSPHRASE).replace(directory / file)
    return True
