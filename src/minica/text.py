"""openssl-style text pieces shared by ``cert``, ``csr`` and ``crl`` ``to_text()`` methods.

Each helper reproduces one OpenSSL 3.0 printing routine (named in its docstring) so the
layer-5 modules can lay out ``openssl x509|req|crl -text -noout`` from them. Functions named
``*_lines`` return lists of lines without newlines; ``*_text`` join them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from minica import der, oids
from minica.extensions import Extension

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from minica.algorithms import SignatureAlgorithm
    from minica.keys import RSAPublicKey

__all__ = [
    "extensions_lines",
    "extensions_text",
    "hex_block",
    "hex_lines",
    "public_key_lines",
    "public_key_text",
    "serial_lines",
    "serial_text",
    "signature_algorithm_lines",
    "signature_lines",
    "signature_text",
    "time_text",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Named curves openssl prints with their NIST names (RFC 5480 2.1.1.1): (name, NIST, bits).
_CURVES = {
    "1.2.840.10045.3.1.7": ("prime256v1", "P-256", 256),
    "1.3.132.0.34": ("secp384r1", "P-384", 384),
    "1.3.132.0.35": ("secp521r1", "P-521", 521),
}


def time_text(when: datetime) -> str:
    """ASN1_TIME_print: ``Nov 29 03:41:00 2026 GMT`` (day padded with a space)."""
    return (
        f"{_MONTHS[when.month - 1]} {when.day:2d} {when.hour:02d}:{when.minute:02d}:"
        f"{when.second:02d} {when.year} GMT"
    )


def hex_lines(data: bytes, indent: int, width: int = 18) -> list[str]:
    """openssl's colon hex dump: lower case, ``width`` octets a line, ``:`` ending all but the
    last line (X509_signature_dump uses 18, ASN1_buf_print 15)."""
    pad = " " * indent
    n = len(data)
    return [
        pad + data[i : i + width].hex(":") + (":" if i + width < n else "")
        for i in range(0, n, width)
    ]


def hex_block(data: bytes, indent: int, width: int = 18) -> str:
    """``hex_lines`` joined with newlines (no trailing newline)."""
    return "\n".join(hex_lines(data, indent, width))


def _magnitude(n: int) -> bytes:
    m = abs(n)
    return m.to_bytes(max(1, (m.bit_length() + 7) // 8), "big")


def serial_lines(serial: int, indent: int = 8) -> list[str]:
    """X509_print_ex's serial: ``Serial Number: 4096 (0x1000)`` for serials that fit a C long
    (8 octets), else ``Serial Number:`` and colon hex on the next line (`` (Negative)`` before
    it for negative serials)."""
    pad = " " * indent
    magnitude = _magnitude(serial)
    # ASN1_INTEGER_get reads up to 8 octets into a long; -1 is its error value (also for -1
    # itself), and then openssl falls back to the hex form.
    if len(magnitude) <= 8 and -(1 << 63) < serial < (1 << 63) and serial != -1:
        neg = "-" if serial < 0 else ""
        value = abs(serial)
        return [f"{pad}Serial Number: {neg}{value} ({neg}0x{value:x})"]
    note = " (Negative)" if serial < 0 else ""
    return [f"{pad}Serial Number:", " " * (indent + 4) + note + magnitude.hex(":")]


def serial_text(serial: int, indent: int = 8) -> str:
    """``serial_lines`` joined with newlines."""
    return "\n".join(serial_lines(serial, indent))


def _even_hex(value: int) -> str:
    """i2a_ASN1_INTEGER's hex: upper case, two digits per octet."""
    digits = f"{value:X}"
    return "0" + digits if len(digits) % 2 else digits


def _pss_lines(alg: SignatureAlgorithm, indent: int) -> list[str]:
    """rsa_pss_param_print: the RSASSA-PSS parameters (fields at their DEFAULT say so)."""
    pad = " " * indent
    hash_ = alg.hash
    mgf1 = alg.mgf1_hash or hash_
    salt = alg.salt_length if alg.salt_length is not None else 20

    def default(flag: bool) -> str:
        return " (default)" if flag else ""

    return [
        f"{pad}Hash Algorithm: {hash_}{default(hash_ == 'sha1')}",
        f"{pad}Mask Algorithm: mgf1 with {mgf1}{default(mgf1 == 'sha1')}",
        f"{pad} Salt Length: 0x{_even_hex(salt)}{default(salt == 20)}",
        f"{pad}Trailer Field: 0x01 (default)",
    ]


def signature_algorithm_lines(alg: SignatureAlgorithm, indent: int) -> list[str]:
    """The ``Signature Algorithm:`` line inside ``Data:``; for PSS, openssl ends it with the
    parameter indent (8 spaces) and prints the parameters below at column 8."""
    pad = " " * indent
    if alg.pss:
        return [f"{pad}Signature Algorithm: {alg.name}        ", *_pss_lines(alg, 8)]
    return [f"{pad}Signature Algorithm: {alg.name}"]


def signature_lines(alg: SignatureAlgorithm, signature: bytes, indent: int = 4) -> list[str]:
    """X509_signature_print: ``Signature Algorithm:``, ``Signature Value:`` (PSS parameters
    after it), then the signature 18 octets a line at ``indent + 4``."""
    pad = " " * indent
    lines = [f"{pad}Signature Algorithm: {alg.name}"]
    if alg.pss:
        lines.append(f"{pad}Signature Value:" + " " * (indent + 4))
        lines.extend(_pss_lines(alg, indent + 4))
    else:
        lines.append(f"{pad}Signature Value:")
    lines.extend(hex_lines(signature, indent + 4, 18))
    return lines


def signature_text(alg: SignatureAlgorithm, signature: bytes, indent: int = 4) -> str:
    """``signature_lines`` joined with newlines."""
    return "\n".join(signature_lines(alg, signature, indent))


def _bignum_lines(label: str, n: int, indent: int) -> list[str]:
    """print_labeled_bignum: inline ``N (0xN)`` up to 8 octets, else a 15-octet hex block with
    a leading 00 when the top bit is set."""
    pad = " " * indent
    if n.bit_length() <= 64:
        return [f"{pad}{label} {n} (0x{n:x})"]
    data = n.to_bytes((n.bit_length() + 8) // 8, "big")
    return [f"{pad}{label}", *hex_lines(data, indent + 4, 15)]


def public_key_lines(spki_der: bytes | RSAPublicKey, indent: int) -> list[str]:
    """X509_print_ex's key block: ``Public Key Algorithm:`` and the key (RSA, named-curve EC).

    Takes the SubjectPublicKeyInfo DER (or an RSAPublicKey).
    """
    if not isinstance(spki_der, bytes):
        spki_der = spki_der.spki_der()
    pad, inner = " " * indent, " " * (indent + 4)
    el = der.decode(spki_der, what="subjectPublicKeyInfo")
    alg_el, key_el = el.children
    dotted = alg_el.children[0].as_oid()
    name = oids.long_name(dotted)
    lines = [f"{pad}Public Key Algorithm: {name}"]
    bits, _ = key_el.as_bits()
    if dotted in (oids.RSA_ENCRYPTION, oids.RSASSA_PSS):
        n_el, e_el = der.decode(bits, what="RSAPublicKey").children
        n, e = n_el.as_int(), e_el.as_int()
        prefix = "RSA-PSS " if dotted == oids.RSASSA_PSS else ""
        lines.append(f"{inner}{prefix}Public-Key: ({n.bit_length()} bit)")
        lines.extend(_bignum_lines("Modulus:", n, indent + 4))
        lines.extend(_bignum_lines("Exponent:", e, indent + 4))
        if dotted == oids.RSASSA_PSS and len(alg_el.children) == 1:
            lines.append(f"{inner}No PSS parameter restrictions")
        return lines
    params = alg_el.children[1] if len(alg_el.children) == 2 else None
    curve = None
    if dotted == oids.EC_PUBLIC_KEY and params is not None and params.tag == der.OID:
        curve = _CURVES.get(params.as_oid())
    if curve is not None:
        lines.append(f"{inner}Public-Key: ({curve[2]} bit)")
        lines.append(f"{inner}pub:")
        lines.extend(hex_lines(bits, indent + 8, 15))
        lines.append(f"{inner}ASN1 OID: {curve[0]}")
        lines.append(f"{inner}NIST CURVE: {curve[1]}")
        return lines
    lines.append(f"{inner}Unable to load Public Key")
    return lines


def public_key_text(public_key: bytes | RSAPublicKey, indent: int = 12) -> str:
    """``public_key_lines`` joined with newlines."""
    return "\n".join(public_key_lines(public_key, indent))


def extension_lines(ext: Extension, indent: int) -> list[str]:
    """One extension as X509V3_extensions_print lays it out: ``Name: critical`` (``Name: ``
    when not critical) at ``indent``, its value at ``indent + 4``."""
    head = f"{' ' * indent}{ext.name}: {'critical' if ext.critical else ''}"
    return [head, *ext.indented_text(indent + 4).split("\n")]


def extensions_lines(extensions: Iterable[Extension], indent: int) -> list[str]:
    """Every extension's lines (see ``extension_lines``), in order."""
    lines: list[str] = []
    for ext in extensions:
        lines.extend(extension_lines(ext, indent))
    return lines


def extensions_text(
    extensions: Iterable[Extension], indent: int = 8, heading: str = "X509v3 extensions"
) -> str:
    """The whole block: ``X509v3 extensions:`` at ``indent``, extensions at ``indent + 4``."""
    return "\n".join([f"{' ' * indent}{heading}:", *extensions_lines(extensions, indent + 4)])
