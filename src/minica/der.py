"""A strict DER codec (X.690): encoders for the types X.509 uses, and a decoder to an element tree.

``decode(data)`` walks every byte once and returns an :class:`Element` tree in which each node
knows its tag, byte offset, header length and content length, so errors and explorers can point
at the exact byte. The decoder is strict: anything BER allows but DER forbids (indefinite or
non-minimal lengths, non-minimal INTEGERs, BOOLEANs other than 00/FF, constructed strings, ...)
is a :class:`~minica.errors.DecodeError` naming the byte offset. Encoders produce DER directly
from Python values; structures are built by nesting calls::

    der.sequence(der.integer(2), der.oid("2.5.4.3"), der.utf8_string("host"))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from minica.errors import DecodeError, ValidationError

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from typing import Any

# A DER check of a primitive's content: raises DecodeError, or returns the value it decoded
# (an OID's text, a string, a time) for the element to keep, or None.
_Check = Callable[[bytes, int, str], object]

__all__ = [
    "BIT_STRING",
    "BMP_STRING",
    "BOOLEAN",
    "ENUMERATED",
    "GENERALIZED_TIME",
    "IA5_STRING",
    "INTEGER",
    "MAX_DEPTH",
    "NULL",
    "NUMERIC_STRING",
    "OCTET_STRING",
    "OID",
    "PRINTABLE_STRING",
    "SEQUENCE",
    "SET",
    "TELETEX_STRING",
    "UNIVERSAL_STRING",
    "UTC_TIME",
    "UTF8_STRING",
    "VISIBLE_STRING",
    "Element",
    "bit_string",
    "bmp_string",
    "boolean",
    "check_primitive",
    "context",
    "decode",
    "decode_at",
    "decode_time",
    "enumerated",
    "explicit",
    "generalized_time",
    "ia5_string",
    "implicit",
    "integer",
    "null",
    "octet_string",
    "oid",
    "printable_string",
    "read_header",
    "sequence",
    "set_of",
    "string",
    "tag_name",
    "time",
    "tlv",
    "utc_time",
    "utf8_string",
    "visible_string",
]

# Identifier octets of the universal types minica uses (class bits 00, constructed bit where
# X.690 requires it).
BOOLEAN = 0x01
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
ENUMERATED = 0x0A
UTF8_STRING = 0x0C
NUMERIC_STRING = 0x12
PRINTABLE_STRING = 0x13
TELETEX_STRING = 0x14
IA5_STRING = 0x16
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18
VISIBLE_STRING = 0x1A
UNIVERSAL_STRING = 0x1C
BMP_STRING = 0x1E
SEQUENCE = 0x30
SET = 0x31

UNIVERSAL, APPLICATION, CONTEXT, PRIVATE = 0x00, 0x40, 0x80, 0xC0
CONSTRUCTED = 0x20

#: Deepest nesting the decoder follows; real PKI objects stay below 20.
MAX_DEPTH = 64

_UNIVERSAL_NAMES = {
    0x01: "BOOLEAN",
    0x02: "INTEGER",
    0x03: "BIT STRING",
    0x04: "OCTET STRING",
    0x05: "NULL",
    0x06: "OBJECT IDENTIFIER",
    0x0A: "ENUMERATED",
    0x0C: "UTF8String",
    0x12: "NumericString",
    0x13: "PrintableString",
    0x14: "TeletexString",
    0x16: "IA5String",
    0x17: "UTCTime",
    0x18: "GeneralizedTime",
    0x1A: "VisibleString",
    0x1C: "UniversalString",
    0x1E: "BMPString",
    0x30: "SEQUENCE",
    0x31: "SET",
}
_CLASS_NAMES = {UNIVERSAL: "UNIVERSAL", APPLICATION: "APPLICATION", CONTEXT: "", PRIVATE: "PRIVATE"}


def tag_name(tag: int, number: int | None = None) -> str:
    """A readable name for an identifier octet: ``SEQUENCE``, ``[0]``, ``[APPLICATION 3]``."""
    if tag in _UNIVERSAL_NAMES:
        return _UNIVERSAL_NAMES[tag]
    if number is None:
        number = tag & 0x1F
    cls = tag & 0xC0
    if cls == UNIVERSAL:
        return f"[UNIVERSAL {number}]"
    prefix = _CLASS_NAMES[cls]
    return f"[{prefix + ' ' if prefix else ''}{number}]"


# ---------------------------------------------------------------------------------------------
# Decoding


class Element:
    """One decoded TLV: tag, position in the input, and (when constructed) its children.

    ``tag`` is the first identifier octet (class, constructed bit and number below 31), so
    ``el.tag == der.SEQUENCE`` or ``el.tag == 0xA0`` (``[0]`` constructed) reads naturally;
    ``number`` is the tag number, also for high tag numbers.
    """

    # ``number`` is derived from ``tag``; only a high tag number (>= 31) is stored, in
    # ``_number``. Fewer stores per element keep decode() fast (one Element per TLV).
    # ``_value`` is the value decode() computed while checking an OID, string or time (so the
    # typed accessors do not decode the same content twice); unset otherwise.
    __slots__ = (
        "_data",
        "_number",
        "_value",
        "children",
        "header_length",
        "length",
        "offset",
        "tag",
    )

    tag: int
    offset: int
    header_length: int
    length: int
    children: tuple[Element, ...]
    _data: bytes
    _number: int
    _value: Any  # str for an OID or string type, datetime for a time type

    def __init__(
        self,
        data: bytes,
        tag: int,
        number: int,
        offset: int,
        header_length: int,
        length: int,
        children: tuple[Element, ...],
    ) -> None:
        self._data = data
        self.tag = tag
        if tag & 0x1F == 0x1F:
            self._number = number
        self.offset = offset
        self.header_length = header_length
        self.length = length
        self.children = children

    @property
    def number(self) -> int:
        """The tag number (X.690 8.1.2), also for high tag numbers."""
        number = self.tag & 0x1F
        return self._number if number == 0x1F else number

    # -- position and bytes ---------------------------------------------------------------
    @property
    def tag_class(self) -> int:
        """0x00 universal, 0x40 application, 0x80 context-specific, 0xC0 private."""
        return self.tag & 0xC0

    @property
    def constructed(self) -> bool:
        """Whether the encoding is constructed (has children)."""
        return bool(self.tag & CONSTRUCTED)

    @property
    def content_offset(self) -> int:
        """Byte offset of the first content octet."""
        return self.offset + self.header_length

    @property
    def end(self) -> int:
        """Byte offset just past this element."""
        return self.offset + self.header_length + self.length

    @property
    def raw(self) -> bytes:
        """The complete encoding of this element (header and content)."""
        return self._data[self.offset : self.offset + self.header_length + self.length]

    @property
    def content(self) -> bytes:
        """The content octets."""
        start = self.offset + self.header_length
        return self._data[start : start + self.length]

    @property
    def name(self) -> str:
        """The tag's readable name (``SEQUENCE``, ``[0]``, ...)."""
        return tag_name(self.tag, self.number)

    def __len__(self) -> int:
        return len(self.children)

    def __iter__(self) -> Iterator[Element]:
        return iter(self.children)

    def __getitem__(self, index: int) -> Element:
        return self.children[index]

    def __repr__(self) -> str:
        kids = f" children={len(self.children)}" if self.constructed else ""
        return f"<Element {self.name} offset={self.offset} length={self.length}{kids}>"

    def encode(self) -> bytes:
        """Re-encode this element from its parts (children re-encoded recursively).

        For anything ``decode`` accepted this equals ``raw``: DER has one encoding per value.
        """
        if self.constructed:
            content = b"".join(child.encode() for child in self.children)
        else:
            content = self.content
        ident = _identifier(self.tag & 0xC0, self.constructed, self.number)
        return ident + _length(len(content)) + content

    # -- checks ---------------------------------------------------------------------------
    def error(self, what: str, reason: str) -> DecodeError:
        """A DecodeError for this element: ``<what>: <reason> at byte N``."""
        return DecodeError(f"{what}: {reason} at byte {self.offset}")

    def expect(self, tag: int, what: str) -> Element:
        """Return self if its identifier octet is ``tag``, else raise DecodeError naming ``what``."""
        if self.tag != tag:
            raise self.error(what, f"expected {tag_name(tag)}, found {self.name}")
        return self

    def expect_children(self, what: str, low: int, high: int | None = None) -> tuple[Element, ...]:
        """The children, checked to number between ``low`` and ``high`` (default: exactly low)."""
        kids = self.children
        high = low if high is None else high
        if not low <= len(kids) <= high or not self.constructed:
            count = f"{low}" if low == high else f"{low} to {high}"
            raise self.error(what, f"expected {count} elements, found {len(kids)}")
        return kids

    # -- typed values ---------------------------------------------------------------------
    def as_bool(self, what: str = "BOOLEAN") -> bool:
        """The value of a BOOLEAN (DER: 00 or FF only)."""
        c = self.content
        if len(c) != 1 or c[0] not in (0, 0xFF):
            raise self.error(what, "BOOLEAN must be one octet 00 or FF")
        return c[0] == 0xFF

    def as_int(self, what: str = "INTEGER") -> int:
        """The value of an INTEGER or ENUMERATED (any size, two's complement)."""
        c = self.content
        _check_integer(c, self.offset, what)
        return int.from_bytes(c, "big", signed=True)

    def as_oid(self, what: str = "OBJECT IDENTIFIER") -> str:
        """The dotted form of an OBJECT IDENTIFIER."""
        if self.tag == OID:
            try:
                return self._value  # type: ignore[no-any-return]
            except AttributeError:
                pass
        c = self.content
        dotted = _OID_CACHE.get(c)
        if dotted is None:
            dotted = _decode_oid(c, self.offset, what)
            if len(_OID_CACHE) < 4096:
                _OID_CACHE[c] = dotted
        return dotted

    def as_bytes(self) -> bytes:
        """The content octets of an OCTET STRING (or any primitive)."""
        return self.content

    def as_bits(self, what: str = "BIT STRING") -> tuple[bytes, int]:
        """A BIT STRING's (data, unused_bits); padding bits are checked to be zero."""
        c = self.content
        _check_bit_string(c, self.offset, what)
        return c[1:], c[0]

    def as_bit_string_bytes(self, what: str = "BIT STRING") -> bytes:
        """A BIT STRING that must hold whole octets (keys, signatures)."""
        data, unused = self.as_bits(what)
        if unused:
            raise self.error(what, f"expected whole octets, found {unused} unused bits")
        return data

    def as_null(self, what: str = "NULL") -> None:
        """Check a NULL is empty."""
        if self.length:
            raise self.error(what, "NULL must be empty")

    def as_time(self, what: str = "Time") -> datetime:
        """A UTCTime or GeneralizedTime in RFC 5280 form, as an aware UTC datetime."""
        if self.tag == UTC_TIME or self.tag == GENERALIZED_TIME:
            try:
                return self._value  # type: ignore[no-any-return]
            except AttributeError:
                pass
        return _decode_time(self.tag, self.content, self.offset, what)

    def as_str(self, what: str = "string") -> str:
        """The text of a string type (UTF8String, PrintableString, IA5String, BMPString, ...)."""
        if self.tag in _STRING_TYPES:
            try:
                return self._value  # type: ignore[no-any-return]
            except AttributeError:
                pass
        return _decode_string(self.tag, self.content, self.offset, what)


def decode(data: bytes | bytearray | memoryview, *, what: str = "DER") -> Element:
    """Decode exactly one DER element (with everything inside it) from ``data``.

    Raises DecodeError, naming ``what`` and the byte offset, for anything that is not strict DER,
    including trailing bytes after the element.
    """
    if not isinstance(data, bytes):
        if not isinstance(data, bytearray | memoryview):
            raise TypeError(f"expected bytes, got {type(data).__name__}")
        data = bytes(data)
    if not data:
        raise DecodeError(f"{what}: empty input, expected a DER element at byte 0")
    # The hot loop reads the top-level header inline too; anything but exactly one element
    # (an error, trailing bytes) is parsed again below, which names the problem.
    try:
        top = _parse_children(data, 0, len(data), 0, what)
    except DecodeError:
        top = ()
    if len(top) == 1:
        return top[0]
    element, end = _parse(data, 0, len(data), 0, what)
    if end != len(data):
        raise DecodeError(
            f"{what}: {len(data) - end} trailing bytes after the element at byte {end}"
        )
    return element


def _header(data: bytes, pos: int, limit: int, what: str) -> tuple[int, int, int, int]:
    """Read one identifier and length at ``pos``: (tag, number, content start, content length)."""
    start = pos
    if pos >= limit:
        raise DecodeError(f"{what}: truncated, expected a tag at byte {pos}")
    tag = data[pos]
    pos += 1
    number = tag & 0x1F
    if number == 0x1F:
        number = 0
        while True:
            if pos >= limit:
                raise DecodeError(f"{what}: truncated high tag number at byte {start}")
            b = data[pos]
            pos += 1
            if number == 0 and b == 0x80:
                raise DecodeError(f"{what}: non-minimal high tag number at byte {start}")
            number = (number << 7) | (b & 0x7F)
            if pos - start > 5:
                raise DecodeError(f"{what}: tag number too large at byte {start}")
            if not b & 0x80:
                break
        if number < 31:
            raise DecodeError(f"{what}: high-tag form used for tag number {number} at byte {start}")
    if pos >= limit:
        raise DecodeError(f"{what}: truncated, expected a length at byte {pos}")
    length = data[pos]
    pos += 1
    if length & 0x80:
        n = length & 0x7F
        if n == 0:
            raise DecodeError(f"{what}: indefinite length is not DER at byte {start}")
        if n > 4:
            raise DecodeError(f"{what}: length of {n} octets is absurd at byte {start}")
        if pos + n > limit:
            raise DecodeError(f"{what}: truncated length at byte {start}")
        length = int.from_bytes(data[pos : pos + n], "big")
        if data[pos] == 0 or length < 0x80:
            raise DecodeError(f"{what}: non-minimal length encoding at byte {start}")
        pos += n
    if pos + length > limit:
        raise DecodeError(
            f"{what}: truncated {tag_name(tag, number)}, length {length} "
            f"runs past the end at byte {start}"
        )
    return tag, number, pos, length


def _parse(data: bytes, pos: int, limit: int, depth: int, what: str) -> tuple[Element, int]:
    """Parse one TLV starting at ``pos`` that must end by ``limit``."""
    tag, number, cstart, length = _header(data, pos, limit, what)
    end = cstart + length
    if tag & CONSTRUCTED:
        if tag in _PRIMITIVE_ONLY:
            raise DecodeError(
                f"{what}: constructed {tag_name(tag ^ CONSTRUCTED)} is not DER at byte {pos}"
            )
        kids = _parse_children(data, cstart, end, depth + 1, what)
        return Element(data, tag, number, pos, cstart - pos, length, kids), end
    _check_primitive(data, tag, pos, cstart, end, what)
    return Element(data, tag, number, pos, cstart - pos, length, ()), end


def _parse_children(data: bytes, pos: int, end: int, depth: int, what: str) -> tuple[Element, ...]:
    """Parse the elements filling ``data[pos:end]``; the hot loop of decode().

    Headers in the common forms (tag number below 31; short, 81 xx or 82 xx xx length) are
    read inline; anything else, and every malformed header, goes through :func:`_header`,
    which owns the error messages. The inline reads may look past ``end`` (even past the
    data: IndexError); such a header always fails ``cend > end`` and is then re-read by
    _header, which names what is truncated.
    """
    if depth > MAX_DEPTH:
        raise DecodeError(f"{what}: nesting deeper than {MAX_DEPTH} at byte {pos}")
    kids: list[Element] = []
    start = pos
    try:
        while pos < end:
            start = pos
            tag = data[pos]
            length = data[pos + 1]
            if tag & 0x1F == 0x1F:
                # High tag number: rare, and the only case that stores ``_number``.
                el, pos = _parse(data, start, end, depth, what)
                kids.append(el)
                continue
            if length < 0x80:
                pos += 2
            elif length == 0x82 and data[pos + 2]:  # minimal: first octet nonzero
                length = (data[pos + 2] << 8) | data[pos + 3]
                pos += 4
            elif length == 0x81 and data[pos + 2] >= 0x80:  # minimal: short form won't do
                length = data[pos + 2]
                pos += 3
            else:
                tag, _, pos, length = _header(data, start, end, what)
            cend = pos + length
            if cend > end:
                raise _header_error(data, start, end, what)
            # Made without a Python __init__ (a Python call per TLV is a sixth of the decode
            # time); the attributes set are exactly those __init__ sets for a low tag number.
            el = _Decoded()
            el._data = data
            el.tag = tag
            el.offset = start
            el.header_length = pos - start
            el.length = length
            if tag & 0x20:  # constructed
                if tag in _PRIMITIVE_ONLY:
                    raise DecodeError(
                        f"{what}: constructed {tag_name(tag ^ CONSTRUCTED)} is not DER "
                        f"at byte {start}"
                    )
                el.children = _parse_children(data, pos, cend, depth + 1, what)
            else:
                el.children = ()
                # Universal primitives carry DER rules, one direct call per type (OCTET STRING
                # has none); an OID already in the cache was checked when it was cached. The
                # text or time a check decodes is kept for the accessors.
                if tag < 0x20:
                    if tag == OID:
                        c = data[pos:cend]
                        dotted = _OID_CACHE.get(c)
                        el._value = dotted if dotted is not None else _check_oid(c, start, what)
                    elif tag != OCTET_STRING:  # the one common type without a DER rule
                        check = _CHECK_BY_TAG[tag]
                        if check is not None:
                            value = check(data, start, pos, cend, what)
                            if value is not None:
                                el._value = value
            kids.append(el)
            pos = cend
    except IndexError:
        # A header cut off by the end of the data (see the docstring).
        raise _header_error(data, start, end, what) from None
    return tuple(kids)


def _header_error(data: bytes, start: int, end: int, what: str) -> DecodeError:
    """The DecodeError :func:`_header` raises for the malformed header at ``start``."""
    try:
        _header(data, start, end, what)
    except DecodeError as e:
        return e
    return DecodeError(f"{what}: malformed header at byte {start}")  # not reached


class _Decoded(Element):
    """An Element made by the decoder's hot loop, which sets the attributes itself.

    ``object.__init__`` in place of Element's makes ``_Decoded()`` a plain C allocation, about
    25 ns cheaper per TLV than ``object.__new__(Element)`` (CPython 3.11). Every element of a
    decoded tree is one of these, so attribute look-ups on them stay monomorphic.
    """

    __slots__ = ()
    __init__ = object.__init__


def _check_primitive(data: bytes, tag: int, start: int, pos: int, end: int, what: str) -> None:
    """Apply the DER rules of a universal primitive type to its content ``data[pos:end]``."""
    if tag == OID and data[pos:end] in _OID_CACHE:
        return
    check = _CHECK_AT.get(tag)
    if check is not None:
        check(data, start, pos, end, what)


def _check_boolean(c: bytes, offset: int, what: str) -> None:
    if len(c) != 1 or c[0] not in (0, 0xFF):
        raise DecodeError(f"{what}: BOOLEAN must be one octet 00 or FF at byte {offset}")


def _check_integer(c: bytes, offset: int, what: str) -> None:
    if not c:
        raise DecodeError(f"{what}: empty INTEGER at byte {offset}")
    if len(c) > 1 and ((c[0] == 0 and not c[1] & 0x80) or (c[0] == 0xFF and c[1] & 0x80)):
        raise DecodeError(f"{what}: non-minimal INTEGER encoding at byte {offset}")


def _check_bit_string(c: bytes, offset: int, what: str) -> None:
    if not c:
        raise DecodeError(f"{what}: BIT STRING without unused-bits octet at byte {offset}")
    unused = c[0]
    if unused > 7 or (unused and len(c) == 1):
        raise DecodeError(f"{what}: BIT STRING with {unused} unused bits at byte {offset}")
    if unused and c[-1] & ((1 << unused) - 1):
        raise DecodeError(f"{what}: BIT STRING padding bits are not zero at byte {offset}")


def _check_null(c: bytes, offset: int, what: str) -> None:
    if c:
        raise DecodeError(f"{what}: NULL must be empty at byte {offset}")


def _check_oid(c: bytes, offset: int, what: str) -> str:
    dotted = _OID_CACHE.get(c)
    if dotted is None:
        dotted = _decode_oid(c, offset, what)
        if len(_OID_CACHE) < 4096:
            _OID_CACHE[c] = dotted
    return dotted


def _check_time(tag: int) -> _Check:
    def check(c: bytes, offset: int, what: str) -> datetime:
        return _decode_time(tag, c, offset, what)

    return check


def _check_string(tag: int) -> _Check:
    def check(c: bytes, offset: int, what: str) -> str:
        return _decode_string(tag, c, offset, what)

    return check


_OID_CACHE: dict[bytes, str] = {}
_MAX_ARC_BITS = 160


def _decode_oid(c: bytes, offset: int, what: str) -> str:
    if not c:
        raise DecodeError(f"{what}: empty OBJECT IDENTIFIER at byte {offset}")
    if c[-1] & 0x80:
        raise DecodeError(f"{what}: truncated OBJECT IDENTIFIER arc at byte {offset}")
    arcs: list[int] = []
    value = 0
    fresh = True
    for b in c:
        if fresh and b == 0x80:
            raise DecodeError(f"{what}: non-minimal OBJECT IDENTIFIER arc at byte {offset}")
        value = (value << 7) | (b & 0x7F)
        if value >> _MAX_ARC_BITS:
            # Real arcs stay below 2**128 (UUID arcs, X.667); huge ones would also break str().
            raise DecodeError(f"{what}: OBJECT IDENTIFIER arc too large at byte {offset}")
        fresh = not b & 0x80
        if fresh:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(map(str, head + arcs[1:]))


def _decode_time(tag: int, c: bytes, offset: int, what: str) -> datetime:
    # Digits are checked once (bytes.isdigit is ASCII-only) and read arithmetically from the
    # unpacked octets: faster than a regular expression or indexing, and datetime() still
    # rejects impossible dates.
    if tag == UTC_TIME:
        if len(c) != 13 or c[12] != 0x5A or not c[:12].isdigit():
            raise DecodeError(f"{what}: UTCTime not in YYMMDDHHMMSSZ form at byte {offset}")
        y1, y2, mo1, mo2, d1, d2, h1, h2, mi1, mi2, s1, s2, _ = c
        year = y1 * 10 + y2 - 528  # 528 == 48 * 11, the two ASCII "0"s
        # RFC 5280 4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
        year += 1900 if year >= 50 else 2000
    elif tag == GENERALIZED_TIME:
        if len(c) != 15 or c[14] != 0x5A or not c[:14].isdigit():
            raise DecodeError(
                f"{what}: GeneralizedTime not in YYYYMMDDHHMMSSZ form at byte {offset}"
            )
        year = int(c[:4])
        mo1, mo2, d1, d2, h1, h2, mi1, mi2, s1, s2 = c[4:14]
    else:
        raise DecodeError(
            f"{what}: expected UTCTime or GeneralizedTime, found {tag_name(tag)} at byte {offset}"
        )
    try:
        return datetime(
            year,
            mo1 * 10 + mo2 - 528,
            d1 * 10 + d2 - 528,
            h1 * 10 + h2 - 528,
            mi1 * 10 + mi2 - 528,
            s1 * 10 + s2 - 528,
            0,
            UTC,  # positional: a keyword argument costs a third of the call
        )
    except ValueError as e:
        raise DecodeError(f"{what}: impossible date or time ({e}) at byte {offset}") from e


_PRINTABLE = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?"
)
_NUMERIC = frozenset(b"0123456789 ")


def _decode_string(tag: int, c: bytes, offset: int, what: str) -> str:
    try:
        if tag == UTF8_STRING:
            return c.decode("utf-8")
        if tag == PRINTABLE_STRING:
            if not _PRINTABLE.issuperset(c):
                raise DecodeError(
                    f"{what}: character outside PrintableString alphabet at byte {offset}"
                )
            return c.decode("ascii")
        if tag == IA5_STRING:
            return c.decode("ascii")
        if tag == VISIBLE_STRING:
            if any(b < 0x20 or b > 0x7E for b in c):
                raise DecodeError(f"{what}: character outside VisibleString at byte {offset}")
            return c.decode("ascii")
        if tag == NUMERIC_STRING:
            if not _NUMERIC.issuperset(c):
                raise DecodeError(f"{what}: character outside NumericString at byte {offset}")
            return c.decode("ascii")
        if tag == BMP_STRING:
            if len(c) % 2:
                raise DecodeError(f"{what}: BMPString of odd length at byte {offset}")
            return c.decode("utf-16-be")
        if tag == UNIVERSAL_STRING:
            if len(c) % 4:
                raise DecodeError(
                    f"{what}: UniversalString length not a multiple of 4 at byte {offset}"
                )
            return c.decode("utf-32-be")
        if tag == TELETEX_STRING:
            # T.61 is in practice Latin-1 (what openssl and browsers assume).
            return c.decode("latin-1")
    except UnicodeDecodeError as e:
        raise DecodeError(
            f"{what}: invalid {tag_name(tag)} encoding ({e.reason}) at byte {offset}"
        ) from e
    raise DecodeError(f"{what}: expected a string type, found {tag_name(tag)} at byte {offset}")


# The string types: their checks decode the text, which the element keeps for as_str().
_STRING_TYPES = frozenset(
    (
        UTF8_STRING,
        PRINTABLE_STRING,
        IA5_STRING,
        VISIBLE_STRING,
        NUMERIC_STRING,
        BMP_STRING,
        UNIVERSAL_STRING,
        TELETEX_STRING,
    )
)

_CHECKS: dict[int, _Check] = {
    BOOLEAN: _check_boolean,
    INTEGER: _check_integer,
    ENUMERATED: _check_integer,
    BIT_STRING: _check_bit_string,
    NULL: _check_null,
    OID: _check_oid,
    UTC_TIME: _check_time(UTC_TIME),
    GENERALIZED_TIME: _check_time(GENERALIZED_TIME),
    **{t: _check_string(t) for t in _STRING_TYPES},
}

_CheckAt = Callable[[bytes, int, int, int, str], object]


def _at_integer(data: bytes, start: int, pos: int, end: int, what: str) -> None:
    # No slice: INTEGER is a common primitive and the content is only needed on failure.
    if end == pos:
        raise DecodeError(f"{what}: empty INTEGER at byte {start}")
    if end - pos > 1:
        b0, b1 = data[pos], data[pos + 1]
        if (b0 == 0 and not b1 & 0x80) or (b0 == 0xFF and b1 & 0x80):
            raise DecodeError(f"{what}: non-minimal INTEGER encoding at byte {start}")


def _at_boolean(data: bytes, start: int, pos: int, end: int, what: str) -> None:
    if end - pos != 1 or data[pos] not in (0, 0xFF):
        raise DecodeError(f"{what}: BOOLEAN must be one octet 00 or FF at byte {start}")


def _at_null(data: bytes, start: int, pos: int, end: int, what: str) -> None:
    if end != pos:
        raise DecodeError(f"{what}: NULL must be empty at byte {start}")


def _at_utf8(data: bytes, start: int, pos: int, end: int, what: str) -> str:
    try:
        return data[pos:end].decode("utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(
            f"{what}: invalid UTF8String encoding ({e.reason}) at byte {start}"
        ) from e


def _at_printable(data: bytes, start: int, pos: int, end: int, what: str) -> str:
    c = data[pos:end]
    if not _PRINTABLE.issuperset(c):
        raise DecodeError(f"{what}: character outside PrintableString alphabet at byte {start}")
    return c.decode("ascii")


def _at_bit_string(data: bytes, start: int, pos: int, end: int, what: str) -> None:
    # The common case (whole octets: keys, signatures) needs no slice.
    if end == pos or data[pos]:
        _check_bit_string(data[pos:end], start, what)


def _at_utc_time(data: bytes, start: int, pos: int, end: int, what: str) -> datetime:
    return _decode_time(UTC_TIME, data[pos:end], start, what)


def _at_generalized_time(data: bytes, start: int, pos: int, end: int, what: str) -> datetime:
    return _decode_time(GENERALIZED_TIME, data[pos:end], start, what)


def _at_refuse(data: bytes, start: int, pos: int, end: int, what: str) -> None:
    tag = data[start]
    if tag == 0:
        # X.690 8.1.5: universal tag 0 is BER's end-of-contents marker, never a DER value.
        raise DecodeError(f"{what}: end-of-contents octets are not DER at byte {start}")
    raise DecodeError(f"{what}: primitive {tag_name(tag | CONSTRUCTED)} at byte {start}")


def _at(check: _Check) -> _CheckAt:
    def check_at(data: bytes, start: int, pos: int, end: int, what: str) -> object:
        return check(data[pos:end], start, what)

    return check_at


#: Per universal primitive tag, its DER check of ``data[pos:end]`` (the header at ``start``):
#: the decoder's dispatch table, with direct versions for the commonest types.
_CHECK_AT: dict[int, _CheckAt] = {
    **{t: _at(check) for t, check in _CHECKS.items()},
    INTEGER: _at_integer,
    ENUMERATED: _at_integer,
    BOOLEAN: _at_boolean,
    NULL: _at_null,
    UTF8_STRING: _at_utf8,
    PRINTABLE_STRING: _at_printable,
    BIT_STRING: _at_bit_string,
    UTC_TIME: _at_utc_time,
    GENERALIZED_TIME: _at_generalized_time,
    0x00: _at_refuse,  # end-of-contents
    0x10: _at_refuse,  # SEQUENCE must be constructed
    0x11: _at_refuse,  # SET must be constructed
}

# _CHECK_AT as a tuple indexed by tag number (universal primitives are below 0x20), None where
# there is no rule: the decoder's dispatch, as an index costs less than dict.get (~0.5 us per
# certificate).
_CHECK_BY_TAG: tuple[_CheckAt | None, ...] = tuple(_CHECK_AT.get(t) for t in range(0x20))

# Universal types whose DER encoding is always primitive (X.690 10.2, 8.x).
_PRIMITIVE_ONLY = frozenset(t | CONSTRUCTED for t in (*_CHECKS, OCTET_STRING))


# ---------------------------------------------------------------------------------------------
# Encoding


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def tlv(tag: int, content: bytes) -> bytes:
    """Encode one element with identifier octet ``tag`` (number below 31) and ``content``."""
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    return bytes((tag,)) + _length(n) + content


def _identifier(tag_class: int, constructed: bool, number: int) -> bytes:
    first = tag_class | (CONSTRUCTED if constructed else 0)
    if number < 31:
        return bytes((first | number,))
    groups = []
    while True:
        groups.append(number & 0x7F)
        number >>= 7
        if not number:
            break
    groups.reverse()
    body = bytes([g | 0x80 for g in groups[:-1]] + [groups[-1]])
    return bytes((first | 0x1F,)) + body


def boolean(value: bool) -> bytes:
    """BOOLEAN: FF for true, 00 for false (X.690 11.1)."""
    return b"\x01\x01\xff" if value else b"\x01\x01\x00"


def _int_content(value: int) -> bytes:
    # Minimal two's complement: a negative n needs as many bits as ~n (-128 is one octet 80).
    magnitude = value if value >= 0 else ~value
    return value.to_bytes(magnitude.bit_length() // 8 + 1, "big", signed=True)


def integer(value: int) -> bytes:
    """INTEGER of any size, negative too, in the minimal two's-complement form."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected int, got {type(value).__name__}")
    return tlv(INTEGER, _int_content(value))


def enumerated(value: int) -> bytes:
    """ENUMERATED (encoded like INTEGER)."""
    return tlv(ENUMERATED, _int_content(value))


def bit_string(data: bytes, unused_bits: int = 0) -> bytes:
    """BIT STRING of whole octets, or with ``unused_bits`` (0-7) trailing zero bits."""
    if not 0 <= unused_bits <= 7 or (unused_bits and not data):
        raise ValidationError(f"BIT STRING: {unused_bits} unused bits is impossible")
    if unused_bits and data[-1] & ((1 << unused_bits) - 1):
        raise ValidationError("BIT STRING: unused bits must be zero")
    return tlv(BIT_STRING, bytes((unused_bits,)) + bytes(data))


def octet_string(data: bytes) -> bytes:
    """OCTET STRING."""
    return tlv(OCTET_STRING, bytes(data))


def null() -> bytes:
    """NULL."""
    return b"\x05\x00"


_OID_ENC_CACHE: dict[str, bytes] = {}


def oid(dotted: str) -> bytes:
    """OBJECT IDENTIFIER from its dotted form, e.g. ``"2.5.4.3"``."""
    cached = _OID_ENC_CACHE.get(dotted)
    if cached is not None:
        return cached
    if not isinstance(dotted, str):
        raise TypeError(f"expected str, got {type(dotted).__name__}")
    try:
        arcs = [int(a) for a in dotted.split(".")]
    except ValueError:
        raise ValidationError(f"OBJECT IDENTIFIER {dotted!r}: arcs must be integers") from None
    if (
        len(arcs) < 2
        or arcs[0] > 2
        or (arcs[0] < 2 and arcs[1] >= 40)
        or any(a < 0 for a in arcs)
        or any(a >> _MAX_ARC_BITS for a in [arcs[0] * 40 + arcs[1], *arcs[2:]])
        or not dotted.isascii()
        or any(not a.isdigit() for a in dotted.split("."))
    ):
        raise ValidationError(f"OBJECT IDENTIFIER {dotted!r}: not a valid dotted form")
    body = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    encoded = tlv(OID, bytes(body))
    if len(_OID_ENC_CACHE) < 4096:
        _OID_ENC_CACHE[dotted] = encoded
    return encoded


def utf8_string(text: str) -> bytes:
    """UTF8String."""
    return tlv(UTF8_STRING, text.encode("utf-8"))


def printable_string(text: str) -> bytes:
    """PrintableString; characters outside its alphabet are a ValidationError."""
    raw = text.encode("ascii", "replace")
    if not _PRINTABLE.issuperset(raw) or not text.isascii():
        raise ValidationError(f"PrintableString {text!r}: character outside the alphabet")
    return tlv(PRINTABLE_STRING, raw)


def ia5_string(text: str) -> bytes:
    """IA5String (ASCII)."""
    if not text.isascii():
        raise ValidationError(f"IA5String {text!r}: non-ASCII character")
    return tlv(IA5_STRING, text.encode("ascii"))


def visible_string(text: str) -> bytes:
    """VisibleString (printable ASCII)."""
    raw = text.encode("ascii", "replace")
    if not text.isascii() or any(b < 0x20 or b > 0x7E for b in raw):
        raise ValidationError(f"VisibleString {text!r}: character outside the alphabet")
    return tlv(VISIBLE_STRING, raw)


def bmp_string(text: str) -> bytes:
    """BMPString (UCS-2, big-endian); characters beyond the BMP are a ValidationError."""
    if any(ord(ch) > 0xFFFF for ch in text):
        raise ValidationError(f"BMPString {text!r}: character outside the Basic Multilingual Plane")
    return tlv(BMP_STRING, text.encode("utf-16-be"))


_STRING_ENCODERS = {
    UTF8_STRING: utf8_string,
    PRINTABLE_STRING: printable_string,
    IA5_STRING: ia5_string,
    VISIBLE_STRING: visible_string,
    BMP_STRING: bmp_string,
}


def string(tag: int, text: str) -> bytes:
    """Encode ``text`` as the string type with identifier ``tag``, checking its alphabet."""
    encoder = _STRING_ENCODERS.get(tag)
    if encoder is not None:
        return encoder(text)
    if tag == NUMERIC_STRING:
        if not _NUMERIC.issuperset(text.encode("ascii", "replace")) or not text.isascii():
            raise ValidationError(f"NumericString {text!r}: character outside the alphabet")
        return tlv(tag, text.encode("ascii"))
    if tag == TELETEX_STRING:
        try:
            return tlv(tag, text.encode("latin-1"))
        except UnicodeEncodeError:
            raise ValidationError(f"TeletexString {text!r}: not Latin-1") from None
    if tag == UNIVERSAL_STRING:
        return tlv(tag, text.encode("utf-32-be"))
    raise ValidationError(f"{tag_name(tag)} is not a string type")


def _utc(value: datetime, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"expected datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{what} {value.isoformat()}: naive datetime, give tzinfo=UTC")
    return value.astimezone(UTC)


def utc_time(value: datetime) -> bytes:
    """UTCTime ``YYMMDDHHMMSSZ`` (years 1950-2049); fractions of a second are dropped."""
    v = _utc(value, "UTCTime")
    if not 1950 <= v.year <= 2049:
        raise ValidationError(f"UTCTime {v.isoformat()}: year outside 1950-2049")
    return tlv(UTC_TIME, v.strftime("%y%m%d%H%M%SZ").encode("ascii"))


def generalized_time(value: datetime) -> bytes:
    """GeneralizedTime ``YYYYMMDDHHMMSSZ``; fractions of a second are dropped (RFC 5280)."""
    v = _utc(value, "GeneralizedTime")
    return tlv(GENERALIZED_TIME, f"{v.year:04d}{v.strftime('%m%d%H%M%S')}Z".encode("ascii"))


def time(value: datetime) -> bytes:
    """RFC 5280 4.1.2.5 Time: UTCTime through 2049, GeneralizedTime from 2050."""
    v = _utc(value, "Time")
    return utc_time(v) if 1950 <= v.year <= 2049 else generalized_time(v)


def sequence(*parts: bytes) -> bytes:
    """SEQUENCE of already-encoded parts."""
    return tlv(SEQUENCE, b"".join(parts))


def set_of(parts: Iterable[bytes]) -> bytes:
    """SET OF, with elements sorted by their encodings as X.690 11.6 requires."""
    return tlv(SET, b"".join(sorted(parts)))


def explicit(number: int, inner: bytes, *, tag_class: int = CONTEXT) -> bytes:
    """EXPLICIT tagging: wrap an encoded element in a constructed ``[number]``."""
    if number < 31:
        return tlv(tag_class | CONSTRUCTED | number, inner)
    return _identifier(tag_class, True, number) + _length(len(inner)) + inner


def implicit(number: int, inner: bytes, *, tag_class: int = CONTEXT) -> bytes:
    """IMPLICIT tagging: replace the identifier of an encoded element by ``[number]``."""
    el = decode(inner, what="implicit tagging")
    ident = _identifier(tag_class, el.constructed, number)
    return ident + inner[_identifier_length(inner) :]


def context(number: int, content: bytes, *, constructed: bool = False) -> bytes:
    """A context-specific ``[number]`` element built from raw content octets."""
    return _identifier(CONTEXT, constructed, number) + _length(len(content)) + content


def _identifier_length(encoded: bytes) -> int:
    if encoded[0] & 0x1F != 0x1F:
        return 1
    i = 1
    while encoded[i] & 0x80:
        i += 1
    return i + 1


# ---------------------------------------------------------------------------------------------
# Positioned reading, for specialised scanners (e.g. CRLs with 100,000 entries) that must walk
# very long lists without building an Element per TLV, yet apply the same DER rules.


def read_header(data: bytes, pos: int, limit: int, *, what: str) -> tuple[int, int, int, int]:
    """Read the identifier and length at ``pos``: (tag, number, content start, content length).

    Applies the decoder's rules (minimal lengths, no indefinite form, stays within ``limit``).
    """
    return _header(data, pos, limit, what)


def decode_at(data: bytes, pos: int, limit: int, *, what: str) -> tuple[Element, int]:
    """Decode the one element starting at ``pos`` (offsets stay absolute): (element, end)."""
    return _parse(data, pos, limit, 1, what)


def decode_time(tag: int, content: bytes, offset: int, what: str) -> datetime:
    """A UTCTime/GeneralizedTime content in RFC 5280 form as an aware UTC datetime."""
    return _decode_time(tag, content, offset, what)


def check_primitive(data: bytes, tag: int, start: int, pos: int, end: int, *, what: str) -> None:
    """Apply the DER rules of universal primitive ``tag`` to ``data[pos:end]`` (header at start)."""
    _check_primitive(data, tag, start, pos, end, what)
