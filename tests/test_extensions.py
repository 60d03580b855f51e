"""minica.extensions: values, DER both ways, openssl-made instances and openssl's text."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyasn1.codec.der import decoder as pyasn1_decoder
from pyasn1_modules import rfc5280

from minica import der, extensions, oids, pem
from minica.errors import DecodeError, ValidationError
from minica.extensions import (
    AuthorityInformationAccess,
    AuthorityKeyIdentifier,
    BasicConstraints,
    CertificatePolicies,
    CRLDistributionPoints,
    CRLNumber,
    CRLReason,
    DirectoryName,
    DistributionPoint,
    DNSName,
    ExtendedKeyUsage,
    Extension,
    Extensions,
    GeneralName,
    InhibitAnyPolicy,
    InvalidityDate,
    IPAddress,
    IssuingDistributionPoint,
    KeyUsage,
    NameConstraints,
    OtherName,
    PolicyConstraints,
    PolicyInformation,
    PolicyMappings,
    PrecertificateSignedCertificateTimestamps,
    RegisteredID,
    RFC822Name,
    SignedCertificateTimestamp,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
    TLSFeature,
    UniformResourceIdentifier,
    UnrecognizedExtension,
    UserNotice,
    encode_extension,
    general_name,
    general_names_from_strings,
)
from minica.name import Name
from minica.text import extensions_lines

DATA = Path(__file__).parent / "data"
KEY = DATA / "keys" / "rsa2048-a.pem"

# openssl configuration sections, each made into a self-signed certificate once per session.
_CNF = """\
[ req ]
distinguished_name = dn
[ dn ]
[ dir_sect ]
C = CN
O = Example Dir
CN = Dir Name
[ dir_sect2 ]
CN = Relative CRL
[ crldp ]
fullname = URI:http://crl.example.com/a.crl, URI:ldap://ldap.example.com/cn=x
reasons = keyCompromise, CACompromise, superseded
CRLissuer = dirName:dir_sect
[ crldp2 ]
relativename = dir_sect2
[ crldp3 ]
fullname = URI:http://crl.example.com/b.crl, otherName:1.3.6.1.4.1.311.20.2.3;UTF8:u@x, IP:10.1.2.3
CRLissuer = URI:http://x/
[ pol ]
policyIdentifier = 1.3.6.1.4.1.55555.2
CPS.1 = https://www.example.com/cps
CPS.2 = https://www.example.com/cps2
userNotice.1 = @notice
[ notice ]
explicitText = "Explicit notice text"
organization = "Example Org"
noticeNumbers = 1, 2, 3
[ many ]
crlDistributionPoints = crldp, crldp2
authorityInfoAccess = OCSP;URI:http://ocsp.example.com/, caIssuers;URI:http://ca.example.com/ca.cer, caIssuers;dirName:dir_sect
certificatePolicies = 2.23.140.1.2.1, @pol, 2.5.29.32.0
nameConstraints = critical, permitted;DNS:.example.com, permitted;IP:10.0.0.0/255.0.0.0, permitted;IP:2001:db8::/ffff:ffff::, permitted;email:example.com, excluded;DNS:bad.example.com, excluded;dirName:dir_sect, excluded;URI:.example.org
subjectAltName = DNS:a.example.com, IP:10.0.0.5, IP:2001:db8::1, email:a@b.c, URI:https://x/, RID:1.2.3.4, dirName:dir_sect, otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com, otherName:1.2.3.4;UTF8:foo, otherName:1.3.6.1.5.5.7.8.7;IA5STRING:_http.example.com, otherName:1.2.3.5;INTEGER:5
issuerAltName = DNS:issuer.example.com, email:ca@example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always, issuer:always
keyUsage = digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement, keyCertSign, cRLSign, encipherOnly, decipherOnly
basicConstraints = critical, CA:TRUE, pathlen:3
extendedKeyUsage = serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, 1.2.3.4, anyExtendedKeyUsage
1.2.3.4.5.6 = critical, ASN1:UTF8String:hello
nsComment = "a comment"
[ odd ]
subjectAltName = otherName:1.3.6.1.4.1.311.20.2.3;IA5STRING:wrong-type, DNS:x.example.com
crlDistributionPoints = crldp3
nameConstraints = permitted;otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com, permitted;otherName:1.2.3.4;UTF8:foo, excluded;RID:1.2.3.4, excluded;IP:192.168.0.0/255.255.0.0
issuerAltName = RID:1.3.6.1.5.5.7.3.1
keyUsage = critical, keyCertSign, cRLSign
basicConstraints = CA:FALSE
authorityKeyIdentifier = keyid
[ small ]
keyUsage = digitalSignature
basicConstraints = critical, CA:TRUE, pathlen:0
extendedKeyUsage = serverAuth
subjectAltName = critical, DNS:only.example.com
crlDistributionPoints = URI:http://crl.example.com/c.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example.com/
certificatePolicies = 1.2.3.4
nameConstraints = excluded;email:.example.com
[ policy ]
basicConstraints = critical, CA:TRUE
policyConstraints = requireExplicitPolicy:3,inhibitPolicyMapping:1
inhibitAnyPolicy = 2
policyMappings = 1.2.3.4:1.2.3.5, 2.16.840.1.101.3.2.1.48.1:1.2.3.7
tlsfeature = status_request, status_request_v2, 99
"""
SECTIONS = ("many", "odd", "small", "policy")


@pytest.fixture(scope="session")
def openssl_certs(run_openssl, tmp_path_factory) -> dict[str, tuple[bytes, str]]:  # type: ignore[no-untyped-def]
    """section -> (certificate DER, `openssl x509 -text -noout` output)."""
    work = tmp_path_factory.mktemp("ext")
    (work / "ext.cnf").write_text(_CNF)
    out = {}
    for section in SECTIONS:
        pem_path = work / f"{section}.pem"
        run_openssl(
            "req", "-x509", "-new", "-key", KEY, "-subj", "/CN=t", "-days", "1",
            "-config", work / "ext.cnf", "-extensions", section, "-out", pem_path,
        )  # fmt: skip
        text = run_openssl("x509", "-in", pem_path, "-noout", "-text").stdout.decode()
        out[section] = (pem.decode(pem_path.read_bytes(), ("CERTIFICATE",)).der, text)
    return out


def _extensions_element(cert_der: bytes) -> der.Element:
    tbs = der.decode(cert_der).children[0]
    (wrapper,) = [c for c in tbs.children if c.tag == 0xA3]
    return wrapper.children[0]


def _openssl_block(text: str) -> str:
    start = text.index("X509v3 extensions:\n") + len("X509v3 extensions:\n")
    return text[start : text.index("    Signature Algorithm", start)]


def _parse(data: bytes) -> Extension:
    """One extension from its Extension SEQUENCE DER."""
    return next(iter(Extensions.from_element(der.decode(der.sequence(data)), what="e")))


# -- openssl-made instances ---------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_openssl_extensions_reencode_byte_exactly(openssl_certs, section) -> None:  # type: ignore[no-untyped-def]
    """Extensions parsed from an openssl certificate re-encode to the same bytes."""
    el = _extensions_element(openssl_certs[section][0])
    exts = Extensions.from_element(el, what="extensions")
    assert exts.to_der() == el.raw
    assert Extensions(tuple(exts)).to_der() == el.raw


@pytest.mark.parametrize("section", SECTIONS)
def test_openssl_extension_values_encode_canonically(openssl_certs, section) -> None:  # type: ignore[no-untyped-def]
    """Each parsed value, encoded afresh (replace() drops the kept bytes), equals openssl's."""
    el = _extensions_element(openssl_certs[section][0])
    for ext in Extensions.from_element(el, what="extensions"):
        fresh = dataclasses.replace(ext)
        assert fresh == ext
        assert fresh.to_der() == ext.to_der(), type(ext).__name__


@pytest.mark.parametrize("section", SECTIONS)
def test_openssl_text_matches(openssl_certs, section) -> None:  # type: ignore[no-untyped-def]
    """extensions_lines() equals the extensions block of `openssl x509 -text`."""
    cert_der, text = openssl_certs[section]
    exts = Extensions.from_element(_extensions_element(cert_der), what="extensions")
    assert "\n".join(extensions_lines(exts, 12)) + "\n" == _openssl_block(text)


def test_golden_leaf_many_text() -> None:
    """The golden leaf-many certificate's extensions print as openssl printed them."""
    cert_der = pem.decode((DATA / "certs" / "leaf-many.pem").read_bytes(), ("CERTIFICATE",)).der
    exts = Extensions.from_element(_extensions_element(cert_der), what="extensions")
    block = _openssl_block((DATA / "certs" / "leaf-many.txt").read_text())
    assert "\n".join(extensions_lines(exts, 12)) + "\n" == block


def test_openssl_values_read(openssl_certs) -> None:  # type: ignore[no-untyped-def]
    """Typed fields read from the openssl certificate hold what the configuration asked."""
    exts = Extensions.from_element(_extensions_element(openssl_certs["many"][0]), what="e")
    bc = exts.get(BasicConstraints)
    assert bc is not None and bc.ca and bc.path_length == 3 and bc.critical
    san = exts.get(SubjectAlternativeName)
    assert san is not None
    assert san.names[:3] == (
        DNSName("a.example.com"),
        IPAddress(ipaddress.ip_address("10.0.0.5")),
        IPAddress(ipaddress.ip_address("2001:db8::1")),
    )
    nc = exts.get(NameConstraints)
    assert nc is not None
    assert IPAddress(ipaddress.ip_network("10.0.0.0/8")) in nc.permitted
    aia = exts.get(AuthorityInformationAccess)
    assert aia is not None and aia.ocsp == ("http://ocsp.example.com/",)
    crldp = exts.get(CRLDistributionPoints)
    assert crldp is not None and crldp.points[0].reasons == {
        "keyCompromise",
        "cACompromise",
        "superseded",
    }
    cp = exts.get(CertificatePolicies)
    assert cp is not None and cp.policies[1].qualifiers[0] == "https://www.example.com/cps"
    unknown = exts.get("1.2.3.4.5.6")
    assert isinstance(unknown, UnrecognizedExtension) and unknown.critical


# -- building -------------------------------------------------------------------------------


def test_openssl_policy_and_tls_feature_values(openssl_certs) -> None:  # type: ignore[no-untyped-def]
    """openssl's policyConstraints, inhibitAnyPolicy, policyMappings and tlsfeature, typed."""
    exts = Extensions.from_element(_extensions_element(openssl_certs["policy"][0]), what="e")
    pc = exts.get(PolicyConstraints)
    assert pc is not None and (pc.require_explicit_policy, pc.inhibit_policy_mapping) == (3, 1)
    iap = exts.get(InhibitAnyPolicy)
    assert iap is not None and iap.skip_certs == 2 and iap.critical is False  # as openssl made it
    pm = exts.get(PolicyMappings)
    assert pm is not None and pm.mappings[0] == ("1.2.3.4", "1.2.3.5")
    tf = exts.get(TLSFeature)
    assert tf is not None and tf.features == (5, 17, 99)


def test_key_usage_named_bits() -> None:
    """KeyUsage drops trailing zero bits and counts the unused ones (X.690 11.2.2)."""
    assert KeyUsage(digital_signature=True).to_der() == bytes.fromhex("03020780")
    assert KeyUsage(key_cert_sign=True, crl_sign=True).to_der() == bytes.fromhex("03020106")
    assert KeyUsage(decipher_only=True).to_der() == bytes.fromhex("0303070080")


def test_key_usage_trailing_zero_bits_kept_byte_exact() -> None:
    """A valid but non-minimal key usage keeps its bytes; the value encodes minimally."""
    value = bytes.fromhex("0303008000")  # digitalSignature, 16 bits written
    ext = KeyUsage.from_der(value, critical=True)
    assert ext.digital_signature and ext.to_der() == value
    assert dataclasses.replace(ext).to_der() == bytes.fromhex("03020780")


def test_basic_constraints_forms() -> None:
    """CA:FALSE is an empty SEQUENCE; pathLen needs cA; negative refused."""
    assert BasicConstraints().to_der() == b"\x30\x00"
    assert BasicConstraints(ca=True, path_length=0).to_der() == bytes.fromhex("30060101ff020100")
    with pytest.raises(ValidationError, match="cA"):
        BasicConstraints(path_length=1)
    with pytest.raises(ValidationError, match="negative"):
        BasicConstraints(ca=True, path_length=-1)


def test_default_criticality() -> None:
    """RFC 5280 defaults: BC/KU/NC critical, SAN/EKU/SKI/AKI not."""
    assert BasicConstraints().critical and KeyUsage().critical
    assert NameConstraints(permitted=(DNSName("x.com"),)).critical
    assert not SubjectAlternativeName(names=(DNSName("x.com"),)).critical
    assert not ExtendedKeyUsage(usages=("serverAuth",)).critical
    assert not SubjectKeyIdentifier(digest=b"1").critical


def test_extended_key_usage_names() -> None:
    """Short names become dotted OIDs; text uses openssl's long names."""
    eku = ExtendedKeyUsage(usages=("serverAuth", "clientAuth", "1.2.3.4"))
    assert eku.usages == (oids.SERVER_AUTH, oids.CLIENT_AUTH, "1.2.3.4")
    assert eku.to_text() == "TLS Web Server Authentication, TLS Web Client Authentication, 1.2.3.4"
    with pytest.raises(ValidationError):
        ExtendedKeyUsage(usages=())


def test_general_name_guessing() -> None:
    """general_name: IP, then URI, then e-mail, else DNS with A-labels."""
    assert general_names_from_strings(
        ["www.x.com", "10.0.0.5", "::1", "a@b.c", "https://x/a@b", "bücher.example"]
    ) == (
        DNSName("www.x.com"),
        IPAddress(ipaddress.ip_address("10.0.0.5")),
        IPAddress(ipaddress.ip_address("::1")),
        RFC822Name("a@b.c"),
        UniformResourceIdentifier("https://x/a@b"),
        DNSName("xn--bcher-kva.example"),
    )
    assert general_name("*.bücher.example") == DNSName("*.xn--bcher-kva.example")


def test_san_from_strings_and_text() -> None:
    """SubjectAlternativeName.from_strings renders like openssl."""
    san = SubjectAlternativeName.from_strings(["www.example.com", "10.0.0.5", "2001:db8::1"])
    assert san.to_text() == (
        "DNS:www.example.com, IP Address:10.0.0.5, IP Address:2001:DB8:0:0:0:0:0:1"
    )


def test_san_matches_pyasn1() -> None:
    """A built SAN decodes with pyasn1-modules' GeneralNames to the same names."""
    names = (
        DNSName("a.example"),
        RFC822Name("x@y.z"),
        UniformResourceIdentifier("http://u/"),
        IPAddress(ipaddress.ip_address("192.0.2.1")),
        DirectoryName(Name.parse("/C=CN/CN=d")),
        RegisteredID("1.2.3.4"),
        OtherName("1.2.3.5", der.utf8_string("o")),
    )
    value = SubjectAlternativeName(names=names).to_der()
    decoded, rest = pyasn1_decoder.decode(value, asn1Spec=rfc5280.SubjectAltName())
    assert rest == b""
    assert [gn.getName() for gn in decoded] == [
        "dNSName",
        "rfc822Name",
        "uniformResourceIdentifier",
        "iPAddress",
        "directoryName",
        "registeredID",
        "otherName",
    ]
    assert str(decoded[0]["dNSName"]) == "a.example"


def test_authority_key_identifier_issuer_and_serial_together() -> None:
    """AKI issuer and serial go together (RFC 5280 4.2.1.1)."""
    with pytest.raises(ValidationError):
        AuthorityKeyIdentifier(key_identifier=b"k", authority_cert_serial_number=1)
    aki = AuthorityKeyIdentifier(
        key_identifier=b"\x01\x02",
        authority_cert_issuer=(DirectoryName(Name.parse("/CN=ca")),),
        authority_cert_serial_number=0x1234,
    )
    assert aki.to_text() == "keyid:01:02\nDirName:/CN=ca\nserial:12:34"
    assert _parse(encode_extension(aki)) == aki


def test_crl_reason_names_codes_and_text() -> None:
    """CRLReason: RFC names, openssl aliases, ENUMERATED codes, openssl text."""
    assert CRLReason(reason="CACompromise").reason == "cACompromise"
    assert CRLReason(reason="keyCompromise").to_der() == bytes.fromhex("0a0101")
    assert CRLReason(reason="removeFromCRL").to_text() == "Remove From CRL"
    assert CRLReason(reason="aACompromise").to_text() == "AA Compromise"
    with pytest.raises(ValidationError):
        CRLReason(reason="nope")


def test_crl_reason_code_7_refused() -> None:
    """Reason code 7 is unused in RFC 5280 5.3.1."""
    with pytest.raises(DecodeError, match="reason code 7"):
        CRLReason.from_der(bytes.fromhex("0a0107"), what="CRLReason")


def test_crl_number_and_invalidity_date_text() -> None:
    """CRL number decimal below 128 bits, hex above; invalidity date like ASN1_TIME_print."""
    assert CRLNumber(number=4096).to_text() == "4096"
    assert CRLNumber(number=1 << 150).to_text() == "0x40" + "00" * 18
    when = datetime(2024, 4, 5, 10, 30, tzinfo=UTC)
    ext = InvalidityDate(when=when)
    assert ext.to_text() == "Apr  5 10:30:00 2024 GMT"
    assert ext.to_der() == der.generalized_time(when)
    assert InvalidityDate.from_der(ext.to_der()) == ext


def test_unrecognized_extension_kept() -> None:
    """Unknown OIDs keep criticality and value bytes."""
    raw = der.sequence(der.oid("1.2.3.9"), b"\x01\x01\xff", der.octet_string(b"\x30\x00"))
    ext = _parse(raw)
    assert ext == UnrecognizedExtension(oid="1.2.3.9", critical=True, value=b"\x30\x00")
    assert encode_extension(ext) == raw


def test_extensions_collection() -> None:
    """get by class or OID, `in`, iteration, falsy when empty, duplicates refused."""
    bc = BasicConstraints(ca=True)
    exts = Extensions((bc, KeyUsage(key_cert_sign=True)))
    assert exts.get(BasicConstraints) is bc and exts.get(oids.BASIC_CONSTRAINTS) is bc
    assert exts.get(SubjectAlternativeName) is None
    assert BasicConstraints in exts and oids.KEY_USAGE in exts and bc in exts
    assert [e.oid for e in exts] == [oids.BASIC_CONSTRAINTS, oids.KEY_USAGE]
    assert not Extensions() and len(exts) == 2
    with pytest.raises(ValidationError, match="twice"):
        Extensions((bc, BasicConstraints()))


def test_name_constraints_address_becomes_host_network() -> None:
    """An IP address alone in name constraints is that single host (/32)."""
    nc = NameConstraints(excluded=(IPAddress("192.0.2.1"),))
    assert nc.excluded == (IPAddress(ipaddress.ip_network("192.0.2.1/32")),)
    assert nc.to_text() == "Excluded:\n  IP:192.0.2.1/255.255.255.255"
    with pytest.raises(ValidationError):
        NameConstraints()


def test_policies_and_distribution_points_round_trip() -> None:
    """CertificatePolicies and CRLDistributionPoints survive a DER round trip."""
    cp = CertificatePolicies(
        policies=(
            PolicyInformation(policy_id="2.23.140.1.2.1"),
            PolicyInformation(
                policy_id="1.2.3", qualifiers=("https://cps/", UserNotice(explicit_text="hi"))
            ),
        )
    )
    assert _parse(encode_extension(cp)) == cp
    dp = CRLDistributionPoints(
        points=(
            DistributionPoint(
                full_name=(UniformResourceIdentifier("http://c/"),),
                reasons=frozenset({"keyCompromise"}),
            ),
        )
    )
    assert _parse(encode_extension(dp)) == dp
    assert CRLDistributionPoints.from_urls(["http://c/"]).urls == ("http://c/",)


# -- strict parsing ----------------------------------------------------------------------


def _ext_seq(*exts: bytes) -> der.Element:
    return der.decode(der.sequence(*exts))


def test_explicit_critical_false_refused() -> None:
    """DER forbids encoding critical FALSE (a DEFAULT value)."""
    raw = der.sequence(der.oid(oids.KEY_USAGE), b"\x01\x01\x00", der.octet_string(b"\x03\x01\x00"))
    with pytest.raises(DecodeError, match=r"extensions\[0\]\.critical: FALSE must be omitted"):
        Extensions.from_element(_ext_seq(raw), what="extensions")


def test_duplicate_oid_refused_on_parse() -> None:
    """The same extension twice is a DecodeError naming the entry."""
    one = encode_extension(BasicConstraints())
    with pytest.raises(DecodeError, match=r"extensions\[1\].*twice"):
        Extensions.from_element(_ext_seq(one, one), what="extensions")


def test_malformed_value_names_path_and_offset() -> None:
    """A bad value reports the field path of the extension and a byte offset in the input."""
    good = encode_extension(BasicConstraints())
    bad = der.sequence(
        der.oid(oids.SUBJECT_ALT_NAME), der.octet_string(bytes.fromhex("3003870101"))
    )
    with pytest.raises(
        DecodeError,
        match=r"^certificate\.extensions\[1\]\.subjectAltName\[0\]\.iPAddress: .* at byte",
    ):
        Extensions.from_element(_ext_seq(good, bad), what="certificate.extensions")


def test_bad_values_raise_decode_error() -> None:
    """Assorted malformed values of known extensions raise DecodeError."""
    cases = {
        oids.BASIC_CONSTRAINTS: "30030101",  # truncated
        oids.KEY_USAGE: "04020780",  # wrong type
        oids.EXTENDED_KEY_USAGE: "3000",  # empty
        oids.SUBJECT_ALT_NAME: "3000",  # empty
        oids.SUBJECT_KEY_IDENTIFIER: "0201ff",  # not an OCTET STRING
        oids.CRL_REASON: "0a0111",  # undefined code
        oids.NAME_CONSTRAINTS: "3000",  # empty
        oids.CERTIFICATE_POLICIES: "3000",
        oids.POLICY_CONSTRAINTS: "3000",  # empty (RFC 5280 4.2.1.11)
        oids.INHIBIT_ANY_POLICY: "0201ff",  # negative SkipCerts
        oids.POLICY_MAPPINGS: "3005300306012a",  # a mapping with one OID
        oids.TLS_FEATURE: "30050203010000",  # 0x10000 is no TLS extension number
        oids.CT_PRECERT_SCTS: "0404000300",  # the list length says 3, 2 octets follow
        oids.ISSUING_DISTRIBUTION_POINT: "3003810100",  # explicit DEFAULT FALSE
    }
    for oid, value in cases.items():
        raw = der.sequence(der.oid(oid), der.octet_string(bytes.fromhex(value)))
        with pytest.raises(DecodeError, match=oids.short_name(oid)):
            Extensions.from_element(_ext_seq(raw), what="extensions")


# -- hypothesis -------------------------------------------------------------------------------

_KU = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
       "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")  # fmt: skip

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_dns = st.lists(_label, min_size=1, max_size=4).map(lambda ls: DNSName(".".join(ls)))
_ip = st.one_of(st.ip_addresses(v=4).map(IPAddress), st.ip_addresses(v=6).map(IPAddress))
_email = st.tuples(_label, _label).map(lambda t: RFC822Name(f"{t[0]}@{t[1]}.example"))
_uri = _label.map(lambda s: UniformResourceIdentifier(f"https://{s}.example/"))
_names = st.lists(st.one_of(_dns, _ip, _email, _uri), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(st.sets(st.sampled_from(_KU)), st.booleans())
def test_key_usage_round_trip(bits: set[str], critical: bool) -> None:
    """Any key usage bit set survives encode/parse."""
    ku = KeyUsage(critical=critical, **{b: True for b in bits})
    assert _parse(encode_extension(ku)) == ku


@settings(max_examples=150, deadline=None)
@given(_names, st.booleans())
def test_san_round_trip(names: list[GeneralName], critical: bool) -> None:
    """Any SAN list survives encode/parse."""
    san = SubjectAlternativeName(names=tuple(names), critical=critical)
    parsed = _parse(encode_extension(san))
    assert parsed == san and parsed.to_der() == san.to_der()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["serverAuth", "clientAuth", "codeSigning", "OCSPSigning"]),
            st.lists(st.integers(0, 10**6), min_size=1, max_size=5).map(
                lambda arcs: "1.3." + ".".join(map(str, arcs))
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_eku_round_trip(usages: list[str]) -> None:
    """Any EKU list survives encode/parse."""
    eku = ExtendedKeyUsage(usages=tuple(usages))
    assert _parse(encode_extension(eku)) == eku


# A v1 SCT: log ID, timestamp, no extensions, sha256/ECDSA and a 6-octet "signature".
_SCT = bytes(1) + bytes(range(32)) + (1_700_000_000_000).to_bytes(8) + bytes(2) + b"\x04\x03"
_SCT += (6).to_bytes(2) + b"sig!\n\r"


def test_sct_list_structure_checked() -> None:
    """Lengths must fill the list exactly; an SCT shorter than v1's fixed fields is refused."""
    from minica.extensions import PrecertificateSignedCertificateTimestamps as SCTs

    good = len(_SCT).to_bytes(2) + _SCT
    ext = SCTs.from_der(der.octet_string(len(good).to_bytes(2) + good))
    (sct,) = ext.scts
    assert (sct.version, sct.timestamp, sct.signature) == (0, 1_700_000_000_000, b"sig!\n\r")
    for body, message in (
        (good[:-1], "does not fit"),
        ((5).to_bytes(2) + b"\x00abcd", "too short"),
        (b"", "empty SCT list"),
    ):
        with pytest.raises(DecodeError, match=message):
            SCTs.from_der(der.octet_string(len(body).to_bytes(2) + body))
    # What the parser refuses cannot be built either.
    with pytest.raises(ValidationError, match="at least one SCT"):
        SCTs(scts=())


def _sample_values() -> list[bytes]:
    cert_der = pem.decode((DATA / "certs" / "leaf-many.pem").read_bytes(), ("CERTIFICATE",)).der
    el = _extensions_element(cert_der)
    built = (
        PolicyConstraints(require_explicit_policy=2, inhibit_policy_mapping=0),
        InhibitAnyPolicy(skip_certs=0),
        PolicyMappings(mappings=[("1.2.3.4", "1.2.3.5"), ("1.2.3.6", "1.2.3.7")]),
        TLSFeature(features=(5, 17)),
        IssuingDistributionPoint(
            full_name=(UniformResourceIdentifier("http://example.com/a.crl"),),
            only_user_certs=True,
            only_some_reasons=frozenset({"keyCompromise"}),
        ),
        PrecertificateSignedCertificateTimestamps(scts=(SignedCertificateTimestamp.parse(_SCT),)),
    )
    return [k.raw for k in el.children] + [encode_extension(e) for e in built]


_skip = st.none() | st.integers(0, 2**70)


@settings(max_examples=150, deadline=None)
@given(_skip, _skip, st.integers(0, 2**40), st.lists(st.integers(0, 0xFFFF), min_size=1))
def test_policy_and_tls_feature_round_trip(
    explicit: int | None, mapping: int | None, skip: int, features: list[int]
) -> None:
    """Built policyConstraints, inhibitAnyPolicy and tlsfeature parse back equal."""
    values: list[Extension] = [InhibitAnyPolicy(skip_certs=skip), TLSFeature(features=features)]
    if explicit is not None or mapping is not None:
        values.append(
            PolicyConstraints(require_explicit_policy=explicit, inhibit_policy_mapping=mapping)
        )
    for ext in values:
        assert _parse(encode_extension(ext)) == ext


def test_policy_extension_values_checked() -> None:
    """Empty, negative, anyPolicy-mapping and out-of-range values are refused when built."""
    with pytest.raises(ValidationError, match="at least one"):
        PolicyConstraints()
    with pytest.raises(ValidationError, match="negative"):
        InhibitAnyPolicy(skip_certs=-1)
    with pytest.raises(ValidationError, match="anyPolicy"):
        PolicyMappings(mappings=[(oids.ANY_POLICY, "1.2.3")])
    with pytest.raises(ValidationError, match="TLS extension number"):
        TLSFeature(features=(70000,))
    with pytest.raises(DecodeError, match=r"expected \[0\] then \[1\]"):
        PolicyConstraints.from_der(bytes.fromhex("3006810101800101"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_sample_values()), st.data())
def test_mutated_extensions_raise_only_decode_error(
    mutate: Callable[..., bytes], raw: bytes, data: st.DataObject
) -> None:
    """Byte flips, truncations and insertions in an Extension give a value or DecodeError."""
    try:
        exts = Extensions.from_element(der.decode(der.sequence(mutate(data, raw))), what="e")
    except DecodeError:
        return
    for ext in exts:
        ext.to_text()
        assert encode_extension(ext) is not None


def _general_path(value: bytes) -> tuple[GeneralName, ...] | None:
    """GeneralNames through der.decode and the careful walk; None where that raises."""
    try:
        el = der.decode(value, what="v").expect(der.SEQUENCE, "v")
        return extensions._general_names(el, "v")
    except DecodeError:
        return None


_dns_values = st.lists(_dns, min_size=1, max_size=8).map(
    lambda names: SubjectAlternativeName(names=tuple(names)).to_der()
)


@settings(max_examples=300, deadline=None)
@given(_dns_values, st.data())
def test_dns_names_fast_path_agrees_with_careful_path(
    mutate: Callable[..., bytes], value: bytes, data: st.DataObject
) -> None:
    """On any (mutated) SAN value, the dNSName fast path gives the careful path's names or None."""
    buf = mutate(data, value, rounds=(0, 3))
    fast = extensions._dns_names_fast(buf)
    if fast is not None:
        assert fast == _general_path(buf)
    if buf == value:
        assert fast is not None


@pytest.mark.parametrize(
    "value",
    [
        "3000",  # no names: the careful path names the problem
        "3081058203782e63",  # non-minimal SEQUENCE length
        "30058203782e6300",  # a byte left over
        "30058205616263",  # a name running past the end
        "3004820278ff",  # a non-ASCII name
        "300687047f000001",  # an iPAddress
        "3082000482027861",  # a length with a zero first octet
        "308183828180" + "61" * 128,  # a 128-octet name (long-form length)
    ],
)
def test_dns_names_fast_path_leaves_the_rest_to_the_careful_path(value: str) -> None:
    """Anything but minimal, complete, short ASCII dNSNames takes the general path."""
    assert extensions._dns_names_fast(bytes.fromhex(value)) is None


def test_dns_names_fast_path_skips_long_names_the_careful_path_reads() -> None:
    """A dNSName of 128 octets or more is valid, and read by the careful path."""
    value = bytes.fromhex("308183828180" + "61" * 128)
    assert _general_path(value) == (DNSName("a" * 128),)
    san = SubjectAlternativeName._from_value(value, False)
    assert san.names == (DNSName("a" * 128),)
