"""X.501 Names (minica.name): parsing DER names, the fast walk against the careful one."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minica import der, name, oids
from minica.errors import DecodeError
from minica.name import Name, NameAttribute

_STRING_TYPES = [
    (der.UTF8_STRING, st.text(min_size=1, max_size=20)),
    (der.PRINTABLE_STRING, st.text(alphabet="ABCXYZabc019 '()+,-./:=?", min_size=1, max_size=20)),
    (der.IA5_STRING, st.text(alphabet=st.characters(max_codepoint=0x7F), min_size=1)),
    (der.BMP_STRING, st.text(alphabet=st.characters(max_codepoint=0xD7FF), min_size=1)),
]
_TYPES = [oids.COMMON_NAME, oids.ORGANIZATION_NAME, oids.COUNTRY_NAME, "1.2.3.4.5"]


@st.composite
def attributes(draw: st.DrawFn) -> NameAttribute:
    tag, values = draw(st.sampled_from(_STRING_TYPES))
    return NameAttribute(oid=draw(st.sampled_from(_TYPES)), value=draw(values), tag=tag)


def _raw_name(*rdns: bytes) -> bytes:
    return der.sequence(*rdns)


def _atv(type_der: bytes, value_der: bytes) -> bytes:
    return der.sequence(type_der, value_der)


@settings(max_examples=150)
@given(st.lists(st.lists(attributes(), min_size=1, max_size=3), max_size=5))
def test_built_names_parse_back_equal(rdns: list[list[NameAttribute]]) -> None:
    """Any built Name (multi-valued RDNs, mixed string types) parses back equal, field by field."""
    built = Name.build(rdns)
    parsed = Name.from_der(built.der)
    assert parsed == built
    assert parsed.rdns == built.rdns
    el = der.decode(built.der)
    assert name._rdns_fast(el) == name._rdns_checked(el, "Name") == built.rdns


def test_parsed_values_are_frozen_value_objects() -> None:
    """Parsed NameAttribute and Name compare, hash and refuse assignment like built ones."""
    built = Name.parse("/C=CN/O=Example/CN=host")
    parsed = Name.from_der(built.der)
    attr = parsed.rdns[0][0]
    assert attr == NameAttribute(oid=oids.COUNTRY_NAME, value="CN", tag=der.PRINTABLE_STRING)
    assert hash(attr) == hash(built.rdns[0][0])
    assert {parsed: 1}[built] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        attr.value = "US"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.der = b""  # type: ignore[misc]
    assert dataclasses.replace(parsed, der=built.der) == built


def test_non_string_values_keep_their_der() -> None:
    """A value that is not a string type is kept as # + hex of its DER (RFC 4514 form)."""
    data = _raw_name(der.set_of([_atv(der.oid("1.2.3.4"), der.integer(5))]))
    (attr,) = Name.from_der(data).rdns[0]
    assert (attr.value, attr.tag, attr.value_der()) == ("#020105", der.INTEGER, der.integer(5))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (der.set_of([]), r"^Name: expected SEQUENCE, found SET at byte 0$"),
        (_raw_name(der.set_of([])), r"^Name\.rdn\[0\]: empty RDN at byte 2$"),
        (
            _raw_name(der.set_of([_atv(der.oid("2.5.4.3"), der.utf8_string("a"))]), der.null()),
            r"^Name\.rdn\[1\]: expected SET, found NULL at byte 14$",
        ),
        (
            _raw_name(der.set_of([der.sequence(der.oid("2.5.4.3"))])),
            r"^Name\.rdn\[0\]: expected 2 elements, found 1 at byte 4$",
        ),
        (
            _raw_name(der.set_of([_atv(der.integer(3), der.utf8_string("a"))])),
            r"^Name\.rdn\[0\]\.type: expected OBJECT IDENTIFIER, found INTEGER at byte 6$",
        ),
    ],
)
def test_malformed_names_name_the_path(data: bytes, message: str) -> None:
    """Every malformed Name is a DecodeError naming the RDN path and byte."""
    with pytest.raises(DecodeError, match=message):
        Name.from_der(data)


def test_hand_made_elements_parse_like_decoded_ones() -> None:
    """A Name tree built by hand (no values kept by decode()) parses to the decoded Name."""
    good = _raw_name(der.set_of([_atv(der.oid("2.5.4.3"), der.utf8_string("host"))]))
    el = der.decode(good)
    atv = el.children[0].children[0]
    type_el, value_el = atv.children
    made = [
        der.Element(good, e.tag, e.number, e.offset, e.header_length, e.length, ())
        for e in (type_el, value_el)
    ]
    made_atv = der.Element(good, der.SEQUENCE, 16, 4, 2, atv.length, tuple(made))
    made_rdn = der.Element(good, der.SET, 17, 2, 2, el[0].length, (made_atv,))
    made_name = der.Element(good, der.SEQUENCE, 16, 0, 2, el.length, (made_rdn,))
    assert Name.from_element(made_name) == Name.from_der(good)
    assert Name.from_element(made_name).rdns == Name.from_der(good).rdns


def test_bad_string_in_a_hand_made_element_names_the_path() -> None:
    """Invalid UTF-8 or PrintableString in an element not from decode() is still refused."""
    for tag, content in ((der.UTF8_STRING, b"\xff"), (der.PRINTABLE_STRING, b"a*b")):
        good = _raw_name(der.set_of([_atv(der.oid("2.5.4.3"), der.tlv(tag, b"x" * len(content)))]))
        data = good[: -len(content)] + content
        el = der.decode(good)
        atv = el.children[0].children[0]
        bad_value = der.Element(data, tag, tag, 11, 2, len(content), ())
        bad_atv = der.Element(data, der.SEQUENCE, 16, 4, 2, atv.length, (atv[0], bad_value))
        bad_rdn = der.Element(data, der.SET, 17, 2, 2, el[0].length, (bad_atv,))
        bad = der.Element(data, der.SEQUENCE, 16, 0, 2, el.length, (bad_rdn,))
        with pytest.raises(DecodeError, match=r"^Name\.rdn\[0\]\.value: .* at byte 11$"):
            Name.from_element(bad)
