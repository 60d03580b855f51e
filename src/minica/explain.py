"""Annotated ASN.1 trees: what ``minica asn1`` prints, for studying how PKI objects are built.

Each line shows what ``openssl asn1parse -i`` shows (byte offset, depth, header and content
length, primitive/constructed) and adds the field's name from the ASN.1 module
(``tbsCertificate``, ``validity``, ``notBefore``) and the value in human terms (OID names, times,
names, key sizes). DER carried inside OCTET/BIT STRINGs (extension values, keys) is opened and
shown one level deeper, marked ``>``. Schemas are small declarations below, with the RFC names.
"""

from __future__ import annotations

import importlib
import ipaddress
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from minica import der, oids, pem
from minica.errors import DecodeError, MinicaError
from minica.extensions import KEY_USAGE_NAMES
from minica.name import _STRING_TAGS, Name

__all__ = ["Line", "explain", "explain_with_schema", "render"]


# --------------------------------------------------------------------------------------------
# Schema declarations


@dataclass(frozen=True)
class Spec:
    """An ASN.1 type: its name, the identifier octet it is encoded with (None: any)."""

    type_name: str
    tag: int | None = None
    fields: tuple[Field, ...] = ()  # SEQUENCE/SET components
    item: tuple[str, Spec] | None = None  # SEQUENCE OF / SET OF element
    inner: Spec | None = None  # EXPLICIT [n] content, or DER inside an OCTET/BIT STRING
    pick: Callable[[dict[str, der.Element]], Spec | None] | None = None  # inner chosen by siblings


@dataclass(frozen=True)
class Field:
    """One component of a SEQUENCE: name, type, OPTIONAL/DEFAULT, and a chooser by siblings."""

    name: str
    spec: Spec
    optional: bool = False


def seq(type_name: str, *fields: Field, tag: int = der.SEQUENCE) -> Spec:
    return Spec(type_name, tag, fields=fields)


def seq_of(type_name: str, item_name: str, item: Spec, tag: int = der.SEQUENCE) -> Spec:
    return Spec(type_name, tag, item=(item_name, item))


def prim(type_name: str, tag: int | None) -> Spec:
    return Spec(type_name, tag)


def explicit(n: int, inner: Spec) -> Spec:
    return Spec(f"[{n}] {inner.type_name}", 0xA0 | n, inner=inner)


def encapsulating(outer: Spec, inner: Spec | None = None, pick: Any = None) -> Spec:
    return Spec(outer.type_name, outer.tag, inner=inner, pick=pick)


ANY = prim("ANY", None)
INTEGER = prim("INTEGER", der.INTEGER)
OID = prim("OBJECT IDENTIFIER", der.OID)
BOOLEAN = prim("BOOLEAN", der.BOOLEAN)
OCTETS = prim("OCTET STRING", der.OCTET_STRING)
BITS = prim("BIT STRING", der.BIT_STRING)
TIME = prim("Time", None)

ALGORITHM = seq(
    "AlgorithmIdentifier",
    Field("algorithm", OID),
    Field("parameters", ANY, optional=True),
)
ATV = seq("AttributeTypeAndValue", Field("type", OID), Field("value", ANY))
RDN = seq_of("RelativeDistinguishedName", "attribute", ATV, tag=der.SET)
NAME = seq_of("Name", "rdn", RDN)
RSA_PUBLIC_KEY = seq("RSAPublicKey", Field("modulus", INTEGER), Field("publicExponent", INTEGER))
SPKI = seq(
    "SubjectPublicKeyInfo",
    Field("algorithm", ALGORITHM),
    Field("subjectPublicKey", encapsulating(BITS, RSA_PUBLIC_KEY)),
)
VALIDITY = seq("Validity", Field("notBefore", TIME), Field("notAfter", TIME))


GENERAL_NAME = prim("GeneralName", None)
GENERAL_NAMES = seq_of("GeneralNames", "name", GENERAL_NAME)
# extnValue contents by extension (RFC 5280 4.2 and 5.2/5.3).
EXTENSION_VALUES: dict[str, Spec] = {
    oids.BASIC_CONSTRAINTS: seq(
        "BasicConstraints",
        Field("cA", BOOLEAN, optional=True),
        Field("pathLenConstraint", INTEGER, optional=True),
    ),
    oids.KEY_USAGE: prim("KeyUsage", der.BIT_STRING),
    oids.EXTENDED_KEY_USAGE: seq_of("ExtKeyUsageSyntax", "keyPurposeId", OID),
    oids.SUBJECT_ALT_NAME: GENERAL_NAMES,
    oids.ISSUER_ALT_NAME: GENERAL_NAMES,
    oids.SUBJECT_KEY_IDENTIFIER: prim("KeyIdentifier", der.OCTET_STRING),
    oids.AUTHORITY_KEY_IDENTIFIER: seq(
        "AuthorityKeyIdentifier",
        Field("keyIdentifier", prim("[0] KeyIdentifier", 0x80), optional=True),
        Field("authorityCertIssuer", prim("[1] GeneralNames", 0xA1), optional=True),
        Field(
            "authorityCertSerialNumber", prim("[2] CertificateSerialNumber", 0x82), optional=True
        ),
    ),
    oids.CRL_NUMBER: prim("CRLNumber", der.INTEGER),
    oids.CRL_REASON: prim("CRLReason", der.ENUMERATED),
    oids.INVALIDITY_DATE: prim("InvalidityDate", der.GENERALIZED_TIME),
    oids.CRL_DISTRIBUTION_POINTS: seq_of("CRLDistributionPoints", "distributionPoint", ANY),
    oids.AUTHORITY_INFO_ACCESS: seq_of("AuthorityInfoAccessSyntax", "accessDescription", ANY),
    oids.CERTIFICATE_POLICIES: seq_of("CertificatePolicies", "policyInformation", ANY),
    oids.NAME_CONSTRAINTS: seq("NameConstraints", tag=der.SEQUENCE),
}


def _extension_field(extension: der.Element) -> Spec:
    """The extnValue spec for one Extension, chosen by its extnID."""
    try:
        oid = extension.children[0].as_oid()
    except (MinicaError, IndexError):
        return OCTETS
    return encapsulating(OCTETS, EXTENSION_VALUES.get(oid, ANY))


EXTENSION = seq(
    "Extension",
    Field("extnID", OID),
    Field("critical", BOOLEAN, optional=True),
    Field("extnValue", OCTETS),
)
EXTENSIONS = seq_of("Extensions", "extension", EXTENSION)
TBS_CERTIFICATE = seq(
    "TBSCertificate",
    Field("version", explicit(0, INTEGER), optional=True),
    Field("serialNumber", INTEGER),
    Field("signature", ALGORITHM),
    Field("issuer", NAME),
    Field("validity", VALIDITY),
    Field("subject", NAME),
    Field("subjectPublicKeyInfo", SPKI),
    Field("issuerUniqueID", prim("[1] UniqueIdentifier", 0x81), optional=True),
    Field("subjectUniqueID", prim("[2] UniqueIdentifier", 0x82), optional=True),
    Field("extensions", explicit(3, EXTENSIONS), optional=True),
)
CERTIFICATE = seq(
    "Certificate",
    Field("tbsCertificate", TBS_CERTIFICATE),
    Field("signatureAlgorithm", ALGORITHM),
    Field("signatureValue", BITS),
)
ATTRIBUTE = seq(
    "Attribute",
    Field("type", OID),
    Field("values", seq_of("SET OF AttributeValue", "value", ANY, tag=der.SET)),
)
CSR_INFO = seq(
    "CertificationRequestInfo",
    Field("version", INTEGER),
    Field("subject", NAME),
    Field("subjectPKInfo", SPKI),
    Field("attributes", seq_of("[0] Attributes", "attribute", ATTRIBUTE, tag=0xA0)),
)
CSR = seq(
    "CertificationRequest",
    Field("certificationRequestInfo", CSR_INFO),
    Field("signatureAlgorithm", ALGORITHM),
    Field("signature", BITS),
)
REVOKED = seq(
    "RevokedCertificate",
    Field("userCertificate", INTEGER),
    Field("revocationDate", TIME),
    Field("crlEntryExtensions", EXTENSIONS, optional=True),
)
TBS_CERT_LIST = seq(
    "TBSCertList",
    Field("version", INTEGER, optional=True),
    Field("signature", ALGORITHM),
    Field("issuer", NAME),
    Field("thisUpdate", TIME),
    Field("nextUpdate", TIME, optional=True),
    Field("revokedCertificates", seq_of("SEQUENCE OF", "entry", REVOKED), optional=True),
    Field("crlExtensions", explicit(0, EXTENSIONS), optional=True),
)
CRL = seq(
    "CertificateList",
    Field("tbsCertList", TBS_CERT_LIST),
    Field("signatureAlgorithm", ALGORITHM),
    Field("signatureValue", BITS),
)
RSA_PRIVATE_KEY = seq(
    "RSAPrivateKey",
    *(
        Field(n, INTEGER)
        for n in (
            "version",
            "modulus",
            "publicExponent",
            "privateExponent",
            "prime1",
            "prime2",
            "exponent1",
            "exponent2",
            "coefficient",
        )
    ),
)
PRIVATE_KEY_INFO = seq(
    "PrivateKeyInfo",
    Field("version", INTEGER),
    Field("privateKeyAlgorithm", ALGORITHM),
    Field("privateKey", encapsulating(OCTETS, RSA_PRIVATE_KEY)),
    Field("attributes", prim("[0] Attributes", 0xA0), optional=True),
)
ENCRYPTED_PRIVATE_KEY_INFO = seq(
    "EncryptedPrivateKeyInfo",
    Field("encryptionAlgorithm", ALGORITHM),
    Field("encryptedData", OCTETS),
)
CONTENT_INFO = seq(
    "ContentInfo",
    Field("contentType", OID),
    Field("content", explicit(0, ANY), optional=True),
)
PFX = seq(
    "PFX",
    Field("version", INTEGER),
    Field("authSafe", CONTENT_INFO),
    Field(
        "macData",
        seq(
            "MacData",
            Field(
                "mac",
                seq("DigestInfo", Field("digestAlgorithm", ALGORITHM), Field("digest", OCTETS)),
            ),
            Field("macSalt", OCTETS),
            Field("iterations", INTEGER, optional=True),
        ),
        optional=True,
    ),
)

SCHEMAS = {
    "certificate": CERTIFICATE,
    "csr": CSR,
    "crl": CRL,
    "rsa-private-key": RSA_PRIVATE_KEY,
    "private-key": PRIVATE_KEY_INFO,
    "encrypted-private-key": ENCRYPTED_PRIVATE_KEY_INFO,
    "public-key": SPKI,
    "rsa-public-key": RSA_PUBLIC_KEY,
    "pkcs12": PFX,
}
_BY_LABEL = {
    "CERTIFICATE": CERTIFICATE,
    "TRUSTED CERTIFICATE": CERTIFICATE,
    "CERTIFICATE REQUEST": CSR,
    "NEW CERTIFICATE REQUEST": CSR,
    "X509 CRL": CRL,
    "RSA PRIVATE KEY": RSA_PRIVATE_KEY,
    "PRIVATE KEY": PRIVATE_KEY_INFO,
    "ENCRYPTED PRIVATE KEY": ENCRYPTED_PRIVATE_KEY_INFO,
    "PUBLIC KEY": SPKI,
    "RSA PUBLIC KEY": RSA_PUBLIC_KEY,
    "PKCS12": PFX,
}


def _guess(el: der.Element) -> Spec | None:
    """Recognise a top-level structure by its shape (for DER input without a label)."""
    k = el.children
    tags = tuple(c.tag for c in k)
    if el.tag != der.SEQUENCE or not k:
        return None
    if tags == (der.SEQUENCE, der.SEQUENCE, der.BIT_STRING):
        inner = tuple(c.tag for c in k[0].children)
        if inner == (der.INTEGER, der.SEQUENCE, der.SEQUENCE, 0xA0):
            return CSR
        # TBSCertList has thisUpdate (a time) where TBSCertificate has validity (a SEQUENCE).
        if inner[:1] == (0xA0,) or inner[3:4] == (der.SEQUENCE,):
            return CERTIFICATE
        return CRL
    if tags == (der.SEQUENCE, der.BIT_STRING):
        return SPKI
    if tags == (der.INTEGER,) * 9:
        return RSA_PRIVATE_KEY
    if tags == (der.INTEGER,) * 2:
        return RSA_PUBLIC_KEY
    if tags[:3] == (der.INTEGER, der.SEQUENCE, der.OCTET_STRING):
        return PRIVATE_KEY_INFO
    if tags == (der.SEQUENCE, der.OCTET_STRING):
        return ENCRYPTED_PRIVATE_KEY_INFO
    if tags[:2] == (der.INTEGER, der.SEQUENCE) and k[0].content == b"\x03":
        return PFX
    return None


# --------------------------------------------------------------------------------------------
# Walking


@dataclass(frozen=True)
class Line:
    """One line of the tree."""

    offset: int
    depth: int
    header_length: int
    length: int
    constructed: bool
    name: str  # field name ("" when unknown)
    path: str
    type_name: str
    value: str = ""
    encapsulated: bool = False  # inside DER carried by an OCTET/BIT STRING
    hex: str = ""


@dataclass
class _Walk:
    lines: list[Line] = field(default_factory=list)
    max_depth: int | None = None
    show_hex: bool = False
    encapsulated: bool = True


def _assign(el: der.Element, spec: Spec) -> list[tuple[str, Spec]]:
    """Name the children of ``el`` from its SEQUENCE spec, matching optional fields by tag."""
    kids = el.children
    out: list[tuple[str, Spec]] = []
    if spec.item is not None:
        name, item = spec.item
        return [(f"{name}[{i}]", item) for i in range(len(kids))]
    if spec.inner is not None and spec.tag is not None and spec.tag & der.CONSTRUCTED:
        return [("", spec.inner)] + [("", ANY)] * (len(kids) - 1)
    fields = list(spec.fields)
    for child in kids:
        while fields:
            f = fields[0]
            if f.spec.tag is None or f.spec.tag == child.tag or not f.optional:
                break
            fields.pop(0)
        if fields:
            f = fields.pop(0)
            out.append((f.name, f.spec))
        else:
            out.append(("", ANY))
    return out


def _value(el: der.Element, spec: Spec, show_hex: bool) -> tuple[str, str]:
    """A human rendering of a primitive (and short hex where useful)."""
    tag = el.tag
    content = el.content
    try:
        if tag == der.OID:
            dotted = el.as_oid()
            name = oids.long_name(dotted)
            return (f"{name} ({dotted})" if name != dotted else dotted), ""
        if tag == der.INTEGER:
            n = el.as_int()
            if n.bit_length() <= 64:
                return str(n), ""
            return f"{n.bit_length()}-bit integer", _short_hex(content)
        if tag == der.BOOLEAN:
            return ("TRUE" if el.as_bool() else "FALSE"), ""
        if tag in (der.UTC_TIME, der.GENERALIZED_TIME):
            return el.as_time().strftime("%Y-%m-%d %H:%M:%S UTC"), ""
        if tag == der.NULL:
            return "", ""
        if tag in _STRING_TAGS:
            return repr(el.as_str()), ""
        if spec is GENERAL_NAME and tag in _GENERAL_NAME_TEXT:
            kind = _GENERAL_NAME_TEXT[tag]
            if tag == 0x87:
                return f"{kind} {ipaddress.ip_address(content)}", ""
            return f"{kind} {content.decode('ascii')!r}", ""
        if tag == der.BIT_STRING and spec.type_name == "KeyUsage":
            data, unused = el.as_bits()
            bits = int.from_bytes(data, "big") if data else 0
            width = len(data) * 8
            names = [
                n
                for i, n in enumerate(KEY_USAGE_NAMES)
                if i < width and bits >> (width - 1 - i) & 1
            ]
            return ", ".join(names), _short_hex(data)
        if tag == der.BIT_STRING:
            data, unused = el.as_bits()
            extra = f", {unused} unused bits" if unused else ""
            return f"{len(data)} bytes{extra}", _short_hex(data)
    except (MinicaError, ValueError):
        pass
    small = len(content) <= 20
    return (f"{len(content)} bytes" if content else ""), (
        _short_hex(content) if small or show_hex else ""
    )


_GENERAL_NAME_TEXT = {
    0x81: "rfc822Name",
    0x82: "dNSName",
    0x86: "uniformResourceIdentifier",
    0x87: "iPAddress",
}


def _short_hex(data: bytes, limit: int = 16) -> str:
    text = data[:limit].hex(":")
    return text + (":..." if len(data) > limit else "")


def _annotate(el: der.Element, spec: Spec) -> str:
    """A summary for constructed elements whose meaning is more than their parts."""
    try:
        if spec is NAME:
            return Name.from_element(el).to_openssl()
        if spec is ALGORITHM or spec is EXTENSION or spec is ATV:
            return oids.long_name(el.children[0].as_oid())
        if spec is RSA_PUBLIC_KEY:
            return f"RSA {el.children[0].as_int().bit_length()}-bit"
        if spec is RSA_PRIVATE_KEY:
            return f"RSA {el.children[1].as_int().bit_length()}-bit private key"
    except (MinicaError, IndexError):
        pass
    return ""


def _walk(
    el: der.Element,
    spec: Spec,
    name: str,
    path: str,
    depth: int,
    state: _Walk,
    enc: bool,
    base: int = 0,
) -> None:
    """Add lines for ``el`` and its children; ``base`` shifts offsets of DER found in DER."""
    hexa = ""
    if el.constructed:
        value = _annotate(el, spec)
    else:
        value, hexa = _value(el, spec, state.show_hex)
    type_name = spec.type_name if spec.tag is not None or spec is TIME else el.name
    if spec is ANY or spec is TIME:
        type_name = el.name
    elif spec.tag is not None and spec.tag != el.tag:
        type_name = f"{el.name} (expected {spec.type_name})"
    state.lines.append(
        Line(
            el.offset + base,
            depth,
            el.header_length,
            el.length,
            el.constructed,
            name,
            path,
            type_name,
            value,
            enc,
            hexa,
        )
    )
    if state.max_depth is not None and depth >= state.max_depth:
        return
    if el.constructed:
        kids = el.children
        names = _assign(el, spec) if spec.tag is not None and spec.tag == el.tag else []
        if spec is EXTENSION:
            names = [(n, _extension_field(el) if n == "extnValue" else s) for n, s in names]
        for i, child in enumerate(kids):
            child_name, child_spec = names[i] if i < len(names) else ("", ANY)
            child_path = ".".join(p for p in (path, child_name) if p)
            _walk(child, child_spec, child_name, child_path, depth + 1, state, enc, base)
        return
    # DER inside an OCTET STRING or BIT STRING (extension values, keys).
    if not state.encapsulated or el.tag not in (der.OCTET_STRING, der.BIT_STRING):
        return
    inner_spec = spec.inner
    if inner_spec is None and spec.pick is not None:
        inner_spec = spec.pick({})
    if inner_spec is None:
        return
    content = el.content
    skip = 1 if el.tag == der.BIT_STRING else 0
    body = content[skip:]
    if not body or body[0] not in (0x30, 0x31, 0x02, 0x03, 0x04, 0x05, 0x06):
        return
    try:
        inner = der.decode(body)
    except DecodeError:
        return
    inner_base = base + el.offset + el.header_length + skip
    _walk(inner, inner_spec, "", path, depth + 1, state, True, inner_base)


def _load(data: bytes | str) -> tuple[bytes, Spec | None]:
    if isinstance(data, bytes) and data[:1] == b"\x30":
        return data, None
    blocks = pem.decode_all(data, what="input")
    if not blocks:
        if isinstance(data, bytes):
            return data, None
        raise DecodeError("input: neither DER nor PEM")
    block = blocks[0]
    return block.der, _BY_LABEL.get(block.label)


def explain(
    data: bytes | str,
    *,
    schema: str | None = None,
    max_depth: int | None = None,
    show_hex: bool = False,
    encapsulated: bool = True,
) -> list[Line]:
    """The annotated tree of a PEM or DER object, one Line per element.

    ``schema`` names a top-level type from SCHEMAS ("certificate", "csr", "crl", ...); by
    default it comes from the PEM label or the shape of the DER. Raises DecodeError for
    malformed input; use :func:`render` to print the tree up to the error.
    """
    raw, spec = _load(data)
    tree = der.decode(raw, what="input")
    if schema is not None:
        if schema not in SCHEMAS:
            raise DecodeError(f"schema {schema!r}: unknown; choose from {', '.join(SCHEMAS)}")
        spec = SCHEMAS[schema]
    if spec is None:
        spec = _guess(tree) or ANY
    state = _Walk(max_depth=max_depth, show_hex=show_hex, encapsulated=encapsulated)
    top = spec.type_name[:1].lower() + spec.type_name[1:] if spec is not ANY else ""
    _walk(tree, spec, top, "", 0, state, False)
    return state.lines


def partial_lines(raw: bytes) -> tuple[list[Line], str]:
    """Lines for every element readable before a DER error, and the error message ("" if none).

    Used to show a malformed file up to the point where it breaks; never raises DecodeError.
    """
    lines: list[Line] = []
    try:
        der.decode(raw, what="input")
        message = ""
    except DecodeError as e:
        message = str(e)

    def walk(pos: int, end: int, depth: int) -> bool:
        """Emit lines from pos to end; False once an unreadable element is met."""
        while pos < end:
            try:
                tag, number, cstart, length = der._header(raw, pos, end, "input")
            except DecodeError:
                header = _lenient_header(raw, pos)
                if header is None:
                    return False
                tag, number, cstart, length = header
                end = pos  # a length running past its parent: show it, trust nothing after
            constructed = bool(tag & der.CONSTRUCTED)
            lines.append(
                Line(
                    pos, depth, cstart - pos, length, constructed, "", "", der.tag_name(tag, number)
                )
            )
            stop = min(cstart + length, len(raw))
            if constructed and not walk(cstart, stop, depth + 1):
                return False
            if cstart + length > len(raw):
                return False
            pos = cstart + length
        return True

    if message:
        walk(0, len(raw), 0)
    return lines, message


def _lenient_header(raw: bytes, pos: int) -> tuple[int, int, int, int] | None:
    """Identifier and length at ``pos`` even when the length runs past the data (low tags)."""
    if pos + 2 > len(raw) or raw[pos] & 0x1F == 0x1F:
        return None
    tag, first = raw[pos], raw[pos + 1]
    if first < 0x80:
        return tag, tag & 0x1F, pos + 2, first
    n = first & 0x7F
    if not 0 < n <= 4 or pos + 2 + n > len(raw):
        return None
    return tag, tag & 0x1F, pos + 2 + n, int.from_bytes(raw[pos + 2 : pos + 2 + n], "big")


def render(lines: Sequence[Line], *, paths: bool = False) -> Iterator[str]:
    """Text lines in the layout of ``openssl asn1parse -i``, with names and values added."""
    for ln in lines:
        kind = "cons" if ln.constructed else "prim"
        mark = ">" if ln.encapsulated else " "
        label = ln.path if paths and ln.path else ln.name
        head = (
            f"{ln.offset:5d}:d={ln.depth:<2d} hl={ln.header_length} l={ln.length:4d} {kind}:{mark}"
        )
        text = " " * ln.depth + (f"{label}: " if label else "") + ln.type_name
        if ln.value:
            text += f" = {ln.value}" if not ln.constructed else f"  ({ln.value})"
        if ln.hex:
            text += f"  [{ln.hex}]"
        yield head + text


# --------------------------------------------------------------------------------------------
# pyasn1 schemas (`minica asn1 --schema rfc5652.ContentInfo`)


def explain_with_schema(
    data: bytes | str, schema: str, *, max_depth: int | None = None
) -> list[Line]:
    """Decode with a pyasn1-modules type (``module.Type``) and name every element from it.

    pyasn1 is imported here, lazily: it is needed only for this.
    """
    module_name, _, type_name = schema.partition(".")
    if not module_name or not type_name:
        raise DecodeError(f"schema {schema!r}: expected module.Type, e.g. rfc5652.ContentInfo")
    try:
        module = importlib.import_module(f"pyasn1_modules.{module_name}")
        asn1_type = getattr(module, type_name)
    except (ImportError, AttributeError):
        raise DecodeError(f"schema {schema!r}: no such pyasn1_modules type") from None
    from pyasn1.codec.der import decoder
    from pyasn1.error import PyAsn1Error

    raw, _ = _load(data)
    tree = der.decode(raw, what="input")
    try:
        value, _rest = decoder.decode(raw, asn1Spec=asn1_type(), decodeOpenTypes=True)
    except PyAsn1Error as e:
        raise DecodeError(f"input: does not match {schema}: {e}") from e
    state = _Walk(max_depth=max_depth)
    _walk_pyasn1(tree, value, type_name[:1].lower() + type_name[1:], "", 0, state)
    return state.lines


def _outer_tags(asn1: Any) -> set[tuple[int, int]] | None:
    """(class, number) of the tags a component may start with; None for an untagged ANY."""
    from pyasn1.type import univ

    if asn1.tagSet:
        tag = asn1.tagSet.superTags[-1]
        return {(tag.tagClass, tag.tagId)}
    if isinstance(asn1, univ.Choice):
        keys = asn1.componentType.tagMap.presentTypes
        return {(ts.superTags[-1].tagClass, ts.superTags[-1].tagId) for ts in keys}
    return None


def _present_components(value: Any, kids: Sequence[der.Element]) -> list[tuple[str, Any]]:
    """Pair each encoded child with the SEQUENCE/SET component it encodes, skipping absent
    OPTIONAL and DEFAULT components (pyasn1 reports DEFAULTs as present values)."""
    named = list(value.componentType.namedTypes)
    out: list[tuple[str, Any]] = []
    j = 0
    for el in kids:
        while j < len(named):
            nt = named[j]
            tags = _outer_tags(nt.asn1Object)
            j += 1
            if tags is None or (el.tag & 0xC0, el.number) in tags:
                out.append((nt.name, value[nt.name]))
                break
            if not (nt.isOptional or nt.isDefaulted):
                return out
        else:
            return out
    return out


def _walk_pyasn1(
    el: der.Element, value: Any, name: str, path: str, depth: int, state: _Walk
) -> None:
    from pyasn1.type import univ

    def matches(element: der.Element, tag: Any) -> bool:
        return bool(element.tag & 0xC0 == tag.tagClass and element.number == tag.tagId)

    alternatives: list[str] = []
    while True:
        tags = list(value.tagSet.superTags) if value.tagSet else []
        # Each EXPLICIT tag beyond the innermost adds a wrapper TLV; an open type (ANY) decoded
        # into a typed value sits inside a wrapper its own tags do not describe.
        while (
            tags
            and el.constructed
            and len(el.children) == 1
            and ((len(tags) > 1 and matches(el, tags[-1])) or not matches(el, tags[-1]))
        ):
            state.lines.append(
                Line(el.offset, depth, el.header_length, el.length, True, name, path, el.name)
            )
            if matches(el, tags[-1]):
                tags.pop()
            el = el.children[0]
            depth += 1
            if state.max_depth is not None and depth > state.max_depth:
                return
        # A CHOICE has no encoding of its own: show its chosen alternative under the field's name.
        if isinstance(value, univ.Choice) and value.isValue:
            alternatives.append(value.getName())
            value = value.getComponent()
            continue
        break
    class_name = type(value).__name__
    type_name = " ".join([*alternatives, *([class_name] if class_name != el.name else []), el.name])
    hexa = ""
    text = ""
    if not el.constructed:
        text, hexa = _value(el, ANY, False)
    state.lines.append(
        Line(
            el.offset,
            depth,
            el.header_length,
            el.length,
            el.constructed,
            name,
            path,
            type_name,
            text,
            False,
            hexa,
        )
    )
    if not el.constructed:
        return
    kids = el.children
    comps: list[tuple[str, Any]] = []
    if isinstance(value, univ.SequenceOf | univ.SetOf):
        comps = [(f"[{i}]", v) for i, v in enumerate(value)]
    elif isinstance(value, univ.Sequence | univ.Set):
        comps = _present_components(value, kids)
    elif isinstance(value, univ.Choice):
        comps = [(value.getName(), value.getComponent())]
    for i, child in enumerate(kids):
        if state.max_depth is not None and depth >= state.max_depth:
            break
        if i < len(comps):
            child_name, child_value = comps[i]
            child_path = f"{path}.{child_name}" if path else child_name
            _walk_pyasn1(child, child_value, child_name, child_path, depth + 1, state)
        else:
            _walk(child, ANY, "", path, depth + 1, state, False)
