"""Issuance profiles, self_signed and sign_csr (minica.profiles)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from minica import oids
from minica.cert import Certificate, TBSCertificate, load_certificate
from minica.csr import CertificateSigningRequest, create_csr, load_csr
from minica.errors import InvalidSignature, PolicyError, ValidationError
from minica.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    DNSName,
    ExtendedKeyUsage,
    IPAddress,
    KeyUsage,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
)
from minica.keys import RSAPrivateKey, load_private_key
from minica.name import Name
from minica.profiles import (
    PROFILES,
    client,
    intermediate_ca,
    random_serial,
    root_ca,
    self_signed,
    server,
    server_client,
    sign_csr,
)

DATA = Path(__file__).parent / "data"
NOW = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def root_key() -> RSAPrivateKey:
    return load_private_key((DATA / "keys" / "rsa2048-a.pem").read_bytes())


@pytest.fixture(scope="module")
def leaf_key() -> RSAPrivateKey:
    return load_private_key((DATA / "keys" / "rsa2048-b.pem").read_bytes())


@pytest.fixture(scope="module")
def root(root_key: RSAPrivateKey) -> Certificate:
    return self_signed(root_key, "/C=CN/O=Example/CN=Example Root CA", now=NOW)


@pytest.fixture(scope="module")
def leaf_csr(leaf_key: RSAPrivateKey) -> CertificateSigningRequest:
    return create_csr(leaf_key, "/O=Example/CN=www.example.com")


def ext(cert: Certificate, cls: type) -> object:
    value = cert.extensions.get(cls)
    assert value is not None, f"no {cls.__name__}"
    return value


def test_root_ca_extensions(root: Certificate, root_key: RSAPrivateKey) -> None:
    """root_ca: BC critical CA:TRUE without pathlen, KU keyCertSign+cRLSign critical, SKI."""
    bc = ext(root, BasicConstraints)
    assert isinstance(bc, BasicConstraints) and bc.ca and bc.critical and bc.path_length is None
    ku = ext(root, KeyUsage)
    assert isinstance(ku, KeyUsage) and ku.critical and ku.key_cert_sign and ku.crl_sign
    assert not ku.digital_signature
    ski = ext(root, SubjectKeyIdentifier)
    assert isinstance(ski, SubjectKeyIdentifier)
    assert ski.digest == root_key.public_key().key_id()
    assert root.extensions.get(AuthorityKeyIdentifier) is None
    assert root.extensions.get(ExtendedKeyUsage) is None
    root.verify_signature(root)


def test_self_signed_dates_and_names(root: Certificate) -> None:
    """notBefore is now, notAfter now + days; issuer equals subject byte for byte."""
    assert root.not_valid_before == NOW
    assert root.not_valid_after == NOW + timedelta(days=3650)
    assert root.issuer.der == root.subject.der


def test_default_serial_is_random_159_bits(root: Certificate, root_key: RSAPrivateKey) -> None:
    """Default serials are positive, of 159 random bits (at most 20 octets), and differ."""
    other = self_signed(root_key, "/CN=Example Root CA", now=NOW)
    for cert in (root, other):
        assert 0 < cert.serial_number < 1 << 159
    assert root.serial_number != other.serial_number
    serials = [random_serial() for _ in range(50)]
    assert all(0 < s < 1 << 159 for s in serials)
    assert len(set(serials)) == 50
    assert max(s.bit_length() for s in serials) > 150  # not a small or fixed-width draw


def test_server_leaf(
    root: Certificate, root_key: RSAPrivateKey, leaf_csr: CertificateSigningRequest
) -> None:
    """server: BC CA:FALSE critical, KU critical, EKU serverAuth, SKI, AKI = issuer SKI, CN->SAN."""
    cert = sign_csr(leaf_csr, root, root_key, "server", days=90, now=NOW, serial=0x1234)
    bc = ext(cert, BasicConstraints)
    assert isinstance(bc, BasicConstraints) and not bc.ca and bc.critical
    ku = ext(cert, KeyUsage)
    assert isinstance(ku, KeyUsage) and ku.critical
    assert ku.digital_signature and ku.key_encipherment and not ku.key_cert_sign
    eku = ext(cert, ExtendedKeyUsage)
    assert isinstance(eku, ExtendedKeyUsage) and eku.usages == (oids.SERVER_AUTH,)
    aki = ext(cert, AuthorityKeyIdentifier)
    root_ski = ext(root, SubjectKeyIdentifier)
    assert isinstance(aki, AuthorityKeyIdentifier) and isinstance(root_ski, SubjectKeyIdentifier)
    assert aki.key_identifier == root_ski.digest
    san = ext(cert, SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName)
    assert san.names == (DNSName("www.example.com"),)
    assert cert.issuer.der == root.subject.der and cert.serial_number == 0x1234
    assert cert.not_valid_after - cert.not_valid_before == timedelta(days=90)
    cert.verify_signature(root)


def test_ip_common_name_becomes_ip_san(
    root: Certificate, root_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """A CN that parses as an IP address is copied as an IP SAN."""
    csr = create_csr(leaf_key, "/CN=10.1.2.3")
    cert = sign_csr(csr, root, root_key, now=NOW)
    san = ext(cert, SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName)
    assert san.names == (IPAddress(ipaddress.ip_address("10.1.2.3")),)


def test_san_copied_from_request(
    root: Certificate, root_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """The request's SAN is copied as is (CN not added)."""
    csr = create_csr(leaf_key, "/CN=ignored.example", san=["a.example.com", "192.0.2.1"])
    cert = sign_csr(csr, root, root_key, now=NOW)
    san = ext(cert, SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName)
    assert san.names == (DNSName("a.example.com"), IPAddress(ipaddress.ip_address("192.0.2.1")))


def test_leaf_never_granted_ca_or_unknown_critical(
    root: Certificate, root_key: RSAPrivateKey
) -> None:
    """openssl's csr-many asks for CA:TRUE, keyCertSign and an unknown critical extension."""
    csr = load_csr((DATA / "certs" / "csr-many.pem").read_text())
    cert = sign_csr(csr, root, root_key, "server", now=NOW)
    bc = ext(cert, BasicConstraints)
    assert isinstance(bc, BasicConstraints) and not bc.ca
    ku = ext(cert, KeyUsage)
    assert isinstance(ku, KeyUsage) and not ku.key_cert_sign
    assert cert.extensions.get("1.3.6.1.4.1.55555.3") is None
    assert cert.extensions.get(oids.NS_COMMENT) is None
    assert {e.oid for e in cert.extensions} == {
        oids.BASIC_CONSTRAINTS,
        oids.KEY_USAGE,
        oids.EXTENDED_KEY_USAGE,
        oids.SUBJECT_ALT_NAME,
        oids.SUBJECT_KEY_IDENTIFIER,
        oids.AUTHORITY_KEY_IDENTIFIER,
    }


def test_bad_request_signature(
    root: Certificate, root_key: RSAPrivateKey, leaf_csr: CertificateSigningRequest
) -> None:
    """sign_csr verifies the request first."""
    data = bytearray(leaf_csr.der)
    data[-5] ^= 0x40
    with pytest.raises(InvalidSignature):
        sign_csr(CertificateSigningRequest.from_der(bytes(data)), root, root_key, now=NOW)


def test_intermediate_and_path_length(
    root: Certificate, root_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """intermediate_ca(path_length=n) sets pathlen; the default is 0; it carries an AKI."""
    csr = create_csr(leaf_key, "/CN=Sub CA")
    inter = sign_csr(csr, root, root_key, intermediate_ca(path_length=2), days=1825, now=NOW)
    bc = ext(inter, BasicConstraints)
    assert isinstance(bc, BasicConstraints) and bc.ca and bc.path_length == 2
    assert inter.extensions.get(AuthorityKeyIdentifier) is not None
    assert intermediate_ca.path_length == 0
    default = sign_csr(csr, root, root_key, "intermediate_ca", now=NOW)
    bc0 = ext(default, BasicConstraints)
    assert isinstance(bc0, BasicConstraints) and bc0.path_length == 0


def test_pathlen_zero_issuer_cannot_issue_ca(
    root: Certificate, root_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """An intermediate with pathlen:0 may issue leaves but not CAs."""
    inter = sign_csr(create_csr(leaf_key, "/CN=Sub CA"), root, root_key, "intermediate_ca", now=NOW)
    csr = create_csr(leaf_key, "/CN=Sub Sub CA")
    with pytest.raises(PolicyError, match="pathlen:0"):
        sign_csr(csr, inter, leaf_key, "intermediate_ca", now=NOW)
    sign_csr(create_csr(leaf_key, "/CN=leaf.example"), inter, leaf_key, now=NOW)


def test_leaf_cannot_issue(
    root: Certificate, root_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """A CA:FALSE certificate as issuer is a PolicyError."""
    leaf = sign_csr(create_csr(leaf_key, "/CN=leaf.example"), root, root_key, now=NOW)
    with pytest.raises(PolicyError, match="not a CA"):
        sign_csr(create_csr(leaf_key, "/CN=x.example"), leaf, leaf_key, now=NOW)


def test_issuer_key_mismatch(
    root: Certificate, leaf_key: RSAPrivateKey, leaf_csr: CertificateSigningRequest
) -> None:
    """An issuer key that does not belong to the issuer certificate is a ValidationError."""
    with pytest.raises(ValidationError, match="does not match"):
        sign_csr(leaf_csr, root, leaf_key, now=NOW)


def test_client_profile(
    root: Certificate, root_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """client: EKU clientAuth, no CN copied into SAN."""
    csr = create_csr(leaf_key, "/CN=alice")
    cert = sign_csr(csr, root, root_key, "client", now=NOW)
    eku = ext(cert, ExtendedKeyUsage)
    assert isinstance(eku, ExtendedKeyUsage) and eku.usages == (oids.CLIENT_AUTH,)
    assert cert.extensions.get(SubjectAlternativeName) is None


def test_server_client_profile(
    root: Certificate, root_key: RSAPrivateKey, leaf_csr: CertificateSigningRequest
) -> None:
    """server_client: both EKUs."""
    cert = sign_csr(leaf_csr, root, root_key, server_client, now=NOW)
    eku = ext(cert, ExtendedKeyUsage)
    assert isinstance(eku, ExtendedKeyUsage)
    assert eku.usages == (oids.SERVER_AUTH, oids.CLIENT_AUTH)


def test_server_without_any_name(
    root: Certificate, root_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """A server request with neither SAN nor CN is refused."""
    csr = create_csr(leaf_key, "/O=Example")
    with pytest.raises(PolicyError, match="names no host"):
        sign_csr(csr, root, root_key, server, now=NOW)


def test_empty_subject_san_critical(
    root: Certificate, root_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """An empty-subject request gets a critical SAN in the certificate."""
    csr = create_csr(leaf_key, "", san=["only.example.com"])
    cert = sign_csr(csr, root, root_key, now=NOW)
    san = ext(cert, SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName) and san.critical and not cert.subject


def test_operator_extensions_replace_profile(
    root: Certificate, root_key: RSAPrivateKey, leaf_csr: CertificateSigningRequest
) -> None:
    """extensions= given by the CA operator replace the profile's of the same type."""
    eku = ExtendedKeyUsage(usages=(oids.CODE_SIGNING,))
    cert = sign_csr(leaf_csr, root, root_key, now=NOW, extensions=[eku])
    assert cert.extensions.get(ExtendedKeyUsage) == eku


def test_unknown_profile(
    root: Certificate, root_key: RSAPrivateKey, leaf_csr: CertificateSigningRequest
) -> None:
    """An unknown profile name is a PolicyError listing the known ones."""
    with pytest.raises(PolicyError, match="server_client"):
        sign_csr(leaf_csr, root, root_key, "webserver", now=NOW)


def test_naive_now(
    root: Certificate, root_key: RSAPrivateKey, leaf_csr: CertificateSigningRequest
) -> None:
    """A naive now= is a ValidationError."""
    with pytest.raises(ValidationError, match="naive"):
        sign_csr(leaf_csr, root, root_key, now=datetime(2024, 1, 1))


def test_default_now_is_current(root_key: RSAPrivateKey) -> None:
    """Without now=, notBefore is the current time (whole seconds)."""
    before = datetime.now(UTC).replace(microsecond=0)
    cert = self_signed(root_key, "/CN=now", days=1)
    after = datetime.now(UTC)
    assert before <= cert.not_valid_before <= after


def test_profiles_registry() -> None:
    """The five profiles are registered by name; calling one varies it."""
    assert set(PROFILES) == {"root_ca", "intermediate_ca", "server", "client", "server_client"}
    assert root_ca.ca and not client.ca
    assert server(cn_to_san=False).cn_to_san is False and server.cn_to_san


def test_path_length_needs_ca() -> None:
    """A path length on a non-CA profile is a ValidationError."""
    with pytest.raises(ValidationError, match="ca=True"):
        server(path_length=1)


def test_self_signed_server_with_san(root_key: RSAPrivateKey) -> None:
    """self_signed with the server profile and san= makes a self-signed TLS certificate."""
    cert = self_signed(root_key, "/CN=self.example", "server", days=30, san=["self.example", "::1"])
    san = ext(cert, SubjectAlternativeName)
    assert isinstance(san, SubjectAlternativeName) and len(san.names) == 2
    cert.verify_signature(cert)


def test_sign_openssl_csr_pss(root: Certificate, root_key: RSAPrivateKey) -> None:
    """An openssl PSS request is signed with a PSS signature on request."""
    csr = load_csr((DATA / "certs" / "csr-pss.pem").read_text())
    cert = sign_csr(csr, root, root_key, now=NOW, hash="sha384", pss=True)
    assert cert.signature_algorithm.pss and cert.signature_algorithm.hash == "sha384"
    cert.verify_signature(root)


def test_issue_under_openssl_ca() -> None:
    """An openssl-made CA (root.pem + its key) issues with an AKI equal to its SKI."""
    ca = load_certificate((DATA / "certs" / "root.pem").read_text())
    ca_key = load_private_key((DATA / "keys" / "rsa2048-a.pem").read_bytes())
    csr = load_csr((DATA / "certs" / "csr-basic.pem").read_text())
    cert = sign_csr(csr, ca, ca_key, now=NOW)
    aki = ext(cert, AuthorityKeyIdentifier)
    ski = ext(ca, SubjectKeyIdentifier)
    assert isinstance(aki, AuthorityKeyIdentifier) and isinstance(ski, SubjectKeyIdentifier)
    assert aki.key_identifier == ski.digest
    assert cert.issuer.der == ca.subject.der


def test_aki_from_key_id_without_issuer_ski(
    root_key: RSAPrivateKey, leaf_key: RSAPrivateKey
) -> None:
    """An issuer without subjectKeyIdentifier gives an AKI of its key's RFC 5280 key id."""
    bare = TBSCertificate(
        serial_number=1,
        issuer=Name.parse("/CN=Bare CA"),
        subject=Name.parse("/CN=Bare CA"),
        not_valid_before=NOW,
        not_valid_after=NOW + timedelta(days=30),
        public_key=root_key.public_key(),
    ).sign(root_key)
    cert = sign_csr(create_csr(leaf_key, "/CN=b.example"), bare, root_key, now=NOW)
    aki = ext(cert, AuthorityKeyIdentifier)
    assert isinstance(aki, AuthorityKeyIdentifier)
    assert aki.key_identifier == root_key.public_key().key_id()


def test_issuer_without_key_cert_sign(root_key: RSAPrivateKey, leaf_key: RSAPrivateKey) -> None:
    """An issuer whose keyUsage lacks keyCertSign may not issue."""
    ca = self_signed(root_key, "/CN=No Sign CA", now=NOW, extensions=[KeyUsage(crl_sign=True)])
    with pytest.raises(PolicyError, match="keyCertSign"):
        sign_csr(create_csr(leaf_key, "/CN=c.example"), ca, root_key, now=NOW)
