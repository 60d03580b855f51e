"""Tests for minica.algorithms: RSA signature AlgorithmIdentifiers and the SPKI key algorithm."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyasn1.codec.der import decoder as pyasn1_der
from pyasn1_modules import rfc4055

from minica import der
from minica.algorithms import SignatureAlgorithm, hash_algorithm_der, rsa_encryption_der
from minica.errors import DecodeError, InvalidSignature, ValidationError
from minica.keys import load_private_key

KEYS = Path(__file__).parent / "data" / "keys"


@pytest.fixture(scope="module")
def key_path() -> Path:
    return KEYS / "rsa2048-a.pem"


def _openssl_cert_signature_algorithm(tmp_path: Path, key: Path, *args: str) -> bytes:
    """The outer signatureAlgorithm DER of a certificate made by openssl req -x509."""
    cert = tmp_path / "c.der"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-key",
            str(key),
            "-subj",
            "/CN=t",
            "-days",
            "1",
            "-outform",
            "DER",
            "-out",
            str(cert),
            *args,
        ],
        check=True,
        capture_output=True,
    )
    return der.decode(cert.read_bytes())[1].raw


@pytest.mark.parametrize("hash", ["sha256", "sha384", "sha512"])
def test_pkcs1_to_der_matches_openssl(tmp_path: Path, key_path: Path, hash: str) -> None:
    """sha*WithRSAEncryption encodes with NULL parameters exactly as openssl writes it."""
    expected = _openssl_cert_signature_algorithm(tmp_path, key_path, f"-{hash}")
    assert SignatureAlgorithm(hash=hash).to_der() == expected


@pytest.mark.parametrize(
    ("hash", "saltlen", "salt_length"),
    [
        ("sha256", "digest", 32),
        ("sha384", "digest", 48),
        ("sha512", "digest", 64),
        ("sha256", "max", 222),
        ("sha256", "20", 20),
    ],
)
def test_pss_to_der_matches_openssl(
    tmp_path: Path, key_path: Path, hash: str, saltlen: str, salt_length: int
) -> None:
    """RSASSA-PSS parameters encode exactly as openssl 3 writes them (salt 20 omitted)."""
    expected = _openssl_cert_signature_algorithm(
        tmp_path,
        key_path,
        f"-{hash}",
        "-sigopt",
        "rsa_padding_mode:pss",
        "-sigopt",
        f"rsa_pss_saltlen:{saltlen}",
    )
    alg = SignatureAlgorithm(hash=hash, pss=True, salt_length=salt_length)
    assert alg.to_der() == expected
    assert SignatureAlgorithm.from_der(expected) == alg


def test_pss_defaults_to_hash_length() -> None:
    """PSS salt length defaults to the hash length, MGF1 hash to the hash."""
    alg = SignatureAlgorithm(hash="sha384", pss=True)
    assert alg.salt_length == 48 and alg.mgf1_hash == "sha384"


def test_pss_der_parses_with_pyasn1() -> None:
    """pyasn1-modules' RFC 4055 schema reads minica's PSS parameters the same way."""
    encoded = SignatureAlgorithm(hash="sha512", pss=True, salt_length=30).to_der()
    params_der = der.decode(encoded)[1].raw
    params, rest = pyasn1_der.decode(params_der, asn1Spec=rfc4055.RSASSA_PSS_params())
    assert not rest
    assert str(params["hashAlgorithm"]["algorithm"]) == "2.16.840.1.101.3.4.2.3"
    assert int(params["saltLength"]) == 30


def test_pss_all_defaults_is_empty_sequence() -> None:
    """SHA-1, MGF1-SHA1, salt 20 are RFC 4055 defaults and so are omitted (empty params)."""
    alg = SignatureAlgorithm(hash="sha1", pss=True, salt_length=20)
    assert der.decode(alg.to_der())[1].length == 0
    assert SignatureAlgorithm.from_der(alg.to_der()) == alg


def test_pkcs1_parameters_may_be_absent() -> None:
    """RFC 4055 section 5: absent parameters are accepted as well as NULL."""
    data = der.sequence(der.oid("1.2.840.113549.1.1.11"))
    assert SignatureAlgorithm.from_der(data) == SignatureAlgorithm(hash="sha256")


def test_pkcs1_non_null_parameters_refused() -> None:
    """Parameters other than NULL are a DecodeError."""
    data = der.sequence(der.oid("1.2.840.113549.1.1.11"), der.integer(0))
    with pytest.raises(DecodeError, match="parameters"):
        SignatureAlgorithm.from_der(data)


def test_unsupported_algorithm_named() -> None:
    """md5WithRSAEncryption is refused with its name and OID."""
    data = der.sequence(der.oid("1.2.840.113549.1.1.4"), der.null())
    with pytest.raises(DecodeError, match=r"md5WithRSAEncryption \(1.2.840.113549.1.1.4\)"):
        SignatureAlgorithm.from_der(data)


def test_pss_trailer_other_than_one_refused() -> None:
    """trailerField must be 1."""
    data = der.sequence(
        der.oid("1.2.840.113549.1.1.10"), der.sequence(der.explicit(3, der.integer(2)))
    )
    with pytest.raises(DecodeError, match="trailerField"):
        SignatureAlgorithm.from_der(data)


def test_pss_fields_out_of_order_refused() -> None:
    """[2] before [0] is not DER."""
    data = der.sequence(
        der.oid("1.2.840.113549.1.1.10"),
        der.sequence(
            der.explicit(2, der.integer(32)), der.explicit(0, hash_algorithm_der("sha256"))
        ),
    )
    with pytest.raises(DecodeError, match="unexpected"):
        SignatureAlgorithm.from_der(data)


def test_pss_unknown_mgf_refused() -> None:
    """A mask generation function other than MGF1 is refused."""
    mgf = der.sequence(der.oid("1.2.3.4"), hash_algorithm_der("sha256"))
    data = der.sequence(der.oid("1.2.840.113549.1.1.10"), der.sequence(der.explicit(1, mgf)))
    with pytest.raises(DecodeError, match="mask generation"):
        SignatureAlgorithm.from_der(data)


def test_pss_without_parameters_refused() -> None:
    """RSASSA-PSS requires its parameters in a signature AlgorithmIdentifier."""
    with pytest.raises(DecodeError, match="without parameters"):
        SignatureAlgorithm.from_der(der.sequence(der.oid("1.2.840.113549.1.1.10")))


def test_salt_length_with_pkcs1_refused() -> None:
    """salt_length only makes sense for PSS."""
    with pytest.raises(ValidationError, match="PSS"):
        SignatureAlgorithm(hash="sha256", salt_length=32)


def test_unknown_hash_refused() -> None:
    """An unknown hash name is a ValidationError."""
    with pytest.raises(ValidationError, match="md5"):
        SignatureAlgorithm(hash="md5")


def test_names_are_openssl_long_names() -> None:
    """name gives openssl's long names."""
    assert SignatureAlgorithm(hash="sha384").name == "sha384WithRSAEncryption"
    assert SignatureAlgorithm(pss=True).name == "rsassaPss"


def test_rsa_encryption_der() -> None:
    """The SPKI key algorithm is {rsaEncryption, NULL}."""
    assert rsa_encryption_der() == bytes.fromhex("300d06092a864886f70d0101010500")


@pytest.mark.parametrize(
    "alg",
    [
        SignatureAlgorithm(hash="sha256"),
        SignatureAlgorithm(hash="sha512"),
        SignatureAlgorithm(hash="sha256", pss=True),
        SignatureAlgorithm(hash="sha384", pss=True, salt_length=0),
    ],
)
def test_sign_verify_through_algorithm(key_path: Path, alg: SignatureAlgorithm) -> None:
    """SignatureAlgorithm.sign / verify round trip; a changed message fails."""
    key = load_private_key(key_path.read_bytes())
    sig = alg.sign(key, b"tbs")
    alg.verify(key.public_key(), sig, b"tbs")
    with pytest.raises(InvalidSignature):
        alg.verify(key.public_key(), sig, b"tbS")


def test_verify_uses_stated_salt_length(key_path: Path) -> None:
    """A PSS signature with salt 32 fails when the parameters state salt 20."""
    key = load_private_key(key_path.read_bytes())
    sig = SignatureAlgorithm(pss=True).sign(key, b"tbs")
    with pytest.raises(InvalidSignature):
        SignatureAlgorithm(pss=True, salt_length=20).verify(key.public_key(), sig, b"tbs")


@settings(max_examples=150)
@given(
    hash=st.sampled_from(["sha1", "sha224", "sha256", "sha384", "sha512"]),
    pss=st.booleans(),
    salt=st.integers(0, 500),
    mgf=st.sampled_from(["sha1", "sha256", "sha512"]),
)
def test_der_round_trip(hash: str, pss: bool, salt: int, mgf: str) -> None:
    """to_der then from_der gives back the same algorithm."""
    alg = (
        SignatureAlgorithm(hash=hash, pss=True, salt_length=salt, mgf1_hash=mgf)
        if pss
        else SignatureAlgorithm(hash=hash)
    )
    assert SignatureAlgorithm.from_der(alg.to_der()) == alg


@settings(max_examples=200)
@given(st.binary(max_size=80))
def test_garbage_raises_only_decode_errors(data: bytes) -> None:
    """Arbitrary bytes raise DecodeError, nothing else."""
    with pytest.raises(DecodeError):
        SignatureAlgorithm.from_der(data)
