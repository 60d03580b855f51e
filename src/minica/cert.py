"""X.509 v3 certificates (RFC 5280 section 4): the TBSCertificate builder and the parsed value.

``TBSCertificate(...)`` collects the fields with pyca/cryptography's names; its ``to_der()`` is
exactly the byte string that gets signed, and ``sign(issuer_key)`` returns a
:class:`Certificate`. ``Certificate.from_der`` / ``load_certificate`` parse eagerly and strictly,
keep the exact ``der`` and ``tbs_der``, and name the field path in every error, e.g.
``certificate.tbsCertificate.validity.notAfter: UTCTime not in YYMMDDHHMMSSZ form at byte 187``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from minica import der, oids, pem, text
from minica._record import ByDer, field, record, replace
from minica.algorithms import SignatureAlgorithm
from minica.errors import DecodeError, ValidationError
from minica.extensions import Extension, Extensions
from minica.keys import RSAPrivateKey, RSAPublicKey, _rsa_spki_fast
from minica.name import Name

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from minica.keys import Rng

__all__ = [
    "Certificate",
    "TBSCertificate",
    "check_serial_number",
    "load_certificate",
    "load_certificates",
    "parse_spki",
]

_WHAT = "certificate"
_TBS = "certificate.tbsCertificate"
_PEM_LABELS = ("CERTIFICATE", "X509 CERTIFICATE")
_HASHES = ("sha1", "sha224", "sha256", "sha384", "sha512", "md5")

# tbsCertificate fields after the optional version, in order (RFC 5280 4.1).
_REQUIRED = (
    "serialNumber",
    "signature",
    "issuer",
    "validity",
    "subject",
    "subjectPublicKeyInfo",
)


def _aware(value: object, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{what}: naive datetime {value.isoformat()}, give tzinfo=UTC")
    # Certificates carry whole seconds (RFC 5280 4.1.2.5.1/2): drop fractions up front so the
    # built value and its parsed self agree.
    return value.astimezone(UTC).replace(microsecond=0)


def _name(value: object, what: str) -> Name:
    if isinstance(value, Name):
        return value
    if isinstance(value, str):
        return Name.parse(value)
    raise TypeError(f"{what} must be a Name or str, got {type(value).__name__}")


def _extensions(value: object) -> Extensions:
    if isinstance(value, Extensions):
        return value
    if isinstance(value, Extension):
        return Extensions((value,))
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return Extensions(tuple(value))
    raise TypeError(f"extensions must be Extensions or a sequence, got {type(value).__name__}")


def check_serial_number(serial: object, what: str = "serial_number") -> int:
    """A serial number RFC 5280 4.1.2.2 allows: a positive int of at most 20 octets."""
    if not isinstance(serial, int) or isinstance(serial, bool):
        raise TypeError(f"{what} must be an int, got {type(serial).__name__}")
    if serial <= 0:
        raise ValidationError(f"{what}: {serial} is not positive (RFC 5280 4.1.2.2)")
    if len(der.integer(serial)) - 2 > 20:
        raise ValidationError(f"{what}: 0x{serial:x} is longer than 20 octets (RFC 5280 4.1.2.2)")
    return serial


@record
class TBSCertificate:
    """The to-be-signed part of a v3 certificate (RFC 5280 4.1.2), as a builder.

    Give ``public_key`` (an RSAPublicKey) or ``spki_der`` (any SubjectPublicKeyInfo, kept
    byte-exact). Step with ``dataclasses.replace``; ``sign()`` names every missing field at once.
    """

    serial_number: int | None = None
    issuer: Name | None = None
    subject: Name | None = None
    not_valid_before: datetime | None = None
    not_valid_after: datetime | None = None
    public_key: RSAPublicKey | None = None
    spki_der: bytes | None = None
    extensions: Extensions = field(default_factory=Extensions)
    signature_algorithm: SignatureAlgorithm = field(default_factory=SignatureAlgorithm)

    def __post_init__(self) -> None:
        setf = object.__setattr__
        if self.serial_number is not None:
            check_serial_number(self.serial_number)
        for attr in ("issuer", "subject"):
            value = getattr(self, attr)
            if value is not None:
                setf(self, attr, _name(value, attr))
        for attr in ("not_valid_before", "not_valid_after"):
            value = getattr(self, attr)
            if value is not None:
                setf(self, attr, _aware(value, attr))
        if (
            self.not_valid_before is not None
            and self.not_valid_after is not None
            and self.not_valid_after < self.not_valid_before
        ):
            raise ValidationError(
                f"validity: not_valid_after {self.not_valid_after.isoformat()} is before "
                f"not_valid_before {self.not_valid_before.isoformat()}"
            )
        if self.public_key is not None and not isinstance(self.public_key, RSAPublicKey):
            raise TypeError(
                f"public_key must be an RSAPublicKey, got {type(self.public_key).__name__}"
            )
        if self.spki_der is not None:
            if not isinstance(self.spki_der, bytes | bytearray):
                raise TypeError(f"spki_der must be bytes, got {type(self.spki_der).__name__}")
            spki = bytes(self.spki_der)
            el = der.decode(spki, what="spki_der")
            el.expect(der.SEQUENCE, "spki_der").expect_children("spki_der", 2)
            if self.public_key is not None and self.public_key.spki_der() != spki:
                raise ValidationError("spki_der: does not match public_key")
            setf(self, "spki_der", spki)
        setf(self, "extensions", _extensions(self.extensions))
        if not isinstance(self.signature_algorithm, SignatureAlgorithm):
            raise TypeError(
                "signature_algorithm must be a SignatureAlgorithm, "
                f"got {type(self.signature_algorithm).__name__}"
            )

    def missing(self) -> tuple[str, ...]:
        """The names of the fields still to be set."""
        names = ("serial_number", "issuer", "subject", "not_valid_before", "not_valid_after")
        gone = [n for n in names if getattr(self, n) is None]
        if self.public_key is None and self.spki_der is None:
            gone.append("public_key")
        return tuple(gone)

    def to_der(self) -> bytes:
        """The DER TBSCertificate: exactly the bytes the issuer signs (RFC 5280 4.1.1.1)."""
        serial, issuer, subject = self.serial_number, self.issuer, self.subject
        start, end = self.not_valid_before, self.not_valid_after
        spki = self.spki_der
        if spki is None and self.public_key is not None:
            spki = self.public_key.spki_der()
        if (
            serial is None
            or issuer is None
            or subject is None
            or start is None
            or end is None
            or spki is None
        ):
            raise ValidationError(f"TBSCertificate: missing {', '.join(self.missing())}")
        parts = [
            der.explicit(0, der.integer(2)),  # version v3 (RFC 5280 4.1.2.1)
            der.integer(serial),
            self.signature_algorithm.to_der(),
            issuer.der,
            # RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
            der.sequence(der.time(start), der.time(end)),
            subject.der,
            spki,
        ]
        if self.extensions:
            parts.append(der.explicit(3, self.extensions.to_der()))
        return der.sequence(*parts)

    def sign(
        self,
        issuer_key: RSAPrivateKey,
        hash: str | None = None,
        pss: bool | None = None,
        *,
        rng: Rng | None = None,
    ) -> Certificate:
        """Sign with the issuer's key (RFC 5280 4.1.1.3) and return the parsed Certificate.

        ``hash``/``pss`` replace ``signature_algorithm`` when given (default: sha256 with
        PKCS#1 v1.5). Raises ValidationError naming every missing field.
        """
        if not isinstance(issuer_key, RSAPrivateKey):
            raise TypeError(f"issuer_key must be an RSAPrivateKey, got {type(issuer_key).__name__}")
        tbs = self
        if hash is not None or pss is not None:
            current = self.signature_algorithm
            algorithm = SignatureAlgorithm(
                hash=current.hash if hash is None else hash,
                pss=current.pss if pss is None else pss,
            )
            if algorithm != current:
                tbs = replace(self, signature_algorithm=algorithm)
        tbs_der = tbs.to_der()
        algorithm = tbs.signature_algorithm
        signature = algorithm.sign(issuer_key, tbs_der, rng=rng)
        cert_der = der.sequence(tbs_der, algorithm.to_der(), der.bit_string(signature))
        return Certificate.from_der(cert_der)


@record(eq=False, repr=False)
class Certificate(ByDer):
    """A parsed X.509 certificate (RFC 5280 4.1) with its exact ``der`` and ``tbs_der``.

    Equality and hashing use the DER bytes.
    """

    der: bytes
    tbs_der: bytes
    version: int  # 1, 2 or 3
    serial_number: int
    signature_algorithm: SignatureAlgorithm
    issuer: Name
    not_valid_before: datetime
    not_valid_after: datetime
    subject: Name
    spki_der: bytes
    issuer_unique_id: tuple[bytes, int] | None = None  # (bits, unused bits)
    subject_unique_id: tuple[bytes, int] | None = None
    extensions: Extensions = field(default_factory=Extensions)
    signature: bytes
    _public_key: RSAPublicKey | None = None
    _key_algorithm: str = oids.RSA_ENCRYPTION

    @classmethod
    def from_der(cls, data: bytes) -> Certificate:
        """Parse a DER Certificate strictly; DecodeError names the field path and byte."""
        if type(data) is bytes:  # the usual case, without a copy
            return _parse(data)
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"expected bytes, got {type(data).__name__}")
        return _parse(bytes(data))

    # -- keys and signatures --------------------------------------------------------------
    @property
    def public_key(self) -> RSAPublicKey:
        """The subject's RSA public key; ValidationError for other key types (RSA only)."""
        if self._public_key is None:
            name = oids.long_name(self._key_algorithm) if oids.info(self._key_algorithm) else ""
            label = f"{name} ({self._key_algorithm})" if name else self._key_algorithm
            raise ValidationError(
                f"{_TBS}.subjectPublicKeyInfo: {label} keys are not supported, minica "
                "handles RSA only (the SPKI is kept in spki_der)"
            )
        return self._public_key

    @property
    def key_algorithm(self) -> str:
        """The dotted OID of the subject key's algorithm (rsaEncryption for usable keys)."""
        return self._key_algorithm

    def verify_signature(self, issuer: Certificate | RSAPublicKey) -> None:
        """Check the signature over ``tbs_der`` with the issuer's key (RFC 5280 6.1.3 (a)(1)).

        Raises InvalidSignature. Only the signature is checked, not names, dates or usage. An
        issuer certificate may hold an RSA or (for ECDSA signatures) an EC key.
        """
        if isinstance(issuer, Certificate):
            self.signature_algorithm.verify_spki(
                issuer.spki_der, self.signature, self.tbs_der, rsa_key=issuer._public_key
            )
        elif isinstance(issuer, RSAPublicKey):
            self.signature_algorithm.verify(issuer, self.signature, self.tbs_der)
        else:
            raise TypeError(
                f"issuer must be a Certificate or RSAPublicKey, got {type(issuer).__name__}"
            )

    def fingerprint(self, hash: str = "sha256") -> bytes:
        """The digest of the DER certificate (what ``openssl x509 -fingerprint`` shows)."""
        if not isinstance(hash, str):
            raise TypeError(f"hash must be a str, got {type(hash).__name__}")
        if hash not in _HASHES:
            raise ValidationError(f"fingerprint: hash {hash!r} is not one of {', '.join(_HASHES)}")
        return hashlib.new(hash, self.der).digest()

    @property
    def is_self_issued(self) -> bool:
        """Issuer and subject are the same name (RFC 5280 6.1: self-issued)."""
        return self.issuer.der == self.subject.der

    # -- encodings ------------------------------------------------------------------------
    def to_der(self) -> bytes:
        """The certificate's DER, exactly as parsed or signed."""
        return self.der

    def to_pem(self) -> str:
        """PEM with the ``CERTIFICATE`` label (RFC 7468 section 5)."""
        return pem.encode(self.der, "CERTIFICATE")

    def to_tbs(self) -> TBSCertificate:
        """A builder holding this certificate's fields (to re-issue with changes)."""
        return TBSCertificate(
            serial_number=self.serial_number,
            issuer=self.issuer,
            subject=self.subject,
            not_valid_before=self.not_valid_before,
            not_valid_after=self.not_valid_after,
            public_key=self._public_key,
            spki_der=self.spki_der,
            extensions=self.extensions,
            signature_algorithm=self.signature_algorithm,
        )

    def to_text(self) -> str:
        """The text ``openssl x509 -text -noout`` prints."""
        return _text(self)

    # -- value behaviour (equality and hashing by DER: ByDer) -----------------------------
    def __repr__(self) -> str:
        return (
            f"<Certificate serial=0x{self.serial_number:x} "
            f"subject={self.subject.to_openssl()!r} "
            f"sha256={hashlib.sha256(self.der).hexdigest()[:8]}...>"
        )


def load_certificate(data: bytes | str) -> Certificate:
    """Load one certificate from PEM (``CERTIFICATE``) or DER; the first block of a bundle."""
    raw, _ = pem.load_der(data, _PEM_LABELS, what="certificate")
    return _parse(raw)


def load_certificates(bundle: bytes | str) -> tuple[Certificate, ...]:
    """Every ``CERTIFICATE`` block of a PEM bundle, in order (or the one DER certificate)."""
    if isinstance(bundle, bytes | bytearray | memoryview) and bytes(bundle[:1]) == b"\x30":
        return (_parse(bytes(bundle)),)
    blocks = pem.decode_all(bundle, what="certificate bundle")
    certs = tuple(_parse(b.der) for b in blocks if b.label in _PEM_LABELS)
    if not certs:
        found = ", ".join(b.label for b in blocks) or "no PEM block"
        raise DecodeError(f"certificate bundle: expected PEM CERTIFICATE blocks, found {found}")
    return certs


# ---------------------------------------------------------------------------------------------
# Parsing


# The elements of a certificate, located but not yet interpreted: (signatureAlgorithm,
# signatureValue, tbsCertificate start, tbsCertificate end, version or None, [serialNumber,
# signature, issuer, subject, subjectPublicKeyInfo], notBefore, notAfter, the optional fields
# after the SPKI). A plain tuple: a class with nine attributes costs ~0.2 us more per parse.
_Fields = tuple[
    der.Element,
    der.Element,
    int,
    int,
    der.Element | None,
    list[der.Element],
    der.Element,
    der.Element,
    Sequence[der.Element],
]


def _locate(data: bytes) -> _Fields:
    """Find the fields with one strict decode of the whole certificate (the fast path).

    Anything unexpected, including a DER error, is handed to :func:`_locate_by_field`, which
    decodes field by field so that the error names the field path.
    """
    try:
        root = der.decode(data, what=_WHAT)
    except DecodeError:
        return _locate_by_field(data)
    kids = root.children
    if root.tag != der.SEQUENCE or len(kids) != 3 or kids[0].tag != der.SEQUENCE:
        return _locate_by_field(data)
    tbs = kids[0]
    fields = tbs.children
    i = 1 if fields and fields[0].tag == 0xA0 else 0
    if len(fields) < i + 6:
        return _locate_by_field(data)
    validity = fields[i + 3]
    if validity.tag != der.SEQUENCE or len(validity.children) != 2:
        return _locate_by_field(data)
    nb, na = validity.children
    required = [fields[i], fields[i + 1], fields[i + 2], fields[i + 4], fields[i + 5]]
    return (
        kids[1], kids[2], tbs.offset, tbs.end, fields[0] if i else None, required, nb, na,
        fields[i + 6 :],
    )  # fmt: skip


def _locate_by_field(data: bytes) -> _Fields:
    """Decode each field on its own (der.decode_at) so that any error, even one found by the
    DER layer, names the field path: ``certificate.tbsCertificate.validity.notAfter: ...``."""
    if not data:
        raise DecodeError(f"{_WHAT}: empty input, expected a DER Certificate at byte 0")
    tag, _, cs, length = der.read_header(data, 0, len(data), what=_WHAT)
    if tag != der.SEQUENCE:
        raise DecodeError(f"{_WHAT}: expected SEQUENCE, found {der.tag_name(tag)} at byte 0")
    end = cs + length
    if end != len(data):
        raise DecodeError(
            f"{_WHAT}: {len(data) - end} trailing bytes after the element at byte {end}"
        )
    tag, _, tcs, tlen = der.read_header(data, cs, end, what=_TBS)
    if tag != der.SEQUENCE:
        raise DecodeError(f"{_TBS}: expected SEQUENCE, found {der.tag_name(tag)} at byte {cs}")
    tbs_end = tcs + tlen
    alg_el, pos = _field(data, tbs_end, end, _WHAT, "signatureAlgorithm")
    sig_el, pos = _field(data, pos, end, _WHAT, "signatureValue")
    if pos != end:
        raise DecodeError(f"{_WHAT}: unexpected element after signatureValue at byte {pos}")
    pos = tcs
    version = None
    if pos < tbs_end and data[pos] == 0xA0:
        version, pos = _field(data, pos, tbs_end, _TBS, "version")
    required: list[der.Element] = []
    for k, name in enumerate(_REQUIRED):
        if pos >= tbs_end:
            gone = ", ".join(_REQUIRED[k:])
            raise DecodeError(f"{_TBS}: missing {gone} at byte {pos}")
        if name == "validity":
            # Validity ::= SEQUENCE { notBefore Time, notAfter Time }, decoded time by time.
            w = f"{_TBS}.validity"
            tag, _, vcs, vlen = der.read_header(data, pos, tbs_end, what=w)
            if tag != der.SEQUENCE:
                raise DecodeError(
                    f"{w}: expected SEQUENCE, found {der.tag_name(tag)} at byte {pos}"
                )
            vend = vcs + vlen
            nb_el, vpos = _field(data, vcs, vend, w, "notBefore")
            na_el, vpos = _field(data, vpos, vend, w, "notAfter")
            if vpos != vend:
                raise DecodeError(f"{w}: unexpected element after notAfter at byte {vpos}")
            pos = vend
            continue
        el, pos = _field(data, pos, tbs_end, _TBS, name)
        required.append(el)
    optional: list[der.Element] = []
    while pos < tbs_end:
        name = _OPTIONAL.get(data[pos], "extensions")
        el, pos = _field(data, pos, tbs_end, _TBS, name)
        optional.append(el)
    return alg_el, sig_el, cs, tbs_end, version, required, nb_el, na_el, optional


def _parse(data: bytes) -> Certificate:
    """Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } (4.1)."""
    alg_el, sig_el, tbs_start, tbs_end, version_el, required, nb_el, na_el, optional = _locate(data)
    alg_raw = alg_el.raw
    algorithm = _signature_algorithm(alg_el, alg_raw, "certificate.signatureAlgorithm")
    w = "certificate.signatureValue"
    signature = sig_el.expect(der.BIT_STRING, w).as_bit_string_bytes(w)
    version = 1
    if version_el is not None and version_el.raw == _V3:
        version = 3  # the usual [0] { INTEGER 2 }, checked in one comparison
    elif version_el is not None:
        w = "certificate.tbsCertificate.version"
        (v_el,) = version_el.expect_children(w, 1)
        value = v_el.expect(der.INTEGER, w).as_int(w)
        if value not in (1, 2):
            # DER omits a DEFAULT value, so an explicit v1 (0) is not DER either.
            reason = "v1 must be encoded by omission" if value == 0 else f"unknown version {value}"
            raise v_el.error(w, reason)
        version = value + 1
    s_el, inner_alg_el, issuer_el, subject_el, spki_el = required

    w = "certificate.tbsCertificate.serialNumber"
    serial = s_el.expect(der.INTEGER, w).as_int(w)
    if inner_alg_el.raw != alg_raw:
        w = "certificate.tbsCertificate.signature"
        SignatureAlgorithm.from_element(inner_alg_el, what=w)  # a malformed one says so first
        # RFC 5280 4.1.1.2: MUST be the same algorithm identifier as signatureAlgorithm.
        raise inner_alg_el.error(w, "differs from the outer signatureAlgorithm")
    issuer = Name.from_element(issuer_el, what="certificate.tbsCertificate.issuer")
    not_before = nb_el.as_time("certificate.tbsCertificate.validity.notBefore")
    not_after = na_el.as_time("certificate.tbsCertificate.validity.notAfter")
    subject = Name.from_element(subject_el, what="certificate.tbsCertificate.subject")
    public_key, key_algorithm = parse_spki(
        spki_el, "certificate.tbsCertificate.subjectPublicKeyInfo"
    )

    issuer_uid = subject_uid = None
    extensions = _NO_EXTENSIONS
    last = 0
    for el in optional:
        number = el.number
        if el.tag_class != 0x80 or number not in (1, 2, 3) or number <= last:
            raise el.error(_TBS, f"unexpected {el.name} after subjectPublicKeyInfo")
        last = number
        if number == 3:
            w = "certificate.tbsCertificate.extensions"
            if el.tag != 0xA3:
                raise el.error(w, "expected constructed [3]")
            if version != 3:
                raise el.error(w, f"extensions in a version {version} certificate")
            (inner,) = el.expect_children(w, 1)
            inner.expect(der.SEQUENCE, w)
            if not inner.children:
                # RFC 5280 4.1: Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension.
                raise inner.error(w, "empty extensions SEQUENCE")
            extensions = Extensions.from_element(inner, what=w)
        else:
            w = f"{_TBS}.{'issuerUniqueID' if number == 1 else 'subjectUniqueID'}"
            if el.tag != 0x80 | number:
                raise el.error(w, f"expected primitive [{number}] BIT STRING")
            if version == 1:
                raise el.error(w, "unique identifiers need version 2 or 3")
            uid = el.as_bits(w)
            if number == 1:
                issuer_uid = uid
            else:
                subject_uid = uid

    # All fields are known good here: fill the frozen value directly rather than through the
    # record's __init__ (a store per field; ~2 us of a ~100 us parse).
    cert = object.__new__(Certificate)
    cert.__dict__.update(
        der=data,
        tbs_der=data[tbs_start:tbs_end],
        version=version,
        serial_number=serial,
        signature_algorithm=algorithm,
        issuer=issuer,
        not_valid_before=not_before,
        not_valid_after=not_after,
        subject=subject,
        spki_der=spki_el.raw,
        issuer_unique_id=issuer_uid,
        subject_unique_id=subject_uid,
        extensions=extensions,
        signature=signature,
        _public_key=public_key,
        _key_algorithm=key_algorithm,
    )
    return cert


_NO_EXTENSIONS = Extensions()
_V3 = der.explicit(0, der.integer(2))
_OPTIONAL = {0x81: "issuerUniqueID", 0x82: "subjectUniqueID", 0xA3: "extensions"}


_PATHS: dict[tuple[str, str], str] = {}


def _field(data: bytes, pos: int, end: int, parent: str, name: str) -> tuple[der.Element, int]:
    """Decode the element at ``pos`` as field ``name`` of ``parent`` (errors name the path)."""
    what = _PATHS.get((parent, name))
    if what is None:
        what = _PATHS.setdefault((parent, name), f"{parent}.{name}")
    if pos >= end:
        raise DecodeError(f"{what}: missing at byte {pos}")
    return der.decode_at(data, pos, end, what=what)


_ALGORITHMS: dict[bytes, SignatureAlgorithm] = {}


def _signature_algorithm(el: der.Element, raw: bytes, what: str) -> SignatureAlgorithm:
    """An AlgorithmIdentifier (``raw`` is ``el.raw``), remembered by its bytes (a handful of
    values in practice)."""
    found = _ALGORITHMS.get(raw)
    if found is None:
        found = SignatureAlgorithm.from_element(el, what=what)
        if len(_ALGORITHMS) < 64:
            _ALGORITHMS[raw] = found
    return found


def parse_spki(el: der.Element, what: str) -> tuple[RSAPublicKey | None, str]:
    """SubjectPublicKeyInfo (RFC 5280 4.1.2.7): (RSA key or None, algorithm OID).

    RSA keys are parsed strictly; other algorithms are only checked for shape and kept as bytes.
    """
    # The usual well-formed RSA key first; anything else is walked below, and a malformed RSA
    # SPKI reaches RSAPublicKey.from_spki_element, which names the problem.
    key = _rsa_spki_fast(el)
    if key is not None:
        return key, oids.RSA_ENCRYPTION
    kids = el.expect(der.SEQUENCE, what).expect_children(what, 2)
    w = f"{what}.algorithm"
    alg_kids = kids[0].expect(der.SEQUENCE, w).expect_children(w, 1, 2)
    dotted = alg_kids[0].expect(der.OID, f"{w}.algorithm").as_oid(f"{w}.algorithm")
    kids[1].expect(der.BIT_STRING, f"{what}.subjectPublicKey").as_bits(f"{what}.subjectPublicKey")
    if dotted != oids.RSA_ENCRYPTION:
        return None, dotted
    return RSAPublicKey.from_spki_element(el, what=what), dotted


# ---------------------------------------------------------------------------------------------
# Text like `openssl x509 -text -noout` (X509_print_ex with default flags)


def _text(cert: Certificate) -> str:
    algorithm = cert.signature_algorithm
    lines = [
        "Certificate:",
        "    Data:",
        f"        Version: {cert.version} (0x{cert.version - 1:x})",
        *text.serial_lines(cert.serial_number, 8),
        *text.signature_algorithm_lines(algorithm, 8),
        f"        Issuer: {cert.issuer.to_text()}",
        "        Validity",
        f"            Not Before: {text.time_text(cert.not_valid_before)}",
        f"            Not After : {text.time_text(cert.not_valid_after)}",
        f"        Subject: {cert.subject.to_text()}",
        "        Subject Public Key Info:",
        *text.public_key_lines(cert.spki_der, 12),
    ]
    if cert.issuer_unique_id is not None:
        lines.extend(_uid_lines("Issuer", cert.issuer_unique_id))
    if cert.subject_unique_id is not None:
        lines.extend(_uid_lines("Subject", cert.subject_unique_id))
    if cert.extensions:
        lines.append("        X509v3 extensions:")
        lines.extend(text.extensions_lines(cert.extensions, 12))
    lines.extend(text.signature_lines(algorithm, cert.signature, 4))
    return "\n".join(lines) + "\n"


def _uid_lines(whose: str, uid: tuple[bytes, int]) -> list[str]:
    """X509_signature_dump after ``Issuer Unique ID: ``: the first 18 octets (indented 12) on
    the heading's line, the rest below."""
    lines = text.hex_lines(uid[0], 12) or [""]
    return [f"        {whose} Unique ID: " + lines[0], *lines[1:]]
