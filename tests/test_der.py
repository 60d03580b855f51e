"""minica.der: round trips, agreement with pyasn1's DER encoder, strictness, hostile input."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pyasn1.codec.der import encoder as pyasn1_encoder
from pyasn1.type import char, tag, univ, useful

from minica import der
from minica.errors import DecodeError, ValidationError

# ---------------------------------------------------------------------------------------------
# Strategies

big_ints = st.integers() | st.integers(min_value=-(2**2100), max_value=2**2100)
PRINTABLE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?"
printable_text = st.text(alphabet=PRINTABLE)
ia5_text = st.text(alphabet=st.characters(max_codepoint=0x7F))
visible_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E))
bmp_text = st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)))
utf8_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)))
tag_numbers = st.integers(min_value=0, max_value=30) | st.integers(
    min_value=31, max_value=2**28 - 1
)


@st.composite
def oids(draw: st.DrawFn) -> str:
    """Valid dotted OIDs: first arc 0-2, second below 40 unless the first is 2, any later arcs."""
    first = draw(st.integers(0, 2))
    second = draw(st.integers(0, 39) if first < 2 else st.integers(0, 2**64))
    rest = draw(st.lists(st.integers(0, 2**128), max_size=8))
    return ".".join(map(str, [first, second, *rest]))


@st.composite
def bit_strings(draw: st.DrawFn) -> tuple[bytes, int]:
    """(data, unused_bits) with the padding bits zero, as DER requires."""
    data = draw(st.binary(max_size=40))
    unused = draw(st.integers(0, 7)) if data else 0
    if unused:
        data = data[:-1] + bytes((data[-1] & (0xFF << unused) & 0xFF,))
    return data, unused


utc_datetimes = st.datetimes(
    min_value=datetime(1950, 1, 1), max_value=datetime(2049, 12, 31, 23, 59, 59)
).map(lambda d: d.replace(microsecond=0, tzinfo=UTC))
gen_datetimes = st.datetimes(min_value=datetime(1, 1, 1)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)

# Encoded primitives paired with a pyasn1 value of the same meaning.
primitives = st.one_of(
    st.booleans().map(der.boolean),
    big_ints.map(der.integer),
    big_ints.map(der.enumerated),
    bit_strings().map(lambda bu: der.bit_string(*bu)),
    st.binary(max_size=300).map(der.octet_string),
    st.just(der.null()),
    oids().map(der.oid),
    utf8_text.map(der.utf8_string),
    printable_text.map(der.printable_string),
    ia5_text.map(der.ia5_string),
    visible_text.map(der.visible_string),
    bmp_text.map(der.bmp_string),
    utc_datetimes.map(der.utc_time),
    gen_datetimes.map(der.generalized_time),
)


def _constructed(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    parts = st.lists(children, max_size=5)
    return st.one_of(
        parts.map(lambda p: der.sequence(*p)),
        parts.map(der.set_of),
        st.tuples(tag_numbers, children).map(lambda ni: der.explicit(*ni)),
        st.tuples(tag_numbers, children).map(lambda ni: der.implicit(*ni)),
    )


encodings = st.recursive(primitives, _constructed, max_leaves=25)


# ---------------------------------------------------------------------------------------------
# Round trips: decode(encode(v)) == v


@given(st.booleans())
def test_boolean_round_trip(value: bool) -> None:
    """BOOLEAN decodes to the value encoded."""
    assert der.decode(der.boolean(value)).as_bool() is value


@given(big_ints)
def test_integer_round_trip(value: int) -> None:
    """INTEGER of any size and sign decodes to the value encoded."""
    el = der.decode(der.integer(value))
    assert (el.tag, el.as_int()) == (der.INTEGER, value)


@given(big_ints)
def test_enumerated_round_trip(value: int) -> None:
    """ENUMERATED decodes to the value encoded."""
    el = der.decode(der.enumerated(value))
    assert (el.tag, el.as_int()) == (der.ENUMERATED, value)


@given(bit_strings())
def test_bit_string_round_trip(value: tuple[bytes, int]) -> None:
    """BIT STRING keeps its data and unused-bit count."""
    assert der.decode(der.bit_string(*value)).as_bits() == value


@given(st.binary(max_size=70000) | st.binary(max_size=300))
def test_octet_string_round_trip(value: bytes) -> None:
    """OCTET STRING of any length (long-form lengths included) decodes to its bytes."""
    el = der.decode(der.octet_string(value))
    assert el.as_bytes() == value
    assert el.header_length == (2 if len(value) < 128 else 3 if len(value) < 256 else 4)


def test_long_form_lengths_up_to_three_octets() -> None:
    """Lengths needing 1, 2 and 3 length octets use the minimal long form."""
    for n, header in ((127, b"\x04\x7f"), (128, b"\x04\x81\x80"), (256, b"\x04\x82\x01\x00")):
        assert der.octet_string(bytes(n))[: len(header)] == header
    big = der.octet_string(bytes(70000))
    assert big[:5] == b"\x04\x83\x01\x11\x70"
    assert der.decode(big).length == 70000


def test_null_round_trip() -> None:
    """NULL is 05 00 and decodes as NULL."""
    el = der.decode(der.null())
    assert (el.raw, el.as_null()) == (b"\x05\x00", None)


@given(oids())
def test_oid_round_trip(dotted: str) -> None:
    """OBJECT IDENTIFIER decodes to the dotted form encoded, large arcs included."""
    assert der.decode(der.oid(dotted)).as_oid() == dotted


@pytest.mark.parametrize(
    ("encoder", "tag", "strategy"),
    [
        (der.utf8_string, der.UTF8_STRING, utf8_text),
        (der.printable_string, der.PRINTABLE_STRING, printable_text),
        (der.ia5_string, der.IA5_STRING, ia5_text),
        (der.visible_string, der.VISIBLE_STRING, visible_text),
        (der.bmp_string, der.BMP_STRING, bmp_text),
    ],
)
def test_string_round_trip(encoder: object, tag: int, strategy: st.SearchStrategy[str]) -> None:
    """Each string type decodes to the text encoded, under its own tag."""

    @given(strategy)
    @settings(max_examples=100)
    def check(text: str) -> None:
        el = der.decode(encoder(text))  # type: ignore[operator]
        assert (el.tag, el.as_str()) == (tag, text)
        assert der.decode(der.string(tag, text)).raw == el.raw

    check()


@given(utc_datetimes)
def test_utc_time_round_trip(when: datetime) -> None:
    """UTCTime (1950-2049) decodes to the aware UTC datetime encoded."""
    el = der.decode(der.utc_time(when))
    assert (el.tag, el.as_time()) == (der.UTC_TIME, when)


@given(gen_datetimes)
def test_generalized_time_round_trip(when: datetime) -> None:
    """GeneralizedTime decodes to the aware UTC datetime encoded, any year 1-9999."""
    el = der.decode(der.generalized_time(when))
    assert (el.tag, el.as_time()) == (der.GENERALIZED_TIME, when)


@given(gen_datetimes)
def test_time_picks_utc_time_until_2049(when: datetime) -> None:
    """der.time() is UTCTime for 1950-2049 and GeneralizedTime otherwise (RFC 5280 4.1.2.5)."""
    el = der.decode(der.time(when))
    assert el.tag == (der.UTC_TIME if 1950 <= when.year <= 2049 else der.GENERALIZED_TIME)
    assert el.as_time() == when


def test_time_converts_other_zones_to_utc() -> None:
    """An aware non-UTC datetime is encoded as the same instant in UTC."""
    plus8 = datetime(2024, 1, 1, 8, 0, 0, tzinfo=UTC).astimezone(
        __import__("datetime").timezone(timedelta(hours=8))
    )
    assert der.utc_time(plus8) == der.tlv(der.UTC_TIME, b"240101080000Z")


def test_naive_datetime_refused() -> None:
    """A naive datetime is a ValidationError, not silently taken as local time."""
    with pytest.raises(ValidationError, match="naive"):
        der.utc_time(datetime(2024, 1, 1))


@given(st.lists(primitives, max_size=8))
def test_sequence_round_trip(parts: list[bytes]) -> None:
    """A SEQUENCE's children are the parts, in order."""
    el = der.decode(der.sequence(*parts))
    assert [c.raw for c in el.children] == parts


@given(st.lists(primitives, max_size=8))
def test_set_of_is_sorted(parts: list[bytes]) -> None:
    """SET OF holds the parts sorted by encoding (X.690 11.6)."""
    el = der.decode(der.set_of(parts))
    assert el.tag == der.SET
    assert [c.raw for c in el.children] == sorted(parts)


@given(tag_numbers, primitives)
def test_explicit_tag_round_trip(number: int, inner: bytes) -> None:
    """EXPLICIT [n] is a constructed context element wrapping the inner encoding."""
    el = der.decode(der.explicit(number, inner))
    assert (el.tag_class, el.constructed, el.number) == (der.CONTEXT, True, number)
    assert [c.raw for c in el.children] == [inner]


@given(tag_numbers, primitives | _constructed(primitives))
def test_implicit_tag_round_trip(number: int, inner: bytes) -> None:
    """IMPLICIT [n] keeps the content and constructed bit and replaces the tag."""
    el = der.decode(der.implicit(number, inner))
    original = der.decode(inner)
    assert (el.tag_class, el.number) == (der.CONTEXT, number)
    assert (el.constructed, el.content) == (original.constructed, original.content)


def test_high_tag_number_identifier_octets() -> None:
    """Tag numbers >= 31 use the 1F form with base-128 octets (X.690 8.1.2.4)."""
    assert der.context(31, b"")[:2] == b"\x9f\x1f"
    assert der.context(128, b"", constructed=True)[:3] == b"\xbf\x81\x00"
    el = der.decode(der.context(2**20, b"ab"))
    assert (el.number, el.header_length, el.content) == (2**20, 5, b"ab")
    assert el.name == f"[{2**20}]"


@given(encodings)
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_decode_encode_is_identity(encoded: bytes) -> None:
    """For valid DER, decode(x).encode() == x, and every element's raw slice re-encodes."""
    el = der.decode(encoded)
    assert el.encode() == encoded
    assert el.raw == encoded and el.end == len(encoded)
    stack = [el]
    while stack:
        node = stack.pop()
        assert node.encode() == node.raw
        assert node.content == encoded[node.content_offset : node.end]
        stack.extend(node.children)


# ---------------------------------------------------------------------------------------------
# Same bytes as pyasn1's DER encoder


def _pyasn1(value: object) -> bytes:
    return bytes(pyasn1_encoder.encode(value))


def _bits(data: bytes, unused: int) -> str:
    bits = "".join(f"{b:08b}" for b in data)
    return bits[: len(bits) - unused]


@given(st.booleans())
def test_boolean_matches_pyasn1(value: bool) -> None:
    """BOOLEAN equals pyasn1's DER."""
    assert der.boolean(value) == _pyasn1(univ.Boolean(value))


def _pyasn1_encodes_minimally(value: int) -> bool:
    """pyasn1 0.6 encodes -2**(8k-1) (-128, -32768, ...) with a redundant leading FF octet,
    which X.690 8.3.2 forbids; test_integer_boundaries_are_minimal checks such values."""
    magnitude = -value
    return not (value < 0 and magnitude & (magnitude - 1) == 0 and magnitude.bit_length() % 8 == 0)


@given(big_ints)
def test_integer_matches_pyasn1(value: int) -> None:
    """INTEGER and ENUMERATED equal pyasn1's DER."""
    assume(_pyasn1_encodes_minimally(value))
    assert der.integer(value) == _pyasn1(univ.Integer(value))
    assert der.enumerated(value) == _pyasn1(univ.Enumerated(value))


@given(bit_strings())
def test_bit_string_matches_pyasn1(value: tuple[bytes, int]) -> None:
    """BIT STRING with unused bits equals pyasn1's DER."""
    assert der.bit_string(*value) == _pyasn1(univ.BitString(binValue=_bits(*value)))


@given(st.binary(max_size=1000))
def test_octet_string_matches_pyasn1(value: bytes) -> None:
    """OCTET STRING (short and long lengths) equals pyasn1's DER."""
    assert der.octet_string(value) == _pyasn1(univ.OctetString(value))


def test_null_matches_pyasn1() -> None:
    """NULL equals pyasn1's DER."""
    assert der.null() == _pyasn1(univ.Null(""))


@given(oids())
def test_oid_matches_pyasn1(dotted: str) -> None:
    """OBJECT IDENTIFIER equals pyasn1's DER."""
    assert der.oid(dotted) == _pyasn1(univ.ObjectIdentifier(dotted))


@given(utf8_text, printable_text, ia5_text, visible_text, bmp_text)
def test_strings_match_pyasn1(u: str, p: str, i: str, v: str, b: str) -> None:
    """UTF8String, PrintableString, IA5String, VisibleString, BMPString equal pyasn1's DER."""
    assert der.utf8_string(u) == _pyasn1(char.UTF8String(u))
    assert der.printable_string(p) == _pyasn1(char.PrintableString(p))
    assert der.ia5_string(i) == _pyasn1(char.IA5String(i))
    assert der.visible_string(v) == _pyasn1(char.VisibleString(v))
    assert der.bmp_string(b) == _pyasn1(char.BMPString(b))


@given(utc_datetimes, gen_datetimes)
def test_times_match_pyasn1(u: datetime, g: datetime) -> None:
    """UTCTime and GeneralizedTime equal pyasn1's DER for the same text."""
    assert der.utc_time(u) == _pyasn1(useful.UTCTime(u.strftime("%y%m%d%H%M%SZ")))
    gtext = f"{g.year:04d}{g.strftime('%m%d%H%M%S')}Z"
    assert der.generalized_time(g) == _pyasn1(useful.GeneralizedTime(gtext))


@given(st.lists(big_ints, max_size=6), st.lists(st.binary(max_size=20), max_size=6))
def test_sequence_and_set_of_match_pyasn1(ints: list[int], blobs: list[bytes]) -> None:
    """SEQUENCE OF and SET OF (sorted) equal pyasn1's DER."""
    assume(all(_pyasn1_encodes_minimally(i) for i in ints))
    seq = univ.SequenceOf(componentType=univ.Integer())
    seq.extend(ints)
    assert der.sequence(*map(der.integer, ints)) == _pyasn1(seq)
    setof = univ.SetOf(componentType=univ.OctetString())
    setof.extend(blobs)
    assert der.set_of(map(der.octet_string, blobs)) == _pyasn1(setof)


@given(tag_numbers, big_ints)
def test_context_tags_match_pyasn1(number: int, value: int) -> None:
    """EXPLICIT and IMPLICIT context tags (high numbers too) equal pyasn1's DER."""
    assume(_pyasn1_encodes_minimally(value))
    exp = univ.Integer(value).subtype(
        explicitTag=tag.Tag(tag.tagClassContext, tag.tagFormatSimple, number)
    )
    imp = univ.Integer(value).subtype(
        implicitTag=tag.Tag(tag.tagClassContext, tag.tagFormatSimple, number)
    )
    assert der.explicit(number, der.integer(value)) == _pyasn1(exp)
    assert der.implicit(number, der.integer(value)) == _pyasn1(imp)


# ---------------------------------------------------------------------------------------------
# Strictness: one rejection per rule of issue 2, each a DecodeError naming the byte


def _rejects(data: bytes, match: str) -> None:
    with pytest.raises(DecodeError, match=match):
        der.decode(data)


def test_rejects_indefinite_length() -> None:
    """An indefinite length (80) is BER, not DER."""
    _rejects(b"\x30\x04\x30\x80\x00\x00", r"indefinite length is not DER at byte 2")


def test_rejects_non_minimal_long_length() -> None:
    """A long-form length with a leading zero octet is refused."""
    _rejects(b"\x04\x82\x00\x80" + bytes(128), r"non-minimal length encoding at byte 0")


def test_rejects_long_form_where_short_fits() -> None:
    """A long-form length below 128 is refused."""
    _rejects(b"\x30\x05\x04\x81\x01\x00\x05", r"non-minimal length encoding at byte 2")


def test_rejects_non_minimal_integer() -> None:
    """INTEGERs with a redundant leading 00 or FF octet are refused."""
    _rejects(b"\x02\x02\x00\x7f", r"non-minimal INTEGER encoding at byte 0")
    _rejects(b"\x30\x04\x02\x02\xff\x80", r"non-minimal INTEGER encoding at byte 2")


def test_rejects_empty_integer() -> None:
    """An INTEGER needs at least one content octet."""
    _rejects(b"\x30\x02\x02\x00", r"empty INTEGER at byte 2")


def test_rejects_boolean_other_than_00_ff() -> None:
    """BOOLEAN 01 is BER's true, not DER's."""
    _rejects(b"\x30\x03\x01\x01\x01", r"BOOLEAN must be one octet 00 or FF at byte 2")


def test_rejects_bit_string_with_more_than_7_unused_bits() -> None:
    """A BIT STRING's unused-bits octet is at most 7."""
    _rejects(b"\x03\x02\x08\x00", r"BIT STRING with 8 unused bits at byte 0")


def test_rejects_bit_string_nonzero_padding() -> None:
    """DER pads a BIT STRING with zero bits (X.690 11.2.1)."""
    _rejects(b"\x30\x04\x03\x02\x01\x01", r"padding bits are not zero at byte 2")


def test_rejects_constructed_octet_string() -> None:
    """A constructed OCTET STRING is BER only (X.690 10.2)."""
    _rejects(b"\x30\x05\x24\x03\x04\x01\x00", r"constructed OCTET STRING is not DER at byte 2")


def test_rejects_non_minimal_oid_arc() -> None:
    """An OID arc starting with 80 is padded."""
    _rejects(b"\x06\x03\x2a\x80\x01", r"non-minimal OBJECT IDENTIFIER arc at byte 0")


def test_rejects_truncated_oid_arc() -> None:
    """An OID whose last octet has the continuation bit set is truncated."""
    _rejects(b"\x06\x02\x2a\x86", r"truncated OBJECT IDENTIFIER arc at byte 0")


def test_rejects_oversized_oid_arc() -> None:
    """An absurdly large OID arc is a DecodeError (it would also overflow str(int))."""
    _rejects(b"\x06\x82\x09\x00" + b"\xff" * 2303 + b"\x7f", r"arc too large at byte 0")


@pytest.mark.parametrize(
    ("text", "case"),
    [
        (b"2401011200Z", "without seconds"),
        (b"240101120000.5Z", "with fraction"),
        (b"240101120000+0100", "with offset"),
        (b"240101120000", "without Z"),
        (b" 40101120000Z", "with a space for a digit"),
        (b"2401011200\xd9\xa0Z", "with a non-ASCII digit"),
    ],
)
def test_rejects_utc_time_not_in_rfc5280_form(text: bytes, case: str) -> None:
    """UTCTime must be YYMMDDHHMMSSZ: no missing seconds, fractions or offsets."""
    _rejects(
        der.sequence(der.tlv(der.UTC_TIME, text)), r"UTCTime not in YYMMDDHHMMSSZ form at byte 2"
    )


def test_rejects_generalized_time_with_fraction() -> None:
    """GeneralizedTime must be YYYYMMDDHHMMSSZ (RFC 5280 4.1.2.5.2)."""
    _rejects(der.tlv(der.GENERALIZED_TIME, b"20500101000000.1Z"), r"GeneralizedTime .* at byte 0")


@pytest.mark.parametrize(
    ("tag_octet", "text"),
    [
        (der.UTC_TIME, b"240230000000Z"),
        (der.UTC_TIME, b"230229000000Z"),
        (der.UTC_TIME, b"241301000000Z"),
        (der.UTC_TIME, b"240101240000Z"),
        (der.UTC_TIME, b"240101006000Z"),
        (der.UTC_TIME, b"240101000060Z"),
        (der.GENERALIZED_TIME, b"00000101000000Z"),
    ],
)
def test_rejects_impossible_date(tag_octet: int, text: bytes) -> None:
    """Well-formed but impossible dates and times (30 February, hour 24, ...) are refused."""
    _rejects(der.tlv(tag_octet, text), r"impossible date or time .* at byte 0")


def test_utc_time_years_follow_rfc5280() -> None:
    """UTCTime YY >= 50 is 19YY and YY < 50 is 20YY (RFC 5280 4.1.2.5.1)."""
    assert der.decode(der.tlv(der.UTC_TIME, b"500101000000Z")).as_time().year == 1950
    assert der.decode(der.tlv(der.UTC_TIME, b"491231235959Z")).as_time() == datetime(
        2049, 12, 31, 23, 59, 59, tzinfo=UTC
    )


def test_rejects_printable_string_with_at_sign() -> None:
    """'@' is outside the PrintableString alphabet."""
    _rejects(der.tlv(der.PRINTABLE_STRING, b"a@b"), r"outside PrintableString alphabet at byte 0")


def test_rejects_ia5_string_with_non_ascii() -> None:
    """IA5String is 7-bit."""
    _rejects(der.sequence(der.tlv(der.IA5_STRING, b"caf\xe9")), r"invalid IA5String .* at byte 2")


def test_rejects_invalid_utf8() -> None:
    """A UTF8String must be valid UTF-8."""
    _rejects(der.tlv(der.UTF8_STRING, b"\xc3("), r"invalid UTF8String .* at byte 0")


def test_rejects_odd_length_bmp_string() -> None:
    """A BMPString is made of 2-octet characters."""
    _rejects(der.tlv(der.BMP_STRING, b"\x00a\x00"), r"BMPString of odd length at byte 0")


def test_rejects_non_empty_null() -> None:
    """NULL has no content."""
    _rejects(b"\x05\x01\x00", r"NULL must be empty at byte 0")


def test_rejects_primitive_sequence() -> None:
    """SEQUENCE must be constructed."""
    _rejects(b"\x30\x02\x10\x00", r"primitive SEQUENCE at byte 2")


def test_rejects_end_of_contents() -> None:
    """Universal tag 0 (BER end-of-contents) is not a DER value."""
    _rejects(b"\x30\x02\x00\x00", r"end-of-contents octets are not DER at byte 2")


def test_rejects_non_minimal_high_tag() -> None:
    """High-tag form for a number below 31, or with a leading 80 octet, is refused."""
    _rejects(b"\x9f\x05\x00", r"high-tag form used for tag number 5 at byte 0")
    _rejects(b"\x30\x04\x9f\x80\x21\x00", r"non-minimal high tag number at byte 2")


def test_rejects_trailing_bytes() -> None:
    """Bytes after the top-level element are an error."""
    _rejects(der.null() + b"\x00", r"1 trailing bytes after the element at byte 2")


@pytest.mark.parametrize("cut", [1, 2, 5, 9])
def test_rejects_truncation(cut: int) -> None:
    """Input cut short anywhere is a DecodeError saying so."""
    data = der.sequence(der.integer(1), der.octet_string(b"abcdef"))
    _rejects(data[:cut], r"truncated.* at byte \d+")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x30\x01\x04", r"truncated, expected a length at byte 3"),  # cut after a tag
        (b"\x30\x03\x04\x81\x80", r"truncated OCTET STRING, length 128 runs past the end"),
        (b"\x30\x03\x04\x82\x01", r"truncated length at byte 2"),  # 82 xx cut by the parent
        (b"\x30\x03\x04\x82\x01\x00", r"truncated length at byte 2"),  # ... the data is longer
        (b"\x30\x82\x01", r"truncated length at byte 0"),  # 82 xx cut by the end of data
        (b"\x04\x81", r"truncated length at byte 0"),
        (b"\x04", r"truncated, expected a length at byte 1"),
        (b"\x30\x02\x04\x05", r"truncated OCTET STRING, length 5 runs past the end at byte 2"),
    ],
)
def test_truncated_headers_are_named(data: bytes, message: str) -> None:
    """A header cut short, by its parent or by the end of the data, says what is missing."""
    _rejects(data, message)


@pytest.mark.parametrize("size", [0, 1, 127, 128, 255, 256, 300, 65535, 65536])
def test_length_forms_round_trip(size: int) -> None:
    """Short, 81 xx, 82 xx xx and 83 forms decode to the right header length and content."""
    inner = der.octet_string(bytes(range(256)) * (size // 256) + bytes(size % 256))
    el = der.decode(der.sequence(inner, der.null()))
    child = el.children[0]
    assert child.header_length == len(inner) - size
    assert (child.length, child.content, child.raw) == (size, inner[-size:] if size else b"", inner)
    assert el.children[1].offset == child.end


def test_non_minimal_length_forms_inside_a_sequence() -> None:
    """81 with a value below 128 and 82 with a leading zero octet are refused when nested."""
    _rejects(b"\x30\x04\x04\x81\x00\x00", r"non-minimal length encoding at byte 2")
    _rejects(b"\x30\x84\x00\x00\x00\x04" + b"\x04\x82\x00\x00", r"non-minimal length")
    data = b"\x30\x81\x84\x04\x82\x00\x80" + bytes(128)
    _rejects(data, r"non-minimal length encoding at byte 3")


@pytest.mark.parametrize("number", [30, 31, 32, 127, 128, 2**20])
def test_tag_numbers_around_the_high_tag_boundary(number: int) -> None:
    """``number`` is right for low tags and for high tags (31 included), nested or not."""
    el = der.decode(der.sequence(der.context(number, b"ab"), der.explicit(number, der.null())))
    prim, cons = el.children
    assert (prim.number, prim.constructed, prim.content) == (number, False, b"ab")
    assert (cons.number, cons.constructed, cons.children[0].tag) == (number, True, der.NULL)
    assert el.encode() == el.raw
    assert der.decode(der.context(number, b"")).number == number


def test_trailing_elements_are_trailing_bytes() -> None:
    """Trailing bytes are reported as such whether or not they look like DER elements."""
    _rejects(der.null() + der.null(), r"^DER: 2 trailing bytes after the element at byte 2$")
    _rejects(der.null() + b"\x04\x05", r"^DER: 2 trailing bytes after the element at byte 2$")
    _rejects(b"\x30\x00\x30", r"^DER: 1 trailing bytes after the element at byte 2$")


def test_rejects_empty_input() -> None:
    """No bytes at all is a DecodeError."""
    _rejects(b"", r"empty input, expected a DER element at byte 0")


def test_rejects_absurd_length_octets() -> None:
    """More than four length octets is refused before any allocation."""
    _rejects(b"\x04\x89" + b"\x01" * 9, r"length of 9 octets is absurd at byte 0")


def test_rejects_length_beyond_input() -> None:
    """A 4 GB length in a short input is a truncation, found without reading further."""
    _rejects(
        b"\x30\x06\x04\x84\xff\xff\xff\xff",
        r"truncated OCTET STRING, length 4294967295 runs past the end at byte 2",
    )


def _nested(depth: int, tag_octet: int = der.SEQUENCE) -> bytes:
    headers = []
    length = 0
    for _ in range(depth):
        header = bytes((tag_octet,)) + der._length(length)
        headers.append(header)
        length += len(header)
    return b"".join(reversed(headers))


@pytest.mark.parametrize("tag_octet", [der.SEQUENCE, 0xA0])
def test_rejects_depth_bomb(tag_octet: int) -> None:
    """10000 nested SEQUENCEs (or [0]s) are a DecodeError, not a RecursionError."""
    data = _nested(10000, tag_octet)
    assert len(data) > 39000
    _rejects(data, rf"nesting deeper than {der.MAX_DEPTH} at byte \d+")


def test_accepts_nesting_up_to_max_depth() -> None:
    """Nesting to MAX_DEPTH is fine: the bound is not off by one on the strict side."""
    el = der.decode(_nested(der.MAX_DEPTH))
    assert el.encode() == _nested(der.MAX_DEPTH)


def test_error_names_what() -> None:
    """The `what` argument starts the message, for field paths."""
    with pytest.raises(DecodeError, match=r"^certificate: trailing|^certificate: 1 trailing"):
        der.decode(b"\x05\x00\x00", what="certificate")


def test_decode_rejects_wrong_python_type() -> None:
    """A str is a programmer error: TypeError, not DecodeError."""
    with pytest.raises(TypeError):
        der.decode("3000")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Element accessors and encoder argument checks


def test_expect_and_expect_children() -> None:
    """expect() checks the tag and expect_children() the count, naming the field."""
    el = der.decode(der.sequence(der.integer(1), der.null()))
    assert el.expect(der.SEQUENCE, "x") is el
    assert len(el.expect_children("x", 1, 2)) == 2
    with pytest.raises(DecodeError, match=r"^x\.y: expected INTEGER, found SEQUENCE at byte 0"):
        el.expect(der.INTEGER, "x.y")
    with pytest.raises(DecodeError, match=r"^x: expected 3 elements, found 2 at byte 0"):
        el.expect_children("x", 3)


def test_accessors_check_their_type() -> None:
    """as_time/as_str on the wrong type and whole-octet BIT STRINGs raise DecodeError."""
    assert der.decode(der.octet_string(b"x")).as_bytes() == b"x"
    with pytest.raises(DecodeError, match="expected UTCTime or GeneralizedTime"):
        der.decode(der.integer(5)).as_time("t")
    with pytest.raises(DecodeError, match="expected a string type"):
        der.decode(der.integer(5)).as_str("s")
    with pytest.raises(DecodeError, match="expected whole octets, found 3 unused bits"):
        der.decode(der.bit_string(b"\x80", 3)).as_bit_string_bytes("sig")


@pytest.mark.parametrize(
    "call",
    [
        lambda: der.bit_string(b"\x01", 1),
        lambda: der.bit_string(b"", 1),
        lambda: der.bit_string(b"\x00", 8),
        lambda: der.printable_string("a@b"),
        lambda: der.ia5_string("café"),
        lambda: der.visible_string("tab\t"),
        lambda: der.bmp_string("\U0001f600"),
        lambda: der.oid("3.1"),
        lambda: der.oid("1.40"),
        lambda: der.oid("1"),
        lambda: der.oid("1.2.x"),
        lambda: der.oid("1.2.-3"),
        lambda: der.oid("2.5.4.\u0663"),
        lambda: der.utc_time(datetime(2050, 1, 1, tzinfo=UTC)),
    ],
)
def test_encoders_refuse_invalid_values(call: object) -> None:
    """Encoders raise ValidationError for values DER cannot carry."""
    with pytest.raises(ValidationError):
        call()  # type: ignore[operator]


def test_encoders_refuse_wrong_python_types() -> None:
    """Wrong Python types stay TypeError."""
    with pytest.raises(TypeError):
        der.integer(True)
    with pytest.raises(TypeError):
        der.oid(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        der.utc_time("2024")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Hostile input: mutations of real DER only ever raise DecodeError, quickly


@st.composite
def mutations(draw: st.DrawFn, samples: tuple[bytes, ...]) -> bytes:
    data = bytearray(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "length", "splice", "insert", "delete"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[i:]
        elif kind == "length":
            # Overwrite what may be a length octet with a value chosen to confuse the parser.
            data[i] = draw(st.sampled_from([0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0x84, 0x85, 0xFF]))
        elif kind == "splice":
            other = draw(st.sampled_from(samples))
            j = draw(st.integers(0, len(other)))
            data[i:] = other[j:]
        elif kind == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[i : i + draw(st.integers(1, 16))]
    return bytes(data)


@pytest.fixture(scope="module")
def real_der(openssl_samples: object) -> tuple[bytes, ...]:
    return tuple(der_bytes for _, der_bytes in openssl_samples.items())  # type: ignore[attr-defined]


def test_mutated_real_der_only_raises_decode_error(real_der: tuple[bytes, ...]) -> None:
    """Bit flips, truncations, length corruptions, splices and insertions: DecodeError or a tree."""

    @given(mutations(real_der))
    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def check(data: bytes) -> None:
        try:
            el = der.decode(data)
        except DecodeError as e:
            assert " at byte " in str(e)
        else:
            assert el.encode() == data

    check()


@given(st.binary(max_size=200))
@settings(max_examples=300)
def test_random_bytes_only_raise_decode_error(data: bytes) -> None:
    """Arbitrary bytes decode or raise DecodeError, never anything else."""
    assume(data)
    try:
        el = der.decode(data)
    except DecodeError:
        return
    assert el.encode() == data


@given(encodings, st.data())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_valid_der_accessors_only_raise_decode_error(
    encoded: bytes, data: st.DataObject
) -> None:
    """Every typed accessor on every element of mutated DER raises only DecodeError."""
    buf = bytearray(encoded)
    i = data.draw(st.integers(0, len(buf) - 1))
    buf[i] ^= data.draw(st.integers(1, 255))
    try:
        root = der.decode(bytes(buf))
    except DecodeError:
        return
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        for accessor in (
            node.as_bool,
            node.as_int,
            node.as_oid,
            node.as_bits,
            node.as_null,
            node.as_time,
            node.as_str,
        ):
            with contextlib.suppress(DecodeError):
                accessor()


def test_decode_accepts_bytearray_and_memoryview() -> None:
    """bytearray and memoryview inputs decode like bytes."""
    data = der.sequence(der.integer(7))
    assert der.decode(bytearray(data)).encode() == data
    assert der.decode(memoryview(data)).encode() == data


@pytest.mark.parametrize(
    ("value", "content"),
    [
        *[(0, "00"), (127, "7f"), (128, "0080"), (255, "00ff"), (256, "0100")],
        *[(-1, "ff"), (-128, "80"), (-129, "ff7f"), (-32768, "8000"), (-32769, "ff7fff")],
    ],
)
def test_integer_boundaries_are_minimal(value: int, content: str) -> None:
    """INTEGER content at two's-complement boundaries is the minimal form (X.690 8.3.2)."""
    assert der.integer(value) == der.tlv(der.INTEGER, bytes.fromhex(content))


def test_import_minica_does_not_import_pyasn1() -> None:
    """`import minica` (and minica.der) stays light: pyasn1 is only a test oracle."""
    import subprocess
    import sys
    from pathlib import Path

    src = str(Path(__file__).resolve().parent.parent / "src")
    code = "import minica, minica.der, minica.pem, minica.oids, sys; print('pyasn1' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": src}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


_TYPED = [
    (der.oid("2.5.29.17"), "as_oid", "2.5.29.17"),
    (der.utf8_string("héllo"), "as_str", "héllo"),
    (der.printable_string("Example Co"), "as_str", "Example Co"),
    (der.ia5_string("a@b"), "as_str", "a@b"),
    (der.bmp_string("中文"), "as_str", "中文"),
    (der.utc_time(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)), "as_time", None),
    (der.generalized_time(datetime(2050, 1, 2, 3, 4, 5, tzinfo=UTC)), "as_time", None),
]


@pytest.mark.parametrize(("encoded", "accessor", "value"), _TYPED)
def test_typed_accessors_after_decode(encoded: bytes, accessor: str, value: object) -> None:
    """as_oid/as_str/as_time give the same value nested or not, and refuse other types."""
    nested = der.decode(der.sequence(der.null(), encoded)).children[1]
    top = der.decode(encoded)
    # An element made by hand (no value found by the decoder) decodes its content itself.
    made = der.Element(encoded, top.tag, top.number, 0, top.header_length, top.length, ())
    results = {getattr(el, accessor)() for el in (nested, top, made)}
    assert len(results) == 1
    if value is not None:
        assert results == {value}
    for other in {"as_oid", "as_str", "as_time"} - {accessor}:
        if other == "as_oid":
            continue  # as_oid reads any content as arcs (implicitly tagged OIDs)
        with pytest.raises(DecodeError):
            getattr(nested, other)()


def test_as_oid_of_an_implicitly_tagged_element() -> None:
    """as_oid reads an [8] registeredID's content as an OID, not a value kept for another type."""
    el = der.decode(der.sequence(der.implicit(8, der.oid("1.2.3.4")), der.utf8_string("é")))
    assert el.children[0].as_oid() == "1.2.3.4"
    with pytest.raises(DecodeError):
        el.children[1].as_oid()
