"""PKCS#10 certification requests (RFC 2986): build, sign, parse, verify, show.

``create_csr(key, subject, san=[...])`` builds and self-signs a request, putting extensions in an
extensionRequest attribute (PKCS#9, RFC 2985 5.4.2) only when there are some.
``load_csr`` parses any openssl-made request (empty subject, attributes, many extensions) into a
frozen :class:`CertificateSigningRequest` that keeps the exact ``der`` and ``info_der``.
"""

from __future__ import annotations

from collections.abc import Iterable

from minica import der, oids, pem, text
from minica._record import ByDer, field, record
from minica.algorithms import SignatureAlgorithm
from minica.cert import parse_spki
from minica.errors import DecodeError, ValidationError
from minica.extensions import (
    ExtendedKeyUsage,
    Extension,
    Extensions,
    GeneralName,
    KeyUsage,
    SubjectAlternativeName,
)
from minica.keys import RSAPrivateKey, RSAPublicKey
from minica.name import Name

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from minica.keys import Rng

__all__ = ["Attribute", "CertificateSigningRequest", "create_csr", "load_csr"]

_WHAT = "csr"
_INFO = "csr.certificationRequestInfo"
_PEM_LABELS = ("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")
# Microsoft's extension request OID; openssl reads it as an extensionRequest too (x509_req.c).
MS_EXTENSION_REQUEST = oids.register(
    "1.3.6.1.4.1.311.2.1.14", "msExtReq", "Microsoft Extension Request"
)
_EXTENSION_REQUESTS = (oids.EXTENSION_REQUEST, MS_EXTENSION_REQUEST)
# String types openssl's X509_REQ_print_ex prints as text (others: "unable to print attribute").
_PRINTABLE_TAGS = frozenset(
    (der.PRINTABLE_STRING, der.TELETEX_STRING, der.NUMERIC_STRING, der.UTF8_STRING, der.IA5_STRING)
)


@record
class Attribute:
    """One request attribute (RFC 2986 4.1): a type OID and the DER of each value."""

    oid: str
    values: tuple[bytes, ...]

    def to_der(self) -> bytes:
        """Attribute ::= SEQUENCE { type, values SET OF ANY }."""
        return der.sequence(der.oid(self.oid), der.set_of(self.values))

    def texts(self) -> tuple[str | None, ...]:
        """Each value as text when it is a string type, else None."""
        out: list[str | None] = []
        for value in self.values:
            el = der.decode(value, what=oids.short_name(self.oid))
            out.append(el.as_str() if el.tag in _PRINTABLE_TAGS else None)
        return tuple(out)


@record(eq=False, repr=False)
class CertificateSigningRequest(ByDer):
    """A parsed PKCS#10 CertificationRequest (RFC 2986 4) with its exact bytes.

    ``info_der`` is the signed CertificationRequestInfo; ``extensions`` come from the
    extensionRequest attribute (empty when there is none).
    """

    der: bytes
    info_der: bytes
    version: int  # the INTEGER value; RFC 2986 defines only 0 (v1)
    subject: Name
    spki_der: bytes
    attributes: tuple[Attribute, ...]
    extensions: Extensions = field(default_factory=Extensions)
    signature_algorithm: SignatureAlgorithm
    signature: bytes
    _public_key: RSAPublicKey | None = None
    _key_algorithm: str = oids.RSA_ENCRYPTION

    @classmethod
    def from_der(cls, data: bytes) -> CertificateSigningRequest:
        """Parse a DER CertificationRequest strictly; DecodeError names the field path."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"expected bytes, got {type(data).__name__}")
        return _parse(bytes(data))

    @property
    def public_key(self) -> RSAPublicKey:
        """The requester's RSA public key; ValidationError for other key types."""
        if self._public_key is None:
            dotted = self._key_algorithm
            label = f"{oids.long_name(dotted)} ({dotted})" if oids.info(dotted) else dotted
            raise ValidationError(
                f"{_INFO}.subjectPKInfo: {label} keys are not supported, minica handles RSA "
                "only (the SPKI is kept in spki_der)"
            )
        return self._public_key

    @property
    def key_algorithm(self) -> str:
        """The dotted OID of the requester's key algorithm."""
        return self._key_algorithm

    @property
    def challenge_password(self) -> str | None:
        """The challengePassword attribute (PKCS#9, RFC 2985 5.4.1), or None."""
        for attr in self.attributes:
            if attr.oid == oids.CHALLENGE_PASSWORD and attr.values:
                return attr.texts()[0]
        return None

    def verify(self) -> None:
        """Check the self-signature (proof of possession, RFC 2986 3); raises InvalidSignature.

        RSA and EC (P-256, P-384, P-521) subject keys are checked."""
        self.signature_algorithm.verify_spki(
            self.spki_der, self.signature, self.info_der, rsa_key=self._public_key
        )

    def to_der(self) -> bytes:
        """The request's DER, exactly as parsed or signed."""
        return self.der

    def to_pem(self) -> str:
        """PEM with the ``CERTIFICATE REQUEST`` label (RFC 7468 section 7)."""
        return pem.encode(self.der, "CERTIFICATE REQUEST")

    def to_text(self) -> str:
        """The text ``openssl req -text -noout`` prints."""
        return _text(self)

    def __repr__(self) -> str:
        return f"<CertificateSigningRequest subject={self.subject.to_openssl()!r}>"


def load_csr(data: bytes | str) -> CertificateSigningRequest:
    """Load a request from PEM (``CERTIFICATE REQUEST`` or ``NEW CERTIFICATE REQUEST``) or DER."""
    raw, _ = pem.load_der(data, _PEM_LABELS, what="certificate request")
    return _parse(raw)


# ---------------------------------------------------------------------------------------------
# Building


def _key_usage(value: object) -> KeyUsage:
    if isinstance(value, KeyUsage):
        return value
    if isinstance(value, str):
        return KeyUsage.from_names(v.strip() for v in value.split(","))
    if isinstance(value, Iterable):
        return KeyUsage.from_names(value)
    raise TypeError(f"key_usage must be a KeyUsage or names, got {type(value).__name__}")


def _extended_key_usage(value: object) -> ExtendedKeyUsage:
    if isinstance(value, ExtendedKeyUsage):
        return value
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    if isinstance(value, Iterable):
        return ExtendedKeyUsage(usages=tuple(oids.lookup(str(v)) for v in value))
    raise TypeError(
        f"extended_key_usage must be an ExtendedKeyUsage or names, got {type(value).__name__}"
    )


def _requested_extensions(
    subject: Name,
    san: Iterable[str | GeneralName],
    key_usage: object,
    extended_key_usage: object,
    extensions: Iterable[Extension],
) -> tuple[Extension, ...]:
    out: list[Extension] = []
    names = tuple(san)
    if names:
        # RFC 5280 4.2.1.6: with an empty subject the SAN extension MUST be critical.
        out.append(SubjectAlternativeName.from_strings(names, critical=not subject))
    if key_usage is not None:
        out.append(_key_usage(key_usage))
    if extended_key_usage is not None:
        out.append(_extended_key_usage(extended_key_usage))
    for ext in extensions:
        if not isinstance(ext, Extension):
            raise TypeError(f"extensions must hold Extension objects, got {type(ext).__name__}")
        out.append(ext)
    return tuple(out)


def create_csr(
    key: RSAPrivateKey,
    subject: Name | str,
    san: Iterable[str | GeneralName] = (),
    key_usage: KeyUsage | Iterable[str] | None = None,
    extended_key_usage: ExtendedKeyUsage | Iterable[str] | None = None,
    extensions: Iterable[Extension] = (),
    challenge_password: str | None = None,
    hash: str = "sha256",
    pss: bool = False,
    *,
    rng: Rng | None = None,
) -> CertificateSigningRequest:
    """Build and sign a PKCS#10 request (RFC 2986 4.1) with ``key``.

    ``san`` takes host names, IP addresses, e-mail addresses, URIs (or GeneralName values);
    ``key_usage`` a KeyUsage or openssl bit names; ``extended_key_usage`` an ExtendedKeyUsage or
    names/OIDs (``serverAuth``). Extensions go into one extensionRequest attribute.
    """
    if not isinstance(key, RSAPrivateKey):
        raise TypeError(f"key must be an RSAPrivateKey, got {type(key).__name__}")
    if isinstance(subject, str):
        subject = Name.parse(subject)
    elif not isinstance(subject, Name):
        raise TypeError(f"subject must be a Name or str, got {type(subject).__name__}")
    if isinstance(san, str):
        san = [san]
    requested = _requested_extensions(subject, san, key_usage, extended_key_usage, extensions)
    if not subject and not requested:
        raise ValidationError("certificate request: empty subject and no subjectAltName")
    attributes: list[bytes] = []
    if challenge_password is not None:
        if not isinstance(challenge_password, str):
            raise TypeError("challenge_password must be a str")
        if not 1 <= len(challenge_password) <= 255:
            # RFC 2985 5.4.1: DirectoryString (SIZE(1..pkcs-9-ub-challengePassword)).
            raise ValidationError("challenge_password: length must be 1 to 255 characters")
        # openssl writes it as UTF8String under its default string_mask (utf8only).
        value = der.utf8_string(challenge_password)
        attributes.append(Attribute(oid=oids.CHALLENGE_PASSWORD, values=(value,)).to_der())
    if requested:
        exts = Extensions(requested)
        attributes.append(Attribute(oid=oids.EXTENSION_REQUEST, values=(exts.to_der(),)).to_der())
    algorithm = SignatureAlgorithm(hash=hash, pss=pss)
    info = der.sequence(
        der.integer(0),  # version v1 (RFC 2986 4.1)
        subject.der,
        key.public_key().spki_der(),
        # attributes [0] IMPLICIT SET OF Attribute: present even when empty.
        der.context(0, b"".join(sorted(attributes)), constructed=True),
    )
    signature = algorithm.sign(key, info, rng=rng)
    return _parse(der.sequence(info, algorithm.to_der(), der.bit_string(signature)))


# ---------------------------------------------------------------------------------------------
# Parsing


_INFO_FIELDS = ("version", "subject", "subjectPKInfo", "attributes")


def _locate_error(data: bytes) -> None:
    """Decode field by field so that a DER error names its field (``csr.
    certificationRequestInfo.subject: ...``); returns quietly if no field fails on its own."""
    if not data:
        return
    _, _, cs, length = der.read_header(data, 0, len(data), what=_WHAT)
    end = min(cs + length, len(data))
    _, _, ics, ilen = der.read_header(data, cs, end, what=_INFO)
    pos = ics
    for name in _INFO_FIELDS:
        if pos >= ics + ilen:
            return
        _, pos = der.decode_at(data, pos, ics + ilen, what=f"{_INFO}.{name}")
    pos = ics + ilen
    for name in ("signatureAlgorithm", "signature"):
        if pos >= end:
            return
        _, pos = der.decode_at(data, pos, end, what=f"{_WHAT}.{name}")


def _parse(data: bytes) -> CertificateSigningRequest:
    """CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm,
    signature BIT STRING } (RFC 2986 4.2)."""
    try:
        root = der.decode(data, what=_WHAT)
    except DecodeError:
        _locate_error(data)  # raises the error again, naming the field it is in
        raise
    info_el, alg_el, sig_el = root.expect(der.SEQUENCE, _WHAT).expect_children(_WHAT, 3)
    algorithm = SignatureAlgorithm.from_element(alg_el, what=f"{_WHAT}.signatureAlgorithm")
    w = f"{_WHAT}.signature"
    signature = sig_el.expect(der.BIT_STRING, w).as_bit_string_bytes(w)

    kids = info_el.expect(der.SEQUENCE, _INFO).expect_children(_INFO, 4)
    version_el, subject_el, spki_el, attrs_el = kids
    w = f"{_INFO}.version"
    version = version_el.expect(der.INTEGER, w).as_int(w)
    if version != 0:
        raise version_el.error(w, f"expected v1 (0), found {version}")
    subject = Name.from_element(subject_el, what=f"{_INFO}.subject")
    public_key, key_algorithm = parse_spki(spki_el, f"{_INFO}.subjectPKInfo")
    w = f"{_INFO}.attributes"
    if attrs_el.tag != 0xA0:
        raise attrs_el.error(w, f"expected [0] attributes, found {attrs_el.name}")
    attributes: list[Attribute] = []
    extensions: Extensions | None = None
    for i, attr_el in enumerate(attrs_el.children):
        where = f"{w}[{i}]"
        type_el, values_el = attr_el.expect(der.SEQUENCE, where).expect_children(where, 2)
        dotted = type_el.expect(der.OID, f"{where}.type").as_oid(f"{where}.type")
        values_el.expect(der.SET, f"{where}.values")
        if not values_el.children:
            raise values_el.error(f"{where}.values", "empty SET of values")
        if dotted in _EXTENSION_REQUESTS:
            if extensions is not None:
                raise attr_el.error(where, "more than one extensionRequest attribute")
            if len(values_el.children) != 1:
                raise values_el.error(f"{where}.values", "extensionRequest needs exactly one value")
            seq = values_el.children[0].expect(der.SEQUENCE, f"{where}.extensions")
            extensions = (
                Extensions.from_element(seq, what=f"{where}.extensions")
                if seq.children
                else Extensions()
            )
        elif dotted == oids.CHALLENGE_PASSWORD:
            (value,) = values_el.expect_children(f"{where}.values", 1)
            value.as_str(f"{where}.challengePassword")
        attributes.append(Attribute(oid=dotted, values=tuple(v.raw for v in values_el.children)))
    return CertificateSigningRequest(
        der=data,
        info_der=info_el.raw,
        version=version,
        subject=subject,
        spki_der=spki_el.raw,
        attributes=tuple(attributes),
        extensions=extensions if extensions is not None else Extensions(),
        signature_algorithm=algorithm,
        signature=signature,
        _public_key=public_key,
        _key_algorithm=key_algorithm,
    )


# ---------------------------------------------------------------------------------------------
# Text like `openssl req -text -noout` (X509_REQ_print_ex, OpenSSL 3.0)


def _text(csr: CertificateSigningRequest) -> str:
    lines = [
        "Certificate Request:",
        "    Data:",
        f"        Version: {csr.version + 1} (0x{csr.version:x})",
        f"        Subject: {csr.subject.to_text()}",
        "        Subject Public Key Info:",
        *text.public_key_lines(csr.spki_der, 12),
        "        Attributes:",
    ]
    if not csr.attributes:
        lines.append("            (none)")
    for attr in csr.attributes:
        if attr.oid in _EXTENSION_REQUESTS:
            continue
        label = oids.long_name(attr.oid) if oids.info(attr.oid) else attr.oid
        for value in attr.texts():
            shown = value if value is not None else "unable to print attribute"
            lines.append(f"            {label:<25}:{shown}")
    # OpenSSL 3.0 prints this heading even when the request asks for no extensions.
    lines.append("            Requested Extensions:")
    if csr.extensions:
        lines.extend(text.extensions_lines(csr.extensions, 16))
    lines.extend(text.signature_lines(csr.signature_algorithm, csr.signature, 4))
    return "\n".join(lines) + "\n"
