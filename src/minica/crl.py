"""Certificate revocation lists (layer 5): build, sign, parse and query X.509 v2 CRLs.

RFC 5280 section 5. ``TBSCertList`` is the builder (explicit times, no clock); ``sign()`` gives a
``CertificateRevocationList``; ``load_crl`` parses one, strictly, keeping the exact bytes.
``create_crl`` is the one-call form whose ``now`` defaults to the clock (the boundary convenience).

CRLs get large (100,000 entries is a realistic CA), so the revokedCertificates list has its own
lean code paths: entries are encoded from precomputed pieces, and parsing walks the list with a
strict specialised scanner that checks every entry's DER but builds no element tree;
``RevokedCertificate`` objects are made only when asked for, and ``is_revoked`` looks serials up
in a dict keyed by the INTEGER content octets.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

from minica import der, oids, pem, text
from minica._record import ByDer, field, record
from minica.algorithms import HASH_OIDS, SignatureAlgorithm
from minica.errors import DecodeError, ValidationError
from minica.extensions import CRL_REASONS, IssuingDistributionPoint
from minica.keys import RSAPublicKey
from minica.name import Name

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from typing import Any, Protocol

    from minica.keys import RSAPrivateKey

    class ExtensionLike(Protocol):
        """What CRL and entry extensions must provide (minica.extensions classes do)."""

        @property
        def oid(self) -> str: ...

        @property
        def critical(self) -> bool: ...

        def to_der(self) -> bytes: ...

    class _CACertificate(Protocol):
        """What create_crl needs of the CA certificate (minica.cert.Certificate has it)."""

        @property
        def subject(self) -> Name: ...

        @property
        def public_key(self) -> RSAPublicKey: ...

        @property
        def extensions(self) -> Any: ...


__all__ = [
    "REASONS",
    "CertificateRevocationList",
    "RevokedCertificate",
    "TBSCertList",
    "create_crl",
    "load_crl",
]

_WHAT = "crl"
_TBS = "crl.tbsCertList"
_REVOKED = "crl.tbsCertList.revokedCertificates"
_PEM_LABELS = ("X509 CRL",)

#: CRLReason names (RFC 5280 5.3.1) -> ENUMERATED value; 7 is not used.
REASONS: dict[str, int] = CRL_REASONS
_REASON_BY_CODE = {v: k for k, v in REASONS.items()}
# openssl's spellings (its index.txt says CACompromise) are accepted as aliases.
_REASON_ALIASES = {name.lower(): name for name in REASONS}


def _reason_name(reason: object) -> str:
    if not isinstance(reason, str):
        raise TypeError(f"reason must be a str or None, got {type(reason).__name__}")
    name = _REASON_ALIASES.get(reason.lower())
    if name is None:
        raise ValidationError(f"CRL reason: {reason!r} is not one of {', '.join(REASONS)}")
    return name


# ---------------------------------------------------------------------------------------------
# Extensions: anything with ``oid``, ``critical`` and ``to_der()`` (the extnValue contents).


@record(slots=True)
class _RawExtension:
    """An extension kept as its OID, criticality and extnValue contents."""

    oid: str
    critical: bool
    value: bytes

    def to_der(self) -> bytes:
        return self.value


def _encode_extension(ext: ExtensionLike) -> bytes:
    """Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue } (4.1)."""
    critical = der.boolean(True) if ext.critical else b""
    return der.sequence(der.oid(ext.oid), critical, der.octet_string(ext.to_der()))


def _parse_extensions(el: der.Element, what: str) -> tuple[ExtensionLike, ...]:
    """Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, each OID at most once (4.2)."""
    el.expect(der.SEQUENCE, what)
    if not el.children:
        raise el.error(what, "empty Extensions (SIZE (1..MAX))")
    seen: set[str] = set()
    result: list[ExtensionLike] = []
    for i, item in enumerate(el.children):
        where = f"{what}[{i}]"
        kids = item.expect(der.SEQUENCE, where).expect_children(where, 2, 3)
        oid = kids[0].expect(der.OID, f"{where}.extnID").as_oid(f"{where}.extnID")
        critical = False
        if len(kids) == 3:
            critical = kids[1].expect(der.BOOLEAN, f"{where}.critical").as_bool(f"{where}.critical")
            if not critical:
                # DER (X.690 11.5): a value equal to the DEFAULT is omitted.
                raise kids[1].error(f"{where}.critical", "FALSE must be omitted (DEFAULT)")
        value = kids[-1].expect(der.OCTET_STRING, f"{where}.extnValue")
        if oid in seen:
            raise item.error(where, f"duplicate extension {oids.short_name(oid)}")
        seen.add(oid)
        result.append(_RawExtension(oid=oid, critical=critical, value=value.content))
        _check_known_value(oid, value, where)
    return tuple(result)


def _check_known_value(oid: str, value: der.Element, where: str) -> None:
    """Decode the extension values this module interprets, so bad ones fail at parse time."""
    what = f"{where}.extnValue"
    data = value.content
    try:
        if oid == oids.CRL_REASON:
            _decode_reason(data)
        elif oid == oids.INVALIDITY_DATE:
            _decode_invalidity(data)
        elif oid == oids.CRL_NUMBER:
            _decode_crl_number(data)
        elif oid == oids.AUTHORITY_KEY_IDENTIFIER:
            _decode_aki(data)
        elif oid == oids.ISSUING_DISTRIBUTION_POINT:
            IssuingDistributionPoint.from_der(data, what="issuingDistributionPoint")
        # Other values stay opaque: kept and re-encoded byte for byte.
    except DecodeError as e:
        raise DecodeError(f"{what}: {e} (value at byte {value.content_offset})") from e


def _decode_reason(value: bytes) -> str:
    el = der.decode(value, what="CRLReason").expect(der.ENUMERATED, "CRLReason")
    code = el.as_int("CRLReason")
    name = _REASON_BY_CODE.get(code)
    if name is None:
        raise el.error("CRLReason", f"unknown reason code {code}")
    return name


def _decode_invalidity(value: bytes) -> datetime:
    # RFC 5280 5.3.2: InvalidityDate ::= GeneralizedTime.
    el = der.decode(value, what="InvalidityDate").expect(der.GENERALIZED_TIME, "InvalidityDate")
    return el.as_time("InvalidityDate")


def _decode_crl_number(value: bytes) -> int:
    el = der.decode(value, what="CRLNumber").expect(der.INTEGER, "CRLNumber")
    number = el.as_int("CRLNumber")
    if number < 0:
        raise el.error("CRLNumber", "negative CRL number (RFC 5280 5.2.3: 0..MAX)")
    return number


def _decode_aki(value: bytes) -> bytes | None:
    """The keyIdentifier of an AuthorityKeyIdentifier (4.2.1.1), or None when absent."""
    el = der.decode(value, what="AuthorityKeyIdentifier").expect(
        der.SEQUENCE, "AuthorityKeyIdentifier"
    )
    for kid in el.children:
        if kid.tag == 0x80:
            return kid.content
    return None


def _reason_extension(name: str) -> _RawExtension:
    return _RawExtension(oid=oids.CRL_REASON, critical=False, value=der.enumerated(REASONS[name]))


def _invalidity_extension(when: datetime) -> _RawExtension:
    return _RawExtension(oid=oids.INVALIDITY_DATE, critical=False, value=der.generalized_time(when))


def _crl_number_extension(number: int) -> _RawExtension:
    return _RawExtension(oid=oids.CRL_NUMBER, critical=False, value=der.integer(number))


def _aki_extension(key_id: bytes) -> _RawExtension:
    return _RawExtension(
        oid=oids.AUTHORITY_KEY_IDENTIFIER,
        critical=False,
        value=der.sequence(der.context(0, key_id)),
    )


# ---------------------------------------------------------------------------------------------
# Times


def _aware(value: object, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is not UTC and (value.tzinfo is None or value.utcoffset() is None):
        raise ValidationError(f"{what}: naive datetime {value.isoformat()}, give tzinfo=UTC")
    return value


# ---------------------------------------------------------------------------------------------
# Entries


@record(slots=True)
class RevokedCertificate:
    """One revokedCertificates entry (RFC 5280 5.1.2.6) with its entry extensions (5.3).

    ``reason`` (a CRLReason name, 5.3.1) and ``invalidity_date`` (5.3.2) become entry
    extensions (in that order, first); None and ``"unspecified"`` add no reasonCode, as 5.3.1
    advises. ``extensions`` holds further entry extensions. A parsed entry whose extensions
    would not re-encode exactly from the fields (other order, critical flags, an explicit
    unspecified reasonCode) lists all of them in ``extensions``, and the fields mirror them.
    """

    serial_number: int
    revocation_date: datetime
    reason: str | None = None
    invalidity_date: datetime | None = None
    extensions: tuple[ExtensionLike, ...] = ()

    def __post_init__(self) -> None:
        serial = self.serial_number
        if type(serial) is not int and (not isinstance(serial, int) or isinstance(serial, bool)):
            raise TypeError(f"serial_number must be an int, got {type(serial).__name__}")
        _aware(self.revocation_date, "revocation_date")
        reason = self.reason
        if reason is not None and reason not in REASONS:
            object.__setattr__(self, "reason", _reason_name(reason))
        if self.invalidity_date is not None:
            _aware(self.invalidity_date, "invalidity_date")
        if self.extensions:
            self._check_extensions()

    def _check_extensions(self) -> None:
        exts = self.extensions
        if not isinstance(exts, tuple):
            object.__setattr__(self, "extensions", tuple(exts))
            exts = self.extensions
        seen: set[str] = set()
        where = f"revoked certificate {self.serial_number:#x}"
        for ext in exts:
            if ext.oid in seen:
                raise ValidationError(f"{where}: duplicate extension {oids.short_name(ext.oid)}")
            seen.add(ext.oid)
            # The fields mirror the extensions: fill them in, or insist that they agree.
            if ext.oid == oids.CRL_REASON:
                reason = _decode_reason(ext.to_der())
                if self.reason is None:
                    object.__setattr__(self, "reason", reason)
                elif reason != self.reason:
                    raise ValidationError(f"{where}: reason disagrees with its CRLReason extension")
            elif ext.oid == oids.INVALIDITY_DATE:
                when = _decode_invalidity(ext.to_der())
                if self.invalidity_date is None:
                    object.__setattr__(self, "invalidity_date", when)
                elif when != self.invalidity_date.replace(microsecond=0):
                    raise ValidationError(
                        f"{where}: invalidity_date disagrees with its InvalidityDate extension"
                    )

    def all_extensions(self) -> tuple[ExtensionLike, ...]:
        """Every entry extension in encoding order: reasonCode, invalidityDate, then the rest."""
        present = {ext.oid for ext in self.extensions}
        head: list[ExtensionLike] = []
        reason = self.reason
        if reason is not None and reason != "unspecified" and oids.CRL_REASON not in present:
            head.append(_reason_extension(reason))
        if self.invalidity_date is not None and oids.INVALIDITY_DATE not in present:
            head.append(_invalidity_extension(self.invalidity_date))
        return (*head, *self.extensions)

    def to_der(self) -> bytes:
        """The entry's DER: SEQUENCE { userCertificate, revocationDate, crlEntryExtensions }."""
        return _EntryEncoder().encode(self)

    def __repr__(self) -> str:
        reason = f" reason={self.reason}" if self.reason else ""
        when = self.revocation_date.strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"<RevokedCertificate serial={self.serial_number:#x} {when}{reason}>"


class _EntryEncoder:
    """Encodes many entries fast: per-reason extension bytes precomputed, times cached."""

    __slots__ = ("_exts",)

    def __init__(self) -> None:
        self._exts: dict[Any, bytes] = {}

    def extensions(self, entry: RevokedCertificate) -> bytes:
        """The crlEntryExtensions SEQUENCE (or b"" when there are none)."""
        reason = entry.reason
        if entry.invalidity_date is None and not entry.extensions:
            if reason is None or reason == "unspecified":
                return b""
            return _REASON_ONLY[reason]
        key = (reason, entry.invalidity_date, entry.extensions)
        try:
            encoded = self._exts.get(key)
        except TypeError:  # unhashable extension values: encode without caching
            return der.sequence(*map(_encode_extension, entry.all_extensions()))
        if encoded is None:
            encoded = der.sequence(*map(_encode_extension, entry.all_extensions()))
            self._exts[key] = encoded
        return encoded

    def encode(self, entry: RevokedCertificate) -> bytes:
        serial = entry.serial_number
        body = serial.to_bytes(
            (serial if serial >= 0 else ~serial).bit_length() // 8 + 1, "big", signed=True
        )
        n = len(body)
        if n > 126:
            raise ValidationError(f"revoked certificate: serial number of {n} octets is too long")
        content = b"\x02" + bytes((n,)) + body + _time_der(entry.revocation_date)
        content += self.extensions(entry)
        return der.tlv(der.SEQUENCE, content)


# reasonCode alone: SEQUENCE { SEQUENCE { id-ce-cRLReasons, OCTET STRING { ENUMERATED } } }
_REASON_ONLY = {
    name: der.sequence(_encode_extension(_reason_extension(name)))
    for name in REASONS
    if name != "unspecified"
}
# crlEntryExtensions for an entry with only a reason: None and unspecified add nothing (5.3.1).
_REASON_TAIL: dict[str | None, bytes] = {None: b"", "unspecified": b""}
_REASON_TAIL.update(_REASON_ONLY)
_SEQ_HEADERS = [bytes((0x30, n)) for n in range(0x80)] + [
    bytes((0x30, 0x81, n)) for n in range(0x80, 0x100)
]
_INT_HEADERS = [bytes((0x02, n)) for n in range(0x80)]


def _time_der(when: object) -> bytes:
    """RFC 5280 Time for an entry's revocationDate: the fast path for aware UTC datetimes."""
    if when.__class__ is not datetime or when.tzinfo is not UTC:
        return der.time(_aware(when, "revocation_date"))
    assert isinstance(when, datetime)
    year = when.year
    if 1950 <= year <= 2049:
        text = "%02d%02d%02d%02d%02d%02dZ" % (  # noqa: UP031 - measured faster than f-strings
            year % 100, when.month, when.day, when.hour, when.minute, when.second
        )  # fmt: skip
        return b"\x17\x0d" + text.encode("ascii")
    return der.generalized_time(when)


_EntryItem = RevokedCertificate | tuple[int, datetime] | tuple[int, datetime, str | None]


def _encode_entries(items: Iterable[_EntryItem], *, check_duplicates: bool) -> bytes:
    """The content octets of revokedCertificates, built in one pass (the hot path).

    Items are RevokedCertificate values or ``(serial, when[, reason])`` tuples, checked here as
    they are encoded; equal timestamps are encoded once.
    """
    encoder = _EntryEncoder()
    times: dict[object, bytes] = {}
    tails = _REASON_TAIL
    seq_headers = _SEQ_HEADERS
    int_headers = _INT_HEADERS
    serials: set[int] = set()
    add_serial = serials.add
    parts: list[bytes] = []
    append = parts.append
    for item in items:
        if item.__class__ is tuple:
            if len(item) == 3:
                serial, when, reason = item
            elif len(item) == 2:
                serial, when = item
                reason = None
            else:
                raise TypeError("revoked entries are (serial, when) or (serial, when, reason)")
            tail = tails.get(reason)
            if tail is None:
                tail = tails[_reason_name(reason)]
            if serial.__class__ is not int and (
                not isinstance(serial, int) or isinstance(serial, bool)
            ):
                raise TypeError(f"serial number must be an int, got {type(serial).__name__}")
        elif item.__class__ is RevokedCertificate:
            serial = item.serial_number
            when = item.revocation_date
            if item.invalidity_date is None and not item.extensions:
                tail = tails[item.reason]
            else:
                tail = encoder.extensions(item)
        else:
            raise TypeError(
                f"revoked entries must be RevokedCertificate or tuples, got {type(item).__name__}"
            )
        time_der = times.get(when)
        if time_der is None:
            time_der = times[when] = _time_der(when)
        body = serial.to_bytes(
            (serial if serial >= 0 else ~serial).bit_length() // 8 + 1, "big", signed=True
        )
        n = len(body)
        length = n + 2 + len(time_der) + len(tail)
        if length < 0x100 and n < 0x80:
            append(seq_headers[length] + int_headers[n] + body + time_der + tail)
        else:
            if n > 126:
                raise ValidationError(f"revoked certificate: serial number of {n} octets")
            append(der.tlv(der.SEQUENCE, bytes((2, n)) + body + time_der + tail))
        if check_duplicates:
            add_serial(serial)
    if check_duplicates and len(serials) != len(parts):
        seen: set[int] = set()
        for item in items:
            serial = item[0] if isinstance(item, tuple) else item.serial_number
            if serial in seen:
                raise ValidationError(f"CRL: serial number {serial:#x} is listed twice")
            seen.add(serial)
    return b"".join(parts)


# ---------------------------------------------------------------------------------------------
# The builder


@record
class TBSCertList:
    """The to-be-signed part of a CRL (RFC 5280 5.1.2), always built as version 2.

    ``authority_key_identifier`` (the CA's key identifier bytes, 5.2.1) and ``crl_number``
    (5.2.3) become CRL extensions (in that order, as openssl writes them) unless ``extensions``
    already holds one of that type. Times are explicit, aware datetimes; entries keep their order.
    """

    issuer: Name
    this_update: datetime
    next_update: datetime | None = None
    revoked: tuple[RevokedCertificate, ...] = ()
    crl_number: int | None = None
    authority_key_identifier: bytes | None = None
    extensions: tuple[ExtensionLike, ...] = ()
    signature_algorithm: SignatureAlgorithm | None = None
    version: int = 2

    def __post_init__(self) -> None:
        if not isinstance(self.issuer, Name):
            raise TypeError(f"issuer must be a Name, got {type(self.issuer).__name__}")
        _aware(self.this_update, "this_update")
        if self.next_update is not None:
            _aware(self.next_update, "next_update")
            if self.this_update > self.next_update:
                raise ValidationError(
                    f"CRL: thisUpdate {self.this_update.isoformat()} is after nextUpdate "
                    f"{self.next_update.isoformat()}"
                )
        if not isinstance(self.revoked, tuple):
            object.__setattr__(self, "revoked", tuple(self.revoked))
        if not isinstance(self.extensions, tuple):
            object.__setattr__(self, "extensions", tuple(self.extensions))
        self._check_entries()
        if self.crl_number is not None:
            if not isinstance(self.crl_number, int) or isinstance(self.crl_number, bool):
                raise TypeError("crl_number must be an int")
            # RFC 5280 5.2.3: a non-negative integer of at most 20 octets.
            if not 0 <= self.crl_number < 1 << 159:
                raise ValidationError(f"CRL number {self.crl_number} is outside 0..2**159-1")
        if self.authority_key_identifier is not None and not isinstance(
            self.authority_key_identifier, bytes
        ):
            raise TypeError("authority_key_identifier must be bytes (the CA's key identifier)")
        if self.signature_algorithm is not None and not isinstance(
            self.signature_algorithm, SignatureAlgorithm
        ):
            raise TypeError("signature_algorithm must be a SignatureAlgorithm")
        if self.version not in (1, 2):
            raise ValidationError(f"CRL version {self.version} is not 1 or 2")
        seen: set[str] = set()
        for ext in self.extensions:
            if ext.oid in seen:
                raise ValidationError(f"CRL: duplicate extension {oids.short_name(ext.oid)}")
            seen.add(ext.oid)

    def _check_entries(self) -> None:
        revoked = self.revoked
        for entry in revoked:
            if type(entry) is not RevokedCertificate:
                raise TypeError(
                    f"revoked entries must be RevokedCertificate, got {type(entry).__name__}"
                )
        serials = {entry.serial_number for entry in revoked}
        if len(serials) != len(revoked):
            seen: set[int] = set()
            for entry in revoked:
                if entry.serial_number in seen:
                    raise ValidationError(
                        f"CRL: serial number {entry.serial_number:#x} is listed twice"
                    )
                seen.add(entry.serial_number)

    def all_extensions(self) -> tuple[ExtensionLike, ...]:
        """The crlExtensions in encoding order: authorityKeyIdentifier, cRLNumber, the rest."""
        present = {ext.oid for ext in self.extensions}
        head: list[ExtensionLike] = []
        aki = self.authority_key_identifier
        if aki is not None and oids.AUTHORITY_KEY_IDENTIFIER not in present:
            head.append(_aki_extension(aki))
        if self.crl_number is not None and oids.CRL_NUMBER not in present:
            head.append(_crl_number_extension(self.crl_number))
        return (*head, *self.extensions)

    def to_der(self) -> bytes:
        """The TBSCertList DER (RFC 5280 5.1.2) with this builder's signature algorithm."""
        return self._encode(self.signature_algorithm or SignatureAlgorithm())

    def _encode(self, algorithm: SignatureAlgorithm, revoked_der: bytes | None = None) -> bytes:
        """The TBSCertList; ``revoked_der`` (entries already encoded) stands in for ``revoked``."""
        exts = self.all_extensions()
        if self.version == 1 and exts:
            raise ValidationError("CRL: version 1 cannot carry CRL extensions (RFC 5280 5.1.2.1)")
        parts = [
            der.integer(1) if self.version == 2 else b"",  # v2 is encoded as 1
            algorithm.to_der(),
            self.issuer.to_der(),
            der.time(self.this_update),
            der.time(self.next_update) if self.next_update is not None else b"",
        ]
        if revoked_der is None:
            revoked_der = _encode_entries(self.revoked, check_duplicates=False)
        if revoked_der:
            # RFC 5280 5.1.2.6: with no revoked certificates the list MUST be absent.
            parts.append(der.tlv(der.SEQUENCE, revoked_der))
        if exts:
            parts.append(der.explicit(0, der.sequence(*map(_encode_extension, exts))))
        return der.sequence(*parts)

    def sign(
        self, ca_key: RSAPrivateKey, hash: str | None = None, pss: bool | None = None
    ) -> CertificateRevocationList:
        """Sign with the CA's key (RFC 5280 5.1.1): sha256WithRSAEncryption unless told.

        ``hash``/``pss`` default to ``signature_algorithm`` when set, else sha256 PKCS#1 v1.5.
        """
        return self._sign(ca_key, hash, pss)

    def _sign(
        self,
        ca_key: RSAPrivateKey,
        hash: str | None,
        pss: bool | None,
        revoked_der: bytes | None = None,
    ) -> CertificateRevocationList:
        algorithm = self.signature_algorithm
        if (
            algorithm is None
            or (hash is not None and hash != algorithm.hash)
            or (pss is not None and pss != algorithm.pss)
        ):
            algorithm = SignatureAlgorithm(hash=hash or "sha256", pss=bool(pss))
        tbs = self._encode(algorithm, revoked_der)
        signature = algorithm.sign(ca_key, tbs)
        body = tbs + algorithm.to_der() + der.bit_string(signature)
        # What we just encoded is valid: decode the header fields, scan entries only on demand.
        return _parse_crl(der.tlv(der.SEQUENCE, body), scan=False)


# ---------------------------------------------------------------------------------------------
# The one-call form


def _ca_key_id(ca_cert: _CACertificate) -> bytes:
    """The CA's subjectKeyIdentifier (RFC 5280 4.2.1.2), or its public key's SHA-1 key id."""
    for ext in ca_cert.extensions or ():
        if getattr(ext, "oid", None) == oids.SUBJECT_KEY_IDENTIFIER:
            digest = getattr(ext, "digest", None)
            if isinstance(digest, bytes):
                return digest
            value = der.decode(ext.to_der(), what="subjectKeyIdentifier")
            return value.expect(der.OCTET_STRING, "subjectKeyIdentifier").content
    return ca_cert.public_key.key_id()


def create_crl(
    ca_cert: _CACertificate,
    ca_key: RSAPrivateKey,
    revoked: Iterable[
        RevokedCertificate | tuple[int, datetime] | tuple[int, datetime, str | None]
    ] = (),
    *,
    crl_number: int | None = None,
    days: int | None = None,
    hours: int | None = None,
    now: datetime | None = None,
    hash: str = "sha256",
    pss: bool = False,
) -> CertificateRevocationList:
    """Build and sign a v2 CRL for ``ca_cert`` in one call (RFC 5280 section 5).

    ``revoked`` holds RevokedCertificate values or ``(serial, when[, reason])`` tuples.
    thisUpdate is ``now``, nextUpdate ``now + days + hours`` (7 days when neither is given).
    ``now`` defaults to the clock: this function is the boundary convenience; TBSCertList
    itself only takes explicit times.
    """
    if now is None:
        now = datetime.now(UTC)
    now = _aware(now, "now").replace(microsecond=0)
    if days is None and hours is None:
        days = 7
    next_update = now + timedelta(days=days or 0, hours=hours or 0)
    items = revoked if isinstance(revoked, list | tuple) else list(revoked)
    tbs = TBSCertList(
        issuer=ca_cert.subject,
        this_update=now,
        next_update=next_update,
        crl_number=crl_number,
        authority_key_identifier=_ca_key_id(ca_cert),
    )
    # The entries go straight from tuples to DER (checked on the way), with no
    # RevokedCertificate objects: the CRL makes those on demand.
    return tbs._sign(ca_key, hash, pss, _encode_entries(items, check_duplicates=True))


# ---------------------------------------------------------------------------------------------
# Parsing: the lean scanner for revokedCertificates


_UTC_SHAPE = re.compile(
    rb"\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\dZ"
)
_GEN_SHAPE = re.compile(  # year 0000 does not exist (datetime starts at 1)
    rb"(?!0000)\d{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\dZ"
)


@record(kw_only=False, slots=True)
class _EntryExtensions:
    """One distinct crlEntryExtensions encoding, decoded once."""

    reason: str | None
    invalidity_date: datetime | None
    extensions: tuple[ExtensionLike, ...]


class _Scan:
    """The result of scanning revokedCertificates: entry offsets, serial keys, decoded pieces."""

    __slots__ = ("exts", "keys", "offsets", "times")

    def __init__(self) -> None:
        self.offsets: list[int] = []
        self.keys: list[bytes] = []
        self.times: dict[bytes, datetime | None] = {}
        self.exts: dict[bytes, _EntryExtensions] = {}


def _entry_error(i: int, field_: str, reason: str, offset: int) -> DecodeError:
    return DecodeError(f"{_REVOKED}[{i}]{field_}: {reason} at byte {offset}")


def _scan_revoked(data: bytes, pos: int, end: int) -> _Scan:
    """Walk revokedCertificates content ``data[pos:end]``, checking every entry is strict DER.

    RFC 5280 5.1.2.6: SEQUENCE { userCertificate CertificateSerialNumber, revocationDate Time,
    crlEntryExtensions Extensions OPTIONAL }. No Element objects are built for the entries.
    """
    scan = _Scan()
    offsets = scan.offsets
    keys = scan.keys
    times = scan.times
    exts = scan.exts
    utc_shape = _UTC_SHAPE.fullmatch
    gen_shape = _GEN_SHAPE.fullmatch
    i = 0
    while pos < end:
        start = pos
        if data[pos] != 0x30:
            raise _entry_error(i, "", f"expected SEQUENCE, found {der.tag_name(data[pos])}", pos)
        if pos + 2 > end:
            raise _entry_error(i, "", "truncated entry header", pos)
        n = data[pos + 1]
        if n < 0x80:
            cs = pos + 2
        elif n == 0x81 and pos + 3 <= end:
            n = data[pos + 2]
            if n < 0x80:
                raise _entry_error(i, "", "non-minimal length encoding", pos)
            cs = pos + 3
        elif n == 0x82 and pos + 4 <= end:
            n = (data[pos + 2] << 8) | data[pos + 3]
            if n < 0x100:
                raise _entry_error(i, "", "non-minimal length encoding", pos)
            cs = pos + 4
        elif n == 0x80:
            raise _entry_error(i, "", "indefinite length is not DER", pos)
        else:
            raise _entry_error(i, "", "entry length too large or truncated", pos)
        ce = cs + n
        if ce > end:
            raise _entry_error(i, "", f"truncated SEQUENCE, length {n} runs past the end", pos)
        # userCertificate INTEGER (short form: serials are at most 20 octets, 4.1.2.2)
        if cs + 2 > ce or data[cs] != 0x02:
            raise _entry_error(i, ".userCertificate", "expected INTEGER", cs)
        sl = data[cs + 1]
        s0 = cs + 2
        s1 = s0 + sl
        if sl == 0 or sl >= 0x80 or s1 > ce:
            reason = "empty INTEGER" if sl == 0 else f"bad serial number length {sl}"
            raise _entry_error(i, ".userCertificate", reason, cs)
        if sl > 1:
            b0 = data[s0]
            b1 = data[s0 + 1]
            if (b0 == 0 and b1 < 0x80) or (b0 == 0xFF and b1 >= 0x80):
                raise _entry_error(i, ".userCertificate", "non-minimal INTEGER encoding", cs)
        # revocationDate Time
        if s1 + 2 > ce:
            raise _entry_error(i, ".revocationDate", "missing", s1)
        tt = data[s1]
        tl = data[s1 + 1]
        t1 = s1 + 2 + tl
        if tt == 0x17:
            if tl != 13 or t1 > ce:
                raise _entry_error(i, ".revocationDate", "UTCTime not in YYMMDDHHMMSSZ form", s1)
        elif tt == 0x18:
            if tl != 15 or t1 > ce:
                raise _entry_error(
                    i, ".revocationDate", "GeneralizedTime not in YYYYMMDDHHMMSSZ form", s1
                )
        else:
            raise _entry_error(
                i,
                ".revocationDate",
                f"expected UTCTime or GeneralizedTime, found {der.tag_name(tt)}",
                s1,
            )
        tkey = data[s1:t1]
        if tkey not in times:
            content = tkey[2:]
            shape = utc_shape(content) if tt == 0x17 else gen_shape(content)
            if shape is None:
                form = "UTCTime not in YYMMDDHHMMSSZ" if tt == 0x17 else "GeneralizedTime not in"
                form += " form" if tt == 0x17 else " YYYYMMDDHHMMSSZ form"
                raise _entry_error(i, ".revocationDate", form, s1)
            # Days 29-31 may not exist in that month: check those with the full decoder.
            day = content[-9:-7]
            value = None
            if day > b"28":
                value = der.decode_time(tt, content, s1, f"{_REVOKED}[{i}].revocationDate")
            times[tkey] = value
        if t1 < ce:
            blob = data[t1:ce]
            if blob not in exts:
                exts[blob] = _scan_entry_extensions(data, t1, ce, i)
        elif t1 > ce:  # pragma: no cover - excluded by the length checks above
            raise _entry_error(i, "", "fields run past the entry", start)
        keys.append(data[s0:s1])
        offsets.append(start)
        pos = ce
        i += 1
    return scan


def _scan_entry_extensions(data: bytes, pos: int, end: int, i: int) -> _EntryExtensions:
    """Decode one crlEntryExtensions encoding strictly (the slow path, once per distinct blob)."""
    what = f"{_REVOKED}[{i}].crlEntryExtensions"
    el, stop = der.decode_at(data, pos, end, what=what)
    if stop != end:
        raise DecodeError(
            f"{_REVOKED}[{i}]: unexpected element after crlEntryExtensions at byte {stop}"
        )
    if el.tag != der.SEQUENCE:
        raise el.error(what, f"expected SEQUENCE, found {el.name}")
    extensions = _parse_extensions(el, what)
    reason = invalidity = None
    for ext in extensions:
        if ext.oid == oids.CRL_REASON:
            reason = _decode_reason(ext.to_der())
        elif ext.oid == oids.INVALIDITY_DATE:
            invalidity = _decode_invalidity(ext.to_der())
    # Keep reasonCode and invalidityDate only in the fields when re-encoding from the fields
    # gives the same bytes (the usual case, and what a built entry holds); otherwise (another
    # order, a critical flag, an explicit "unspecified") keep every extension as found.
    rest = tuple(e for e in extensions if e.oid not in _MIRRORED)
    head: list[ExtensionLike] = []
    if reason is not None and reason != "unspecified":
        head.append(_reason_extension(reason))
    if invalidity is not None:
        head.append(_invalidity_extension(invalidity))
    if der.sequence(*map(_encode_extension, (*head, *rest))) == data[pos:end]:
        extensions = rest
    return _EntryExtensions(reason, invalidity, extensions)


_MIRRORED = frozenset((oids.CRL_REASON, oids.INVALIDITY_DATE))


# ---------------------------------------------------------------------------------------------
# The signed CRL


@record(eq=False)
class CertificateRevocationList(ByDer):
    """A signed CRL (RFC 5280 5.1): parsed fields plus the exact bytes that were signed.

    Iterating yields the RevokedCertificate entries in order (made on demand); ``len()`` counts
    them; ``is_revoked``/``get`` answer from a dict built on first use.
    """

    der: bytes
    tbs_der: bytes
    version: int
    signature_algorithm: SignatureAlgorithm
    issuer: Name
    this_update: datetime
    next_update: datetime | None
    extensions: tuple[ExtensionLike, ...]
    crl_number: int | None
    authority_key_identifier: bytes | None
    signature: bytes
    _revoked_span: tuple[int, int] | None = field(default=None, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def _scan(self) -> _Scan:
        scan = self._cache.get("scan")
        if scan is None:
            span = self._revoked_span
            scan = self._cache["scan"] = _scan_revoked(self.der, *span) if span else _Scan()
        return scan

    # -- loading --------------------------------------------------------------------------
    @classmethod
    def from_der(cls, data: bytes) -> CertificateRevocationList:
        """Parse a DER CertificateList strictly (RFC 5280 5.1); DecodeError names the field."""
        if not isinstance(data, bytes):
            if not isinstance(data, bytearray | memoryview):
                raise TypeError(f"expected bytes, got {type(data).__name__}")
            data = bytes(data)
        return _parse_crl(data)

    # -- entries --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._scan.offsets)

    def __iter__(self) -> Iterator[RevokedCertificate]:
        revoked = self._cache.get("revoked")
        if revoked is not None:
            return iter(revoked)
        return map(self._entry_at, self._scan.offsets)

    @property
    def revoked(self) -> tuple[RevokedCertificate, ...]:
        """Every entry, in order (materialised once, then kept)."""
        revoked = self._cache.get("revoked")
        if revoked is None:
            revoked = self._cache["revoked"] = tuple(map(self._entry_at, self._scan.offsets))
        return revoked

    def _index(self) -> dict[bytes, int]:
        index = self._cache.get("index")
        if index is None:
            scan = self._scan
            # Reversed so that, should a serial be listed twice, the first entry wins.
            index = dict(zip(reversed(scan.keys), reversed(scan.offsets), strict=True))
            self._cache["index"] = index
        return index

    def is_revoked(self, serial: int) -> bool:
        """Whether ``serial`` is listed (O(1) after the first call builds the index)."""
        if not isinstance(serial, int) or isinstance(serial, bool):
            raise TypeError(f"serial must be an int, got {type(serial).__name__}")
        key = serial.to_bytes(
            (serial if serial >= 0 else ~serial).bit_length() // 8 + 1, "big", signed=True
        )
        return key in self._index()

    def get(self, serial: int) -> RevokedCertificate | None:
        """The entry for ``serial``, or None."""
        if not isinstance(serial, int) or isinstance(serial, bool):
            raise TypeError(f"serial must be an int, got {type(serial).__name__}")
        key = serial.to_bytes(
            (serial if serial >= 0 else ~serial).bit_length() // 8 + 1, "big", signed=True
        )
        offset = self._index().get(key)
        return None if offset is None else self._entry_at(offset)

    def _entry_at(self, pos: int) -> RevokedCertificate:
        """Materialise the (already checked) entry at ``pos``."""
        data = self.der
        scan = self._scan
        n = data[pos + 1]
        cs = pos + 2
        if n >= 0x80:
            width = n & 0x7F
            n = int.from_bytes(data[pos + 2 : pos + 2 + width], "big")
            cs = pos + 2 + width
        s1 = cs + 2 + data[cs + 1]
        t1 = s1 + 2 + data[s1 + 1]
        tkey = data[s1:t1]
        when = scan.times.get(tkey)
        if when is None:
            when = der.decode_time(tkey[0], tkey[2:], s1, "revocationDate")
            scan.times[tkey] = when
        entry = object.__new__(RevokedCertificate)
        setattr_ = object.__setattr__
        setattr_(entry, "serial_number", int.from_bytes(data[cs + 2 : s1], "big", signed=True))
        setattr_(entry, "revocation_date", when)
        if t1 < cs + n:
            info = scan.exts[data[t1 : cs + n]]
            setattr_(entry, "reason", info.reason)
            setattr_(entry, "invalidity_date", info.invalidity_date)
            setattr_(entry, "extensions", info.extensions)
        else:
            setattr_(entry, "reason", None)
            setattr_(entry, "invalidity_date", None)
            setattr_(entry, "extensions", ())
        return entry

    # -- checks ---------------------------------------------------------------------------
    def verify_signature(self, issuer: _CACertificate | RSAPublicKey) -> None:
        """Check the CA's signature over tbsCertList (RFC 5280 6.3.3 (f)); InvalidSignature."""
        if isinstance(issuer, RSAPublicKey):
            self.signature_algorithm.verify(issuer, self.signature, self.tbs_der)
            return
        spki_der = getattr(issuer, "spki_der", None)
        if isinstance(spki_der, bytes):  # a Certificate: its key may be RSA or EC
            self.signature_algorithm.verify_spki(spki_der, self.signature, self.tbs_der)
            return
        public_key = issuer.public_key
        if not isinstance(public_key, RSAPublicKey):
            raise TypeError("verify_signature takes the CA certificate or its RSA public key")
        self.signature_algorithm.verify(public_key, self.signature, self.tbs_der)

    def to_tbs(self) -> TBSCertList:
        """The builder that re-encodes to exactly this CRL's tbsCertList."""
        return TBSCertList(
            issuer=self.issuer,
            this_update=self.this_update,
            next_update=self.next_update,
            revoked=self.revoked,
            extensions=self.extensions,
            signature_algorithm=self.signature_algorithm,
            version=self.version,
        )

    # -- encodings ------------------------------------------------------------------------
    def to_der(self) -> bytes:
        """The CRL's DER, exactly as parsed or signed."""
        return self.der

    def to_pem(self) -> str:
        """PEM with the ``X509 CRL`` label (RFC 7468 section 9)."""
        return pem.encode(self.der, "X509 CRL")

    def fingerprint(self, hash: str = "sha256") -> bytes:
        """The digest of the DER encoding."""
        if hash not in HASH_OIDS:
            raise ValidationError(
                f"fingerprint: hash {hash!r} is not one of {', '.join(HASH_OIDS)}"
            )
        return hashlib.new(hash, self.der).digest()

    def to_text(self) -> str:
        """The text ``openssl crl -text -noout`` prints."""
        return _text(self)

    def __repr__(self) -> str:
        return (
            f"<CertificateRevocationList issuer={self.issuer.to_openssl()!r} "
            f"number={self.crl_number} entries={len(self)}>"
        )


def load_crl(data: bytes | str) -> CertificateRevocationList:
    """Load a CRL from DER or PEM (``-----BEGIN X509 CRL-----``)."""
    raw, _ = pem.load_der(data, _PEM_LABELS, what="CRL")
    return CertificateRevocationList.from_der(raw)


def _parse_crl(data: bytes, *, scan: bool = True) -> CertificateRevocationList:
    """CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue } (5.1)."""
    if not data:
        raise DecodeError(f"{_WHAT}: empty input, expected a DER CertificateList at byte 0")
    tag, _, cs, length = der.read_header(data, 0, len(data), what=_WHAT)
    if tag != der.SEQUENCE:
        raise DecodeError(f"{_WHAT}: expected SEQUENCE, found {der.tag_name(tag)} at byte 0")
    end = cs + length
    if end != len(data):
        raise DecodeError(f"{_WHAT}: {len(data) - end} trailing bytes after the CRL at byte {end}")
    tbs_start = cs
    tag, _, tcs, tlen = der.read_header(data, cs, end, what=_TBS)
    if tag != der.SEQUENCE:
        raise DecodeError(f"{_TBS}: expected SEQUENCE, found {der.tag_name(tag)} at byte {cs}")
    tbs_end = tcs + tlen
    alg_el, pos = der.decode_at(data, tbs_end, end, what=f"{_WHAT}.signatureAlgorithm")
    sig_el, pos = der.decode_at(data, pos, end, what=f"{_WHAT}.signatureValue")
    if pos != end:
        raise DecodeError(f"{_WHAT}: unexpected element after signatureValue at byte {pos}")
    algorithm = SignatureAlgorithm.from_element(alg_el, what=f"{_WHAT}.signatureAlgorithm")
    signature = sig_el.expect(der.BIT_STRING, f"{_WHAT}.signatureValue").as_bit_string_bytes(
        f"{_WHAT}.signatureValue"
    )

    # tbsCertList fields, in order (5.1.2); the entries list is scanned, the rest decoded.
    pos = tcs
    version = 1
    el, nxt = _tbs_field(data, pos, tbs_end, "version")
    if el.tag == der.INTEGER:
        value = el.as_int(f"{_TBS}.version")
        if value != 1:
            # RFC 5280 5.1.2.1: if present, version MUST be v2 (1); v1 is encoded by absence.
            raise el.error(f"{_TBS}.version", f"expected v2 (1), found {value}")
        version = 2
        pos = nxt
        el, nxt = _tbs_field(data, pos, tbs_end, "signature")
    inner_alg = SignatureAlgorithm.from_element(el, what=f"{_TBS}.signature")
    if el.raw != alg_el.raw:
        # RFC 5280 5.1.1.2: MUST be the same algorithm identifier as signatureAlgorithm.
        raise el.error(f"{_TBS}.signature", "differs from the outer signatureAlgorithm")
    del inner_alg
    pos = nxt
    el, pos = _tbs_field(data, pos, tbs_end, "issuer")
    issuer = Name.from_element(el, what=f"{_TBS}.issuer")
    el, pos = _tbs_field(data, pos, tbs_end, "thisUpdate")
    this_update = el.as_time(f"{_TBS}.thisUpdate")
    next_update = None
    revoked_at: tuple[int, int] | None = None
    extensions: tuple[ExtensionLike, ...] = ()
    if pos < tbs_end and data[pos] in (der.UTC_TIME, der.GENERALIZED_TIME):
        el, pos = _tbs_field(data, pos, tbs_end, "nextUpdate")
        next_update = el.as_time(f"{_TBS}.nextUpdate")
    if pos < tbs_end and data[pos] == der.SEQUENCE:
        _, _, rcs, rlen = der.read_header(data, pos, tbs_end, what=_REVOKED)
        if rlen == 0:
            raise DecodeError(
                f"{_REVOKED}: empty list must be absent (RFC 5280 5.1.2.6) at byte {pos}"
            )
        revoked_at = (rcs, rcs + rlen)
        pos = rcs + rlen
    if pos < tbs_end and data[pos] == 0xA0:
        el, pos = _tbs_field(data, pos, tbs_end, "crlExtensions")
        (inner,) = el.expect_children(f"{_TBS}.crlExtensions", 1)
        if version == 1:
            raise el.error(f"{_TBS}.crlExtensions", "version 1 CRL with extensions")
        extensions = _parse_extensions(inner, f"{_TBS}.crlExtensions")
    if pos != tbs_end:
        raise DecodeError(f"{_TBS}: unexpected {der.tag_name(data[pos])} at byte {pos}")

    crl_number = aki = None
    for ext in extensions:
        if ext.oid == oids.CRL_NUMBER:
            crl_number = _decode_crl_number(ext.to_der())
        elif ext.oid == oids.AUTHORITY_KEY_IDENTIFIER:
            aki = _decode_aki(ext.to_der())
    crl = CertificateRevocationList(
        der=data,
        tbs_der=data[tbs_start:tbs_end],
        version=version,
        signature_algorithm=algorithm,
        issuer=issuer,
        this_update=this_update,
        next_update=next_update,
        extensions=extensions,
        crl_number=crl_number,
        authority_key_identifier=aki,
        signature=signature,
        _revoked_span=revoked_at,
    )
    if scan:
        crl._scan  # noqa: B018 - parse strictly now, not on first use (STYLE.md)
    return crl


def _tbs_field(data: bytes, pos: int, end: int, name: str) -> tuple[der.Element, int]:
    what = f"{_TBS}.{name}"
    if pos >= end:
        raise DecodeError(f"{what}: missing at byte {pos}")
    return der.decode_at(data, pos, end, what=what)


# ---------------------------------------------------------------------------------------------
# Text like `openssl crl -text -noout`


# openssl's text for each CRLReason (crypto/x509/v3_enum.c).
_REASON_TEXT = {
    "unspecified": "Unspecified",
    "keyCompromise": "Key Compromise",
    "cACompromise": "CA Compromise",
    "affiliationChanged": "Affiliation Changed",
    "superseded": "Superseded",
    "cessationOfOperation": "Cessation Of Operation",
    "certificateHold": "Certificate Hold",
    "removeFromCRL": "Remove From CRL",
    "privilegeWithdrawn": "Privilege Withdrawn",
    "aACompromise": "AA Compromise",
}

# RFC 5280 5.3.2 hold instructions (registered with the other OIDs in minica.oids).
HOLD_INSTRUCTION_NONE = oids.HOLD_INSTRUCTION_NONE
HOLD_INSTRUCTION_CALL_ISSUER = oids.HOLD_INSTRUCTION_CALL_ISSUER
HOLD_INSTRUCTION_REJECT = oids.HOLD_INSTRUCTION_REJECT


def _serial_text(serial: int) -> str:
    """i2a_ASN1_INTEGER: the magnitude in upper-case hex, two digits per octet."""
    sign = "-" if serial < 0 else ""
    magnitude = abs(serial)
    body = magnitude.to_bytes(max(1, (magnitude.bit_length() + 7) // 8), "big").hex().upper()
    # openssl breaks very long integers after every 35 octets with a backslash.
    chunks = [body[i : i + 70] for i in range(0, len(body), 70)]
    return sign + "\\\n".join(chunks)


def _hex_colons(data: bytes) -> str:
    return ":".join(f"{b:02X}" for b in data)


def _extension_text(ext: ExtensionLike) -> str:
    """openssl's value text for one extension (unindented lines)."""
    to_text = getattr(ext, "to_text", None)
    if callable(to_text):
        rendered = to_text()
        if isinstance(rendered, str):
            return rendered
    value = ext.to_der()
    try:
        if ext.oid == oids.CRL_REASON:
            return _REASON_TEXT[_decode_reason(value)]
        if ext.oid == oids.INVALIDITY_DATE:
            return text.time_text(_decode_invalidity(value))
        if ext.oid == oids.CRL_NUMBER:
            number = _decode_crl_number(value)
            return str(number) if number < 1 << 128 else f"0x{number:X}"
        if ext.oid == oids.HOLD_INSTRUCTION_CODE:
            el = der.decode(value, what="holdInstructionCode").expect(der.OID, "hold")
            return oids.long_name(el.as_oid())
        if ext.oid == oids.AUTHORITY_KEY_IDENTIFIER:
            return _aki_text(value)
    except DecodeError:
        pass
    # openssl prints unknown extension values as their raw octets, unprintables as dots.
    return "".join(chr(b) if 0x20 <= b <= 0x7E or b in (10, 13) else "." for b in value)


def _aki_text(value: bytes) -> str:
    lines = []
    for kid in der.decode(value, what="AuthorityKeyIdentifier").children:
        if kid.tag == 0x80:
            lines.append(_hex_colons(kid.content))
        elif kid.tag == 0xA1:
            for general_name in kid.children:
                if general_name.tag == 0xA4:
                    (name_el,) = general_name.expect_children("authorityCertIssuer", 1)
                    lines.append("DirName:" + Name.from_element(name_el).to_openssl())
        elif kid.tag == 0x82:
            lines.append("serial:" + _hex_colons(kid.content))
    return "\n".join(lines)


def _extensions_text(title: str, extensions: Sequence[ExtensionLike], indent: int) -> list[str]:
    """X509V3_extensions_print: a title, then each extension's name line and value lines."""
    lines = [" " * indent + f"{title}:"]
    for ext in extensions:
        name = oids.long_name(ext.oid)
        lines.append(" " * (indent + 4) + f"{name}: {'critical' if ext.critical else ''}")
        if ext.oid == oids.ISSUING_DISTRIBUTION_POINT:
            # Laid out by indentation (a name list runs into the next line, as in openssl).
            idp = IssuingDistributionPoint.from_der(ext.to_der())
            lines.extend(idp.indented_text(indent + 8).split("\n"))
            continue
        lines.extend(" " * (indent + 8) + line for line in _extension_text(ext).split("\n"))
    return lines


def _text(crl: CertificateRevocationList) -> str:
    """``openssl crl -text -noout`` (X509_CRL_print_ex with default flags)."""
    algorithm = crl.signature_algorithm
    lines = [
        "Certificate Revocation List (CRL):",
        f"        Version {crl.version} (0x{crl.version - 1:x})",
    ]
    lines.extend(text.signature_algorithm_lines(algorithm, 8))
    lines.append(f"        Issuer: {crl.issuer.to_text()}")
    lines.append(f"        Last Update: {text.time_text(crl.this_update)}")
    next_update = text.time_text(crl.next_update) if crl.next_update else "NONE"
    lines.append(f"        Next Update: {next_update}")
    if crl.extensions:
        lines.extend(_extensions_text("CRL extensions", crl.extensions, 8))
    if len(crl):
        lines.append("Revoked Certificates:")
        for entry in crl:
            lines.append(f"    Serial Number: {_serial_text(entry.serial_number)}")
            lines.append(f"        Revocation Date: {text.time_text(entry.revocation_date)}")
            extensions = entry.all_extensions()
            if extensions:
                lines.extend(_extensions_text("CRL entry extensions", extensions, 8))
    else:
        lines.append("No Revoked Certificates.")
    lines.extend(text.signature_lines(algorithm, crl.signature, 4))
    return "\n".join(lines) + "\n"
