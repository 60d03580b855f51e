"""X.509 v3 extensions (RFC 5280 4.2, 5.2, 5.3): one immutable value class per extension.

Each class declares its ``oid`` and RFC 5280 default criticality, encodes its extnValue with
``to_der()``, parses it with ``from_der()`` and renders openssl 3.0's text with ``to_text()``.
Classes register themselves by declaration, so parsing is a dict lookup; unknown OIDs become
:class:`UnrecognizedExtension`, kept byte for byte. Parsed extensions also remember their
original extnValue, so a parsed certificate re-encodes exactly even where the issuer chose a
valid but unusual encoding (``dataclasses.replace`` drops it: the new value is encoded afresh).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from minica import der, oids
from minica._record import field, new, record
from minica.der import Element
from minica.errors import DecodeError, ValidationError
from minica.name import Name

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar, overload

    from minica.keys import RSAPublicKey

    _E = TypeVar("_E", bound="Extension")
    _T = TypeVar("_T")
else:

    def overload(f: object) -> object:  # run time: the last definition is the one used
        return f


__all__ = [
    "URI",
    "AccessDescription",
    "AuthorityInformationAccess",
    "AuthorityKeyIdentifier",
    "BasicConstraints",
    "CRLDistributionPoints",
    "CRLNumber",
    "CRLReason",
    "CertificateIssuer",
    "CertificatePolicies",
    "DNSName",
    "DeltaCRLIndicator",
    "DirectoryName",
    "DistributionPoint",
    "EDIPartyName",
    "ExtendedKeyUsage",
    "Extension",
    "Extensions",
    "FreshestCRL",
    "GeneralName",
    "IPAddress",
    "InhibitAnyPolicy",
    "InvalidityDate",
    "IssuerAlternativeName",
    "IssuingDistributionPoint",
    "KeyUsage",
    "NameConstraints",
    "NetscapeComment",
    "NoticeReference",
    "OtherName",
    "PolicyConstraints",
    "PolicyInformation",
    "PolicyMappings",
    "PolicyQualifier",
    "PrecertificateSignedCertificateTimestamps",
    "RFC822Name",
    "RegisteredID",
    "SignedCertificateTimestamp",
    "SubjectAlternativeName",
    "SubjectInformationAccess",
    "SubjectKeyIdentifier",
    "TLSFeature",
    "UniformResourceIdentifier",
    "UnrecognizedExtension",
    "UserNotice",
    "X400Address",
    "encode_extension",
    "general_name",
    "general_names_from_strings",
]


IPValue = (
    ipaddress.IPv4Address | ipaddress.IPv6Address | ipaddress.IPv4Network | ipaddress.IPv6Network
)


def _new(cls: type[_T], **fields: Any) -> _T:
    """Make a frozen dataclass instance from already-checked parsed fields (no __init__ cost)."""
    obj = new(cls)
    obj.__dict__.update(fields)
    return obj


def _hex_colon(data: bytes) -> str:
    """openssl's ``AB:CD:EF`` rendering (i2s_ASN1_OCTET_STRING)."""
    return data.hex(":").upper()


def _ascii(el: Element, what: str) -> str:
    c = el.content
    if not c.isascii():
        raise el.error(what, "IA5String holds a non-ASCII byte")
    return c.decode("ascii")


# -- GeneralName (RFC 5280 4.2.1.6) ---------------------------------------------------------


class GeneralName:
    """One GeneralName CHOICE alternative (RFC 5280 4.2.1.6); ``to_der()`` is its tagged DER."""

    __slots__ = ()

    def to_der(self) -> bytes:
        raise NotImplementedError

    def to_text(self) -> str:
        """openssl's ``i2v_GENERAL_NAME`` form (``DNS:x``), as SAN/AIA lines print it."""
        raise NotImplementedError

    def print_text(self) -> str:
        """openssl's ``GENERAL_NAME_print`` form (CRL distribution points, name constraints)."""
        try:
            return self.to_text()
        except _Unprintable:
            # GENERAL_NAME_print has no such refusal: ASN1_STRING_print shows each byte
            # outside printable ASCII (bar CR/LF) as '.'.
            label = _PRINT_LABELS.get(type(self).__name__)
            value = getattr(self, "value", None)
            if label is None or not isinstance(value, str):
                raise
            return label + "".join(c if " " <= c <= "~" or c in "\r\n" else "." for c in value)


@record(kw_only=False)
class DNSName(GeneralName):
    """dNSName [2] IA5String; non-ASCII labels become IDNA A-labels (Python's IDNA 2003 codec)."""

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise TypeError(f"DNSName value must be str, got {type(self.value).__name__}")
        if not self.value.isascii():
            object.__setattr__(self, "value", _to_a_labels(self.value))

    def to_der(self) -> bytes:
        return der.context(2, self.value.encode("ascii"))

    def to_text(self) -> str:
        return "DNS:" + _no_nul(self.value)


def _to_a_labels(name: str) -> str:
    labels = []
    for label in name.split("."):
        if not label.isascii():
            try:
                from encodings import idna  # stringprep, unicodedata: only for IDNs

                label = idna.ToASCII(label).decode("ascii")
            except UnicodeError as e:
                raise ValidationError(f"DNSName {name!r}: not a valid IDNA label: {e}") from e
        labels.append(label)
    return ".".join(labels)


@record(kw_only=False)
class RFC822Name(GeneralName):
    """rfc822Name [1] IA5String: an e-mail address (or, in name constraints, a host/domain)."""

    value: str

    def __post_init__(self) -> None:
        _check_ia5("RFC822Name", self.value)

    def to_der(self) -> bytes:
        return der.context(1, self.value.encode("ascii"))

    def to_text(self) -> str:
        return "email:" + _no_nul(self.value)


@record(kw_only=False)
class UniformResourceIdentifier(GeneralName):
    """uniformResourceIdentifier [6] IA5String."""

    value: str

    def __post_init__(self) -> None:
        _check_ia5("URI", self.value)

    def to_der(self) -> bytes:
        return der.context(6, self.value.encode("ascii"))

    def to_text(self) -> str:
        return "URI:" + _no_nul(self.value)


URI = UniformResourceIdentifier


def _check_ia5(kind: str, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{kind} value must be str, got {type(value).__name__}")
    if not value.isascii():
        raise ValidationError(f"{kind} {value!r}: non-ASCII character (IA5String)")


@record(kw_only=False)
class IPAddress(GeneralName):
    """iPAddress [7]: 4 or 16 octets; in name constraints a network as address + mask."""

    value: IPValue

    def __post_init__(self) -> None:
        v: object = self.value
        if isinstance(v, str):
            try:
                v = ipaddress.ip_network(v) if "/" in v else ipaddress.ip_address(v)
            except ValueError as e:
                raise ValidationError(f"IPAddress {self.value!r}: {e}") from e
            object.__setattr__(self, "value", v)
        elif not isinstance(
            v,
            ipaddress.IPv4Address
            | ipaddress.IPv6Address
            | ipaddress.IPv4Network
            | ipaddress.IPv6Network,
        ):
            raise TypeError(f"IPAddress value must be an ipaddress value, got {type(v).__name__}")

    def to_der(self) -> bytes:
        v = self.value
        if isinstance(v, ipaddress.IPv4Network | ipaddress.IPv6Network):
            return der.context(7, v.network_address.packed + v.netmask.packed)
        return der.context(7, v.packed)

    def to_text(self) -> str:
        v = self.value
        if isinstance(v, ipaddress.IPv4Network | ipaddress.IPv6Network):
            return f"IP:{_ip_text(v.network_address.packed)}/{_ip_text(v.netmask.packed)}"
        return "IP Address:" + _ip_text(v.packed)


def _ip_text(packed: bytes) -> str:
    """openssl's ossl_ipaddr_to_asc: dotted quad, or eight upper-case hex groups uncompressed."""
    if len(packed) == 4:
        return ".".join(str(b) for b in packed)
    return ":".join(f"{packed[i] << 8 | packed[i + 1]:X}" for i in range(0, 16, 2))


@record(kw_only=False)
class DirectoryName(GeneralName):
    """directoryName [4] EXPLICIT Name."""

    value: Name

    def __post_init__(self) -> None:
        if not isinstance(self.value, Name):
            raise TypeError(f"DirectoryName value must be a Name, got {type(self.value).__name__}")

    def to_der(self) -> bytes:
        return der.explicit(4, self.value.to_der())

    def to_text(self) -> str:
        # i2v_GENERAL_NAME uses X509_NAME_oneline into a 256-byte buffer.
        return "DirName:" + self.value.to_oneline()[:255]

    def print_text(self) -> str:
        return "DirName:" + self.value.to_text()


# otherName type-ids openssl 3.0 renders by name (v3_san.c).
_OTHERNAME_LABELS = {
    "1.3.6.1.5.5.7.8.9": "SmtpUTF8Mailbox",
    "1.3.6.1.5.5.7.8.5": "XmppAddr",
    "1.3.6.1.5.5.7.8.7": "SRVName",
    "1.3.6.1.4.1.311.20.2.3": "UPN",
    "1.3.6.1.5.5.7.8.8": "NAIRealm",
}


@record(kw_only=False)
class OtherName(GeneralName):
    """otherName [0]: ``type_id`` (dotted OID) and ``value``, the DER of the [0] EXPLICIT ANY."""

    type_id: str
    value: bytes

    def to_der(self) -> bytes:
        return der.context(0, der.oid(self.type_id) + der.explicit(0, self.value), constructed=True)

    def _string(self) -> tuple[int, str] | None:
        """(tag, text) of a string value, or None."""
        try:
            el = der.decode(self.value)
        except DecodeError:
            return None
        if el.tag not in (der.UTF8_STRING, der.IA5_STRING):
            return None
        return el.tag, el.content.decode("utf-8", "replace")

    def to_text(self) -> str:
        # OpenSSL 3.0 i2v_GENERAL_NAME: "othername: <type>::<value>"; a known type-id whose
        # value has the wrong string type makes the whole extension unprintable.
        label = _OTHERNAME_LABELS.get(self.type_id)
        string = self._string()
        if label is not None:
            want = der.IA5_STRING if label == "SRVName" else der.UTF8_STRING
            if string is None or string[0] != want:
                raise _Unprintable
            return f"othername: {label}::{_no_nul(string[1])}"
        label = oids.long_name(self.type_id)
        if string is None:
            return f"othername: {label}::<unsupported>"
        return f"othername: {label}::{_no_nul(string[1])}"

    def print_text(self) -> str:
        # GENERAL_NAME_print: only the known type-ids with their expected string type.
        label = _OTHERNAME_LABELS.get(self.type_id)
        string = self._string()
        want = der.IA5_STRING if label == "SRVName" else der.UTF8_STRING
        if label is None or string is None or string[0] != want:
            return "othername:<unsupported>"
        return f"othername:{label}:{string[1]}"


_PRINT_LABELS = {"DNSName": "DNS:", "RFC822Name": "email:", "UniformResourceIdentifier": "URI:"}


class _Unprintable(Exception):
    """openssl's i2v printer fails for this value; it then dumps the raw extnValue."""


def _no_nul(value: str) -> str:
    # x509v3_add_len_value refuses values with an embedded NUL.
    if "\x00" in value[:-1]:
        raise _Unprintable
    return value


def _dump(value: bytes) -> str:
    """ASN1_STRING_print: bytes outside printable ASCII (but \\n and \\r) become dots."""
    return "".join(chr(b) if 0x20 <= b <= 0x7E or b in (0x0A, 0x0D) else "." for b in value)


@record(kw_only=False)
class RegisteredID(GeneralName):
    """registeredID [8] OBJECT IDENTIFIER (dotted)."""

    value: str

    def to_der(self) -> bytes:
        return der.implicit(8, der.oid(self.value))

    def to_text(self) -> str:
        return "Registered ID:" + oids.long_name(self.value)


@record(kw_only=False)
class X400Address(GeneralName):
    """x400Address [3], kept as its DER (openssl prints it as unsupported)."""

    value: bytes

    def to_der(self) -> bytes:
        return self.value

    def to_text(self) -> str:
        return "X400Name:<unsupported>"


@record(kw_only=False)
class EDIPartyName(GeneralName):
    """ediPartyName [5], kept as its DER (openssl prints it as unsupported)."""

    value: bytes

    def to_der(self) -> bytes:
        return self.value

    def to_text(self) -> str:
        return "EdiPartyName:<unsupported>"


def _general_name(el: Element, what: str, networks: bool = False) -> GeneralName:
    """Decode one GeneralName element; ``networks`` allows address+mask IPs (name constraints)."""
    tag = el.tag
    if tag == 0x82:
        return _new(DNSName, value=_ascii(el, what + ".dNSName"))
    if tag == 0x87:
        c = el.content
        n = len(c)
        if n == 4:
            return _new(IPAddress, value=ipaddress.IPv4Address(c))
        if n == 16:
            return _new(IPAddress, value=ipaddress.IPv6Address(c))
        if networks and n in (8, 32):
            return _new(IPAddress, value=_network(el, c, what))
        raise el.error(what + ".iPAddress", f"expected 4 or 16 octets, found {n}")
    if tag == 0x81:
        return _new(RFC822Name, value=_ascii(el, what + ".rfc822Name"))
    if tag == 0x86:
        return _new(
            UniformResourceIdentifier, value=_ascii(el, what + ".uniformResourceIdentifier")
        )
    if tag == 0xA4:
        (inner,) = el.expect_children(what + ".directoryName", 1)
        return _new(DirectoryName, value=Name.from_element(inner, what=what + ".directoryName"))
    if tag == 0xA0:
        w = what + ".otherName"
        type_el, value_el = el.expect_children(w, 2)
        type_id = type_el.expect(der.OID, w + ".type-id").as_oid(w + ".type-id")
        (inner,) = value_el.expect(0xA0, w + ".value").expect_children(w + ".value", 1)
        return _new(OtherName, type_id=type_id, value=inner.raw)
    if tag == 0x88:
        if el.constructed:
            raise el.error(what + ".registeredID", "expected a primitive encoding")
        return _new(RegisteredID, value=el.as_oid(what + ".registeredID"))
    if tag == 0xA3:
        return _new(X400Address, value=el.raw)
    if tag == 0xA5:
        return _new(EDIPartyName, value=el.raw)
    raise el.error(what, f"not a GeneralName alternative: {el.name}")


def _network(el: Element, c: bytes, what: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    half = len(c) // 2
    mask = int.from_bytes(c[half:], "big")
    bits = half * 8
    prefix = bits - (((1 << bits) - 1 - mask).bit_length())
    if mask != ((1 << bits) - 1) ^ ((1 << (bits - prefix)) - 1):
        raise el.error(what + ".iPAddress", "network mask is not contiguous")
    addr = ipaddress.ip_address(c[:half])
    return ipaddress.ip_network(f"{addr}/{prefix}", strict=False)


def _general_names(el: Element, what: str, networks: bool = False) -> tuple[GeneralName, ...]:
    """GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (any SEQUENCE-shaped tag)."""
    kids = el.children
    if not kids or not el.constructed:
        raise el.error(what, "GeneralNames must hold at least one name")
    out: list[GeneralName] = []
    for i, k in enumerate(kids):
        if k.tag == 0x82:  # the common case first: a dNSName, its path built only on error
            c = k.content
            if c.isascii():
                gn = new(DNSName)
                gn.__dict__["value"] = c.decode("ascii")
                out.append(gn)
                continue
        out.append(_general_name(k, f"{what}[{i}]", networks))
    return tuple(out)


def _dns_names_fast(value: bytes) -> tuple[GeneralName, ...] | None:
    """The names of a DER GeneralNames holding only short ASCII dNSNames (what nearly every
    subjectAltName is), read without building an element tree; None for anything else.

    Accepts exactly what ``der.decode`` + :func:`_general_names` accept for such a value:
    minimal SEQUENCE length, at least one name, each a primitive [2] of under 128 ASCII octets,
    nothing left over. Everything else, valid or not, takes the general path.
    """
    n = len(value)
    if n < 4 or value[0] != 0x30:
        return None
    length = value[1]
    if length < 0x80:
        pos = 2
    elif length == 0x81 and value[2] >= 0x80:
        length, pos = value[2], 3
    elif length == 0x82 and value[2]:
        length, pos = (value[2] << 8) | value[3], 4
    else:
        return None
    if pos + length != n or not length:
        return None
    out: list[GeneralName] = []
    while pos < n:
        if pos + 2 > n or value[pos] != 0x82:
            return None
        size = value[pos + 1]
        end = pos + 2 + size
        if size >= 0x80 or end > n:
            return None
        c = value[pos + 2 : end]
        if not c.isascii():
            return None
        gn = new(DNSName)
        gn.__dict__["value"] = c.decode("ascii")
        out.append(gn)
        pos = end
    return tuple(out)


def _general_names_der(names: tuple[GeneralName, ...]) -> bytes:
    return b"".join(n.to_der() for n in names)


def _check_names(
    kind: str, names: Iterable[GeneralName], allow_empty: bool = False
) -> tuple[GeneralName, ...]:
    if isinstance(names, GeneralName | str | bytes):
        raise TypeError(f"{kind} must be a tuple of GeneralName values")
    out = tuple(names)
    for n in out:
        if not isinstance(n, GeneralName):
            raise TypeError(f"{kind} must hold GeneralName values, got {type(n).__name__}")
    if not out and not allow_empty:
        raise ValidationError(f"{kind}: at least one name is required (RFC 5280 SIZE (1..MAX))")
    return out


def _tuple_of(values: Iterable[Any], item: type[_T], field: str, empty: str) -> tuple[_T, ...]:
    """``values`` as a non-empty tuple of ``item`` values: ValidationError ``empty`` when there
    are none, TypeError naming ``field`` for a value of another type."""
    out = tuple(values)
    if not out:
        raise ValidationError(empty)
    for value in out:
        if not isinstance(value, item):
            raise TypeError(f"{field} must hold {item.__name__} values")
    return out


def general_name(text: str) -> GeneralName:
    """Guess a GeneralName from text: IP if it parses as one, e-mail with ``@``, URI with
    ``://``, else a DNS name (non-ASCII turned into A-labels)."""
    if isinstance(text, GeneralName):
        return text
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    value = text.strip()
    try:
        return IPAddress(ipaddress.ip_address(value))
    except ValueError:
        pass
    if "://" in value:
        return UniformResourceIdentifier(value)
    if "@" in value:
        return RFC822Name(value)
    if not value:
        raise ValidationError("subjectAltName: empty name")
    return DNSName(value)


def general_names_from_strings(names: Iterable[str | GeneralName]) -> tuple[GeneralName, ...]:
    """``general_name()`` over a list; GeneralName values pass through unchanged."""
    if isinstance(names, str):
        names = (names,)
    return tuple(n if isinstance(n, GeneralName) else general_name(n) for n in names)


# -- the Extension base and registry --------------------------------------------------------

_REGISTRY: dict[str, type[Extension]] = {}
_new_object = object.__new__
_CACHE: dict[tuple[str, bool, bytes], Extension] = {}
# Placeholder field path while decoding inside Extensions.from_element, replaced by the real
# path (``extensions[2].subjectAltName``) only when an error is reported.
_MARK = "\x00extnValue\x00"
_TRUE = der.boolean(True)


@record
class Extension:
    """An X.509 extension value (RFC 5280 4.1 Extension): ``oid``, ``critical``, extnValue.

    Subclasses declare ``oid`` and register themselves; ``to_der()`` is the extnValue contents.
    """

    oid: ClassVar[str]
    critical: bool = False
    _raw: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        oid = cls.__dict__.get("oid")
        if isinstance(oid, str):
            _REGISTRY[oid] = cls

    def to_der(self) -> bytes:
        """The extnValue contents (the DER inside the OCTET STRING); original bytes if parsed."""
        raw = self._raw
        return raw if raw is not None else self._encode()

    def _encode(self) -> bytes:
        raise NotImplementedError

    @classmethod
    def from_der(cls: type[_E], value: bytes, *, critical: bool = False, what: str = "") -> _E:
        """Parse an extnValue (the OCTET STRING's contents) into this class."""
        w = what or oids.short_name(cls.oid)
        el = der.decode(value, what=w)
        obj = cls._decode(el, critical, w)
        obj.__dict__["_raw"] = value
        return obj

    @classmethod
    def _decode(cls: type[_E], el: Element, critical: bool, what: str) -> _E:
        raise NotImplementedError

    # Values with few distinct encodings in practice (basicConstraints, keyUsage, ...) are
    # shared between parses: they are immutable, so one object per (oid, critical, bytes).
    _cacheable: ClassVar[bool] = False

    @classmethod
    def _from_value(cls: type[_E], value: bytes, critical: bool) -> _E:
        """Decode an extnValue; errors use the ``_MARK`` placeholder as their field path."""
        return cls._decode(der.decode(value, what=_MARK), critical, _MARK)

    def to_text(self) -> str:
        """openssl 3.0's text for the value (the lines under the extension's name, unindented)."""
        raise NotImplementedError

    def _i2v(self) -> list[str]:
        raise NotImplementedError

    def _i2v_text(self, indent: int) -> str:
        """For printers built on i2v_GENERAL_NAME: lines, or the raw dump when one fails."""
        pad = " " * indent
        try:
            lines = self._i2v()
        except _Unprintable:
            return pad + _dump(self.to_der())
        return "\n".join(pad + line for line in lines)

    def indented_text(self, indent: int) -> str:
        """The value as ``openssl x509 -text`` lays it out with the value at column ``indent``
        (usually each line of ``to_text()`` indented; some printers differ)."""
        pad = " " * indent
        try:
            text = self.to_text()
        except _Unprintable:
            return pad + _dump(self.to_der())
        return "\n".join(pad + line for line in text.split("\n"))

    @property
    def name(self) -> str:
        """openssl's long name of the extension (``X509v3 Key Usage``), as ``-text`` heads it."""
        return oids.long_name(self.oid)


def encode_extension(ext: Extension) -> bytes:
    """The Extension SEQUENCE: extnID, critical (only when TRUE, DER DEFAULT), extnValue."""
    if not isinstance(ext, Extension):
        raise TypeError(f"expected an Extension, got {type(ext).__name__}")
    value = der.octet_string(ext.to_der())
    if ext.critical:
        return der.sequence(der.oid(ext.oid), b"\x01\x01\xff", value)
    return der.sequence(der.oid(ext.oid), value)


def _critical(value: object) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"critical must be a bool, got {type(value).__name__}")


@record
class UnrecognizedExtension(Extension):
    """An extension minica does not interpret: OID, criticality and extnValue kept as they are."""

    oid: str  # type: ignore[misc]
    critical: bool = False
    value: bytes

    def __post_init__(self) -> None:
        _critical(self.critical)
        if not isinstance(self.oid, str):
            raise TypeError("oid must be a dotted str")
        der.oid(self.oid)
        if not isinstance(self.value, bytes):
            raise TypeError("value must be bytes")

    def _encode(self) -> bytes:
        return self.value

    def to_text(self) -> str:
        # X509V3_extensions_print falls back to ASN1_STRING_print of the extnValue.
        return _dump(self.value)

    def indented_text(self, indent: int) -> str:
        # One string after the indent: embedded newlines are not re-indented.
        return " " * indent + self.to_text()

    @property
    def name(self) -> str:
        return oids.long_name(self.oid)


# -- Basic constraints, key usage, extended key usage ---------------------------------------


@record
class BasicConstraints(Extension):
    """Basic Constraints, RFC 5280 4.2.1.9: ``ca`` and ``path_length`` (pathLenConstraint).

    ``critical`` defaults to True: the RFC requires it in CA certificates and allows it in
    end-entity ones (openssl's v3_ca marks it critical too).
    """

    oid: ClassVar[str] = oids.BASIC_CONSTRAINTS
    _cacheable: ClassVar[bool] = True
    critical: bool = True
    ca: bool = False
    path_length: int | None = None

    def __post_init__(self) -> None:
        _critical(self.critical)
        if not isinstance(self.ca, bool):
            raise TypeError("ca must be a bool")
        if self.path_length is not None:
            if not isinstance(self.path_length, int) or isinstance(self.path_length, bool):
                raise TypeError("path_length must be an int or None")
            if self.path_length < 0:
                raise ValidationError("basicConstraints: pathLenConstraint must not be negative")
            if not self.ca:
                raise ValidationError("basicConstraints: pathLenConstraint needs cA TRUE")

    def _encode(self) -> bytes:
        parts = []
        if self.ca:
            parts.append(b"\x01\x01\xff")
        if self.path_length is not None:
            parts.append(der.integer(self.path_length))
        return der.sequence(*parts)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> BasicConstraints:
        el.expect(der.SEQUENCE, what)
        kids = el.children
        ca = False
        path_length = None
        i = 0
        if i < len(kids) and kids[i].tag == der.BOOLEAN:
            if not kids[i].as_bool(what + ".cA"):
                raise kids[i].error(what + ".cA", "FALSE must be omitted (DER DEFAULT)")
            ca = True
            i += 1
        if i < len(kids) and kids[i].tag == der.INTEGER:
            path_length = kids[i].as_int(what + ".pathLenConstraint")
            if path_length < 0:
                raise kids[i].error(what + ".pathLenConstraint", "negative")
            i += 1
        if i != len(kids):
            raise kids[i].error(what, f"unexpected {kids[i].name}")
        return _new(cls, critical=critical, ca=ca, path_length=path_length)

    def to_text(self) -> str:
        text = "CA:TRUE" if self.ca else "CA:FALSE"
        if self.path_length is not None:
            text += f", pathlen:{self.path_length}"
        return text


# (attribute, openssl text) in bit order, RFC 5280 4.2.1.3.
_KEY_USAGE_BITS = (
    ("digital_signature", "Digital Signature"),
    ("content_commitment", "Non Repudiation"),
    ("key_encipherment", "Key Encipherment"),
    ("data_encipherment", "Data Encipherment"),
    ("key_agreement", "Key Agreement"),
    ("key_cert_sign", "Certificate Sign"),
    ("crl_sign", "CRL Sign"),
    ("encipher_only", "Encipher Only"),
    ("decipher_only", "Decipher Only"),
)
_KU_FIELDS = tuple(a for a, _ in _KEY_USAGE_BITS)
#: openssl's configuration names for the key usage bits, in bit order.
KEY_USAGE_NAMES = (
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
)


@record
class KeyUsage(Extension):
    """Key Usage, RFC 5280 4.2.1.3: the nine named bits (critical by default, "SHOULD")."""

    oid: ClassVar[str] = oids.KEY_USAGE
    _cacheable: ClassVar[bool] = True
    critical: bool = True
    digital_signature: bool = False
    content_commitment: bool = False
    key_encipherment: bool = False
    data_encipherment: bool = False
    key_agreement: bool = False
    key_cert_sign: bool = False
    crl_sign: bool = False
    encipher_only: bool = False
    decipher_only: bool = False

    def __post_init__(self) -> None:
        _critical(self.critical)
        for a in _KU_FIELDS:
            if not isinstance(getattr(self, a), bool):
                raise TypeError(f"KeyUsage.{a} must be a bool")

    @classmethod
    def from_names(cls, names: Iterable[str], *, critical: bool = True) -> KeyUsage:
        """From openssl's bit names (``digitalSignature``, ``keyCertSign``; ``contentCommitment``
        is accepted for ``nonRepudiation``)."""
        flags: dict[str, Any] = {}
        for name in names:
            key = "nonRepudiation" if name == "contentCommitment" else name
            if key not in KEY_USAGE_NAMES:
                raise ValidationError(f"keyUsage: unknown bit name {name!r}")
            flags[_KU_FIELDS[KEY_USAGE_NAMES.index(key)]] = True
        return cls(critical=critical, **flags)

    @property
    def names(self) -> tuple[str, ...]:
        """openssl's names of the bits set, in bit order."""
        return tuple(
            n for a, n in zip(_KU_FIELDS, KEY_USAGE_NAMES, strict=True) if getattr(self, a)
        )

    def _encode(self) -> bytes:
        value = 0
        for i, a in enumerate(_KU_FIELDS):
            if getattr(self, a):
                value |= 1 << i
        return _named_bits(value)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> KeyUsage:
        content = el.content
        fields = _KU_CACHE.get(content) if el.tag == der.BIT_STRING else None
        if fields is None:
            value = _read_named_bits(el, what, 9)
            fields = {a: bool(value >> i & 1) for i, a in enumerate(_KU_FIELDS)}
            if len(_KU_CACHE) < 1024:
                _KU_CACHE[content] = fields
        obj = new(cls)
        d = obj.__dict__
        d.update(fields)
        d["critical"] = critical
        return obj

    def to_text(self) -> str:
        return ", ".join(t for a, t in _KEY_USAGE_BITS if getattr(self, a))


# Decoded key usage bit strings (there are few distinct ones), by BIT STRING contents.
_KU_CACHE: dict[bytes, dict[str, bool]] = {}


def _named_bits(value: int) -> bytes:
    """DER named-bit list: bit i of ``value`` is BIT STRING bit i, trailing zero bits removed."""
    n = value.bit_length()
    nbytes = (n + 7) // 8
    out = bytearray(nbytes)
    for i in range(n):
        if value >> i & 1:
            out[i // 8] |= 0x80 >> (i % 8)
    return der.bit_string(bytes(out), nbytes * 8 - n)


def _read_named_bits(el: Element, what: str, count: int, tag: int = der.BIT_STRING) -> int:
    el.expect(tag, what)
    data, _unused = el.as_bits(what)
    value = 0
    for byte_index, byte in enumerate(data):
        if not byte:
            continue
        for bit in range(8):
            if byte & (0x80 >> bit):
                i = byte_index * 8 + bit
                if i >= count:
                    raise el.error(what, f"bit {i} is not defined")
                value |= 1 << i
    return value


_EKU_SHORT = {
    "serverAuth": oids.SERVER_AUTH,
    "clientAuth": oids.CLIENT_AUTH,
    "codeSigning": oids.CODE_SIGNING,
    "emailProtection": oids.EMAIL_PROTECTION,
    "timeStamping": oids.TIME_STAMPING,
    "OCSPSigning": oids.OCSP_SIGNING,
}


def _dotted(value: str, kind: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{kind} must be str, got {type(value).__name__}")
    if value in _EKU_SHORT:
        return _EKU_SHORT[value]
    if value[:1].isdigit():
        der.oid(value)  # ValidationError for a malformed dotted OID
        return value
    try:
        return oids.lookup(value)
    except (KeyError, ValueError) as e:
        raise ValidationError(f"{kind}: unknown name {value!r}") from e


@record
class ExtendedKeyUsage(Extension):
    """Extended Key Usage, RFC 5280 4.2.1.12: purpose OIDs, dotted (short names accepted)."""

    oid: ClassVar[str] = oids.EXTENDED_KEY_USAGE
    _cacheable: ClassVar[bool] = True
    usages: tuple[str, ...]

    def __post_init__(self) -> None:
        _critical(self.critical)
        if isinstance(self.usages, str):
            raise TypeError("usages must be a tuple of names or OIDs, not a str")
        usages = tuple(_dotted(u, "extendedKeyUsage") for u in self.usages)
        if not usages:
            raise ValidationError("extendedKeyUsage: at least one purpose is required")
        object.__setattr__(self, "usages", usages)

    def _encode(self) -> bytes:
        return der.sequence(*(der.oid(u) for u in self.usages))

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> ExtendedKeyUsage:
        el.expect(der.SEQUENCE, what)
        kids = el.children
        if not kids:
            raise el.error(what, "at least one KeyPurposeId is required")
        usages = []
        for k in kids:
            if k.tag != der.OID:
                i = kids.index(k)
                raise k.error(f"{what}[{i}]", f"expected OBJECT IDENTIFIER, found {k.name}")
            usages.append(k.as_oid(what))
        return _new(cls, critical=critical, usages=tuple(usages))

    def to_text(self) -> str:
        return ", ".join(oids.long_name(u) for u in self.usages)


# -- Alternative names ----------------------------------------------------------------------


@record
class _GeneralNamesExtension(Extension):
    """Shared form of the extensions whose value is ``GeneralNames``."""

    names: tuple[GeneralName, ...]

    def __post_init__(self) -> None:
        _critical(self.critical)
        object.__setattr__(self, "names", _check_names(type(self).__name__, self.names))

    @classmethod
    def from_strings(
        cls: type[_E], names: Iterable[str | GeneralName], *, critical: bool = False
    ) -> _E:
        """From host names, IP addresses, e-mail addresses and URIs (see ``general_name``)."""
        return cls(names=general_names_from_strings(names), critical=critical)  # type: ignore[call-arg]

    def _encode(self) -> bytes:
        return der.tlv(der.SEQUENCE, _general_names_der(self.names))

    @classmethod
    def _from_value(cls: type[_E], value: bytes, critical: bool) -> _E:
        # Fast path for the usual list of host names; anything else goes through der.decode.
        names = _dns_names_fast(value)
        if names is not None:
            return _new(cls, critical=critical, names=names)
        return super()._from_value(value, critical)

    @classmethod
    def _decode(cls: type[_E], el: Element, critical: bool, what: str) -> _E:
        el.expect(der.SEQUENCE, what)
        return _new(cls, critical=critical, names=_general_names(el, what))

    def to_text(self) -> str:
        return self._i2v_text(0)

    def indented_text(self, indent: int) -> str:
        return self._i2v_text(indent)

    def _i2v(self) -> list[str]:
        return [", ".join(n.to_text() for n in self.names)]


@record
class SubjectAlternativeName(_GeneralNamesExtension):
    """Subject Alternative Name, RFC 5280 4.2.1.6 (critical only when the subject is empty)."""

    oid: ClassVar[str] = oids.SUBJECT_ALT_NAME


@record
class IssuerAlternativeName(_GeneralNamesExtension):
    """Issuer Alternative Name, RFC 5280 4.2.1.7 (same form as the subject's)."""

    oid: ClassVar[str] = oids.ISSUER_ALT_NAME


@record
class CertificateIssuer(_GeneralNamesExtension):
    """Certificate Issuer CRL entry extension, RFC 5280 5.3.3 (critical)."""

    oid: ClassVar[str] = oids.CERTIFICATE_ISSUER
    critical: bool = True


# -- Key identifiers ------------------------------------------------------------------------


@record
class SubjectKeyIdentifier(Extension):
    """Subject Key Identifier, RFC 5280 4.2.1.2 (non-critical)."""

    oid: ClassVar[str] = oids.SUBJECT_KEY_IDENTIFIER
    digest: bytes

    def __post_init__(self) -> None:
        _critical(self.critical)
        if not isinstance(self.digest, bytes):
            raise TypeError("digest must be bytes")

    @classmethod
    def from_public_key(cls, public_key: RSAPublicKey) -> SubjectKeyIdentifier:
        """Method 1 of RFC 5280 4.2.1.2: SHA-1 of the subjectPublicKey BIT STRING contents."""
        return cls(digest=public_key.key_id())

    def _encode(self) -> bytes:
        return der.octet_string(self.digest)

    @classmethod
    def _from_value(cls, value: bytes, critical: bool) -> SubjectKeyIdentifier:
        # Fast path for the usual short OCTET STRING; anything else goes through der.decode.
        if len(value) >= 2 and value[0] == der.OCTET_STRING and value[1] == len(value) - 2 < 0x80:
            return _new(cls, critical=critical, digest=value[2:])
        return super()._from_value(value, critical)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> SubjectKeyIdentifier:
        el.expect(der.OCTET_STRING, what)
        return _new(cls, critical=critical, digest=el.content)

    def to_text(self) -> str:
        return _hex_colon(self.digest)


@record
class AuthorityKeyIdentifier(Extension):
    """Authority Key Identifier, RFC 5280 4.2.1.1: keyIdentifier [0], authorityCertIssuer [1]
    and authorityCertSerialNumber [2] (issuer and serial together or not at all)."""

    oid: ClassVar[str] = oids.AUTHORITY_KEY_IDENTIFIER
    key_identifier: bytes | None = None
    authority_cert_issuer: tuple[GeneralName, ...] | None = None
    authority_cert_serial_number: int | None = None

    def __post_init__(self) -> None:
        _critical(self.critical)
        if self.key_identifier is not None and not isinstance(self.key_identifier, bytes):
            raise TypeError("key_identifier must be bytes or None")
        if self.authority_cert_issuer is not None:
            object.__setattr__(
                self,
                "authority_cert_issuer",
                _check_names("authority_cert_issuer", self.authority_cert_issuer),
            )
        serial = self.authority_cert_serial_number
        if serial is not None and (not isinstance(serial, int) or isinstance(serial, bool)):
            raise TypeError("authority_cert_serial_number must be an int or None")
        if (self.authority_cert_issuer is None) != (serial is None):
            raise ValidationError(
                "authorityKeyIdentifier: authorityCertIssuer and authorityCertSerialNumber "
                "go together (RFC 5280 4.2.1.1)"
            )

    def _encode(self) -> bytes:
        parts = []
        if self.key_identifier is not None:
            parts.append(der.context(0, self.key_identifier))
        if self.authority_cert_issuer is not None:
            parts.append(
                der.context(1, _general_names_der(self.authority_cert_issuer), constructed=True)
            )
        if self.authority_cert_serial_number is not None:
            parts.append(der.implicit(2, der.integer(self.authority_cert_serial_number)))
        return der.sequence(*parts)

    @classmethod
    def _from_value(cls, value: bytes, critical: bool) -> AuthorityKeyIdentifier:
        # Fast path for the usual keyIdentifier-only SEQUENCE { [0] short OCTET STRING }.
        n = len(value)
        if (
            4 <= n < 0x80
            and value[0] == 0x30
            and value[1] == n - 2
            and value[2] == 0x80
            and value[3] == n - 4
        ):
            return _new(
                cls,
                critical=critical,
                key_identifier=value[4:],
                authority_cert_issuer=None,
                authority_cert_serial_number=None,
            )
        return super()._from_value(value, critical)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> AuthorityKeyIdentifier:
        el.expect(der.SEQUENCE, what)
        key_id = issuer = serial = None
        last = -1
        for k in el.children:
            n = k.tag & 0x1F
            if k.tag & 0xC0 != 0x80 or n > 2 or n <= last:
                raise k.error(what, f"unexpected {k.name}")
            last = n
            if k.tag == 0x80:
                key_id = k.content
            elif k.tag == 0xA1:
                issuer = _general_names(k, what + ".authorityCertIssuer")
            elif k.tag == 0x82:
                serial = _int(k, what + ".authorityCertSerialNumber")
            else:
                raise k.error(what, f"unexpected {k.name}")
        if (issuer is None) != (serial is None):
            raise el.error(what, "authorityCertIssuer and authorityCertSerialNumber go together")
        return _new(
            cls,
            critical=critical,
            key_identifier=key_id,
            authority_cert_issuer=issuer,
            authority_cert_serial_number=serial,
        )

    def to_text(self) -> str:
        return self._i2v_text(0)

    def indented_text(self, indent: int) -> str:
        return self._i2v_text(indent)

    def _i2v(self) -> list[str]:
        # OpenSSL 3.0 (v3_akid.c): the key id alone is bare hex; with issuer/serial each part is
        # a "name:value" line.
        issuer, serial = self.authority_cert_issuer, self.authority_cert_serial_number
        lines = []
        if self.key_identifier is not None:
            hexed = _hex_colon(self.key_identifier)
            lines.append(hexed if issuer is None and serial is None else "keyid:" + hexed)
        if issuer is not None:
            lines.extend(n.to_text() for n in issuer)
        if serial is not None:
            lines.append("serial:" + _hex_colon(_int_bytes(serial)))
        return lines


def _int(el: Element, what: str) -> int:
    """An INTEGER under an IMPLICIT tag (minimal two's complement checked by as_int)."""
    if el.constructed or not el.length:
        raise el.error(what, "expected a primitive non-empty INTEGER")
    return el.as_int(what)


def _int_bytes(n: int) -> bytes:
    """The magnitude octets openssl prints for an INTEGER (i2s/hex forms)."""
    return abs(n).to_bytes(max(1, (abs(n).bit_length() + 7) // 8), "big")


# -- CRL extensions (RFC 5280 5.2, 5.3) -----------------------------------------------------


def _bn_text(n: int) -> str:
    """openssl's i2s_ASN1_INTEGER: decimal below 128 bits, else ``0x`` and upper-case hex."""
    if abs(n).bit_length() < 128:
        return str(n)
    hexed = _int_bytes(n).hex().upper()
    return ("-0x" if n < 0 else "0x") + hexed


@record
class _NumberExtension(Extension):
    """Shared form of CRL Number and Delta CRL Indicator (a CRLNumber INTEGER)."""

    number: int

    def __post_init__(self) -> None:
        _critical(self.critical)
        n = self.number
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError("number must be an int")
        if n < 0 or n >= 1 << 159:
            raise ValidationError(f"{oids.short_name(self.oid)}: must be in 0..2**159-1")

    def _encode(self) -> bytes:
        return der.integer(self.number)

    @classmethod
    def _decode(cls: type[_E], el: Element, critical: bool, what: str) -> _E:
        el.expect(der.INTEGER, what)
        n = el.as_int(what)
        if n < 0:
            raise el.error(what, "negative")
        return _new(cls, critical=critical, number=n)

    def to_text(self) -> str:
        return _bn_text(self.number)


@record
class CRLNumber(_NumberExtension):
    """CRL Number, RFC 5280 5.2.3: a non-negative INTEGER of at most 20 octets (non-critical)."""

    oid: ClassVar[str] = oids.CRL_NUMBER


@record
class DeltaCRLIndicator(_NumberExtension):
    """Delta CRL Indicator, RFC 5280 5.2.4: the base CRL's number (critical)."""

    oid: ClassVar[str] = oids.DELTA_CRL_INDICATOR
    critical: bool = True


#: RFC 5280 5.3.1 CRLReason codes (7 is not used).
CRL_REASONS: dict[str, int] = {
    "unspecified": 0,
    "keyCompromise": 1,
    "cACompromise": 2,
    "affiliationChanged": 3,
    "superseded": 4,
    "cessationOfOperation": 5,
    "certificateHold": 6,
    "removeFromCRL": 8,
    "privilegeWithdrawn": 9,
    "aACompromise": 10,
}
_REASON_BY_CODE = {v: k for k, v in CRL_REASONS.items()}
# openssl's spellings (index.txt writes CACompromise) accepted on input.
_REASON_ALIASES = {"CACompromise": "cACompromise", "AACompromise": "aACompromise"}
# openssl 3.0 v3_enum.c crl_reasons long names.
_REASON_TEXT = {
    0: "Unspecified",
    1: "Key Compromise",
    2: "CA Compromise",
    3: "Affiliation Changed",
    4: "Superseded",
    5: "Cessation Of Operation",
    6: "Certificate Hold",
    8: "Remove From CRL",
    9: "Privilege Withdrawn",
    10: "AA Compromise",
}


@record
class CRLReason(Extension):
    """Reason Code, RFC 5280 5.3.1: an ENUMERATED reason, by its RFC name (non-critical)."""

    oid: ClassVar[str] = oids.CRL_REASON
    _cacheable: ClassVar[bool] = True
    reason: str

    def __post_init__(self) -> None:
        _critical(self.critical)
        if not isinstance(self.reason, str):
            raise TypeError("reason must be a str")
        reason = _REASON_ALIASES.get(self.reason, self.reason)
        if reason not in CRL_REASONS:
            raise ValidationError(
                f"CRLReason: unknown reason {self.reason!r} (one of {', '.join(CRL_REASONS)})"
            )
        object.__setattr__(self, "reason", reason)

    @property
    def code(self) -> int:
        """The ENUMERATED value."""
        return CRL_REASONS[self.reason]

    def _encode(self) -> bytes:
        return der.enumerated(CRL_REASONS[self.reason])

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> CRLReason:
        el.expect(der.ENUMERATED, what)
        code = el.as_int(what)
        reason = _REASON_BY_CODE.get(code)
        if reason is None:
            raise el.error(what, f"reason code {code} is not defined (RFC 5280 5.3.1)")
        return _new(cls, critical=critical, reason=reason)

    def to_text(self) -> str:
        return _REASON_TEXT[CRL_REASONS[self.reason]]


def _time_text(when: datetime) -> str:
    return f"{when:%b} {when.day:2d} {when:%H:%M:%S} {when.year} GMT"


@record
class InvalidityDate(Extension):
    """Invalidity Date, RFC 5280 5.3.2: a GeneralizedTime (non-critical)."""

    oid: ClassVar[str] = oids.INVALIDITY_DATE
    when: datetime

    def __post_init__(self) -> None:
        _critical(self.critical)
        if not isinstance(self.when, datetime):
            raise TypeError("when must be a datetime")
        if self.when.tzinfo is None:
            raise ValidationError("InvalidityDate: naive datetime, expected timezone-aware UTC")

    def _encode(self) -> bytes:
        return der.generalized_time(self.when)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> InvalidityDate:
        el.expect(der.GENERALIZED_TIME, what)
        return _new(cls, critical=critical, when=el.as_time(what))

    def to_text(self) -> str:
        return _time_text(self.when)


@record
class NetscapeComment(Extension):
    """Netscape Comment (nsComment): an IA5String openssl still prints."""

    oid: ClassVar[str] = oids.NS_COMMENT
    comment: str

    def __post_init__(self) -> None:
        _critical(self.critical)
        _check_ia5("nsComment", self.comment)

    def _encode(self) -> bytes:
        return der.ia5_string(self.comment)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> NetscapeComment:
        el.expect(der.IA5_STRING, what)
        return _new(cls, critical=critical, comment=el.as_str(what))

    def to_text(self) -> str:
        return self.comment

    def indented_text(self, indent: int) -> str:
        # i2s printer: printed as one string after the indent.
        return " " * indent + self.comment


# -- The Extensions collection --------------------------------------------------------------


class Extensions:
    """An immutable, ordered collection of extensions with unique OIDs (RFC 5280 4.2).

    ``Extensions()`` is empty (and falsy); ``.get(BasicConstraints)`` or ``.get("2.5.29.19")``
    looks one up; iteration yields Extension values in order.
    """

    __slots__ = ("_by_oid", "_der", "_items")

    _items: tuple[Extension, ...]
    _by_oid: dict[str, Extension]
    _der: bytes | None

    def __init__(self, extensions: Iterable[Extension] = ()) -> None:
        items = tuple(extensions)
        by_oid: dict[str, Extension] = {}
        for ext in items:
            if not isinstance(ext, Extension):
                raise TypeError(f"expected Extension values, got {type(ext).__name__}")
            if ext.oid in by_oid:
                raise ValidationError(
                    f"extensions: {oids.short_name(ext.oid)} ({ext.oid}) appears twice "
                    "(RFC 5280 4.2)"
                )
            by_oid[ext.oid] = ext
        self._items = items
        self._by_oid = by_oid
        self._der = None

    @classmethod
    def from_element(cls, el: Element, *, what: str = "extensions") -> Extensions:
        """Parse ``Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`` (original bytes kept).

        Raises DecodeError for an explicit critical FALSE (DER DEFAULT), a malformed value of
        a known extension, or an OID that appears twice.
        """
        el.expect(der.SEQUENCE, what)
        items: list[Extension] = []
        by_oid: dict[str, Extension] = {}
        registry = _REGISTRY
        for k in el.children:
            kids = k.children
            if k.tag == der.SEQUENCE and len(kids) == 2:
                oid_el, value_el = kids
                critical = False
            elif k.tag == der.SEQUENCE and len(kids) == 3 and kids[1].raw == _TRUE:
                oid_el, _, value_el = kids
                critical = True
            else:
                critical = _check_extension_shape(k, f"{what}[{len(items)}]")
                oid_el, _, value_el = kids
            if oid_el.tag != der.OID or value_el.tag != der.OCTET_STRING:
                _check_extension_shape(k, f"{what}[{len(items)}]")
            oid = oid_el.as_oid(what)
            value = value_el.content
            if oid in by_oid:
                raise oid_el.error(
                    f"{what}[{len(items)}]",
                    f"{oids.short_name(oid)} ({oid}) appears twice (RFC 5280 4.2)",
                )
            ext_cls = registry.get(oid)
            if ext_cls is None:
                ext: Extension = _new(
                    UnrecognizedExtension, oid=oid, critical=critical, value=value, _raw=None
                )
            else:
                # Only the cacheable classes look in the cache: for the others (names, key
                # identifiers) the key would be built and hashed for nothing.
                cacheable = ext_cls._cacheable
                if cacheable:
                    ext_or_none = _CACHE.get((oid, critical, value))
                    if ext_or_none is not None:
                        by_oid[oid] = ext_or_none
                        items.append(ext_or_none)
                        continue
                # The field path is only spelled out when there is an error to report: decode
                # under a marker and substitute the real path (keeps the common path cheap).
                try:
                    if not value:
                        raise value_el.error(_MARK, "empty extnValue")
                    ext = ext_cls._from_value(value, critical)
                except DecodeError as e:
                    vw = f"{what}[{len(items)}].{oids.short_name(oid)}"
                    message = str(e).replace(_MARK, vw)
                    if value:  # offsets inside extnValue re-based onto the enclosing input
                        message = _shift(message, value_el.content_offset)
                    raise DecodeError(message) from None
                ext.__dict__["_raw"] = value
                if cacheable and len(_CACHE) < 4096:
                    _CACHE[oid, critical, value] = ext
            by_oid[oid] = ext
            items.append(ext)
        # Extensions is a plain __slots__ class, not a record: no completion check needed.
        obj = _new_object(cls)
        obj._items = tuple(items)
        obj._by_oid = by_oid
        obj._der = el.raw
        return obj

    def to_der(self) -> bytes:
        """``SEQUENCE OF Extension`` (the original bytes when parsed)."""
        if self._der is None:
            self._der = der.sequence(*(encode_extension(e) for e in self._items))
        return self._der

    @overload
    def get(self, key: type[_E]) -> _E | None: ...
    @overload
    def get(self, key: str) -> Extension | None: ...  # noqa: F811 - overloads
    def get(self, key: type[Extension] | str) -> Extension | None:  # noqa: F811
        """The extension of that class (or dotted OID), or None."""
        if isinstance(key, str):
            return self._by_oid.get(key)
        return self._by_oid.get(key.oid)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            return key in self._by_oid
        if isinstance(key, Extension):
            return self._by_oid.get(key.oid) == key
        if isinstance(key, type) and issubclass(key, Extension):
            return key.oid in self._by_oid
        return False

    def __iter__(self) -> Iterator[Extension]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __getitem__(self, index: int) -> Extension:
        return self._items[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Extensions):
            return NotImplemented
        return self._items == other._items

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        names = ", ".join(oids.short_name(e.oid) for e in self._items)
        return f"<Extensions [{names}]>"


def _check_extension_shape(k: Element, w: str) -> bool:
    """Check ``Extension ::= SEQUENCE {extnID, critical DEFAULT FALSE, extnValue}``; returns
    ``critical``. Called for the uncommon shapes only (and to word the error)."""
    if k.tag != der.SEQUENCE:
        raise k.error(w, f"expected SEQUENCE, found {k.name}")
    kids = k.children
    if len(kids) not in (2, 3):
        raise k.error(w, f"expected 2 or 3 elements, found {len(kids)}")
    oid_el, value_el = kids[0], kids[-1]
    if oid_el.tag != der.OID:
        raise oid_el.error(w + ".extnID", f"expected OBJECT IDENTIFIER, found {oid_el.name}")
    if value_el.tag != der.OCTET_STRING:
        raise value_el.error(w + ".extnValue", f"expected OCTET STRING, found {value_el.name}")
    if len(kids) == 2:
        return False
    crit_el = kids[1]
    if crit_el.tag != der.BOOLEAN:
        raise crit_el.error(w + ".critical", f"expected BOOLEAN, found {crit_el.name}")
    if not crit_el.as_bool(w + ".critical"):
        raise crit_el.error(w + ".critical", "FALSE must be omitted (DER DEFAULT)")
    return True


def _shift(message: str, base: int) -> str:
    """Re-base an ``at byte N`` offset of an inner decode onto the enclosing structure."""
    head, sep, tail = message.rpartition(" at byte ")
    if sep and tail.isdigit():
        return f"{head} at byte {base + int(tail)}"
    return message


# -- CRL distribution points (RFC 5280 4.2.1.13) -------------------------------------------

#: ReasonFlags bit names (RFC 5280 4.2.1.13), in bit order, and openssl's text for each.
REASON_FLAGS = (
    "unused",
    "keyCompromise",
    "cACompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "certificateHold",
    "privilegeWithdrawn",
    "aACompromise",
)
_REASON_FLAG_TEXT = (
    "Unused",
    "Key Compromise",
    "CA Compromise",
    "Affiliation Changed",
    "Superseded",
    "Cessation Of Operation",
    "Certificate Hold",
    "Privilege Withdrawn",
    "AA Compromise",
)


def _names_or_none(kind: str, names: object) -> tuple[GeneralName, ...] | None:
    if names is None:
        return None
    return _check_names(kind, names)  # type: ignore[arg-type]


def _check_reasons(kind: str, reasons: object) -> frozenset[str] | None:
    """ReasonFlags names (RFC 5280 4.2.1.13), or None for an absent field."""
    if reasons is None:
        return None
    if isinstance(reasons, str) or not isinstance(reasons, Iterable):
        raise TypeError(f"{kind}: reasons must be a set of ReasonFlags names")
    checked = frozenset(reasons)
    for r in checked:
        if r not in REASON_FLAGS:
            raise ValidationError(f"{kind}: unknown reason flag {r!r}")
    return checked


def _reasons_der(number: int, reasons: frozenset[str]) -> bytes:
    value = sum(1 << i for i, r in enumerate(REASON_FLAGS) if r in reasons)
    return der.implicit(number, _named_bits(value))


def _read_reasons(el: Element, what: str, tag: int) -> frozenset[str]:
    value = _read_named_bits(el, what, len(REASON_FLAGS), tag)
    return frozenset(r for i, r in enumerate(REASON_FLAGS) if value >> i & 1)


def _reasons_text(reasons: frozenset[str]) -> str:
    """print_reasons() in v3_crld.c: the flag names on one line, or <EMPTY>."""
    names = [t for r, t in zip(REASON_FLAGS, _REASON_FLAG_TEXT, strict=True) if r in reasons]
    return ", ".join(names) if names else "<EMPTY>"


def _point_name_der(full_name: tuple[GeneralName, ...] | None, relative: Name | None) -> bytes:
    """DistributionPointName under its [0]: fullName [0] or nameRelativeToCRLIssuer [1]."""
    if full_name is not None:
        return der.explicit(0, der.context(0, _general_names_der(full_name), constructed=True))
    if relative is None:
        raise ValidationError("DistributionPointName: needs a full name or a relative name")
    rdn_set = der.decode(relative.to_der()).children[0].content
    return der.explicit(0, der.context(1, rdn_set, constructed=True))


def _point_name(k: Element, what: str) -> tuple[tuple[GeneralName, ...] | None, Name | None]:
    """The [0] DistributionPointName at ``k``: (full name, None) or (None, relative name)."""
    w = what + ".distributionPoint"
    (choice,) = k.expect_children(w, 1)
    if choice.tag == 0xA0:
        return _general_names(choice, w + ".fullName"), None
    if choice.tag == 0xA1:
        w += ".nameRelativeToCRLIssuer"
        if not choice.children:
            raise choice.error(w, "empty RDN")
        rdn = der.tlv(der.SET, choice.content)
        return None, Name.from_der(der.sequence(rdn), what=w)
    raise choice.error(w, f"unexpected {choice.name}")


def _check_relative_name(kind: str, relative: object) -> None:
    if relative is not None:
        if not isinstance(relative, Name):
            raise TypeError("relative_name must be a Name")
        if len(relative.rdns) != 1:
            raise ValidationError(f"{kind}: relative_name must be one RDN")


def _point_name_text(
    full_name: tuple[GeneralName, ...] | None, relative: Name | None, indent: int
) -> str:
    """print_distpoint() of OpenSSL 3.0: a name list ends without a newline, so what follows
    continues its line; a relative name ends with one."""
    pad, pad2 = " " * indent, " " * (indent + 2)
    if full_name is not None:
        return f"{pad}Full Name:\n" + "\n".join(pad2 + n.print_text() for n in full_name)
    if relative is not None:
        return f"{pad}Relative Name:\n{pad2}{relative.to_text()}\n"
    return ""


@record
class DistributionPoint:
    """DistributionPoint, RFC 5280 4.2.1.13: a full name (URIs) or a name relative to the CRL
    issuer, optional ``reasons`` (ReasonFlags names) and an optional ``crl_issuer``."""

    full_name: tuple[GeneralName, ...] | None = None
    relative_name: Name | None = None
    reasons: frozenset[str] | None = None
    crl_issuer: tuple[GeneralName, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "full_name", _names_or_none("full_name", self.full_name))
        object.__setattr__(self, "crl_issuer", _names_or_none("crl_issuer", self.crl_issuer))
        if self.full_name is not None and self.relative_name is not None:
            raise ValidationError("DistributionPoint: full_name or relative_name, not both")
        _check_relative_name("DistributionPoint", self.relative_name)
        object.__setattr__(self, "reasons", _check_reasons("DistributionPoint", self.reasons))
        if self.full_name is None and self.relative_name is None and self.crl_issuer is None:
            raise ValidationError(
                "DistributionPoint: needs a distributionPoint or a cRLIssuer (RFC 5280 4.2.1.13)"
            )

    def to_der(self) -> bytes:
        """The DistributionPoint SEQUENCE."""
        parts = []
        if self.full_name is not None or self.relative_name is not None:
            parts.append(_point_name_der(self.full_name, self.relative_name))
        if self.reasons is not None:
            parts.append(_reasons_der(1, self.reasons))
        if self.crl_issuer is not None:
            parts.append(der.context(2, _general_names_der(self.crl_issuer), constructed=True))
        return der.sequence(*parts)

    def to_text(self, indent: int = 0) -> str:
        """i2r_crldp's text for this point, OpenSSL 3.0 quirks included: a name list ends
        without a newline, so a following ``Reasons:``/``CRL Issuer:`` continues its line, and a
        relative name ends with one."""
        pad, pad2 = " " * indent, " " * (indent + 2)
        out = [_point_name_text(self.full_name, self.relative_name, indent)]
        if self.reasons is not None:
            out.append(f"{pad}Reasons:\n{pad2}{_reasons_text(self.reasons)}\n")
        if self.crl_issuer is not None:
            out.append(f"{pad}CRL Issuer:\n")
            out.append("\n".join(pad2 + n.print_text() for n in self.crl_issuer))
        return "".join(out)


def _distribution_point(el: Element, what: str) -> DistributionPoint:
    el.expect(der.SEQUENCE, what)
    full_name = relative = reasons = crl_issuer = None
    last = -1
    for k in el.children:
        n = k.tag & 0x1F
        if k.tag & 0xC0 != 0x80 or n > 2 or n <= last:
            raise k.error(what, f"unexpected {k.name}")
        last = n
        if k.tag == 0xA0:
            full_name, relative = _point_name(k, what)
        elif k.tag == 0x81:
            reasons = _read_reasons(k, what + ".reasons", 0x81)
        elif k.tag == 0xA2:
            crl_issuer = _general_names(k, what + ".cRLIssuer")
        else:
            raise k.error(what, f"unexpected {k.name}")
    if full_name is None and relative is None and crl_issuer is None:
        raise el.error(what, "needs a distributionPoint or a cRLIssuer")
    return _new(
        DistributionPoint,
        full_name=full_name,
        relative_name=relative,
        reasons=reasons,
        crl_issuer=crl_issuer,
    )


@record
class CRLDistributionPoints(Extension):
    """CRL Distribution Points, RFC 5280 4.2.1.13 (non-critical)."""

    oid: ClassVar[str] = oids.CRL_DISTRIBUTION_POINTS
    points: tuple[DistributionPoint, ...]

    def __post_init__(self) -> None:
        _critical(self.critical)
        empty = f"{oids.short_name(self.oid)}: at least one point is required"
        points = _tuple_of(self.points, DistributionPoint, "points", empty)
        object.__setattr__(self, "points", points)

    @classmethod
    def from_urls(cls: type[_E], urls: Iterable[str], *, critical: bool = False) -> _E:
        """One distribution point whose full name is the given URIs (as openssl's
        ``crlDistributionPoints = URI:...`` makes)."""
        names = tuple(UniformResourceIdentifier(u) for u in urls)
        return cls(points=(DistributionPoint(full_name=names),), critical=critical)  # type: ignore[call-arg]

    @property
    def urls(self) -> tuple[str, ...]:
        """Every URI in the points' full names."""
        return tuple(
            n.value
            for p in self.points
            for n in p.full_name or ()
            if isinstance(n, UniformResourceIdentifier)
        )

    def _encode(self) -> bytes:
        return der.sequence(*(p.to_der() for p in self.points))

    @classmethod
    def _decode(cls: type[_E], el: Element, critical: bool, what: str) -> _E:
        el.expect(der.SEQUENCE, what)
        if not el.children:
            raise el.error(what, "at least one DistributionPoint is required")
        points = tuple(_distribution_point(k, f"{what}[{i}]") for i, k in enumerate(el.children))
        return _new(cls, critical=critical, points=points)

    def to_text(self) -> str:
        return self.indented_text(0)

    def indented_text(self, indent: int) -> str:
        return "\n".join(p.to_text(indent) for p in self.points)


@record
class IssuingDistributionPoint(Extension):
    """Issuing Distribution Point, RFC 5280 5.2.5 (a critical CRL extension): which
    distribution point and which certificates (user, CA, attribute; some reasons) a CRL covers,
    and whether it is indirect."""

    oid: ClassVar[str] = oids.ISSUING_DISTRIBUTION_POINT
    critical: bool = True
    full_name: tuple[GeneralName, ...] | None = None
    relative_name: Name | None = None
    only_user_certs: bool = False
    only_ca_certs: bool = False
    only_some_reasons: frozenset[str] | None = None
    indirect_crl: bool = False
    only_attribute_certs: bool = False

    def __post_init__(self) -> None:
        _critical(self.critical)
        object.__setattr__(self, "full_name", _names_or_none("full_name", self.full_name))
        if self.full_name is not None and self.relative_name is not None:
            raise ValidationError("issuingDistributionPoint: full_name or relative_name, not both")
        _check_relative_name("issuingDistributionPoint", self.relative_name)
        reasons = _check_reasons("issuingDistributionPoint", self.only_some_reasons)
        object.__setattr__(self, "only_some_reasons", reasons)
        flags = (self.only_user_certs, self.only_ca_certs, self.indirect_crl)
        for flag in (*flags, self.only_attribute_certs):
            if not isinstance(flag, bool):
                raise TypeError(f"issuingDistributionPoint flags are bools, got {flag!r}")
        if self.only_user_certs + self.only_ca_certs + self.only_attribute_certs > 1:
            raise ValidationError(
                "issuingDistributionPoint: at most one of only_user_certs, only_ca_certs and "
                "only_attribute_certs (RFC 5280 5.2.5)"
            )

    def _encode(self) -> bytes:
        parts = []
        if self.full_name is not None or self.relative_name is not None:
            parts.append(_point_name_der(self.full_name, self.relative_name))
        # DER omits a BOOLEAN equal to its DEFAULT FALSE.
        for number, flag in ((1, self.only_user_certs), (2, self.only_ca_certs)):
            if flag:
                parts.append(der.context(number, b"\xff"))
        if self.only_some_reasons is not None:
            parts.append(_reasons_der(3, self.only_some_reasons))
        for number, flag in ((4, self.indirect_crl), (5, self.only_attribute_certs)):
            if flag:
                parts.append(der.context(number, b"\xff"))
        return der.sequence(*parts)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> IssuingDistributionPoint:
        el.expect(der.SEQUENCE, what)
        fields: dict[str, Any] = {}
        flag_names = {
            1: "only_user_certs",
            2: "only_ca_certs",
            4: "indirect_crl",
            5: "only_attribute_certs",
        }
        last = -1
        for k in el.children:
            n = k.tag & 0x1F
            if k.tag & 0xC0 != 0x80 or n > 5 or n <= last:
                raise k.error(what, f"unexpected {k.name}")
            last = n
            if k.tag == 0xA0:
                fields["full_name"], fields["relative_name"] = _point_name(k, what)
            elif k.tag == 0x83:
                fields["only_some_reasons"] = _read_reasons(k, what + ".onlySomeReasons", 0x83)
            elif k.tag == 0x80 | n and n in flag_names:
                w = f"{what}.{flag_names[n]}"
                if not k.as_bool(w):
                    raise k.error(w, "FALSE must be omitted (DEFAULT)")
                fields[flag_names[n]] = True
            else:
                raise k.error(what, f"unexpected {k.name}")
        try:
            return cls(critical=critical, **fields)
        except ValidationError as e:
            raise el.error(what, str(e)) from None

    def indented_text(self, indent: int) -> str:
        # i2r_idp() of OpenSSL 3.0, its trailing newline included.
        pad, pad2 = " " * indent, " " * (indent + 2)
        out = [_point_name_text(self.full_name, self.relative_name, indent)]
        if self.only_user_certs:
            out.append(f"{pad}Only User Certificates\n")
        if self.only_ca_certs:
            out.append(f"{pad}Only CA Certificates\n")
        if self.indirect_crl:
            out.append(f"{pad}Indirect CRL\n")
        if self.only_some_reasons is not None:
            out.append(f"{pad}Only Some Reasons:\n{pad2}{_reasons_text(self.only_some_reasons)}\n")
        if self.only_attribute_certs:
            out.append(f"{pad}Only Attribute Certificates\n")
        text = "".join(out)
        return text or f"{pad}<EMPTY>\n"

    def to_text(self) -> str:
        return self.indented_text(0)


@record
class FreshestCRL(CRLDistributionPoints):
    """Freshest CRL (delta CRL distribution point), RFC 5280 4.2.1.15 (non-critical)."""

    oid: ClassVar[str] = oids.FRESHEST_CRL


# -- Authority information access (RFC 5280 4.2.2.1) ---------------------------------------


@record
class AccessDescription:
    """AccessDescription: ``method`` (dotted OID, e.g. OCSP) and ``location`` (a GeneralName)."""

    method: str
    location: GeneralName

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", _access_method(self.method))
        if not isinstance(self.location, GeneralName):
            raise TypeError("location must be a GeneralName")

    def to_der(self) -> bytes:
        """The AccessDescription SEQUENCE."""
        return der.sequence(der.oid(self.method), self.location.to_der())

    def to_text(self) -> str:
        """i2v_AUTHORITY_INFO_ACCESS's ``OCSP - URI:http://...``."""
        return f"{oids.long_name(self.method)} - {self.location.to_text()}"


def _access_method(value: str) -> str:
    if not isinstance(value, str):
        raise TypeError("method must be a str")
    if value in ("OCSP", "ocsp"):
        return oids.OCSP
    if value in ("caIssuers", "CA Issuers", "ca_issuers"):
        return oids.CA_ISSUERS
    return _dotted(value, "accessMethod")


@record
class AuthorityInformationAccess(Extension):
    """Authority Information Access, RFC 5280 4.2.2.1: OCSP responders and CA issuer URIs."""

    oid: ClassVar[str] = oids.AUTHORITY_INFO_ACCESS
    descriptions: tuple[AccessDescription, ...]

    def __post_init__(self) -> None:
        _critical(self.critical)
        empty = f"{oids.short_name(self.oid)}: at least one access description"
        descriptions = _tuple_of(self.descriptions, AccessDescription, "descriptions", empty)
        object.__setattr__(self, "descriptions", descriptions)

    @classmethod
    def from_urls(
        cls: type[_E],
        *,
        ocsp: Iterable[str] = (),
        ca_issuers: Iterable[str] = (),
        critical: bool = False,
    ) -> _E:
        """OCSP responder and caIssuers URIs, OCSP first (openssl's usual order)."""
        descriptions = tuple(
            AccessDescription(method=oids.OCSP, location=UniformResourceIdentifier(u)) for u in ocsp
        ) + tuple(
            AccessDescription(method=oids.CA_ISSUERS, location=UniformResourceIdentifier(u))
            for u in ca_issuers
        )
        return cls(descriptions=descriptions, critical=critical)  # type: ignore[call-arg]

    def _urls(self, method: str) -> tuple[str, ...]:
        return tuple(
            d.location.value
            for d in self.descriptions
            if d.method == method and isinstance(d.location, UniformResourceIdentifier)
        )

    @property
    def ocsp(self) -> tuple[str, ...]:
        """The OCSP responder URIs."""
        return self._urls(oids.OCSP)

    @property
    def ca_issuers(self) -> tuple[str, ...]:
        """The caIssuers URIs."""
        return self._urls(oids.CA_ISSUERS)

    def _encode(self) -> bytes:
        return der.sequence(*(d.to_der() for d in self.descriptions))

    @classmethod
    def _decode(cls: type[_E], el: Element, critical: bool, what: str) -> _E:
        el.expect(der.SEQUENCE, what)
        if not el.children:
            raise el.error(what, "at least one AccessDescription is required")
        out = []
        for i, k in enumerate(el.children):
            w = f"{what}[{i}]"
            k.expect(der.SEQUENCE, w)
            method_el, location_el = k.expect_children(w, 2)
            method = method_el.expect(der.OID, w + ".accessMethod").as_oid(w)
            location = _general_name(location_el, w + ".accessLocation")
            out.append(_new(AccessDescription, method=method, location=location))
        return _new(cls, critical=critical, descriptions=tuple(out))

    def to_text(self) -> str:
        return self._i2v_text(0)

    def indented_text(self, indent: int) -> str:
        return self._i2v_text(indent)

    def _i2v(self) -> list[str]:
        return [d.to_text() for d in self.descriptions]


@record
class SubjectInformationAccess(AuthorityInformationAccess):
    """Subject Information Access, RFC 5280 4.2.2.2 (same form as the authority's)."""

    oid: ClassVar[str] = oids.SUBJECT_INFO_ACCESS


# -- Name constraints (RFC 5280 4.2.1.10) --------------------------------------------------


def _subtrees(kind: str, names: Iterable[GeneralName]) -> tuple[GeneralName, ...]:
    out = []
    for n in _check_names(kind, names, allow_empty=True):
        # An address alone constrains that one host: /32 or /128.
        if isinstance(n, IPAddress) and isinstance(
            n.value, ipaddress.IPv4Address | ipaddress.IPv6Address
        ):
            n = IPAddress(ipaddress.ip_network(n.value))
        out.append(n)
    return tuple(out)


def _read_subtrees(el: Element, what: str) -> tuple[GeneralName, ...]:
    if not el.children:
        raise el.error(what, "GeneralSubtrees must hold at least one subtree")
    out = []
    for i, k in enumerate(el.children):
        w = f"{what}[{i}]"
        k.expect(der.SEQUENCE, w)
        kids = k.expect_children(w, 1, 3)
        for extra in kids[1:]:
            # RFC 5280 4.2.1.10: minimum MUST be zero (DER omits it) and maximum absent.
            raise extra.error(w, f"minimum/maximum are not used in this profile ({extra.name})")
        out.append(_general_name(kids[0], w + ".base", networks=True))
    return tuple(out)


@record
class NameConstraints(Extension):
    """Name Constraints, RFC 5280 4.2.1.10: permitted and excluded subtrees (critical).

    Subtrees are GeneralName values: ``DNSName(".example.com")``, ``RFC822Name``,
    ``IPAddress(ip_network("10.0.0.0/8"))``, ``DirectoryName``, ``URI``.
    """

    oid: ClassVar[str] = oids.NAME_CONSTRAINTS
    critical: bool = True
    permitted: tuple[GeneralName, ...] = ()
    excluded: tuple[GeneralName, ...] = ()

    def __post_init__(self) -> None:
        _critical(self.critical)
        object.__setattr__(self, "permitted", _subtrees("permitted", self.permitted))
        object.__setattr__(self, "excluded", _subtrees("excluded", self.excluded))
        if not self.permitted and not self.excluded:
            raise ValidationError("nameConstraints: must not be empty (RFC 5280 4.2.1.10)")

    def _encode(self) -> bytes:
        parts = []
        for n, trees in ((0, self.permitted), (1, self.excluded)):
            if trees:
                content = b"".join(der.sequence(t.to_der()) for t in trees)
                parts.append(der.context(n, content, constructed=True))
        return der.sequence(*parts)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> NameConstraints:
        el.expect(der.SEQUENCE, what)
        permitted: tuple[GeneralName, ...] = ()
        excluded: tuple[GeneralName, ...] = ()
        last = -1
        for k in el.children:
            if k.tag not in (0xA0, 0xA1) or k.tag <= last:
                raise k.error(what, f"unexpected {k.name}")
            last = k.tag
            if k.tag == 0xA0:
                permitted = _read_subtrees(k, what + ".permittedSubtrees")
            else:
                excluded = _read_subtrees(k, what + ".excludedSubtrees")
        if not permitted and not excluded:
            raise el.error(what, "empty name constraints (RFC 5280 4.2.1.10)")
        return _new(cls, critical=critical, permitted=permitted, excluded=excluded)

    def to_text(self) -> str:
        lines = []
        for label, trees in (("Permitted", self.permitted), ("Excluded", self.excluded)):
            if trees:
                lines.append(label + ":")
                lines.extend("  " + t.print_text() for t in trees)
        return "\n".join(lines)


# -- Certificate policies (RFC 5280 4.2.1.4) -----------------------------------------------

_DISPLAY_TEXT_TAGS = (der.IA5_STRING, der.VISIBLE_STRING, der.BMP_STRING, der.UTF8_STRING)


@record
class NoticeReference:
    """NoticeReference: the organization and notice numbers of a user notice."""

    organization: str
    notice_numbers: tuple[int, ...]
    #: DisplayText string type (UTF8String by RFC 5280's SHOULD; openssl writes VisibleString).
    organization_tag: int = der.UTF8_STRING


@record
class UserNotice:
    """UserNotice qualifier, RFC 5280 4.2.1.4: optional notice reference and explicit text."""

    notice_reference: NoticeReference | None = None
    explicit_text: str | None = None
    explicit_text_tag: int = der.UTF8_STRING

    def to_der(self) -> bytes:
        """The UserNotice SEQUENCE (texts as UTF8String, RFC 5280's SHOULD)."""
        parts = []
        ref = self.notice_reference
        if ref is not None:
            numbers = der.sequence(*(der.integer(n) for n in ref.notice_numbers))
            parts.append(der.sequence(der.string(ref.organization_tag, ref.organization), numbers))
        if self.explicit_text is not None:
            parts.append(der.string(self.explicit_text_tag, self.explicit_text))
        return der.sequence(*parts)

    def to_text(self, indent: int) -> list[str]:
        """print_notice's lines (OpenSSL 3.0)."""
        pad = " " * indent
        lines = []
        ref = self.notice_reference
        if ref is not None:
            lines.append(f"{pad}Organization: {ref.organization}")
            plural = "s" if len(ref.notice_numbers) > 1 else ""
            numbers = ", ".join(_bn_text(n) for n in ref.notice_numbers)
            lines.append(f"{pad}Number{plural}: {numbers}")
        if self.explicit_text is not None:
            lines.append(f"{pad}Explicit Text: {self.explicit_text}")
        return lines


@record
class PolicyQualifier:
    """A policy qualifier minica does not interpret: its OID and the qualifier's DER."""

    oid: str
    value: bytes


Qualifier = str | UserNotice | PolicyQualifier


@record
class PolicyInformation:
    """PolicyInformation: a policy OID and its qualifiers (CPS URI strings, UserNotice values)."""

    policy_id: str
    qualifiers: tuple[Qualifier, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "policy_id", _dotted(self.policy_id, "policyIdentifier"))
        if isinstance(self.qualifiers, str):
            object.__setattr__(self, "qualifiers", (self.qualifiers,))
        qualifiers = tuple(self.qualifiers)
        for q in qualifiers:
            if isinstance(q, str):
                _check_ia5("CPS URI", q)
            elif not isinstance(q, UserNotice | PolicyQualifier):
                raise TypeError("qualifiers must be CPS URI strings, UserNotice or PolicyQualifier")
        object.__setattr__(self, "qualifiers", qualifiers)

    def to_der(self) -> bytes:
        """The PolicyInformation SEQUENCE."""
        parts = [der.oid(self.policy_id)]
        if self.qualifiers:
            quals = []
            for q in self.qualifiers:
                if isinstance(q, str):
                    quals.append(der.sequence(der.oid(oids.CPS_QUALIFIER), der.ia5_string(q)))
                elif isinstance(q, UserNotice):
                    quals.append(der.sequence(der.oid(oids.USER_NOTICE_QUALIFIER), q.to_der()))
                else:
                    quals.append(der.sequence(der.oid(q.oid), q.value))
            parts.append(der.sequence(*quals))
        return der.sequence(*parts)

    def to_text(self) -> str:
        """i2r_certpol's lines for this policy (OpenSSL 3.0)."""
        lines = [f"Policy: {oids.long_name(self.policy_id)}"]
        for q in self.qualifiers:
            if isinstance(q, str):
                lines.append(f"  CPS: {q}")
            elif isinstance(q, UserNotice):
                lines.append("  User Notice:")
                lines.extend(q.to_text(4))
            else:
                lines.append(f"    Unknown Qualifier: {oids.long_name(q.oid)}")
        return "\n".join(lines)


def _display_text(el: Element, what: str) -> str:
    if el.tag not in _DISPLAY_TEXT_TAGS:
        raise el.error(what, f"expected a DisplayText string, found {el.name}")
    return el.as_str(what)


def _user_notice(el: Element, what: str) -> UserNotice:
    el.expect(der.SEQUENCE, what)
    kids = el.expect_children(what, 0, 2)
    ref = text = None
    text_tag = der.UTF8_STRING
    i = 0
    if i < len(kids) and kids[i].tag == der.SEQUENCE:
        w = what + ".noticeRef"
        org_el, numbers_el = kids[i].expect_children(w, 2)
        organization = _display_text(org_el, w + ".organization")
        numbers_el.expect(der.SEQUENCE, w + ".noticeNumbers")
        numbers = tuple(
            n.expect(der.INTEGER, w + ".noticeNumbers").as_int(w) for n in numbers_el.children
        )
        ref = _new(
            NoticeReference,
            organization=organization,
            notice_numbers=numbers,
            organization_tag=org_el.tag,
        )
        i += 1
    if i < len(kids):
        text = _display_text(kids[i], what + ".explicitText")
        text_tag = kids[i].tag
        i += 1
    if i != len(kids):
        raise kids[i].error(what, f"unexpected {kids[i].name}")
    return _new(UserNotice, notice_reference=ref, explicit_text=text, explicit_text_tag=text_tag)


def _policy_information(el: Element, what: str) -> PolicyInformation:
    el.expect(der.SEQUENCE, what)
    kids = el.expect_children(what, 1, 2)
    policy_id = kids[0].expect(der.OID, what + ".policyIdentifier").as_oid(what)
    qualifiers: list[Qualifier] = []
    if len(kids) == 2:
        w = what + ".policyQualifiers"
        kids[1].expect(der.SEQUENCE, w)
        if not kids[1].children:
            raise kids[1].error(w, "at least one qualifier is required")
        for j, q in enumerate(kids[1].children):
            wq = f"{w}[{j}]"
            q.expect(der.SEQUENCE, wq)
            id_el, value_el = q.expect_children(wq, 2)
            qid = id_el.expect(der.OID, wq + ".policyQualifierId").as_oid(wq)
            if qid == oids.CPS_QUALIFIER:
                qualifiers.append(_ascii(value_el.expect(der.IA5_STRING, wq + ".cPSuri"), wq))
            elif qid == oids.USER_NOTICE_QUALIFIER:
                qualifiers.append(_user_notice(value_el, wq + ".userNotice"))
            else:
                qualifiers.append(_new(PolicyQualifier, oid=qid, value=value_el.raw))
    return _new(PolicyInformation, policy_id=policy_id, qualifiers=tuple(qualifiers))


@record
class CertificatePolicies(Extension):
    """Certificate Policies, RFC 5280 4.2.1.4: PolicyInformation values (non-critical)."""

    oid: ClassVar[str] = oids.CERTIFICATE_POLICIES
    policies: tuple[PolicyInformation, ...]

    def __post_init__(self) -> None:
        _critical(self.critical)
        policies = tuple(
            PolicyInformation(policy_id=p) if isinstance(p, str) else p for p in self.policies
        )
        if not policies:
            raise ValidationError("certificatePolicies: at least one policy is required")
        seen = set()
        for p in policies:
            if not isinstance(p, PolicyInformation):
                raise TypeError("policies must hold PolicyInformation values or OID strings")
            if p.policy_id in seen:
                raise ValidationError(f"certificatePolicies: {p.policy_id} appears twice")
            seen.add(p.policy_id)
        object.__setattr__(self, "policies", policies)

    def _encode(self) -> bytes:
        return der.sequence(*(p.to_der() for p in self.policies))

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> CertificatePolicies:
        el.expect(der.SEQUENCE, what)
        if not el.children:
            raise el.error(what, "at least one PolicyInformation is required")
        policies = tuple(_policy_information(k, f"{what}[{i}]") for i, k in enumerate(el.children))
        ids = [p.policy_id for p in policies]
        if len(set(ids)) != len(ids):
            raise el.error(what, "a policy appears twice (RFC 5280 4.2.1.4)")
        return _new(cls, critical=critical, policies=policies)

    def to_text(self) -> str:
        return "\n".join(p.to_text() for p in self.policies)


# -- Policy constraints, mappings, inhibitAnyPolicy; TLS feature -----------------------------


def _skip_certs(value: object, what: str) -> None:
    """RFC 5280 SkipCerts ::= INTEGER (0..MAX), or None for an absent one."""
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int or None, got {type(value).__name__}")
    if value < 0:
        raise ValidationError(f"{what}: SkipCerts cannot be negative ({value})")


@record
class PolicyConstraints(Extension):
    """Policy Constraints, RFC 5280 4.2.1.11 (critical): certificates to skip before an
    explicit policy is required, and before policy mapping is inhibited; at least one."""

    oid: ClassVar[str] = oids.POLICY_CONSTRAINTS
    critical: bool = True
    require_explicit_policy: int | None = None
    inhibit_policy_mapping: int | None = None

    def __post_init__(self) -> None:
        _critical(self.critical)
        _skip_certs(self.require_explicit_policy, "require_explicit_policy")
        _skip_certs(self.inhibit_policy_mapping, "inhibit_policy_mapping")
        if self.require_explicit_policy is None and self.inhibit_policy_mapping is None:
            # RFC 5280 4.2.1.11: conforming CAs MUST NOT issue an empty sequence.
            raise ValidationError("policyConstraints: give at least one of the two values")

    def _encode(self) -> bytes:
        parts = [
            der.implicit(number, der.integer(value))
            for number, value in (
                (0, self.require_explicit_policy),
                (1, self.inhibit_policy_mapping),
            )
            if value is not None
        ]
        return der.sequence(*parts)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> PolicyConstraints:
        el.expect(der.SEQUENCE, what)
        values: dict[int, int] = {}
        last = -1
        for k in el.children:
            number = k.tag & 0x1F
            if k.tag not in (0x80, 0x81) or number <= last:
                raise k.error(what, f"unexpected {k.name} (expected [0] then [1], each once)")
            last = number
            value = _int(k, what)
            if value < 0:
                raise k.error(what, "negative SkipCerts")
            values[number] = value
        if not values:
            raise el.error(what, "empty sequence (RFC 5280 4.2.1.11)")
        return _new(
            cls,
            critical=critical,
            require_explicit_policy=values.get(0),
            inhibit_policy_mapping=values.get(1),
        )

    def to_text(self) -> str:
        # v3_pcons.c i2v_POLICY_CONSTRAINTS: name:value pairs, one line.
        parts = []
        if self.require_explicit_policy is not None:
            parts.append(f"Require Explicit Policy:{self.require_explicit_policy}")
        if self.inhibit_policy_mapping is not None:
            parts.append(f"Inhibit Policy Mapping:{self.inhibit_policy_mapping}")
        return ", ".join(parts)


@record
class InhibitAnyPolicy(Extension):
    """Inhibit anyPolicy, RFC 5280 4.2.1.14 (critical): certificates to skip before anyPolicy
    stops matching other policies."""

    oid: ClassVar[str] = oids.INHIBIT_ANY_POLICY
    critical: bool = True
    skip_certs: int

    def __post_init__(self) -> None:
        _critical(self.critical)
        _skip_certs(self.skip_certs, "skip_certs")
        if self.skip_certs is None:
            raise TypeError("skip_certs must be an int")

    def _encode(self) -> bytes:
        return der.integer(self.skip_certs)

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> InhibitAnyPolicy:
        value = el.expect(der.INTEGER, what).as_int(what)
        if value < 0:
            raise el.error(what, "negative SkipCerts")
        return _new(cls, critical=critical, skip_certs=value)

    def to_text(self) -> str:
        return str(self.skip_certs)  # i2s_ASN1_INTEGER: decimal


@record
class PolicyMappings(Extension):
    """Policy Mappings, RFC 5280 4.2.1.5 (critical by the RFC's advice): (issuerDomainPolicy,
    subjectDomainPolicy) pairs of dotted OIDs; anyPolicy may be on neither side."""

    oid: ClassVar[str] = oids.POLICY_MAPPINGS
    critical: bool = True
    mappings: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        _critical(self.critical)
        if isinstance(self.mappings, str | bytes):
            raise TypeError("mappings must be (issuer policy, subject policy) pairs")
        mappings = tuple(tuple(pair) for pair in self.mappings)
        if not mappings:
            raise ValidationError("policyMappings: at least one mapping is required")
        for pair in mappings:
            if len(pair) != 2:
                raise ValidationError(f"policyMappings: {pair!r} is not a pair of OIDs")
            for policy in pair:
                if not isinstance(policy, str):
                    raise TypeError(f"policyMappings: OIDs are str, got {type(policy).__name__}")
                der.oid(policy)  # ValidationError for a malformed dotted OID
                if policy == oids.ANY_POLICY:
                    raise ValidationError("policyMappings: anyPolicy cannot be mapped (4.2.1.5)")
        object.__setattr__(self, "mappings", mappings)

    def _encode(self) -> bytes:
        return der.sequence(*(der.sequence(der.oid(a), der.oid(b)) for a, b in self.mappings))

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> PolicyMappings:
        el.expect(der.SEQUENCE, what)
        if not el.children:
            raise el.error(what, "at least one mapping is required")
        mappings = []
        for i, k in enumerate(el.children):
            w = f"{what}[{i}]"
            issuer, subject = k.expect(der.SEQUENCE, w).expect_children(w, 2, 2)
            mappings.append(
                (
                    issuer.expect(der.OID, w + ".issuerDomainPolicy").as_oid(w),
                    subject.expect(der.OID, w + ".subjectDomainPolicy").as_oid(w),
                )
            )
        return _new(cls, critical=critical, mappings=tuple(mappings))

    def to_text(self) -> str:
        # v3_pmaps.c i2v_POLICY_MAPPINGS: issuer:subject, names where openssl knows them.
        return ", ".join(f"{oids.long_name(a)}:{oids.long_name(b)}" for a, b in self.mappings)


#: RFC 7633 TLS feature extension values openssl names (v3_tlsf.c).
_TLS_FEATURES: dict[int, str] = {5: "status_request", 17: "status_request_v2"}


@record
class TLSFeature(Extension):
    """TLS Feature, RFC 7633 (the "must-staple" extension): TLS extension numbers the
    certificate's server must offer; 5 is status_request (OCSP stapling)."""

    oid: ClassVar[str] = oids.TLS_FEATURE
    features: tuple[int, ...]

    def __post_init__(self) -> None:
        _critical(self.critical)
        if isinstance(self.features, int):
            raise TypeError("features must be a tuple of ints")
        features = tuple(self.features)
        if not features:
            raise ValidationError("tlsfeature: at least one feature is required")
        for f in features:
            if not isinstance(f, int) or isinstance(f, bool) or not 0 <= f <= 0xFFFF:
                raise ValidationError(f"tlsfeature: {f!r} is not a TLS extension number")
        object.__setattr__(self, "features", features)

    def _encode(self) -> bytes:
        return der.sequence(*(der.integer(f) for f in self.features))

    @classmethod
    def _decode(cls, el: Element, critical: bool, what: str) -> TLSFeature:
        el.expect(der.SEQUENCE, what)
        if not el.children:
            raise el.error(what, "at least one feature is required")
        features = []
        for i, k in enumerate(el.children):
            value = k.expect(der.INTEGER, f"{what}[{i}]").as_int(f"{what}[{i}]")
            if not 0 <= value <= 0xFFFF:
                raise k.error(f"{what}[{i}]", f"{value} is not a TLS extension number")
            features.append(value)
        return _new(cls, critical=critical, features=tuple(features))

    def to_text(self) -> str:
        return ", ".join(_TLS_FEATURES.get(f, str(f)) for f in self.features)


# -- Certificate Transparency (RFC 6962) --------------------------------------------------------


def _bio_hex_string(data: bytes, indent: int) -> str:
    """BIO_hex_string(out, indent, 16, ...): upper-case colon hex, 16 octets a line, every line
    after the first indented (the first continues the caller's line)."""
    lines = [data[i : i + 16].hex(":").upper() for i in range(0, len(data), 16)]
    return (":\n" + " " * indent).join(lines)


# 10000-01-01T00:00:00Z in milliseconds: openssl prints no time from there on (nor can datetime).
_CT_TIME_END = 253_402_300_800_000


def _ct_time(ms: int) -> str:
    """timestamp_print() of ct_prn.c: ASN1_GENERALIZEDTIME_print with milliseconds."""
    if ms >= _CT_TIME_END:
        return ""  # ASN1_GENERALIZEDTIME_adj fails past year 9999: openssl prints nothing
    when = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    return f"{when:%b} {when.day:2d} {when:%H:%M:%S}.{ms % 1000:03d} {when.year} GMT"


#: (hash, signature) of RFC 5246 7.4.1.4.1 that ct_sct.c names: sha256 with RSA or ECDSA.
_SCT_SIGNATURES = {(4, 1): "sha256WithRSAEncryption", (4, 3): "ecdsa-with-SHA256"}


@record
class SignedCertificateTimestamp:
    """One SCT (RFC 6962 3.2), as a log returned it: version, log ID, timestamp (milliseconds
    since the epoch), extensions, and the digitally-signed hash/signature algorithms and
    signature. ``raw`` is the exact serialized SCT (an SCT of an unknown version has only it)."""

    raw: bytes
    version: int
    log_id: bytes = b""
    timestamp: int = 0
    extensions: bytes = b""
    hash_algorithm: int = 0
    signature_algorithm: int = 0
    signature: bytes = b""

    @classmethod
    def parse(cls, raw: bytes, what: str = "SCT") -> SignedCertificateTimestamp:
        """Read a serialized SCT (TLS encoding); ValueError naming what is wrong."""
        if not raw:
            raise ValueError(f"{what}: empty")
        if raw[0] != 0:  # not v1: kept, and printed as openssl prints it, in hex
            return _new(cls, raw=raw, version=raw[0], log_id=b"", timestamp=0, extensions=b"",
                        hash_algorithm=0, signature_algorithm=0, signature=b"")  # fmt: skip
        if len(raw) < 47:
            raise ValueError(f"{what}: {len(raw)} octets is too short for a v1 SCT")
        log_id, timestamp = raw[1:33], int.from_bytes(raw[33:41])
        ext_len = int.from_bytes(raw[41:43])
        pos = 43 + ext_len
        if pos + 4 > len(raw):
            raise ValueError(f"{what}: extensions run past the end")
        hash_alg, sig_alg = raw[pos], raw[pos + 1]
        sig_len = int.from_bytes(raw[pos + 2 : pos + 4])
        if pos + 4 + sig_len != len(raw) or not sig_len:
            raise ValueError(f"{what}: the signature does not fill the rest of the SCT")
        return _new(
            cls,
            raw=raw,
            version=0,
            log_id=log_id,
            timestamp=timestamp,
            extensions=raw[43:pos],
            hash_algorithm=hash_alg,
            signature_algorithm=sig_alg,
            signature=raw[pos + 4 :],
        )

    def indented_text(self, indent: int) -> str:
        """SCT_print() of OpenSSL 3.0 (no log names: openssl x509 loads no log list).

        Raises _Unprintable for a v1 SCT whose algorithms openssl does not know (it refuses
        the whole list then)."""
        pad, value = " " * (indent + 4), indent + 16
        head = f"{' ' * indent}Signed Certificate Timestamp:\n{pad}Version   : "
        if self.version != 0:
            return head + "unknown\n" + " " * value + _bio_hex_string(self.raw, value)
        algorithm = _SCT_SIGNATURES.get((self.hash_algorithm, self.signature_algorithm))
        if algorithm is None:
            # openssl's o2i_SCT refuses the list then, and prints the extension as raw bytes.
            raise _Unprintable
        extensions = _bio_hex_string(self.extensions, value) if self.extensions else "none"
        return (
            f"{head}v1 (0x0)\n"
            f"{pad}Log ID    : {_bio_hex_string(self.log_id, value)}\n"
            f"{pad}Timestamp : {_ct_time(self.timestamp)}\n"
            f"{pad}Extensions: {extensions}\n"
            f"{pad}Signature : {algorithm}\n"
            f"{pad}            {_bio_hex_string(self.signature, value)}"
        )


@record
class PrecertificateSignedCertificateTimestamps(Extension):
    """CT Precertificate SCTs, RFC 6962 3.3: the logs' promises to publish this certificate,
    embedded by the CA (an OCTET STRING holding the TLS-encoded SignedCertificateTimestampList).
    minica reads and prints them; it does not check the logs' signatures."""

    oid: ClassVar[str] = oids.CT_PRECERT_SCTS
    scts: tuple[SignedCertificateTimestamp, ...]

    def __post_init__(self) -> None:
        _critical(self.critical)
        empty = "ct_precert_scts: at least one SCT is required (RFC 6962 3.3)"
        scts = _tuple_of(self.scts, SignedCertificateTimestamp, "scts", empty)
        object.__setattr__(self, "scts", scts)

    def _encode(self) -> bytes:
        body = b"".join(len(s.raw).to_bytes(2) + s.raw for s in self.scts)
        return der.octet_string(len(body).to_bytes(2) + body)

    @classmethod
    def _decode(
        cls, el: Element, critical: bool, what: str
    ) -> PrecertificateSignedCertificateTimestamps:
        data = el.expect(der.OCTET_STRING, what).content
        if len(data) < 2 or int.from_bytes(data[:2]) != len(data) - 2:
            raise el.error(what, "the SCT list length does not match its contents")
        scts: list[SignedCertificateTimestamp] = []
        pos = 2
        while pos < len(data):
            if pos + 2 > len(data):
                raise el.error(what, f"SCT {len(scts)}: truncated length")
            n = int.from_bytes(data[pos : pos + 2])
            raw = data[pos + 2 : pos + 2 + n]
            if not n or len(raw) != n:
                raise el.error(what, f"SCT {len(scts)}: length {n} does not fit")
            try:
                scts.append(SignedCertificateTimestamp.parse(raw, f"SCT {len(scts)}"))
            except ValueError as e:
                raise el.error(what, str(e)) from None
            pos += 2 + n
        if not scts:
            raise el.error(what, "empty SCT list (RFC 6962 3.3)")
        return _new(cls, critical=critical, scts=tuple(scts))

    def indented_text(self, indent: int) -> str:
        try:
            return "\n".join(s.indented_text(indent) for s in self.scts)
        except _Unprintable:
            return " " * indent + _dump(self.to_der())

    def to_text(self) -> str:
        return self.indented_text(0)
