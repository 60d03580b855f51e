"""Tests for minica.keys: prime generation, signing, verification, encodings, loaders, key files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minica import der, keys
from minica.errors import DecodeError, InvalidSignature, PassphraseError, ValidationError
from minica.keys import RSAPrivateKey, RSAPublicKey, load_private_key, load_public_key

DATA = Path(__file__).parent / "data" / "keys"
PASS = "minica-test"


def _read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _seeded(seed: int) -> Callable[[int], bytes]:
    """A deterministic rng (n -> bytes) for reproducible tests."""
    gen = random.Random(seed)
    return gen.randbytes


@pytest.fixture(scope="module")
def key() -> RSAPrivateKey:
    return load_private_key(_read("rsa2048-a.pem"))


@pytest.fixture(scope="module")
def other() -> RSAPrivateKey:
    return load_private_key(_read("rsa2048-b.pem"))


@pytest.fixture(scope="module")
def generated() -> RSAPrivateKey:
    """One pure-Python 2048-bit key for the whole module (it takes ~0.2 s)."""
    return keys.generate_private_key(2048, rng=_seeded(1))


# -- primes and key generation ------------------------------------------------------------------


def test_small_primes_match_trial_division() -> None:
    """The sieve table lists exactly the odd primes below its bound."""
    expected = [n for n in range(3, 5000, 2) if all(n % d for d in range(3, int(n**0.5) + 1, 2))]
    assert [p for p, _ in keys._small_primes(5000)] == expected


def test_small_primes_carry_inverse_of_two() -> None:
    """Each sieve prime is paired with 2^-1 mod p."""
    assert all(2 * h % p == 1 for p, h in keys._small_primes(1 << 12))


def test_sieve_marks_exactly_the_multiples() -> None:
    """A window flag is 0 exactly when a listed small prime divides the candidate."""
    primes = keys._small_primes(1000)
    base = (1 << 200) + 12345  # odd
    flags = keys._sieve(base, 500, primes)
    for i, flag in enumerate(flags):
        c = base + 2 * i
        divisible = any(c % p == 0 for p, _ in primes)
        assert flag == (0 if divisible else 1)


@pytest.mark.parametrize(
    "n",
    [
        561,  # Carmichael
        3215031751,  # strong pseudoprime to bases 2, 3, 5, 7
        2047,  # strong pseudoprime to base 2
        (2**89 - 1) * (2**61 - 1),
    ],
)
def test_miller_rabin_rejects_composites(n: int) -> None:
    """Composites, including base-2 strong pseudoprimes, fail the probable-prime test."""
    assert not keys._is_probable_prime(n, 5, _seeded(2))


@pytest.mark.parametrize("p", [2**61 - 1, 2**89 - 1, 2**127 - 1, 2**521 - 1])
def test_miller_rabin_accepts_primes(p: int) -> None:
    """Mersenne primes pass."""
    assert keys._is_probable_prime(p, 5, _seeded(3))


@pytest.mark.parametrize(("bits", "rounds"), [(1024, 5), (1536, 4), (2048, 4)])
def test_miller_rabin_rounds_follow_fips_186_5(bits: int, rounds: int) -> None:
    """Round counts are table B.1's column for the key's security strength."""
    assert keys._miller_rabin_rounds(bits) == rounds


def test_random_prime_shape() -> None:
    """A generated prime has exactly the bit size, top two bits set, gcd(e, p-1) = 1."""
    p = keys._random_prime(512, 65537, _seeded(4))
    assert p.bit_length() == 512
    assert p >> 510 == 0b11
    assert (p - 1) % 65537 != 0
    assert rsa.prime.is_prime(p)


def test_generated_key_is_consistent(generated: RSAPrivateKey) -> None:
    """A generated key has 2048 bits, e = 65537, d mod lcm(p-1, q-1) and correct CRT values."""
    k = generated
    assert k.size == 2048 and k.e == 65537
    assert k.n == k.p * k.q and k.p > k.q
    lam = (k.p - 1) * (k.q - 1) // __import__("math").gcd(k.p - 1, k.q - 1)
    assert k.d == pow(k.e, -1, lam)
    assert k.dp == k.d % (k.p - 1) and k.dq == k.d % (k.q - 1) and k.qinv * k.q % k.p == 1
    assert abs(k.p - k.q) > 1 << (1024 - 100)
    assert rsa.prime.is_prime(k.p) and rsa.prime.is_prime(k.q)


def test_generation_is_deterministic_with_seeded_rng(generated: RSAPrivateKey) -> None:
    """The same rng gives the same key (no hidden randomness)."""
    assert keys.generate_private_key(2048, rng=_seeded(1)) == generated


@pytest.mark.parametrize("bits", [512, 1024, 2047, 2050, 1 << 15])
def test_generate_refuses_bad_sizes(bits: int) -> None:
    """Sizes below 2048, not multiples of 8, or absurdly large are refused."""
    with pytest.raises(ValidationError, match="key size"):
        keys.generate_private_key(bits)


def test_generate_bits_type() -> None:
    """A non-int size is a TypeError."""
    with pytest.raises(TypeError):
        keys.generate_private_key("2048")  # type: ignore[arg-type]


def test_rng_returning_wrong_length_is_type_error() -> None:
    """An rng that returns the wrong number of bytes is a programmer error."""
    with pytest.raises(TypeError, match="rng"):
        keys.generate_private_key(2048, rng=lambda n: b"\x01")


# -- signing and verification ---------------------------------------------------------------


@pytest.mark.parametrize("hash", ["sha256", "sha384", "sha512"])
def test_pkcs1_sign_matches_rsa_package(key: RSAPrivateKey, hash: str) -> None:
    """PKCS#1 v1.5 signatures are deterministic and equal to rsa.sign's."""
    rsa_name = {"sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}[hash]
    assert key.sign(b"message", hash) == rsa.sign(b"message", key.to_rsa(), rsa_name)


def test_rsa_package_verifies_minica_signature(key: RSAPrivateKey) -> None:
    """rsa.verify accepts a minica PKCS#1 v1.5 signature."""
    sig = key.sign(b"payload")
    assert rsa.verify(b"payload", sig, key.public_key().to_rsa()) == "SHA-256"


def test_verify_accepts_rsa_package_sha1_signature(key: RSAPrivateKey) -> None:
    """SHA-1 signatures made elsewhere verify (SHA-1 is verify-only)."""
    sig = rsa.sign(b"old", key.to_rsa(), "SHA-1")
    key.public_key().verify(sig, b"old", "sha1")


def test_sha1_signing_refused(key: RSAPrivateKey) -> None:
    """minica does not sign with SHA-1."""
    with pytest.raises(ValidationError, match="sha1"):
        key.sign(b"x", "sha1")


@pytest.mark.parametrize("pss", [False, True])
def test_tampered_message_fails(key: RSAPrivateKey, pss: bool) -> None:
    """Changing the message breaks the signature."""
    sig = key.sign(b"message", pss=pss)
    with pytest.raises(InvalidSignature):
        key.public_key().verify(sig, b"messagE", pss=pss)


@pytest.mark.parametrize("pss", [False, True])
@pytest.mark.parametrize("position", [0, 100, 255])
def test_tampered_signature_fails(key: RSAPrivateKey, pss: bool, position: int) -> None:
    """Flipping a bit anywhere in the signature breaks it."""
    sig = bytearray(key.sign(b"message", pss=pss))
    sig[position] ^= 0x01
    with pytest.raises(InvalidSignature):
        key.public_key().verify(bytes(sig), b"message", pss=pss)


def test_wrong_key_fails(key: RSAPrivateKey, other: RSAPrivateKey) -> None:
    """A signature does not verify under another key."""
    with pytest.raises(InvalidSignature):
        other.public_key().verify(key.sign(b"m"), b"m")


def test_wrong_hash_fails(key: RSAPrivateKey) -> None:
    """A SHA-256 signature does not verify as SHA-384."""
    with pytest.raises(InvalidSignature):
        key.public_key().verify(key.sign(b"m"), b"m", "sha384")


@pytest.mark.parametrize("length", [255, 257, 0])
def test_wrong_length_signature_rejected(key: RSAPrivateKey, length: int) -> None:
    """A signature that is not exactly k bytes is rejected, even with leading zeros."""
    sig = key.sign(b"m")
    bad = (b"\x00" + sig)[:length] if length > 256 else sig[-length:] if length else b""
    with pytest.raises(InvalidSignature, match="expected 256 bytes"):
        key.public_key().verify(bad, b"m")


def test_signature_not_below_modulus_rejected(key: RSAPrivateKey) -> None:
    """s >= n is rejected (RFC 8017 5.2.2) rather than reduced."""
    pub = key.public_key()
    for s in (pub.n, pub.n + 1, (1 << 2048) - 1):
        with pytest.raises(InvalidSignature, match="s >= n"):
            pub.verify(s.to_bytes(256, "big"), b"m")


def _raw_signature(key: RSAPrivateKey, em: bytes) -> bytes:
    return pow(int.from_bytes(em, "big"), key.d, key.n).to_bytes(256, "big")


def test_digest_info_with_absent_null_rejected(key: RSAPrivateKey) -> None:
    """A DigestInfo without the NULL parameters (a different encoding) is rejected."""
    digest = hashlib.sha256(b"m").digest()
    t = der.sequence(der.sequence(der.oid("2.16.840.1.101.3.4.2.1")), der.octet_string(digest))
    em = b"\x00\x01" + b"\xff" * (256 - len(t) - 3) + b"\x00" + t
    with pytest.raises(InvalidSignature):
        key.public_key().verify(_raw_signature(key, em), b"m")


def test_garbage_after_digest_info_rejected(key: RSAPrivateKey) -> None:
    """Bytes hidden after the DigestInfo (Bleichenbacher 2006 forgery shape) are rejected."""
    digest = hashlib.sha256(b"m").digest()
    t = keys._DIGEST_INFO_PREFIX["sha256"] + digest + b"\x00" * 8
    em = b"\x00\x01" + b"\xff" * (256 - len(t) - 3) + b"\x00" + t
    with pytest.raises(InvalidSignature):
        key.public_key().verify(_raw_signature(key, em), b"m")


def test_correct_raw_encoding_verifies(key: RSAPrivateKey) -> None:
    """The hand-built EM that the two rejection tests vary is itself accepted (control)."""
    digest = hashlib.sha256(b"m").digest()
    t = keys._DIGEST_INFO_PREFIX["sha256"] + digest
    em = b"\x00\x01" + b"\xff" * (256 - len(t) - 3) + b"\x00" + t
    key.public_key().verify(_raw_signature(key, em), b"m")


@pytest.mark.parametrize(
    ("hash", "hex_prefix"),
    [
        ("sha1", "3021300906052b0e03021a05000414"),
        ("sha256", "3031300d060960864801650304020105000420"),
        ("sha384", "3041300d060960864801650304020205000430"),
        ("sha512", "3051300d060960864801650304020305000440"),
    ],
)
def test_digest_info_prefixes_match_rfc_8017(hash: str, hex_prefix: str) -> None:
    """The DER-built DigestInfo prefixes equal RFC 8017 section 9.2 note 1."""
    assert keys._DIGEST_INFO_PREFIX[hash] == bytes.fromhex(hex_prefix)


@pytest.mark.parametrize("salt_length", [0, 20, 32, 64, 222])
def test_pss_round_trip_with_salt_lengths(key: RSAPrivateKey, salt_length: int) -> None:
    """PSS signatures verify with the stated salt length and with auto detection."""
    sig = key.sign(b"m", pss=True, salt_length=salt_length)
    key.public_key().verify(sig, b"m", pss=True, salt_length=salt_length)
    key.public_key().verify(sig, b"m", pss=True)


def test_pss_wrong_salt_length_fails(key: RSAPrivateKey) -> None:
    """A PSS signature with salt 32 does not verify when 20 is required."""
    sig = key.sign(b"m", pss=True)
    with pytest.raises(InvalidSignature):
        key.public_key().verify(sig, b"m", pss=True, salt_length=20)


def test_pss_salt_too_long_refused(key: RSAPrivateKey) -> None:
    """A salt that cannot fit in the encoded message is refused when signing."""
    with pytest.raises(ValidationError, match="salt"):
        key.sign(b"m", pss=True, salt_length=223)


def test_pss_is_randomised_and_uses_rng(key: RSAPrivateKey) -> None:
    """PSS salts come from rng: same rng, same signature; fresh randomness, a new one."""
    a = key.sign(b"m", pss=True, rng=_seeded(9))
    assert a == key.sign(b"m", pss=True, rng=_seeded(9))
    assert a != key.sign(b"m", pss=True)


def test_pss_mgf1_hash_mismatch_fails(key: RSAPrivateKey) -> None:
    """A PSS signature with MGF1-SHA256 does not verify as MGF1-SHA1."""
    sig = key.sign(b"m", pss=True)
    with pytest.raises(InvalidSignature):
        key.public_key().verify(sig, b"m", pss=True, mgf1_hash="sha1")


def test_pkcs1_salt_length_refused(key: RSAPrivateKey) -> None:
    """salt_length with PKCS#1 v1.5 is a mistake, not silently ignored."""
    with pytest.raises(ValidationError, match="PSS"):
        key.sign(b"m", salt_length=20)


def test_faulty_crt_result_never_returned(
    key: RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CRT fault (simulated) raises instead of returning a factor-leaking signature."""
    real = keys._crt
    monkeypatch.setattr(keys, "_crt", lambda k, c: real(k, c) ^ 1)
    with pytest.raises(ValidationError, match="public-key check"):
        key.sign(b"m")


def test_blinding_uses_rng(key: RSAPrivateKey) -> None:
    """Signing draws the blinding factor from rng (PKCS#1 v1.5 output is still deterministic)."""
    calls: list[int] = []

    def rng(n: int) -> bytes:
        calls.append(n)
        return os.urandom(n)

    assert key.sign(b"m", rng=rng) == key.sign(b"m")
    assert calls and calls[0] == 256


def test_sign_data_type(key: RSAPrivateKey) -> None:
    """str data is a TypeError, not silently encoded."""
    with pytest.raises(TypeError):
        key.sign("text")  # type: ignore[arg-type]


# -- objects --------------------------------------------------------------------------------


def test_private_repr_hides_material(key: RSAPrivateKey) -> None:
    """repr shows size and key id only."""
    text = repr(key)
    assert "2048" in text and key.public_key().key_id().hex() in text
    assert str(key.d)[:20] not in text and hex(key.p)[2:20] not in text


def test_key_id_matches_openssl_subject_key_identifier(key: RSAPrivateKey) -> None:
    """key_id is SHA-1 of the PKCS#1 RSAPublicKey (the SPKI BIT STRING contents)."""
    spki = _read("rsa2048-a.pub.der")
    bit_string = der.decode(spki)[1].as_bit_string_bytes()
    assert key.public_key().key_id() == hashlib.sha1(bit_string).digest()


def test_fingerprint_is_digest_of_spki(key: RSAPrivateKey) -> None:
    """fingerprint(hash) hashes the SPKI DER."""
    pub = key.public_key()
    assert pub.fingerprint() == hashlib.sha256(_read("rsa2048-a.pub.der")).digest()
    assert pub.fingerprint("sha1") == hashlib.sha1(_read("rsa2048-a.pub.der")).digest()


def test_inconsistent_private_key_refused(key: RSAPrivateKey) -> None:
    """Constructing a key whose numbers disagree is a ValidationError."""
    with pytest.raises(ValidationError, match="CRT exponents"):
        RSAPrivateKey(
            n=key.n, e=key.e, d=key.d, p=key.p, q=key.q, dp=key.dp + 2, dq=key.dq, qinv=key.qinv
        )


def test_public_key_validation() -> None:
    """An even modulus or exponent is refused."""
    with pytest.raises(ValidationError):
        RSAPublicKey(n=10, e=3)
    with pytest.raises(ValidationError):
        RSAPublicKey(n=35, e=4)


def test_rsa_package_conversion_round_trip(key: RSAPrivateKey) -> None:
    """to_rsa / from_rsa preserve the key."""
    assert RSAPrivateKey.from_rsa(key.to_rsa()) == key
    assert RSAPublicKey.from_rsa(key.public_key().to_rsa()) == key.public_key()


# -- encodings and loaders -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "rsa2048-a.pem",
        "rsa2048-a.der",
        "rsa2048-a.pkcs1.pem",
        "rsa2048-a.pkcs1.der",
        "rsa2048-a.enc-aes256-sha256.pem",
        "rsa2048-a.enc-aes256-sha256.der",
        "rsa2048-a.enc-aes128-sha1.pem",
        "rsa2048-a.enc-aes192-sha512.pem",
        "rsa2048-a.legacy-aes128.pem",
        "rsa2048-a.legacy-aes192.pem",
        "rsa2048-a.legacy-aes256.pem",
    ],
)
def test_load_every_openssl_private_format(key: RSAPrivateKey, name: str) -> None:
    """Every format openssl writes loads to the same key."""
    assert load_private_key(_read(name), PASS) == key


def test_load_accepts_str_pem(key: RSAPrivateKey) -> None:
    """PEM may be given as str."""
    assert load_private_key(_read("rsa2048-a.pem").decode()) == key


@pytest.mark.parametrize(
    "name",
    ["rsa2048-a.pub.pem", "rsa2048-a.pub.der", "rsa2048-a.rsapub.pem", "rsa2048-a.rsapub.der"],
)
def test_load_every_openssl_public_format(key: RSAPrivateKey, name: str) -> None:
    """SPKI and PKCS#1 public keys, PEM and DER, load."""
    assert load_public_key(_read(name)) == key.public_key()


def test_encodings_equal_openssl_bytes(key: RSAPrivateKey) -> None:
    """minica's PKCS#8, PKCS#1 and SPKI encodings are byte-identical to openssl's."""
    assert key.to_pem() == _read("rsa2048-a.pem").decode()
    assert key.to_der() == _read("rsa2048-a.der")
    assert key.to_pem("pkcs1") == _read("rsa2048-a.pkcs1.pem").decode()
    assert key.to_der("pkcs1") == _read("rsa2048-a.pkcs1.der")
    pub = key.public_key()
    assert pub.to_pem() == _read("rsa2048-a.pub.pem").decode()
    assert pub.spki_der() == _read("rsa2048-a.pub.der")
    assert pub.to_pem("pkcs1") == _read("rsa2048-a.rsapub.pem").decode()


def test_encrypted_round_trip(key: RSAPrivateKey) -> None:
    """An encrypted PKCS#8 key loads back with the passphrase."""
    text = key.to_pem(passphrase="s3cret", iterations=1000)
    assert text.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert load_private_key(text, "s3cret") == key
    assert load_private_key(text.encode(), b"s3cret") == key


def test_encrypted_default_iterations_follow_owasp(key: RSAPrivateKey) -> None:
    """Without iterations= the PBKDF2 count is pbe.DEFAULT_ITERATIONS (600000)."""
    data = key.to_der(passphrase="x", rng=_seeded(5))
    params = der.decode(data)[0][1][0][1]
    assert params[1].as_int() == 600_000


def test_missing_passphrase(key: RSAPrivateKey) -> None:
    """An encrypted key without a passphrase is a PassphraseError saying so."""
    with pytest.raises(PassphraseError, match="passphrase is required"):
        load_private_key(_read("rsa2048-a.enc-aes256-sha256.pem"))
    with pytest.raises(PassphraseError, match="passphrase is required"):
        load_private_key(_read("rsa2048-a.legacy-aes256.pem"))


@pytest.mark.parametrize("name", ["rsa2048-a.enc-aes256-sha256.pem", "rsa2048-a.legacy-aes256.pem"])
@pytest.mark.parametrize("wrong", ["", "minica-tesT", "x" * 100])
def test_wrong_passphrase(name: str, wrong: str) -> None:
    """A wrong passphrase is a PassphraseError, never a key."""
    with pytest.raises(PassphraseError):
        load_private_key(_read(name), wrong)


def test_wrong_passphrase_that_unpads_is_still_refused(key: RSAPrivateKey) -> None:
    """Even when a wrong key's decryption has valid padding, no garbage key comes out."""
    text = key.to_pem(passphrase="right", iterations=1)
    hits = 0
    for i in range(3000):
        try:
            load_private_key(text, f"wrong{i}")
        except PassphraseError:
            continue
        hits += 1
    assert hits == 0


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("rsa2048-a.enc-des3.pem", "des-ede3-cbc.*openssl pkcs8"),
        ("rsa2048-a.enc-pbes1.pem", "3-KeyTripleDES.*openssl pkcs8"),
        ("rsa2048-a.legacy-des3.pem", "DES-EDE3-CBC.*openssl pkey -in old.pem -aes-256-cbc"),
    ],
)
def test_unsupported_encryption_names_the_fix(name: str, match: str) -> None:
    """Unsupported ciphers are PassphraseErrors that give the openssl conversion command."""
    with pytest.raises(PassphraseError, match=match):
        load_private_key(_read(name), PASS)


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("rsa-pss-2048.pem", "RSASSA-PSS-restricted"),
        ("rsa2048-3prime.pem", "multi-prime"),
        ("rsa2048-3prime.pkcs1.pem", "multi-prime"),
    ],
)
def test_unsupported_key_kinds(name: str, match: str) -> None:
    """PSS-restricted and multi-prime keys are refused with a DecodeError naming why."""
    with pytest.raises(DecodeError, match=match):
        load_private_key(_read(name))


def test_public_loader_names_what_it_found() -> None:
    """Handing a private key to load_public_key says what was expected and found."""
    with pytest.raises(DecodeError, match=r"PUBLIC KEY.*found PRIVATE KEY"):
        load_public_key(_read("rsa2048-a.pem"))


def test_neither_pem_nor_der() -> None:
    """Text with no PEM block says it expected PEM or DER."""
    with pytest.raises(DecodeError, match="DER"):
        load_private_key(b"hello")


def test_inconsistent_loaded_key_is_decode_error(key: RSAPrivateKey) -> None:
    """A PKCS#1 key with a wrong CRT coefficient is a DecodeError naming the problem."""
    ints = [0, key.n, key.e, key.d, key.p, key.q, key.dp, key.dq, key.qinv + 1]
    data = der.sequence(*(der.integer(v) for v in ints))
    with pytest.raises(DecodeError, match="CRT coefficient"):
        load_private_key(data)


def test_wrong_modulus_loaded_key_is_decode_error(key: RSAPrivateKey) -> None:
    """n != p*q is caught on load."""
    ints = [0, key.n + 2, key.e, key.d, key.p, key.q, key.dp, key.dq, key.qinv]
    with pytest.raises(DecodeError, match="n is not p"):
        load_private_key(der.sequence(*(der.integer(v) for v in ints)))


def test_loader_type_errors() -> None:
    """Wrong Python types stay TypeErrors."""
    with pytest.raises(TypeError):
        load_private_key(12)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        load_private_key(_read("rsa2048-a.pem"), 12)  # type: ignore[arg-type]


def test_pkcs1_cannot_be_encrypted(key: RSAPrivateKey) -> None:
    """Asking for an encrypted PKCS#1 key is refused (minica writes PKCS#8 only)."""
    with pytest.raises(ValidationError, match="PKCS#1"):
        key.to_pem("pkcs1", passphrase="x")


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_garbage_raises_only_minica_errors(data: bytes) -> None:
    """Arbitrary bytes never escape as IndexError, KeyError, etc."""
    for loader in (load_private_key, load_public_key):
        with pytest.raises((DecodeError, PassphraseError)):
            loader(data)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_keys_raise_only_minica_errors(data: st.DataObject) -> None:
    """Single-byte mutations of real key files load correctly or raise minica errors."""
    name = data.draw(st.sampled_from(["rsa2048-a.der", "rsa2048-a.pub.der", "rsa2048-a.pkcs1.der"]))
    raw = bytearray(_read(name))
    pos = data.draw(st.integers(0, len(raw) - 1))
    raw[pos] = data.draw(st.integers(0, 255))
    loader = load_public_key if "pub" in name else load_private_key
    with contextlib.suppress(DecodeError, PassphraseError):
        loader(bytes(raw))


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(0, 1),
    fmt=st.sampled_from(["pkcs8", "pkcs1"]),
    pem_out=st.booleans(),
)
def test_private_round_trip(index: int, fmt: str, pem_out: bool) -> None:
    """to_pem/to_der then load gives the same key, for every format."""
    k = load_private_key(_read(["rsa2048-a.pem", "rsa3072.pem"][index]))
    data: bytes | str = k.to_pem(fmt) if pem_out else k.to_der(fmt)
    assert load_private_key(data) == k


@settings(max_examples=100, deadline=None)
@given(
    bits=st.integers(16, 4096),
    e=st.sampled_from([3, 17, 65537, 2**31 + 11]),
    fmt=st.sampled_from(["spki", "pkcs1"]),
    pem_out=st.booleans(),
)
def test_public_round_trip(bits: int, e: int, fmt: str, pem_out: bool) -> None:
    """Any valid (n, e) survives a PEM/DER round trip in both formats."""
    n = random.Random(bits).getrandbits(bits) | (1 << (bits - 1)) | 1
    if e >= n:
        return
    pub = RSAPublicKey(n=n, e=e)
    data: bytes | str = pub.to_pem(fmt) if pem_out else pub.to_der(fmt)
    assert load_public_key(data) == pub


# -- key files ------------------------------------------------------------------------------


def test_save_private_key_mode_0600(tmp_path: Path, key: RSAPrivateKey) -> None:
    """The key file is created with mode 0600 and holds the PEM."""
    path = tmp_path / "key.pem"
    old = os.umask(0)
    try:
        keys.save_private_key(path, key)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_private_key(path.read_bytes()) == key


def test_save_private_key_refuses_overwrite(tmp_path: Path, key: RSAPrivateKey) -> None:
    """An existing file is not overwritten unless asked."""
    path = tmp_path / "key.pem"
    path.write_text("keep me")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        keys.save_private_key(path, key)
    assert path.read_text() == "keep me"


def test_save_private_key_overwrite_replaces_with_0600(tmp_path: Path, key: RSAPrivateKey) -> None:
    """overwrite=True replaces a world-readable file with a 0600 one, leaving no temp files."""
    path = tmp_path / "key.pem"
    path.write_text("old")
    path.chmod(0o644)
    keys.save_private_key(path, key, passphrase="pw", overwrite=True, iterations=1000)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_private_key(path.read_bytes(), "pw") == key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.pem"]


def test_pkcs1_verify_with_salt_length_refused(key: RSAPrivateKey) -> None:
    """Passing PSS-only options to a PKCS#1 v1.5 verification is a ValidationError."""
    with pytest.raises(ValidationError, match="PSS only"):
        key.public_key().verify(key.sign(b"m"), b"m", salt_length=32)


def _spki(pkcs1: bytes, *, algorithm: bytes | None = None, unused: int = 0) -> bytes:
    alg = (
        der.sequence(der.oid("1.2.840.113549.1.1.1"), der.null())
        if algorithm is None
        else algorithm
    )
    return der.sequence(alg, der.tlv(der.BIT_STRING, bytes((unused,)) + pkcs1))


def test_spki_fast_path_equals_careful_path() -> None:
    """The lean SPKI parse gives the same key as the step-by-step walk."""
    data = (DATA / "rsa2048-a.pub.der").read_bytes()
    el = der.decode(data)
    fast = keys._rsa_spki_fast(el)
    careful = keys._pkcs1_public_key(der.decode(el[1].as_bit_string_bytes()), "x")
    assert fast == careful == RSAPublicKey.from_spki_element(el)
    assert fast is not None and fast.spki_der() == data and hash(fast) == hash(careful)


def _careful_key(spki: bytes) -> RSAPublicKey | None:
    """The key the careful walk finds in an SPKI, or None where it raises."""
    try:
        el = der.decode(spki)
        alg, bits = el.expect(der.SEQUENCE, "x").expect_children("x", 2)
        keys._check_rsa_algorithm(alg, "x")
        inner = der.decode(bits.expect(der.BIT_STRING, "x").as_bit_string_bytes("x"))
        return keys._pkcs1_public_key(inner, "x")
    except DecodeError:
        return None


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([2**64 + 13, 2**127 - 1, 2**1023 + 5, 2**2047 + 9, 2**4095 + 3]),
    st.sampled_from([3, 65537, 2**31 - 1]),
    st.data(),
)
def test_spki_fast_path_agrees_with_careful_path(
    mutate: Callable[..., bytes], n: int, e: int, data: st.DataObject
) -> None:
    """On any (mutated) RSA SPKI, the in-place fast path gives the careful walk's key or None."""
    spki = _spki(der.sequence(der.integer(n), der.integer(e)))
    # Mutate the BIT STRING contents (past the AlgorithmIdentifier) most of the time.
    buf = mutate(data, spki, rounds=(0, 3), start=17)
    try:
        el = der.decode(buf)
    except DecodeError:
        return
    fast = keys._rsa_spki_fast(el)
    if fast is not None:
        assert fast == _careful_key(buf)
    if buf == spki:
        assert fast == RSAPublicKey(n=n, e=e)


@pytest.mark.parametrize(
    ("spki", "message"),
    [
        (_spki(der.sequence(der.integer(2**64), der.integer(3))), r"modulus must be odd"),
        (_spki(der.sequence(der.integer(2**64 + 1), der.integer(1))), r"exponent must be odd"),
        (
            _spki(der.sequence(der.integer(15), der.integer(15))),
            r"exponent must be odd, >= 3 and < n",
        ),
        (_spki(der.sequence(der.integer(2**64 + 1), der.integer(4))), r"exponent must be odd"),
        (_spki(der.sequence(der.integer(2**64 + 1))), r"expected 2 elements, found 1"),
        (_spki(der.sequence(der.integer(2**64 + 1), der.null())), r"publicExponent: expected INT"),
        (_spki(der.sequence(der.integer(2**64 + 1), der.integer(3)) + b"\x00"), r"trailing"),
        (_spki(der.integer(2**64 + 1)), r"subjectPublicKey: expected SEQUENCE, found INTEGER"),
        (_spki(b"\x30\x81\x05" + b"\x02\x01\x03" * 2), r"non-minimal length"),
        (_spki(b"\x30\x07\x02\x02\x00\x05\x02\x01\x03"), r"non-minimal INTEGER"),
        (_spki(der.sequence(der.integer(2**64 + 1), der.integer(2)), unused=1), r"unused bits"),
        (_spki(b"", unused=0), r"empty input"),
        (
            _spki(
                der.sequence(der.integer(9), der.integer(3)),
                algorithm=der.sequence(der.oid("1.2.840.113549.1.1.1")),
            ),
            r"parameters must be NULL, found none",
        ),
        (
            _spki(
                der.sequence(der.integer(9), der.integer(3)),
                algorithm=der.sequence(der.oid("1.2.840.10045.2.1"), der.null()),
            ),
            r"expected rsaEncryption",
        ),
    ],
)
def test_spki_fast_path_refuses_what_the_careful_path_refuses(spki: bytes, message: str) -> None:
    """Any SPKI the careful walk rejects is a DecodeError naming the field, never a key."""
    el = der.decode(spki)
    assert keys._rsa_spki_fast(el) is None
    with pytest.raises(DecodeError, match=r"^subjectPublicKeyInfo.*" + message):
        RSAPublicKey.from_spki_element(el)
