"""minica: a pure-Python private certificate authority.

The public API is reached from this package; submodules load on first use so that
``import minica`` (and the CLI's start-up) stays cheap.
"""

from __future__ import annotations

import importlib

from minica._version import __version__
from minica.errors import (
    CAError,
    DecodeError,
    InvalidSignature,
    MinicaError,
    PassphraseError,
    PolicyError,
    ValidationError,
)

# Not `from typing import ...`: typing costs ~9 ms of start-up and is only needed by checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# public name -> submodule that defines it
_LAZY = {
    "Name": "minica.name",
    "generate_private_key": "minica.keys",
    "load_private_key": "minica.keys",
    "load_public_key": "minica.keys",
    "RSAPrivateKey": "minica.keys",
    "RSAPublicKey": "minica.keys",
    "save_private_key": "minica.keys",
    "SignatureAlgorithm": "minica.algorithms",
    "create_csr": "minica.csr",
    "load_csr": "minica.csr",
    "CertificateSigningRequest": "minica.csr",
    "TBSCertificate": "minica.cert",
    "Certificate": "minica.cert",
    "load_certificate": "minica.cert",
    "load_certificates": "minica.cert",
    "self_signed": "minica.profiles",
    "sign_csr": "minica.profiles",
    "TBSCertList": "minica.crl",
    "CertificateRevocationList": "minica.crl",
    "create_crl": "minica.crl",
    "load_crl": "minica.crl",
    "CA": "minica.ca",
}
_SUBMODULES = {
    "der",
    "pem",
    "oids",
    "name",
    "keys",
    "algorithms",
    "extensions",
    "csr",
    "cert",
    "crl",
    "pkcs12",
    "profiles",
    "index",
    "ca",
    "text",
    "explain",
    "errors",
    "pbe",
}

__all__ = [
    "CAError",
    "DecodeError",
    "InvalidSignature",
    "MinicaError",
    "PassphraseError",
    "PolicyError",
    "ValidationError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"minica.{name}")
    raise AttributeError(f"module 'minica' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})
