"""X.509 certificates: the TBSCertificate builder, strict parsing, verification, text (minica.cert)."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyasn1.codec.der import decoder as pyasn1_decoder
from pyasn1_modules import rfc5280

from minica import der, oids, pem
from minica.algorithms import SignatureAlgorithm
from minica.cert import Certificate, TBSCertificate, load_certificate, load_certificates
from minica.errors import DecodeError, InvalidSignature, ValidationError
from minica.extensions import (
    BasicConstraints,
    ExtendedKeyUsage,
    KeyUsage,
    SubjectAlternativeName,
)
from minica.keys import RSAPrivateKey, load_private_key
from minica.name import Name

DATA = Path(__file__).parent / "data"
CERTS = DATA / "certs"
# golden certificate -> the golden certificate that issued it
ISSUERS = {
    "root": "root",
    "inter": "root",
    "leaf-many": "inter",
    "leaf-ca": "root",
    "leaf-pss": "root",
    "leaf-sha512": "root",
    "leaf-v1": "root",
    "leaf-ec": "root",
}
NOW = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)


def golden(name: str) -> Certificate:
    return load_certificate((CERTS / f"{name}.pem").read_text())


@pytest.fixture(scope="module")
def key_a() -> RSAPrivateKey:
    return load_private_key((DATA / "keys" / "rsa2048-a.pem").read_bytes())


@pytest.fixture(scope="module")
def key_b() -> RSAPrivateKey:
    return load_private_key((DATA / "keys" / "rsa2048-b.pem").read_bytes())


def tbs_for(key: RSAPrivateKey, **changes: object) -> TBSCertificate:
    fields: dict[str, object] = {
        "serial_number": 0x1A2B,
        "issuer": Name.parse("/CN=Test CA"),
        "subject": Name.parse("/CN=leaf"),
        "not_valid_before": NOW,
        "not_valid_after": NOW + timedelta(days=30),
        "public_key": key.public_key(),
    }
    fields.update(changes)
    return TBSCertificate(**fields)  # type: ignore[arg-type]


# -- golden openssl certificates ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ISSUERS))
def test_golden_verifies_against_issuer(name: str) -> None:
    """Every openssl-made golden certificate verifies against its issuer's key."""
    golden(name).verify_signature(golden(ISSUERS[name]))


@pytest.mark.parametrize("name", sorted(ISSUERS))
def test_golden_text_equals_openssl(name: str) -> None:
    """to_text() equals `openssl x509 -text -noout` of the same certificate."""
    assert golden(name).to_text() == (CERTS / f"{name}.txt").read_text()


@pytest.mark.parametrize("name", sorted(n for n in ISSUERS if n != "leaf-v1"))
def test_golden_rebuilt_tbs_is_byte_exact(name: str) -> None:
    """The builder fed a parsed v3 certificate's fields re-encodes its TBS byte for byte."""
    cert = golden(name)
    assert cert.to_tbs().to_der() == cert.tbs_der


@pytest.mark.parametrize("name", sorted(ISSUERS))
def test_golden_extensions_reencode(name: str) -> None:
    """Parsed extensions re-encode to the exact bytes inside the certificate."""
    cert = golden(name)
    tbs = der.decode(cert.tbs_der)
    raw = [f[0].raw for f in tbs.children if f.tag == 0xA3]
    assert (cert.extensions.to_der() if cert.extensions else None) == (raw[0] if raw else None)


def test_golden_fields_match_pyasn1() -> None:
    """Serial, validity, names and key of leaf-many agree with pyasn1's rfc5280 decoding."""
    cert = golden("leaf-many")
    ref, _ = pyasn1_decoder.decode(cert.der, asn1Spec=rfc5280.Certificate())
    tbs = ref["tbsCertificate"]
    assert int(tbs["serialNumber"]) == cert.serial_number
    assert tbs["validity"]["notAfter"].getComponent().asDateTime == cert.not_valid_after
    assert bytes(tbs["subjectPublicKeyInfo"]["subjectPublicKey"].asOctets()) == (
        cert.public_key.pkcs1_der()
    )
    assert cert.version == 3 and int(tbs["version"]) == 2


def test_golden_leaf_many_extensions() -> None:
    """leaf-many's typed extensions carry what make.sh asked openssl for."""
    cert = golden("leaf-many")
    bc = cert.extensions.get(BasicConstraints)
    assert isinstance(bc, BasicConstraints) and bc.critical and not bc.ca
    ku = cert.extensions.get(KeyUsage)
    assert isinstance(ku, KeyUsage) and ku.digital_signature and ku.key_agreement
    assert not ku.key_cert_sign
    eku = cert.extensions.get(ExtendedKeyUsage)
    assert isinstance(eku, ExtendedKeyUsage)
    assert eku.usages[:2] == (oids.SERVER_AUTH, oids.CLIENT_AUTH) and eku.usages[-1] == "1.2.3.4.5"
    san = cert.extensions.get(SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName) and len(san.names) == 7


def test_v1_certificate() -> None:
    """A version 1 certificate (no [0] version) parses with version 1 and no extensions."""
    cert = golden("leaf-v1")
    assert cert.version == 1 and not cert.extensions and cert.serial_number == 4096


def test_generalized_time_after_2049() -> None:
    """openssl ca's notAfter in 2055 is a GeneralizedTime read as 2055."""
    cert = golden("leaf-ca")
    assert cert.not_valid_after == datetime(2055, 1, 1, tzinfo=UTC)
    assert cert.not_valid_before == datetime(2024, 1, 1, tzinfo=UTC)


def test_pss_certificate_algorithm() -> None:
    """A PSS-signed certificate reports RSASSA-PSS with sha384 and a 48-byte salt."""
    alg = golden("leaf-pss").signature_algorithm
    assert alg.pss and alg.hash == "sha384" and alg.salt_length == 48


def test_ec_key_kept_but_not_usable() -> None:
    """A non-RSA subject key keeps its SPKI; public_key names the algorithm it cannot use."""
    cert = golden("leaf-ec")
    assert cert.key_algorithm == oids.EC_PUBLIC_KEY
    assert der.decode(cert.spki_der).tag == der.SEQUENCE
    with pytest.raises(ValidationError, match="id-ecPublicKey"):
        cert.public_key  # noqa: B018


def test_wrong_issuer_raises_invalid_signature() -> None:
    """A signature checked against the wrong key raises InvalidSignature."""
    with pytest.raises(InvalidSignature):
        golden("leaf-many").verify_signature(golden("root"))


def test_der_and_pem_load_the_same() -> None:
    """load_certificate takes DER bytes, PEM bytes and PEM str alike."""
    pem_text = (CERTS / "root.pem").read_text()
    by_der = load_certificate((CERTS / "root.der").read_bytes())
    assert by_der == load_certificate(pem_text) == load_certificate(pem_text.encode())
    assert by_der.to_pem() == pem_text


def test_load_certificate_given_a_key_says_certificate() -> None:
    """Given a PEM private key, load_certificate says it expected a CERTIFICATE."""
    with pytest.raises(DecodeError, match="CERTIFICATE"):
        load_certificate((DATA / "keys" / "rsa2048-a.pem").read_text())


def test_load_certificates_keeps_order() -> None:
    """load_certificates returns every CERTIFICATE block in bundle order, skipping others."""
    bundle = (
        "".join((CERTS / f).read_text() for f in ("leaf-many.pem", "inter.pem", "root.pem"))
        + (DATA / "keys" / "rsa2048-a.pub.pem").read_text()
    )
    certs = load_certificates(bundle)
    assert [c.subject.common_name for c in certs] == [
        "www.example.com",
        "Example Intermediate CA",
        "Example Root CA",
    ]


def test_load_certificates_without_certificates() -> None:
    """A bundle with no certificate in it is a DecodeError."""
    with pytest.raises(DecodeError, match="CERTIFICATE"):
        load_certificates((DATA / "keys" / "rsa2048-a.pub.pem").read_text())


def test_repr_is_short() -> None:
    """repr shows serial, subject and the start of the SHA-256 fingerprint."""
    cert = golden("leaf-ca")
    fp = hashlib.sha256(cert.der).hexdigest()[:8]
    assert repr(cert) == f"<Certificate serial=0x2a subject='/CN=leaf.example.com' sha256={fp}...>"


def test_fingerprint() -> None:
    """fingerprint() is the digest of the DER; unknown hashes are a ValidationError."""
    cert = golden("root")
    assert cert.fingerprint() == hashlib.sha256(cert.der).digest()
    assert cert.fingerprint("sha1") == hashlib.sha1(cert.der).digest()
    with pytest.raises(ValidationError, match="hash"):
        cert.fingerprint("md4")


# -- building and signing -----------------------------------------------------------------------


def test_sign_round_trip(key_a: RSAPrivateKey) -> None:
    """A signed TBSCertificate parses back to the same fields and verifies."""
    ext = BasicConstraints(ca=False, critical=True)
    cert = tbs_for(key_a, extensions=[ext]).sign(key_a)
    assert cert.serial_number == 0x1A2B and cert.version == 3
    assert cert.subject == Name.parse("/CN=leaf") and cert.issuer == Name.parse("/CN=Test CA")
    assert cert.not_valid_before == NOW and cert.public_key == key_a.public_key()
    assert cert.extensions.get(BasicConstraints) == ext
    cert.verify_signature(key_a.public_key())


def test_tbs_to_der_is_what_gets_signed(key_a: RSAPrivateKey) -> None:
    """The certificate's tbs_der is exactly TBSCertificate.to_der()."""
    tbs = tbs_for(key_a)
    cert = tbs.sign(key_a)
    assert cert.tbs_der == tbs.to_der()
    key_a.public_key().verify(cert.signature, tbs.to_der())


def test_sign_lists_every_missing_field(key_a: RSAPrivateKey) -> None:
    """sign() names all missing fields in one ValidationError."""
    with pytest.raises(ValidationError) as info:
        TBSCertificate(serial_number=5).sign(key_a)
    message = str(info.value)
    for name in ("issuer", "subject", "not_valid_before", "not_valid_after", "public_key"):
        assert name in message
    assert "serial_number" not in message


@pytest.mark.parametrize("serial", [0, -1, 1 << 160])
def test_bad_serials(key_a: RSAPrivateKey, serial: int) -> None:
    """Serials must be positive and at most 20 octets."""
    with pytest.raises(ValidationError, match="serial"):
        tbs_for(key_a, serial_number=serial)


def test_twenty_octet_serial_accepted(key_a: RSAPrivateKey) -> None:
    """The largest 20-octet positive serial is accepted."""
    serial = (1 << 159) - 1
    assert tbs_for(key_a, serial_number=serial).sign(key_a).serial_number == serial


def test_naive_datetime_rejected(key_a: RSAPrivateKey) -> None:
    """A naive datetime is a ValidationError naming the field."""
    with pytest.raises(ValidationError, match="not_valid_after"):
        tbs_for(key_a, not_valid_after=datetime(2030, 1, 1))


def test_validity_order_checked(key_a: RSAPrivateKey) -> None:
    """notAfter before notBefore is a ValidationError."""
    with pytest.raises(ValidationError, match="before"):
        tbs_for(key_a, not_valid_after=NOW - timedelta(seconds=1))


def test_time_choice_utc_through_2049(key_a: RSAPrivateKey) -> None:
    """2049 is a UTCTime, 2050 a GeneralizedTime (RFC 5280 4.1.2.5)."""
    last = datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC)
    first = datetime(2050, 1, 1, tzinfo=UTC)
    tbs = tbs_for(key_a, not_valid_before=last, not_valid_after=first)
    validity = der.decode(tbs.to_der()).children[4]
    assert [t.tag for t in validity.children] == [der.UTC_TIME, der.GENERALIZED_TIME]
    cert = tbs.sign(key_a)
    assert (cert.not_valid_before, cert.not_valid_after) == (last, first)


def test_other_timezones_converted(key_a: RSAPrivateKey) -> None:
    """Aware datetimes in other zones are stored in UTC; microseconds dropped."""
    tz = timezone(timedelta(hours=8))
    tbs = tbs_for(key_a, not_valid_before=datetime(2024, 6, 1, 20, 0, 0, 999, tzinfo=tz))
    assert tbs.not_valid_before == NOW


def test_sign_with_pss_and_sha384(key_a: RSAPrivateKey) -> None:
    """sign(hash=, pss=) sets the algorithm in both TBS and outer fields."""
    cert = tbs_for(key_a).sign(key_a, hash="sha384", pss=True)
    assert cert.signature_algorithm == SignatureAlgorithm(hash="sha384", pss=True)
    cert.verify_signature(key_a.public_key())


def test_str_names_parsed(key_a: RSAPrivateKey) -> None:
    """issuer/subject given as openssl strings become Names."""
    tbs = tbs_for(key_a, issuer="/C=CN/CN=Str CA", subject="CN=leaf,O=Example")
    assert tbs.issuer == Name.parse("/C=CN/CN=Str CA")
    assert tbs.subject == Name.parse("/O=Example/CN=leaf")


def test_spki_der_kept_exactly(key_a: RSAPrivateKey) -> None:
    """A non-RSA spki_der (an EC key) is put into the certificate as given."""
    ec = golden("leaf-ec")
    cert = tbs_for(key_a, public_key=None, spki_der=ec.spki_der).sign(key_a)
    assert cert.spki_der == ec.spki_der


def test_issuer_bytes_kept(key_a: RSAPrivateKey) -> None:
    """An issuer Name parsed from openssl DER is put into a new certificate unchanged."""
    root = golden("root")
    cert = tbs_for(key_a, issuer=root.subject).sign(key_a)
    assert cert.issuer.der == root.subject.der
    assert cert.tbs_der.find(root.subject.der) > 0


def test_wrong_types_are_type_errors(key_a: RSAPrivateKey) -> None:
    """Programmer type mistakes stay TypeError."""
    with pytest.raises(TypeError):
        tbs_for(key_a, serial_number="12")
    with pytest.raises(TypeError):
        tbs_for(key_a).sign("key")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Certificate.from_der("text")  # type: ignore[arg-type]


def test_steps_with_replace(key_a: RSAPrivateKey) -> None:
    """dataclasses.replace steps a builder without mutating the original."""
    base = TBSCertificate(serial_number=7)
    full = dataclasses.replace(tbs_for(key_a), serial_number=8)
    assert base.serial_number == 7 and full.sign(key_a).serial_number == 8


# -- malformed input ----------------------------------------------------------------------------


def _element_path(data: bytes, *path: int) -> der.Element:
    el = der.decode(data)
    for i in path:
        el = el.children[i]
    return el


def _resign_free(data: bytes, el: der.Element, content: bytes) -> bytes:
    """Replace one primitive element's content (same length) without fixing the signature."""
    assert len(content) == el.length
    start = el.offset + el.header_length
    return data[:start] + content + data[start + el.length :]


def test_bad_not_after_names_path() -> None:
    """A malformed notAfter is a DecodeError naming tbsCertificate.validity.notAfter."""
    data = golden("root").der
    na = _element_path(data, 0, 4, 1)
    bad = _resign_free(data, na, b"X" * na.length)
    with pytest.raises(DecodeError, match=r"tbsCertificate\.validity\.notAfter: .* at byte"):
        Certificate.from_der(bad)


def test_signature_algorithm_mismatch() -> None:
    """Inner and outer signature algorithms must be identical."""
    data = golden("root").der
    inner = _element_path(data, 0, 2, 0)
    sha512 = der.oid(oids.SHA512_WITH_RSA)
    bad = _resign_free(data, inner, sha512[2:])
    with pytest.raises(DecodeError, match=r"tbsCertificate\.signature"):
        Certificate.from_der(bad)


def test_trailing_bytes_rejected() -> None:
    """Bytes after the certificate are a DecodeError."""
    with pytest.raises(DecodeError, match="trailing"):
        Certificate.from_der(golden("root").der + b"\x00")


def test_truncated_rejected() -> None:
    """A truncated certificate is a DecodeError."""
    data = golden("root").der
    with pytest.raises(DecodeError):
        Certificate.from_der(data[:-10])


def test_missing_fields_named() -> None:
    """A tbsCertificate cut short names the missing fields."""
    tbs = der.sequence(der.explicit(0, der.integer(2)), der.integer(1))
    alg = SignatureAlgorithm().to_der()
    data = der.sequence(tbs, alg, der.bit_string(b"\x00"))
    with pytest.raises(DecodeError, match="missing signature, issuer, validity"):
        Certificate.from_der(data)


def test_explicit_v1_is_not_der() -> None:
    """An explicit version 0 (the DEFAULT) is rejected."""
    root = golden("root")
    version = _element_path(root.der, 0, 0, 0)
    bad = _resign_free(root.der, version, b"\x00")
    with pytest.raises(DecodeError, match="version"):
        Certificate.from_der(bad)


def test_extensions_in_v1_rejected(key_a: RSAPrivateKey) -> None:
    """Extensions in a version 1 certificate are a DecodeError."""
    tbs = der.decode(golden("root").tbs_der)
    fields = [f.raw for f in tbs.children[1:]]  # drop the version
    data = der.sequence(
        der.sequence(*fields), SignatureAlgorithm().to_der(), der.bit_string(b"\x00")
    )
    with pytest.raises(DecodeError, match="extensions in a version 1"):
        Certificate.from_der(data)


def test_not_a_certificate() -> None:
    """A DER private key given as a certificate is a DecodeError naming the certificate."""
    with pytest.raises(DecodeError, match="certificate"):
        load_certificate((DATA / "keys" / "rsa2048-a.der").read_bytes())


_SAMPLES = [golden(n).der for n in ("root", "leaf-many", "leaf-pss", "leaf-ec")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(_SAMPLES),
    edits=st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 255)), min_size=1, max_size=4),
    cut=st.integers(0, 40),
)
def test_mutated_certificates_raise_only_decode_error(
    sample: bytes, edits: list[tuple[int, int]], cut: int
) -> None:
    """Byte-mutated and truncated certificates parse or raise DecodeError, nothing else."""
    data = bytearray(sample)
    for pos, value in edits:
        data[pos % len(data)] = value
    if cut:
        data = data[:-cut]
    try:
        cert = Certificate.from_der(bytes(data))
    except DecodeError:
        return
    cert.to_text()
    repr(cert)


def test_pem_with_other_blocks() -> None:
    """load_certificate finds the CERTIFICATE block among text and other blocks."""
    root = golden("root")
    text = "junk\n" + pem.encode(b"\x30\x00", "PRIVATE KEY") + "x\n" + root.to_pem()
    assert load_certificate(text) == root
