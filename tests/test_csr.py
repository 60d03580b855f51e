"""PKCS#10 requests: building, parsing, verifying and text (minica.csr)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyasn1.codec.der import decoder as pyasn1_decoder
from pyasn1_modules import rfc2986

from minica import der, oids, pem
from minica.csr import CertificateSigningRequest, create_csr, load_csr
from minica.errors import DecodeError, InvalidSignature, ValidationError
from minica.extensions import (
    BasicConstraints,
    DNSName,
    ExtendedKeyUsage,
    GeneralName,
    IPAddress,
    KeyUsage,
    SubjectAlternativeName,
)
from minica.keys import RSAPrivateKey, load_private_key
from minica.name import Name

DATA = Path(__file__).parent / "data"
CERTS = DATA / "certs"
GOLDEN = ("csr-basic", "csr-san-only", "csr-attrs", "csr-many", "csr-pss")


def golden(name: str) -> CertificateSigningRequest:
    return load_csr((CERTS / f"{name}.pem").read_text())


@pytest.fixture(scope="module")
def key() -> RSAPrivateKey:
    return load_private_key((DATA / "keys" / "rsa2048-b.pem").read_bytes())


def san_names(csr: CertificateSigningRequest) -> tuple[GeneralName, ...]:
    san = csr.extensions.get(SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName)
    return san.names


# -- golden openssl requests --------------------------------------------------------------------


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_verifies(name: str) -> None:
    """Every openssl-made request verifies (proof of possession)."""
    golden(name).verify()


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_text_equals_openssl(name: str) -> None:
    """to_text() equals `openssl req -text -noout`."""
    assert golden(name).to_text() == (CERTS / f"{name}.txt").read_text()


def test_golden_san_only() -> None:
    """An empty subject with a critical SAN parses."""
    csr = golden("csr-san-only")
    assert not csr.subject and csr.subject.der == b"\x30\x00"
    san = csr.extensions.get(SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName) and san.critical
    assert san_names(csr) == (
        DNSName("san-only.example.com"),
        IPAddress(ipaddress.ip_address("10.0.0.5")),
    )


def test_golden_attributes() -> None:
    """challengePassword, unstructuredName and the extension request are all kept, in order."""
    csr = golden("csr-attrs")
    assert [a.oid for a in csr.attributes] == [
        oids.CHALLENGE_PASSWORD,
        oids.UNSTRUCTURED_NAME,
        oids.EXTENSION_REQUEST,
    ]
    assert csr.challenge_password == "s3cret pass"
    assert csr.attributes[1].texts() == ("Example Unstructured",)
    ku = csr.extensions.get(KeyUsage)
    assert isinstance(ku, KeyUsage) and ku.critical and ku.digital_signature


def test_golden_many_extensions() -> None:
    """Requested CA:TRUE and an unknown critical extension are read, not judged."""
    csr = golden("csr-many")
    bc = csr.extensions.get(BasicConstraints)
    assert isinstance(bc, BasicConstraints) and bc.ca
    unknown = csr.extensions.get("1.3.6.1.4.1.55555.3")
    assert unknown is not None and unknown.critical
    assert len(list(csr.extensions)) == 6


def test_golden_fields_match_pyasn1() -> None:
    """Subject and attribute types agree with pyasn1's rfc2986 decoding."""
    csr = golden("csr-attrs")
    ref, _ = pyasn1_decoder.decode(csr.der, asn1Spec=rfc2986.CertificationRequest())
    info = ref["certificationRequestInfo"]
    assert [str(a["type"]) for a in info["attributes"]] == [a.oid for a in csr.attributes]
    assert csr.info_der == csr.der[4 : 4 + len(csr.info_der)]


def test_no_extensions_is_empty() -> None:
    """A request without extensionRequest has empty (falsy) extensions."""
    csr = golden("csr-basic")
    assert not csr.extensions and csr.attributes == ()


def test_pss_request() -> None:
    """A PSS-signed request reports PSS and verifies."""
    csr = golden("csr-pss")
    assert csr.signature_algorithm.pss and csr.signature_algorithm.salt_length == 32
    csr.verify()


def test_new_certificate_request_label() -> None:
    """The old NEW CERTIFICATE REQUEST label is read too."""
    csr = golden("csr-basic")
    old = pem.encode(csr.der, "NEW CERTIFICATE REQUEST")
    assert load_csr(old) == csr


def test_der_input() -> None:
    """load_csr takes DER."""
    assert load_csr((CERTS / "csr-attrs.der").read_bytes()) == golden("csr-attrs")


def test_load_csr_given_certificate() -> None:
    """A certificate PEM given to load_csr is a DecodeError naming CERTIFICATE REQUEST."""
    with pytest.raises(DecodeError, match="CERTIFICATE REQUEST"):
        load_csr((CERTS / "root.pem").read_text())


# -- building -----------------------------------------------------------------------------------


def test_create_round_trip(key: RSAPrivateKey) -> None:
    """A created request parses back with subject, key, SAN and verifies."""
    csr = create_csr(key, "/C=CN/O=Example/CN=www.example.com", san=["www.example.com", "10.0.0.5"])
    csr.verify()
    assert csr.subject == Name.parse("/C=CN/O=Example/CN=www.example.com")
    assert csr.public_key == key.public_key()
    san = csr.extensions.get(SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName) and not san.critical
    assert san.names == (DNSName("www.example.com"), IPAddress(ipaddress.ip_address("10.0.0.5")))


def test_create_without_extensions_has_no_extension_request(key: RSAPrivateKey) -> None:
    """Without extensions there is no extensionRequest attribute (an empty [0])."""
    csr = create_csr(key, "/CN=plain")
    assert csr.attributes == ()
    info = der.decode(csr.info_der)
    assert info.children[3].tag == 0xA0 and info.children[3].length == 0


def test_create_key_usage_and_eku(key: RSAPrivateKey) -> None:
    """key_usage and extended_key_usage take openssl names."""
    csr = create_csr(
        key,
        "/CN=x",
        key_usage=["digitalSignature", "keyEncipherment"],
        extended_key_usage=["serverAuth", "1.2.3.4"],
    )
    ku = csr.extensions.get(KeyUsage)
    assert isinstance(ku, KeyUsage) and ku.digital_signature and ku.key_encipherment
    eku = csr.extensions.get(ExtendedKeyUsage)
    assert isinstance(eku, ExtendedKeyUsage) and eku.usages == (oids.SERVER_AUTH, "1.2.3.4")


def test_create_unknown_key_usage(key: RSAPrivateKey) -> None:
    """An unknown key usage name is a ValidationError naming it."""
    with pytest.raises(ValidationError, match="signEverything"):
        create_csr(key, "/CN=x", key_usage=["signEverything"])


def test_create_challenge_password(key: RSAPrivateKey) -> None:
    """challenge_password becomes a UTF8String challengePassword attribute."""
    csr = create_csr(key, "/CN=x", challenge_password="pa55 wörd")
    assert csr.challenge_password == "pa55 wörd"
    assert der.decode(csr.attributes[0].values[0]).tag == der.UTF8_STRING


def test_empty_subject_needs_san(key: RSAPrivateKey) -> None:
    """An empty subject without SAN is refused; with SAN the SAN is critical."""
    with pytest.raises(ValidationError, match="empty subject"):
        create_csr(key, "")
    csr = create_csr(key, "", san=["only.example.com"])
    san = csr.extensions.get(SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName) and san.critical


def test_create_pss_sha512(key: RSAPrivateKey) -> None:
    """hash= and pss= choose the signature algorithm."""
    csr = create_csr(key, "/CN=x", hash="sha512", pss=True)
    assert csr.signature_algorithm.hash == "sha512" and csr.signature_algorithm.pss
    csr.verify()


def test_attributes_sorted_as_der_set(key: RSAPrivateKey) -> None:
    """Built attributes are a DER SET OF (sorted by encoding)."""
    csr = create_csr(key, "/CN=x", san=["a.example"], challenge_password="pw")
    raws = [a.to_der() for a in csr.attributes]
    assert raws == sorted(raws)


def test_wrong_key_type(key: RSAPrivateKey) -> None:
    """A public key instead of a private key is a TypeError."""
    with pytest.raises(TypeError):
        create_csr(key.public_key(), "/CN=x")  # type: ignore[arg-type]


# -- bad input ----------------------------------------------------------------------------------


def test_bad_signature_raises_invalid_signature(key: RSAPrivateKey) -> None:
    """A request whose signature does not verify raises InvalidSignature."""
    csr = create_csr(key, "/CN=x")
    data = bytearray(csr.der)
    data[-1] ^= 1
    with pytest.raises(InvalidSignature):
        CertificateSigningRequest.from_der(bytes(data)).verify()


def test_tampered_subject_fails_verify(key: RSAPrivateKey) -> None:
    """Changing the subject breaks the signature."""
    csr = create_csr(key, "/CN=aaaa")
    data = csr.der.replace(b"aaaa", b"bbbb")
    with pytest.raises(InvalidSignature):
        load_csr(data).verify()


def test_version_must_be_zero(key: RSAPrivateKey) -> None:
    """A version other than 0 names the version field."""
    csr = create_csr(key, "/CN=x")
    info = der.decode(csr.der).children[0]
    v = info.children[0]
    data = csr.der[: v.offset + 2] + b"\x01" + csr.der[v.offset + 3 :]
    with pytest.raises(DecodeError, match=r"certificationRequestInfo\.version"):
        load_csr(data)


def test_ec_request_kept(tmp_path: Path) -> None:
    """A request for a non-RSA key parses; public_key says the key type is unsupported."""
    info = der.decode(golden("csr-basic").info_der)
    ec_spki = (
        der.decode(pem.decode((CERTS / "leaf-ec.pem").read_text(), ["CERTIFICATE"]).der)
        .children[0]
        .children[6]
        .raw
    )
    new_info = der.sequence(info.children[0].raw, info.children[1].raw, ec_spki, b"\xa0\x00")
    alg = der.decode(golden("csr-basic").der).children[1].raw
    csr = load_csr(der.sequence(new_info, alg, der.bit_string(b"\x00" * 8)))
    assert csr.key_algorithm == oids.EC_PUBLIC_KEY
    with pytest.raises(ValidationError, match="RSA only"):
        csr.public_key  # noqa: B018
    # An RSA signature algorithm over an EC key cannot verify.
    with pytest.raises(InvalidSignature, match="not RSA"):
        csr.verify()


def test_decode_error_names_field(key: RSAPrivateKey) -> None:
    """A DER error inside the subject names certificationRequestInfo.subject."""
    csr = create_csr(key, "/C=CN/CN=x")
    country = der.decode(csr.der).children[0].children[1].children[0].children[0].children[1]
    start = country.offset + country.header_length
    data = csr.der[:start] + b"C*" + csr.der[start + 2 :]  # '*' is not PrintableString
    with pytest.raises(DecodeError, match=r"certificationRequestInfo\.subject: .* at byte"):
        load_csr(data)


_SAMPLES = [golden(n).der for n in ("csr-attrs", "csr-many", "csr-san-only")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(_SAMPLES),
    edits=st.lists(st.tuples(st.integers(0, 1500), st.integers(0, 255)), min_size=1, max_size=4),
)
def test_mutated_requests_raise_only_decode_error(
    sample: bytes, edits: list[tuple[int, int]]
) -> None:
    """Byte-mutated requests parse or raise DecodeError, nothing else."""
    data = bytearray(sample)
    for pos, value in edits:
        data[pos % len(data)] = value
    try:
        csr = CertificateSigningRequest.from_der(bytes(data))
    except DecodeError:
        return
    csr.to_text()
