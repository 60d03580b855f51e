"""X.501 Names (RFC 5280 4.1.2.4): parse, build, encode as openssl does, render, compare.

A Name is a sequence of RDNs, each a set of (type, value) attributes. Built names follow
openssl's default ``string_mask = utf8only``: countryName (and serialNumber, dnQualifier) as
PrintableString, emailAddress and domainComponent as IA5String, everything else UTF8String.
Parsed names keep their exact DER, so they re-encode byte for byte whatever string types the
issuer chose.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence

from minica import der, oids
from minica._record import record
from minica.der import Element
from minica.errors import DecodeError, ValidationError

__all__ = ["Name", "NameAttribute"]


@record(slots=True)
class NameAttribute:
    """One AttributeTypeAndValue: dotted OID, text value and DER string tag.

    Values that are not strings (rare) have ``tag`` of their type and ``value`` as ``#`` +
    hex of their DER, the RFC 4514 form.
    """

    oid: str
    value: str
    tag: int = der.UTF8_STRING

    @property
    def short_name(self) -> str:
        """openssl's short name for the type (``CN``, ``O``), or the dotted OID."""
        return oids.short_name(self.oid)

    def value_der(self) -> bytes:
        """The DER of the value."""
        if self.value.startswith("#") and self.tag not in _STRING_TAGS:
            return bytes.fromhex(self.value[1:])
        return der.string(self.tag, self.value)

    def to_der(self) -> bytes:
        """The AttributeTypeAndValue SEQUENCE."""
        return der.sequence(der.oid(self.oid), self.value_der())


_STRING_TAGS = frozenset(
    (
        der.UTF8_STRING,
        der.PRINTABLE_STRING,
        der.IA5_STRING,
        der.VISIBLE_STRING,
        der.NUMERIC_STRING,
        der.BMP_STRING,
        der.UNIVERSAL_STRING,
        der.TELETEX_STRING,
    )
)

# openssl's a_strnid.c tbl_standard: (min length, max length, string type or None = UTF8String).
_RULES: dict[str, tuple[int, int, int | None]] = {
    oids.COMMON_NAME: (1, 64, None),
    oids.COUNTRY_NAME: (2, 2, der.PRINTABLE_STRING),
    oids.LOCALITY_NAME: (1, 128, None),
    oids.STATE_OR_PROVINCE_NAME: (1, 128, None),
    oids.ORGANIZATION_NAME: (1, 64, None),
    oids.ORGANIZATIONAL_UNIT_NAME: (1, 64, None),
    oids.EMAIL_ADDRESS: (1, 128, der.IA5_STRING),
    oids.GIVEN_NAME: (1, 32768, None),
    oids.SURNAME: (1, 32768, None),
    oids.INITIALS: (1, 32768, None),
    oids.SERIAL_NUMBER: (1, 64, der.PRINTABLE_STRING),
    oids.NAME: (1, 32768, None),
    oids.DN_QUALIFIER: (0, 1 << 30, der.PRINTABLE_STRING),
    oids.DOMAIN_COMPONENT: (1, 1 << 30, der.IA5_STRING),
    oids.JURISDICTION_C: (2, 2, der.PRINTABLE_STRING),
}


def _attribute(oid: str, value: str) -> NameAttribute:
    low, high, tag = _RULES.get(oid, (0, 1 << 30, None))
    what = f"Name attribute {oids.short_name(oid)}={value!r}"
    if not low <= len(value) <= high:
        span = f"exactly {low}" if low == high else f"{low} to {high}"
        raise ValidationError(f"{what}: length must be {span} characters")
    tag = der.UTF8_STRING if tag is None else tag
    attr = NameAttribute(oid=oid, value=value, tag=tag)
    attr.value_der()  # alphabet check now, not at encoding time
    return attr


@record
class Name:
    """An X.501 Name: RDNs in order (most significant first) and the exact DER.

    ``==`` compares the DER bytes exactly; ``matches()`` is RFC 5280 7.1 comparison.
    """

    rdns: tuple[tuple[NameAttribute, ...], ...]
    der: bytes

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def build(cls, rdns: Iterable[Iterable[NameAttribute] | NameAttribute]) -> Name:
        """A Name from RDNs (each an attribute or a group of attributes, multi-valued RDN)."""
        groups: list[tuple[NameAttribute, ...]] = []
        for rdn in rdns:
            attrs = (rdn,) if isinstance(rdn, NameAttribute) else tuple(rdn)
            if not attrs:
                raise ValidationError("Name: an RDN needs at least one attribute")
            # DER sorts a SET OF by encoding; keep the attributes in that order too, so a
            # built Name and its re-parsed self are equal field by field.
            groups.append(tuple(sorted(attrs, key=NameAttribute.to_der)))
        encoded = der.sequence(*(der.set_of(a.to_der() for a in g) for g in groups))
        return cls(rdns=tuple(groups), der=encoded)

    @classmethod
    def from_attributes(cls, pairs: Iterable[tuple[str, str]]) -> Name:
        """A Name of single-valued RDNs from (type, value) pairs; types by name or dotted OID."""
        return cls.build(_attribute(oids.lookup(t), v) for t, v in pairs)

    @classmethod
    def parse(cls, text: str) -> Name:
        """Parse openssl's ``-subj`` form (``/C=CN/O=Example/CN=host``) or RFC 4514.

        The openssl form starts with ``/``; ``+`` joins attributes into a multi-valued RDN and
        ``\\`` escapes. RFC 4514 lists the least significant RDN first (``CN=host,O=Example``).
        """
        if not isinstance(text, str):
            raise TypeError(f"expected str, got {type(text).__name__}")
        stripped = text.strip()
        if stripped.startswith("/"):
            rdns = _parse_openssl(stripped)
        elif not stripped:
            rdns = []
        else:
            rdns = list(reversed(_parse_rfc4514(stripped)))
        return cls.build(
            tuple(_attribute(_lookup_type(t, text), v) for t, v in rdn) for rdn in rdns if rdn
        )

    @classmethod
    def from_der(cls, data: bytes, *, what: str = "Name") -> Name:
        """Parse a DER Name."""
        return cls.from_element(der.decode(data, what=what), what=what)

    @classmethod
    def from_element(cls, el: Element, *, what: str = "Name") -> Name:
        """A Name from a decoded element, keeping its exact bytes."""
        try:
            rdns = _rdns_fast(el)
        except (DecodeError, AttributeError):
            # AttributeError: an element built by hand rather than by der.decode (see
            # _rdns_fast); the careful walk reads it through the checking accessors.
            rdns = None
        if rdns is None:
            # Something is off: the careful walk finds it and names the path.
            rdns = _rdns_checked(el, what)
        # Known good: fill the frozen value directly (the dataclass __init__ is slower).
        name = _new(cls)
        fields = name.__dict__
        fields["rdns"] = rdns
        fields["der"] = el.raw
        return name

    # -- reading --------------------------------------------------------------------------
    def to_der(self) -> bytes:
        """The Name's DER."""
        return self.der

    def __iter__(self) -> Iterator[NameAttribute]:
        for rdn in self.rdns:
            yield from rdn

    def __len__(self) -> int:
        return len(self.rdns)

    def __bool__(self) -> bool:
        return bool(self.rdns)

    def get(self, oid_or_name: str) -> tuple[str, ...]:
        """Every value of one attribute type, in order (``name.get("CN")``)."""
        oid = oids.lookup(oid_or_name)
        return tuple(a.value for rdn in self.rdns for a in rdn if a.oid == oid)

    @property
    def common_name(self) -> str | None:
        """The last commonName (the most specific), or None."""
        values = self.get(oids.COMMON_NAME)
        return values[-1] if values else None

    # -- rendering ------------------------------------------------------------------------
    def to_openssl(self) -> str:
        """openssl's ``-subj`` form: ``/C=CN/O=Example/CN=host`` (``/`` for the empty Name)."""
        if not self.rdns:
            return "/"
        return "".join(
            "/" + "+".join(f"{a.short_name}={_escape_subj(a.value)}" for a in rdn)
            for rdn in self.rdns
        )

    def to_oneline(self) -> str:
        """openssl's ``X509_NAME_oneline`` form, as written in ``index.txt``.

        Bytes outside printable ASCII are ``\\xHH``; ``/`` and ``+`` in values are escaped.
        """
        parts = []
        for rdn in self.rdns:
            for i, a in enumerate(rdn):
                raw = der.decode(a.value_der()).content
                text = "".join(
                    f"\\x{b:02X}"
                    if b < 0x20 or b > 0x7E
                    else ("\\" + chr(b) if b in b"/+" else chr(b))
                    for b in raw
                )
                parts.append(("+" if i else "/") + f"{a.short_name}={text}")
        return "".join(parts)

    def to_rfc4514(self) -> str:
        """RFC 4514 string: least significant RDN first, ``CN=host,O=Example,C=CN``."""
        return ",".join(
            "+".join(f"{a.short_name}={_escape_rfc4514(a.value)}" for a in rdn)
            for rdn in reversed(self.rdns)
        )

    def to_text(self) -> str:
        """The form ``openssl x509 -text`` prints: ``C = CN, O = Example, CN = host``."""
        return ", ".join(
            " + ".join(f"{a.short_name} = {_escape_text(a)}" for a in rdn) for rdn in self.rdns
        )

    def __str__(self) -> str:
        return self.to_openssl()

    def __repr__(self) -> str:
        return f"<Name {self.to_openssl()!r}>"

    # -- comparison -----------------------------------------------------------------------
    def matches(self, other: Name) -> bool:
        """RFC 5280 7.1 comparison: same RDNs in order, values compared case-insensitively
        with whitespace folded (a simplification of RFC 4518 string preparation)."""
        if len(self.rdns) != len(other.rdns):
            return False
        return all(_rdn_key(a) == _rdn_key(b) for a, b in zip(self.rdns, other.rdns, strict=True))


_new = object.__new__
# NameAttribute is a slots record: its member descriptors set the frozen fields directly.
_set_oid: Callable[[NameAttribute, str], None] = NameAttribute.__dict__["oid"].__set__
_set_value: Callable[[NameAttribute, str], None] = NameAttribute.__dict__["value"].__set__
_set_tag: Callable[[NameAttribute, int], None] = NameAttribute.__dict__["tag"].__set__
_SEQUENCE, _SET, _OID = der.SEQUENCE, der.SET, der.OID


def _rdns_fast(el: Element) -> tuple[tuple[NameAttribute, ...], ...] | None:
    """The RDNs of a well-formed Name (the parse hot path), or None if anything is off.

    Checks what :func:`_rdns_checked` checks, without building error paths; may also raise
    DecodeError (a bad string), which sends the caller to the careful walk too.

    Reads the OID and string values der.decode kept on each element (``_value``, set on every
    decoded OID and string element): a third of the cost of the as_oid()/as_str() calls. An
    element not made by der.decode has none (AttributeError), which sends the caller to the
    careful walk as well.
    """
    if el.tag != _SEQUENCE:
        return None
    rdns = []
    for rdn in el.children:
        atvs = rdn.children
        if rdn.tag != _SET or not atvs:
            return None
        attrs = []
        for atv in atvs:
            pair = atv.children
            if atv.tag != _SEQUENCE or len(pair) != 2:
                return None
            type_el, value_el = pair
            if type_el.tag != _OID:
                return None
            tag = value_el.tag
            value = value_el._value if tag in _STRING_TAGS else "#" + value_el.raw.hex()
            attr = _new(NameAttribute)
            _set_oid(attr, type_el._value)
            _set_value(attr, value)
            _set_tag(attr, tag)
            attrs.append(attr)
        rdns.append(tuple(attrs))
    return tuple(rdns)


def _rdns_checked(el: Element, what: str) -> tuple[tuple[NameAttribute, ...], ...]:
    """Name ::= SEQUENCE OF RelativeDistinguishedName (SET SIZE (1..MAX) OF
    AttributeTypeAndValue), walked step by step so that errors name the path and byte."""
    el.expect(der.SEQUENCE, what)
    rdns = []
    for i, rdn in enumerate(el.children):
        where = f"{what}.rdn[{i}]"
        rdn.expect(der.SET, where)
        if not rdn.children:
            raise rdn.error(where, "empty RDN")
        attrs = []
        for atv in rdn.children:
            atv.expect(der.SEQUENCE, where)
            type_el, value_el = atv.expect_children(where, 2)
            oid = type_el.expect(der.OID, f"{where}.type").as_oid(f"{where}.type")
            if value_el.tag in _STRING_TAGS:
                value = value_el.as_str(f"{where}.value")
            else:
                value = "#" + value_el.raw.hex()
            attrs.append(NameAttribute(oid=oid, value=value, tag=value_el.tag))
        rdns.append(tuple(attrs))
    return tuple(rdns)


def _fold(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def _rdn_key(rdn: Sequence[NameAttribute]) -> list[tuple[str, str]]:
    return sorted((a.oid, _fold(a.value)) for a in rdn)


def _lookup_type(name: str, text: str) -> str:
    try:
        return oids.lookup(name.strip())
    except ValidationError:
        raise ValidationError(f"Name {text!r}: unknown attribute type {name!r}") from None


def _parse_openssl(text: str) -> list[list[tuple[str, str]]]:
    """Split openssl's ``/T=V/T=V+T=V`` form into RDNs of (type, value), honouring escapes."""
    rdns: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    i, n = 1, len(text)
    while i < n:
        # type
        j = text.find("=", i)
        if j < 0:
            raise ValidationError(f"Name {text!r}: missing '=' after {text[i:]!r}")
        attr_type = text[i:j]
        if not attr_type or "/" in attr_type or "+" in attr_type:
            raise ValidationError(f"Name {text!r}: bad attribute type {attr_type!r}")
        # value, up to an unescaped / or +
        value = []
        k = j + 1
        sep = ""
        while k < n:
            ch = text[k]
            if ch == "\\":
                if k + 1 >= n:
                    raise ValidationError(f"Name {text!r}: escape character at end of string")
                value.append(text[k + 1])
                k += 2
                continue
            if ch in "/+":
                sep = ch
                k += 1
                break
            value.append(ch)
            k += 1
        v = "".join(value)
        # openssl skips empty values ("the corresponding type will not be included").
        if v:
            current.append((attr_type, v))
        if sep != "+":
            rdns.append(current)
            current = []
        i = k
    if current:
        rdns.append(current)
    return rdns


_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")


def _parse_rfc4514(text: str) -> list[list[tuple[str, str]]]:
    """Split an RFC 4514 string into RDNs of (type, value), in the string's order."""
    rdns: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        j = text.find("=", i)
        if j < 0:
            raise ValidationError(f"Name {text!r}: missing '=' after {text[i:]!r}")
        attr_type = text[i:j].strip()
        if not attr_type or any(c in attr_type for c in ',+"\\'):
            raise ValidationError(f"Name {text!r}: bad attribute type {attr_type!r}")
        k = j + 1
        raw = bytearray()
        sep = ""
        quoted = k < n and text[k] == '"'
        if quoted:
            k += 1
        while k < n:
            ch = text[k]
            if ch == "\\":
                if _HEX2.match(text, k + 1):
                    raw.append(int(text[k + 1 : k + 3], 16))
                    k += 3
                    continue
                if k + 1 >= n:
                    raise ValidationError(f"Name {text!r}: escape character at end of string")
                raw += text[k + 1].encode("utf-8")
                k += 2
                continue
            if quoted and ch == '"':
                quoted = False
                k += 1
                continue
            if not quoted and ch in ",+;":
                sep = ch
                k += 1
                break
            raw += ch.encode("utf-8")
            k += 1
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"Name {text!r}: escaped bytes are not UTF-8") from None
        if text.startswith("#", j + 1):
            raise ValidationError(f"Name {text!r}: hex-encoded (#) values are not supported")
        current.append((attr_type, value))
        if sep != "+":
            rdns.append(current)
            current = []
        i = k
    if current:
        rdns.append(current)
    return rdns


def _escape_subj(value: str) -> str:
    return value.replace("\\", "\\\\").replace("/", "\\/").replace("+", "\\+")


def _escape_rfc4514(value: str) -> str:
    out = []
    for i, ch in enumerate(value):
        if ch in ',+"\\<>;' or (i == 0 and ch in "# ") or (i == len(value) - 1 and ch == " "):
            out.append("\\" + ch)
        elif ch == "\0":
            out.append("\\00")
        else:
            out.append(ch)
    return "".join(out)


def _escape_text(attr: NameAttribute) -> str:
    """Escape like openssl's default name printing (RFC 2253 escapes, quotes, ``\\XX`` bytes)."""
    if attr.tag not in _STRING_TAGS:
        return attr.value
    value = attr.value
    quote = False
    out = []
    last = len(value) - 1
    for i, ch in enumerate(value):
        code = ord(ch)
        if code > 0xFFFF:
            out.append(f"\\W{code:08X}")
        elif code > 0xFF and attr.tag in (der.BMP_STRING, der.UNIVERSAL_STRING):
            out.append(f"\\U{code:04X}")
        elif code > 0x7F:
            out.append("".join(f"\\{b:02X}" for b in ch.encode("utf-8")))
        elif ch in ",+<>;" or (i == 0 and ch in "# ") or (i == last and ch == " "):
            quote = True
            out.append(ch)
        elif ch in '"\\':
            quote = quote or ch == '"'
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\{code:02X}")
        else:
            out.append(ch)
    text = "".join(out)
    return f'"{text}"' if quote else text
