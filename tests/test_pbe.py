"""Tests for minica.pbe: PBKDF2, the PKCS#12 KDF and PBES2, with openssl and pyasn1 as oracles."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyasn1.codec.der import decoder as asn1_decoder
from pyasn1.type import univ
from pyasn1_modules import rfc7292

from minica import der, pbe
from minica.errors import DecodeError, PassphraseError, ValidationError


def _openssl(*args: str, data: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
    result = subprocess.run(
        ["openssl", *args],
        input=data,
        capture_output=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return result.stdout


@pytest.fixture(scope="module")
def keypair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway P-256 key and self-signed certificate made by openssl (instant to generate)."""
    d = tmp_path_factory.mktemp("pbe")
    key, cert = d / "key.pem", d / "cert.pem"
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(key), "-out", str(cert), "-subj", "/CN=pbe test", "-days", "1",
    )  # fmt: skip
    return key, cert


@pytest.fixture(scope="module")
def plain_pkcs8(keypair: tuple[Path, Path]) -> bytes:
    """The unencrypted PKCS#8 PrivateKeyInfo DER of the test key, as openssl writes it."""
    return _openssl("pkcs8", "-topk8", "-nocrypt", "-in", str(keypair[0]), "-outform", "DER")


def _openssl_encrypted_pkcs8(key: Path, passphrase: str, *options: str) -> der.Element:
    out = _openssl(
        "pkcs8", "-topk8", "-in", str(key), "-outform", "DER", "-passout", "env:PBE_PASS",
        *options,
        env={"PBE_PASS": passphrase},
    )  # fmt: skip
    return der.decode(out)


# --- PBKDF2 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iterations", "expected"),
    [
        (1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        (2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
        (4096, "4b007901b765489abead49d926f721d065a429c1"),
    ],
)
def test_pbkdf2_rfc6070_vectors(iterations: int, expected: str) -> None:
    """PBKDF2-HMAC-SHA1 matches the RFC 6070 test vectors."""
    assert pbe.pbkdf2("sha1", b"password", b"salt", iterations, 20).hex() == expected


def test_pbkdf2_unknown_hash() -> None:
    """An unsupported hash name is a ValidationError naming it."""
    with pytest.raises(ValidationError, match="'md5'"):
        pbe.pbkdf2("md5", b"p", b"s", 1, 16)


@pytest.mark.parametrize("iterations", [0, -1, pbe.MAX_ITERATIONS + 1])
def test_pbkdf2_iteration_bounds(iterations: int) -> None:
    """Iteration counts outside 1..MAX_ITERATIONS are refused."""
    with pytest.raises(ValidationError, match="iterations"):
        pbe.pbkdf2("sha256", b"p", b"s", iterations, 16)


def test_default_iterations_follow_owasp_2023() -> None:
    """New encryptions default to 600,000 PBKDF2-HMAC-SHA256 iterations."""
    assert pbe.DEFAULT_ITERATIONS == 600_000
    params = pbe.PBES2Params.generate(os.urandom)
    assert params.iterations == 600_000
    assert params.prf == "sha256"


# --- PKCS#12 KDF ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passphrase", "expected"),
    [("", b"\0\0"), ("ab", b"\0a\0b\0\0"), ("é€", b"\x00\xe9\x20\xac\0\0")],
)
def test_bmp_password(passphrase: str, expected: bytes) -> None:
    """bmp_password is UTF-16BE plus two zero bytes (RFC 7292 B.1)."""
    assert pbe.bmp_password(passphrase) == expected


def test_bmp_password_astral_uses_surrogates() -> None:
    """A character beyond the BMP becomes a surrogate pair, as OpenSSL encodes it."""
    assert pbe.bmp_password("\U0001f511") == b"\xd8\x3d\xdd\x11\0\0"


def test_bmp_password_lone_surrogate() -> None:
    """A lone surrogate cannot be encoded and is a ValidationError, not UnicodeEncodeError."""
    with pytest.raises(ValidationError, match="passphrase"):
        pbe.bmp_password("\ud800")


def _openssl_p12_mac(
    keypair: tuple[Path, Path], passphrase: str, macalg: str
) -> tuple[str, bytes, bytes, int, bytes]:
    """Export a .p12 with openssl; return (hash, mac, salt, iterations, authSafe content)."""
    key, cert = keypair
    p12 = _openssl(
        "pkcs12", "-export", "-inkey", str(key), "-in", str(cert), "-macalg", macalg,
        "-passout", "env:PBE_PASS",
        env={"PBE_PASS": passphrase},
    )  # fmt: skip
    pfx, rest = asn1_decoder.decode(p12, asn1Spec=rfc7292.PFX())
    assert not rest
    # authSafe is a ContentInfo of type data: [0] EXPLICIT OCTET STRING, the MAC'd bytes.
    content, _ = asn1_decoder.decode(bytes(pfx["authSafe"]["content"]), asn1Spec=univ.OctetString())
    mac_data = pfx["macData"]
    hash_oid = str(mac_data["mac"]["digestAlgorithm"]["algorithm"])
    hash_name = {
        "1.3.14.3.2.26": "sha1",
        "2.16.840.1.101.3.4.2.1": "sha256",
        "2.16.840.1.101.3.4.2.3": "sha512",
    }[hash_oid]
    return (
        hash_name,
        bytes(mac_data["mac"]["digest"]),
        bytes(mac_data["macSalt"]),
        int(mac_data["iterations"]),
        bytes(content),
    )


@pytest.mark.parametrize("passphrase", ["secret", "", "pässwörd €", "鍵\U0001f511"])
@pytest.mark.parametrize("macalg", ["sha256", "sha1", "sha512"])
def test_pkcs12_kdf_matches_openssl_mac(
    keypair: tuple[Path, Path], passphrase: str, macalg: str
) -> None:
    """An HMAC keyed with pkcs12_kdf(id=3) reproduces the MacData of an openssl-made .p12."""
    hash_name, mac, salt, iterations, content = _openssl_p12_mac(keypair, passphrase, macalg)
    assert hash_name == macalg
    size = hashlib.new(hash_name).digest_size
    mac_key = pbe.pkcs12_kdf(
        hash_name, pbe.bmp_password(passphrase), salt, pbe.ID_MAC, iterations, size
    )
    assert hmac.new(mac_key, content, hash_name).digest() == mac


def test_pkcs12_kdf_wrong_passphrase_gives_other_mac(keypair: tuple[Path, Path]) -> None:
    """The MAC check above can fail: a different passphrase gives a different HMAC."""
    hash_name, mac, salt, iterations, content = _openssl_p12_mac(keypair, "secret", "sha256")
    mac_key = pbe.pkcs12_kdf(hash_name, pbe.bmp_password("Secret"), salt, 3, iterations, 32)
    assert hmac.new(mac_key, content, hash_name).digest() != mac


@settings(max_examples=50)
@given(
    password=st.binary(max_size=150),
    salt=st.binary(max_size=150),
    length=st.integers(1, 100),
)
def test_pkcs12_kdf_prefix_property(password: bytes, salt: bytes, length: int) -> None:
    """Output is a prefix of any longer output, and the three IDs give different bytes."""
    long = pbe.pkcs12_kdf("sha256", password, salt, pbe.ID_KEY, 3, 100)
    assert pbe.pkcs12_kdf("sha256", password, salt, pbe.ID_KEY, 3, length) == long[:length]
    assert pbe.pkcs12_kdf("sha256", password, salt, pbe.ID_IV, 3, 100) != long
    assert pbe.pkcs12_kdf("sha256", password, salt, pbe.ID_MAC, 3, 100) != long


@settings(max_examples=12, deadline=None)
@given(
    hash_name=st.sampled_from(["sha1", "sha256", "sha512"]),
    password=st.binary(min_size=1, max_size=150),
    salt=st.binary(min_size=1, max_size=150),
    id_=st.sampled_from([pbe.ID_KEY, pbe.ID_IV, pbe.ID_MAC]),
    iterations=st.integers(1, 50),
    length=st.integers(1, 200),
)
def test_pkcs12_kdf_matches_openssl_kdf(
    hash_name: str, password: bytes, salt: bytes, id_: int, iterations: int, length: int
) -> None:
    """pkcs12_kdf equals `openssl kdf PKCS12KDF`, also for outputs longer than one hash."""
    out = _openssl(
        "kdf", "-keylen", str(length), "-kdfopt", f"digest:{hash_name.upper()}",
        "-kdfopt", f"hexpass:{password.hex()}", "-kdfopt", f"hexsalt:{salt.hex()}",
        "-kdfopt", f"iter:{iterations}", "-kdfopt", f"id:{id_}", "PKCS12KDF",
    )  # fmt: skip
    expected = bytes.fromhex(out.decode().strip().replace(":", ""))
    assert pbe.pkcs12_kdf(hash_name, password, salt, id_, iterations, length) == expected


def test_pkcs12_kdf_bad_id() -> None:
    """IDs other than 1, 2 and 3 are refused."""
    with pytest.raises(ValidationError, match="KDF id"):
        pbe.pkcs12_kdf("sha1", b"\0\0", b"salt", 4, 1, 20)


# --- PBES2Params DER ----------------------------------------------------------------------------


@pytest.mark.parametrize("cipher", ["aes-128-cbc", "aes-192-cbc", "aes-256-cbc"])
@pytest.mark.parametrize("prf", ["sha1", "sha224", "sha256", "sha384", "sha512"])
def test_decrypt_openssl_pkcs8(
    keypair: tuple[Path, Path], plain_pkcs8: bytes, cipher: str, prf: str
) -> None:
    """openssl-encrypted PKCS#8 keys parse and decrypt to openssl's unencrypted PKCS#8."""
    epki = _openssl_encrypted_pkcs8(
        keypair[0], "pass word", "-v2", cipher, "-v2prf", f"hmacWith{prf.upper()}", "-iter", "1000"
    )
    params = pbe.PBES2Params.from_element(epki[0])
    assert (params.cipher, params.prf, params.iterations) == (cipher, prf, 1000)
    assert pbe.decrypt(params, b"pass word", epki[1].as_bytes()) == plain_pkcs8


@pytest.mark.parametrize("prf", ["sha1", "sha256", "sha512"])
def test_to_der_matches_openssl_encoding(keypair: tuple[Path, Path], prf: str) -> None:
    """Re-encoding parsed parameters reproduces openssl's AlgorithmIdentifier byte for byte."""
    epki = _openssl_encrypted_pkcs8(
        keypair[0], "x", "-v2", "aes-256-cbc", "-v2prf", f"hmacWith{prf.upper()}", "-iter", "7"
    )
    assert pbe.PBES2Params.from_element(epki[0]).to_der() == epki[0].raw


@pytest.mark.parametrize("cipher", ["aes-128-cbc", "aes-256-cbc"])
def test_openssl_decrypts_minica_pkcs8(tmp_path: Path, plain_pkcs8: bytes, cipher: str) -> None:
    """openssl decrypts an EncryptedPrivateKeyInfo built from minica's PBES2 output."""
    params = pbe.PBES2Params.generate(os.urandom, iterations=1000, cipher=cipher)
    epki = der.sequence(params.to_der(), der.octet_string(pbe.encrypt(params, b"pw", plain_pkcs8)))
    path = tmp_path / "key.der"
    path.write_bytes(epki)
    # -topk8 -nocrypt writes PKCS#8 again (plain -pkcs8 would write SEC1 for an EC key).
    out = _openssl(
        "pkcs8", "-topk8", "-nocrypt", "-inform", "DER", "-in", str(path),
        "-passin", "pass:pw", "-outform", "DER",
    )  # fmt: skip
    assert out == plain_pkcs8


def test_wrong_passphrase_is_passphrase_error(keypair: tuple[Path, Path]) -> None:
    """Decrypting with the wrong passphrase raises PassphraseError mentioning it."""
    epki = _openssl_encrypted_pkcs8(keypair[0], "right", "-v2", "aes-256-cbc", "-iter", "10")
    params = pbe.PBES2Params.from_element(epki[0])
    with pytest.raises(PassphraseError, match="wrong passphrase"):
        pbe.decrypt(params, b"wrong", epki[1].as_bytes())


@settings(max_examples=100)
@given(
    salt=st.binary(min_size=1, max_size=32),
    iterations=st.integers(1, 2**31),
    key_length=st.booleans(),
    prf=st.sampled_from(["sha1", "sha224", "sha256", "sha384", "sha512"]),
    cipher=st.sampled_from(["aes-128-cbc", "aes-192-cbc", "aes-256-cbc"]),
    iv=st.binary(min_size=16, max_size=16),
)
def test_params_der_round_trip(
    salt: bytes, iterations: int, key_length: bool, prf: str, cipher: str, iv: bytes
) -> None:
    """from_der(to_der(p)) == p for every supported combination."""
    iterations = min(iterations, pbe.MAX_ITERATIONS)
    size = {"aes-128-cbc": 16, "aes-192-cbc": 24, "aes-256-cbc": 32}[cipher]
    params = pbe.PBES2Params(
        salt=salt,
        iterations=iterations,
        key_length=size if key_length else None,
        prf=prf,
        cipher=cipher,
        iv=iv,
    )
    assert pbe.PBES2Params.from_der(params.to_der()) == params


@settings(max_examples=30, deadline=None)
@given(
    passphrase=st.binary(max_size=40),
    data=st.binary(max_size=100),
    cipher=st.sampled_from(["aes-128-cbc", "aes-192-cbc", "aes-256-cbc"]),
)
def test_encrypt_decrypt_round_trip(passphrase: bytes, data: bytes, cipher: str) -> None:
    """decrypt inverts encrypt under the same passphrase and parameters."""
    params = pbe.PBES2Params(salt=b"saltsalt", iterations=2, cipher=cipher, iv=bytes(range(16)))
    assert pbe.decrypt(params, passphrase, pbe.encrypt(params, passphrase, data)) == data


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (("-v1", "PBE-SHA1-3DES"), "pbeWithSHAAnd3-KeyTripleDES-CBC"),
        (("-v2", "des3"), "des-ede3-cbc"),
        (("-scrypt",), "scrypt"),
    ],
)
def test_openssl_legacy_schemes_refused(
    keypair: tuple[Path, Path], options: tuple[str, ...], name: str
) -> None:
    """Legacy schemes openssl can still write are refused, named, with a conversion command."""
    epki = _openssl_encrypted_pkcs8(keypair[0], "x", *options)
    with pytest.raises(PassphraseError, match=name) as info:
        pbe.PBES2Params.from_element(epki[0])
    assert "openssl pkcs8 -topk8 -v2 aes-256-cbc" in str(info.value)
    assert "openssl pkcs12" in str(info.value)


@pytest.mark.parametrize(
    ("oid", "name"),
    [
        ("1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"),
        ("1.2.840.113549.1.12.1.6", "pbewithSHAAnd40BitRC2-CBC"),
        ("1.2.3.4", "1.2.3.4"),
    ],
)
def test_other_schemes_refused(oid: str, name: str) -> None:
    """Non-PBES2 AlgorithmIdentifiers raise PassphraseError naming the scheme."""
    alg = der.sequence(der.oid(oid), der.sequence(der.octet_string(b"salt"), der.integer(2048)))
    with pytest.raises(PassphraseError, match=name):
        pbe.PBES2Params.from_der(alg)


def _pbes2(kdf_params: bytes, enc: bytes | None = None) -> bytes:
    enc = enc or der.sequence(der.oid("2.16.840.1.101.3.4.1.42"), der.octet_string(bytes(16)))
    return der.sequence(
        der.oid("1.2.840.113549.1.5.13"),
        der.sequence(der.sequence(der.oid("1.2.840.113549.1.5.12"), kdf_params), enc),
    )


def test_unknown_prf_refused() -> None:
    """A PBKDF2 PRF minica lacks (hmacWithSHA512-224) is a PassphraseError naming it."""
    prf = der.sequence(der.oid("1.2.840.113549.2.12"), der.null())
    data = _pbes2(der.sequence(der.octet_string(b"s"), der.integer(1), prf))
    with pytest.raises(PassphraseError, match="hmacWithSHA512-224"):
        pbe.PBES2Params.from_der(data)


def test_prf_without_null_parameters_accepted() -> None:
    """A PRF AlgorithmIdentifier with absent parameters parses like one with NULL."""
    prf = der.sequence(der.oid("1.2.840.113549.2.9"))
    params = pbe.PBES2Params.from_der(
        _pbes2(der.sequence(der.octet_string(b"s"), der.integer(1), prf))
    )
    assert params.prf == "sha256"


def test_huge_iteration_count_refused() -> None:
    """An iterationCount beyond MAX_ITERATIONS is a DecodeError with a byte offset."""
    data = _pbes2(der.sequence(der.octet_string(b"s"), der.integer(2**40)))
    with pytest.raises(DecodeError, match=r"iterationCount: .* at byte \d+"):
        pbe.PBES2Params.from_der(data)


def test_key_length_mismatch_refused() -> None:
    """A keyLength that disagrees with the AES key size is a DecodeError."""
    data = _pbes2(der.sequence(der.octet_string(b"s"), der.integer(1), der.integer(16)))
    with pytest.raises(DecodeError, match="keyLength: 16 does not match aes-256-cbc"):
        pbe.PBES2Params.from_der(data)


def test_short_iv_refused() -> None:
    """An AES IV that is not 16 bytes is a DecodeError."""
    enc = der.sequence(der.oid("2.16.840.1.101.3.4.1.2"), der.octet_string(bytes(8)))
    data = _pbes2(der.sequence(der.octet_string(b"s"), der.integer(1)), enc)
    with pytest.raises(DecodeError, match="iv: length 8"):
        pbe.PBES2Params.from_der(data)


@settings(max_examples=300)
@given(data=st.binary(max_size=120))
def test_from_der_garbage_raises_only_minica_errors(data: bytes) -> None:
    """Arbitrary bytes give DecodeError or PassphraseError, never another exception."""
    with contextlib.suppress(DecodeError, PassphraseError):
        pbe.PBES2Params.from_der(data)


@settings(max_examples=300)
@given(data=st.data())
def test_from_der_mutations_raise_only_minica_errors(data: st.DataObject) -> None:
    """Single-byte corruptions of valid parameters never escape as non-minica exceptions."""
    good = bytearray(
        pbe.PBES2Params(salt=b"saltsalt", iterations=2048, iv=bytes(16), prf="sha512").to_der()
    )
    pos = data.draw(st.integers(0, len(good) - 1))
    good[pos] = data.draw(st.integers(0, 255))
    with contextlib.suppress(DecodeError, PassphraseError):
        pbe.PBES2Params.from_der(bytes(good))


def test_ciphertext_not_whole_blocks() -> None:
    """Ciphertext that is not whole AES blocks is a DecodeError, not a passphrase problem."""
    params = pbe.PBES2Params(salt=b"s", iterations=1, iv=bytes(16))
    with pytest.raises(DecodeError, match="not a positive multiple of 16"):
        pbe.decrypt(params, b"pw", bytes(15))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"prf": "md5"}, "prf"),
        ({"cipher": "des-ede3-cbc"}, "cipher"),
        ({"iv": bytes(8)}, "IV"),
        ({"key_length": 16}, "keyLength"),
        ({"iterations": 0}, "iterations"),
    ],
)
def test_params_validation(changes: dict[str, object], match: str) -> None:
    """Building PBES2Params with impossible values is a ValidationError."""
    fields: dict[str, object] = {"salt": b"s", "iterations": 1, "iv": bytes(16), **changes}
    with pytest.raises(ValidationError, match=match):
        pbe.PBES2Params(**fields)  # type: ignore[arg-type]


def test_str_passphrase_is_type_error() -> None:
    """PBES2 takes bytes; a str passphrase is a TypeError (the caller picks the encoding)."""
    params = pbe.PBES2Params(salt=b"s", iterations=1, iv=bytes(16))
    with pytest.raises(TypeError, match="passphrase must be bytes"):
        pbe.encrypt(params, "pw", b"data")  # type: ignore[arg-type]
