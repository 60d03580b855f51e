"""Tests for minica._aes: FIPS-197 and SP 800-38A vectors, round trips, openssl as an oracle."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minica import _aes
from minica.errors import DecodeError, ValidationError

# FIPS-197 Appendix C: (key, ciphertext) for plaintext 00112233445566778899aabbccddeeff.
FIPS197_PLAINTEXT = bytes.fromhex("00112233445566778899aabbccddeeff")
FIPS197_VECTORS = [
    ("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"),
    ("000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"),
    (
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "8ea2b7ca516745bfeafc49904b496089",
    ),
]

# NIST SP 800-38A Appendix F.2.1-F.2.6: CBC-AES128/192/256 (no padding).
SP800_38A_IV = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
SP800_38A_PLAINTEXT = bytes.fromhex(
    "6bc1bee22e409f96e93d7e117393172a"
    "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef"
    "f69f2445df4f9b17ad2b417be66c3710"
)
SP800_38A_VECTORS = [
    (
        "2b7e151628aed2a6abf7158809cf4f3c",
        "7649abac8119b246cee98e9b12e9197d"
        "5086cb9b507219ee95db113a917678b2"
        "73bed6b8e3c1743b7116e69e22229516"
        "3ff1caa1681fac09120eca307586e1a7",
    ),
    (
        "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
        "4f021db243bc633d7178183a9fa071e8"
        "b4d9ada9ad7dedf4e5e738763f69145a"
        "571b242012fb7ae07fa9baac3df102e0"
        "08b0e27988598881d920a9e64f5615cd",
    ),
    (
        "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
        "f58c4c04d6e5f1ba779eabfb5f7bfbd6"
        "9cfc4e967edb808d679f777bc6702c7d"
        "39f23369a9d9bacfa530e26304231461"
        "b2eb05e2c39be9fcda6c19078c6a9d1b",
    ),
]

keys = st.sampled_from([16, 24, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))
ivs = st.binary(min_size=16, max_size=16)
blocks = st.binary(min_size=16, max_size=16)


@pytest.mark.parametrize(("key", "expected"), FIPS197_VECTORS)
def test_fips197_encrypt_block(key: str, expected: str) -> None:
    """FIPS-197 Appendix C example vectors encrypt to the published ciphertext."""
    assert _aes.encrypt_block(bytes.fromhex(key), FIPS197_PLAINTEXT).hex() == expected


@pytest.mark.parametrize(("key", "expected"), FIPS197_VECTORS)
def test_fips197_decrypt_block(key: str, expected: str) -> None:
    """FIPS-197 Appendix C ciphertexts decrypt to the published plaintext."""
    assert _aes.decrypt_block(bytes.fromhex(key), bytes.fromhex(expected)) == FIPS197_PLAINTEXT


@pytest.mark.parametrize(("key", "expected"), SP800_38A_VECTORS)
def test_sp800_38a_cbc_encrypt(key: str, expected: str) -> None:
    """SP 800-38A F.2 CBC vectors encrypt to the published ciphertext."""
    out = _aes.cbc_encrypt(bytes.fromhex(key), SP800_38A_IV, SP800_38A_PLAINTEXT, padding=False)
    assert out.hex() == expected


@pytest.mark.parametrize(("key", "expected"), SP800_38A_VECTORS)
def test_sp800_38a_cbc_decrypt(key: str, expected: str) -> None:
    """SP 800-38A F.2 CBC ciphertexts decrypt to the published plaintext."""
    out = _aes.cbc_decrypt(bytes.fromhex(key), SP800_38A_IV, bytes.fromhex(expected), padding=False)
    assert out == SP800_38A_PLAINTEXT


@pytest.mark.parametrize(("key", "expected"), SP800_38A_VECTORS)
def test_padded_cbc_prefix_matches_sp800_38a(key: str, expected: str) -> None:
    """With padding, the first four blocks are the SP 800-38A ones plus one full padding block."""
    out = _aes.cbc_encrypt(bytes.fromhex(key), SP800_38A_IV, SP800_38A_PLAINTEXT)
    assert out[:64].hex() == expected
    assert len(out) == 80
    assert _aes.cbc_decrypt(bytes.fromhex(key), SP800_38A_IV, out) == SP800_38A_PLAINTEXT


@settings(max_examples=150)
@given(key=keys, block=blocks)
def test_block_round_trip(key: bytes, block: bytes) -> None:
    """decrypt_block inverts encrypt_block for every key size."""
    cipher = _aes.AES(key)
    assert cipher.decrypt_block(cipher.encrypt_block(block)) == block


@settings(max_examples=150)
@given(key=keys, iv=ivs, plaintext=st.binary(max_size=200))
def test_cbc_round_trip(key: bytes, iv: bytes, plaintext: bytes) -> None:
    """cbc_decrypt inverts cbc_encrypt, and the ciphertext is padded to the next whole block."""
    ciphertext = _aes.cbc_encrypt(key, iv, plaintext)
    assert len(ciphertext) == (len(plaintext) // 16 + 1) * 16
    assert _aes.cbc_decrypt(key, iv, ciphertext) == plaintext


@settings(max_examples=8, deadline=None)
@given(key=keys, iv=ivs, plaintext=st.binary(max_size=100))
def test_cbc_matches_openssl_enc(key: bytes, iv: bytes, plaintext: bytes) -> None:
    """Padded AES-CBC ciphertext equals `openssl enc -aes-N-cbc -K -iv` for the same input."""
    cipher = f"-aes-{len(key) * 8}-cbc"
    result = subprocess.run(
        ["openssl", "enc", cipher, "-K", key.hex(), "-iv", iv.hex()],
        input=plaintext,
        capture_output=True,
        check=True,
    )
    assert _aes.cbc_encrypt(key, iv, plaintext) == result.stdout
    assert _aes.cbc_decrypt(key, iv, result.stdout) == plaintext


@settings(max_examples=200)
@given(key=keys, iv=ivs, ciphertext=st.binary(max_size=80))
def test_cbc_decrypt_garbage_raises_only_decode_error(
    key: bytes, iv: bytes, ciphertext: bytes
) -> None:
    """Arbitrary ciphertext either decrypts or raises DecodeError, nothing else."""
    try:
        plain = _aes.cbc_decrypt(key, iv, ciphertext)
    except DecodeError:
        return
    assert len(plain) < len(ciphertext)


@pytest.mark.parametrize(
    "last_block",
    [
        bytes(15) + b"\x00",  # pad byte 0
        bytes(15) + b"\x11",  # pad byte 17 > block size
        bytes(13) + b"\x01\x03\x03",  # pad bytes disagree
    ],
)
def test_cbc_decrypt_bad_padding(last_block: bytes) -> None:
    """Bad PKCS#7 padding raises DecodeError naming the padding."""
    key, iv = bytes(range(32)), bytes(16)
    ciphertext = _aes.cbc_encrypt(key, iv, last_block, padding=False)
    with pytest.raises(DecodeError, match="AES-CBC: bad padding"):
        _aes.cbc_decrypt(key, iv, ciphertext)


@pytest.mark.parametrize("length", [0, 15, 17])
def test_cbc_decrypt_partial_block(length: int) -> None:
    """Ciphertext that is empty or not whole blocks raises DecodeError."""
    with pytest.raises(DecodeError, match="not a positive multiple of 16"):
        _aes.cbc_decrypt(bytes(16), bytes(16), bytes(length))


@pytest.mark.parametrize("length", [0, 15, 17, 31, 33, 64])
def test_bad_key_length(length: int) -> None:
    """Keys that are not 16, 24 or 32 bytes raise ValidationError."""
    with pytest.raises(ValidationError, match=f"AES key: length {length}"):
        _aes.AES(bytes(length))


@pytest.mark.parametrize("length", [0, 8, 15, 17, 32])
def test_bad_iv_length(length: int) -> None:
    """IVs that are not 16 bytes raise ValidationError in both directions."""
    with pytest.raises(ValidationError, match="IV: length"):
        _aes.cbc_encrypt(bytes(16), bytes(length), b"x")
    with pytest.raises(ValidationError, match="IV: length"):
        _aes.cbc_decrypt(bytes(16), bytes(length), bytes(16))


@pytest.mark.parametrize("length", [0, 15, 17])
def test_bad_block_length(length: int) -> None:
    """encrypt_block and decrypt_block take exactly 16 bytes."""
    cipher = _aes.AES(bytes(16))
    with pytest.raises(ValidationError, match="block: length"):
        cipher.encrypt_block(bytes(length))
    with pytest.raises(ValidationError, match="block: length"):
        cipher.decrypt_block(bytes(length))


def test_unpadded_encrypt_needs_whole_blocks() -> None:
    """padding=False refuses plaintext that is not whole blocks."""
    with pytest.raises(ValidationError, match="padding is off"):
        _aes.cbc_encrypt(bytes(16), bytes(16), b"abc", padding=False)


def test_str_key_is_type_error() -> None:
    """A str where bytes belong is a programmer error: TypeError."""
    with pytest.raises(TypeError, match="AES key must be bytes"):
        _aes.AES("0" * 16)  # type: ignore[arg-type]


def test_repr_names_key_size_only() -> None:
    """The repr shows the key size and no key material."""
    assert repr(_aes.AES(bytes(range(24)))) == "<AES-192>"
