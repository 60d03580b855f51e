"""The exception hierarchy (layer 0): every error minica raises on purpose is a `MinicaError`.

Messages read ``<what>: <reason> [at byte N]``, naming the field path, file or line at fault.
"""

from __future__ import annotations

__all__ = [
    "CAError",
    "DecodeError",
    "InvalidSignature",
    "MinicaError",
    "PassphraseError",
    "PolicyError",
    "ValidationError",
]


class MinicaError(Exception):
    """Every error minica raises on purpose."""


class DecodeError(MinicaError, ValueError):
    """Bytes are not valid DER/PEM for what was expected; names the byte offset and field."""


class ValidationError(MinicaError, ValueError):
    """A value breaks RFC 5280/2986 rules (or minica's own, e.g. naive datetimes)."""


class InvalidSignature(MinicaError):
    """A signature does not verify."""


class PassphraseError(MinicaError):
    """Missing or wrong passphrase, or unsupported encryption."""


class PolicyError(MinicaError):
    """The CA refuses a request (policy, profile, duplicates)."""


class CAError(MinicaError):
    """The CA directory is missing, locked, corrupt or inconsistent."""
