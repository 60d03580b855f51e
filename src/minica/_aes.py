"""AES block cipher (FIPS-197) and CBC mode with PKCS#7 padding (SP 800-38A, RFC 5652 6.3).

Pure Python, table driven: four 256-entry T-tables per direction fold SubBytes, ShiftRows and
MixColumns into one look-up per state byte, and decryption uses the "equivalent inverse cipher"
(FIPS-197 5.3.5) so it runs as fast as encryption. This module is for decrypting and encrypting
small things (PKCS#8 keys, PKCS#12 bags); it is not constant time and makes no claim to resist
cache-timing attacks, which do not apply to minica's offline use.
"""

from __future__ import annotations

import struct

from minica.errors import DecodeError, ValidationError

__all__ = [
    "AES",
    "BLOCK_SIZE",
    "cbc_decrypt",
    "cbc_encrypt",
    "decrypt_block",
    "encrypt_block",
]

BLOCK_SIZE = 16
_ROUNDS = {16: 10, 24: 12, 32: 14}
_KEY_BITS = {10: 128, 12: 192, 14: 256}


def _xtime(a: int) -> int:
    """Multiply by x in GF(2^8) mod x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2.1)."""
    a <<= 1
    return a ^ 0x11B if a & 0x100 else a


def _gmul(a: int, b: int) -> int:
    """Multiply two GF(2^8) elements (FIPS-197 4.2)."""
    r = 0
    while b:
        if b & 1:
            r ^= a
        a = _xtime(a)
        b >>= 1
    return r


def _make_sbox() -> tuple[list[int], list[int]]:
    """S-box from its definition (FIPS-197 5.1.1): inverse in GF(2^8), then the affine map."""
    sbox = [0] * 256
    inv = [0] * 256
    # Walk the multiplicative group with generator 3: p = 3^i, q = 3^-i, so p * q = 1.
    p = q = 1
    while True:
        p ^= _xtime(p)  # p *= 3
        q ^= q << 1  # q /= 3, i.e. q *= 0xf6
        q ^= q << 2
        q ^= q << 4
        q &= 0xFF
        if q & 0x80:
            q ^= 0x09
        x = q ^ (q << 1) ^ (q << 2) ^ (q << 3) ^ (q << 4)
        x = (x ^ (x >> 8) ^ 0x63) & 0xFF
        sbox[p] = x
        if p == 1:
            break
    sbox[0] = 0x63
    for i, s in enumerate(sbox):
        inv[s] = i
    return sbox, inv


def _ror8(w: int) -> int:
    return ((w >> 8) | (w << 24)) & 0xFFFFFFFF


def _make_tables(
    box: list[int], coeffs: tuple[int, int, int, int]
) -> tuple[list[int], list[int], list[int], list[int]]:
    """T-tables: column ``coeffs * box[x]`` as a big-endian word and its byte rotations."""
    t0 = []
    for x in range(256):
        s = box[x]
        c0, c1, c2, c3 = coeffs
        t0.append((_gmul(s, c0) << 24) | (_gmul(s, c1) << 16) | (_gmul(s, c2) << 8) | _gmul(s, c3))
    t1 = [_ror8(w) for w in t0]
    t2 = [_ror8(w) for w in t1]
    t3 = [_ror8(w) for w in t2]
    return t0, t1, t2, t3


_SBOX, _INV_SBOX = _make_sbox()
# MixColumns matrix columns (02 01 01 03) and InvMixColumns (0e 09 0d 0b), FIPS-197 5.1.3/5.3.3.
_TE0, _TE1, _TE2, _TE3 = _make_tables(_SBOX, (2, 1, 1, 3))
_TD0, _TD1, _TD2, _TD3 = _make_tables(_INV_SBOX, (14, 9, 13, 11))
# The last round has no MixColumns: pre-shifted S-boxes save a shift per byte.
_S24 = [s << 24 for s in _SBOX]
_S16 = [s << 16 for s in _SBOX]
_S8 = [s << 8 for s in _SBOX]
_IS24 = [s << 24 for s in _INV_SBOX]
_IS16 = [s << 16 for s in _INV_SBOX]
_IS8 = [s << 8 for s in _INV_SBOX]
_RCON = (0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36)


def _check_bytes(what: str, value: object) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"{what} must be bytes, not {type(value).__name__}")
    return bytes(value)


class AES:
    """An expanded AES-128/192/256 key (FIPS-197 5.2) that encrypts and decrypts 16-byte blocks."""

    __slots__ = ("_dk", "_ek", "rounds")

    def __init__(self, key: bytes) -> None:
        key = _check_bytes("AES key", key)
        nk = len(key) // 4
        rounds = _ROUNDS.get(len(key))
        if rounds is None:
            raise ValidationError(f"AES key: length {len(key)} is not 16, 24 or 32 bytes")
        self.rounds = rounds
        # KeyExpansion, FIPS-197 5.2.
        w = list(struct.unpack(f">{nk}I", key))
        sbox = _SBOX
        for i in range(nk, 4 * (rounds + 1)):
            t = w[i - 1]
            if i % nk == 0:
                t = (
                    (sbox[(t >> 16) & 0xFF] << 24)
                    | (sbox[(t >> 8) & 0xFF] << 16)
                    | (sbox[t & 0xFF] << 8)
                    | sbox[t >> 24]
                ) ^ (_RCON[i // nk - 1] << 24)
            elif nk > 6 and i % nk == 4:
                t = (
                    (sbox[t >> 24] << 24)
                    | (sbox[(t >> 16) & 0xFF] << 16)
                    | (sbox[(t >> 8) & 0xFF] << 8)
                    | sbox[t & 0xFF]
                )
            w.append(w[i - nk] ^ t)
        self._ek = w
        # Equivalent inverse cipher (FIPS-197 5.3.5): round keys in reverse order, and
        # InvMixColumns applied to all but the first and last. Td[S[b]] is InvMixColumns of b's
        # column contribution because Td folds in InvSubBytes, which S undoes.
        dk: list[int] = []
        for r in range(rounds, -1, -1):
            dk.extend(w[4 * r : 4 * r + 4])
        td0, td1, td2, td3 = _TD0, _TD1, _TD2, _TD3
        for i in range(4, 4 * rounds):
            t = dk[i]
            dk[i] = (
                td0[sbox[t >> 24]]
                ^ td1[sbox[(t >> 16) & 0xFF]]
                ^ td2[sbox[(t >> 8) & 0xFF]]
                ^ td3[sbox[t & 0xFF]]
            )
        self._dk = dk

    def __repr__(self) -> str:
        return f"<AES-{_KEY_BITS[self.rounds]}>"

    def _encrypt_words(self, s0: int, s1: int, s2: int, s3: int) -> tuple[int, int, int, int]:
        """Cipher (FIPS-197 5.1) on the state as four big-endian column words."""
        te0, te1, te2, te3 = _TE0, _TE1, _TE2, _TE3
        rk = self._ek
        s0 ^= rk[0]
        s1 ^= rk[1]
        s2 ^= rk[2]
        s3 ^= rk[3]
        k = 4
        for _ in range(self.rounds - 1):
            t0 = te0[s0 >> 24] ^ te1[(s1 >> 16) & 255] ^ te2[(s2 >> 8) & 255] ^ te3[s3 & 255]
            t1 = te0[s1 >> 24] ^ te1[(s2 >> 16) & 255] ^ te2[(s3 >> 8) & 255] ^ te3[s0 & 255]
            t2 = te0[s2 >> 24] ^ te1[(s3 >> 16) & 255] ^ te2[(s0 >> 8) & 255] ^ te3[s1 & 255]
            t3 = te0[s3 >> 24] ^ te1[(s0 >> 16) & 255] ^ te2[(s1 >> 8) & 255] ^ te3[s2 & 255]
            s0 = t0 ^ rk[k]
            s1 = t1 ^ rk[k + 1]
            s2 = t2 ^ rk[k + 2]
            s3 = t3 ^ rk[k + 3]
            k += 4
        a, b, c, d = _S24, _S16, _S8, _SBOX
        return (
            (a[s0 >> 24] | b[(s1 >> 16) & 255] | c[(s2 >> 8) & 255] | d[s3 & 255]) ^ rk[k],
            (a[s1 >> 24] | b[(s2 >> 16) & 255] | c[(s3 >> 8) & 255] | d[s0 & 255]) ^ rk[k + 1],
            (a[s2 >> 24] | b[(s3 >> 16) & 255] | c[(s0 >> 8) & 255] | d[s1 & 255]) ^ rk[k + 2],
            (a[s3 >> 24] | b[(s0 >> 16) & 255] | c[(s1 >> 8) & 255] | d[s2 & 255]) ^ rk[k + 3],
        )

    def _decrypt_words(self, s0: int, s1: int, s2: int, s3: int) -> tuple[int, int, int, int]:
        """Equivalent inverse cipher (FIPS-197 5.3.5) on four big-endian column words."""
        td0, td1, td2, td3 = _TD0, _TD1, _TD2, _TD3
        rk = self._dk
        s0 ^= rk[0]
        s1 ^= rk[1]
        s2 ^= rk[2]
        s3 ^= rk[3]
        k = 4
        for _ in range(self.rounds - 1):
            t0 = td0[s0 >> 24] ^ td1[(s3 >> 16) & 255] ^ td2[(s2 >> 8) & 255] ^ td3[s1 & 255]
            t1 = td0[s1 >> 24] ^ td1[(s0 >> 16) & 255] ^ td2[(s3 >> 8) & 255] ^ td3[s2 & 255]
            t2 = td0[s2 >> 24] ^ td1[(s1 >> 16) & 255] ^ td2[(s0 >> 8) & 255] ^ td3[s3 & 255]
            t3 = td0[s3 >> 24] ^ td1[(s2 >> 16) & 255] ^ td2[(s1 >> 8) & 255] ^ td3[s0 & 255]
            s0 = t0 ^ rk[k]
            s1 = t1 ^ rk[k + 1]
            s2 = t2 ^ rk[k + 2]
            s3 = t3 ^ rk[k + 3]
            k += 4
        a, b, c, d = _IS24, _IS16, _IS8, _INV_SBOX
        return (
            (a[s0 >> 24] | b[(s3 >> 16) & 255] | c[(s2 >> 8) & 255] | d[s1 & 255]) ^ rk[k],
            (a[s1 >> 24] | b[(s0 >> 16) & 255] | c[(s3 >> 8) & 255] | d[s2 & 255]) ^ rk[k + 1],
            (a[s2 >> 24] | b[(s1 >> 16) & 255] | c[(s0 >> 8) & 255] | d[s3 & 255]) ^ rk[k + 2],
            (a[s3 >> 24] | b[(s2 >> 16) & 255] | c[(s1 >> 8) & 255] | d[s0 & 255]) ^ rk[k + 3],
        )

    def encrypt_block(self, block: bytes) -> bytes:
        """Encrypt one 16-byte block (FIPS-197 5.1)."""
        block = _check_block(block)
        return struct.pack(">4I", *self._encrypt_words(*struct.unpack(">4I", block)))

    def decrypt_block(self, block: bytes) -> bytes:
        """Decrypt one 16-byte block (FIPS-197 5.3)."""
        block = _check_block(block)
        return struct.pack(">4I", *self._decrypt_words(*struct.unpack(">4I", block)))


def _check_block(block: object) -> bytes:
    data = _check_bytes("AES block", block)
    if len(data) != BLOCK_SIZE:
        raise ValidationError(f"AES block: length {len(data)} is not 16 bytes")
    return data


def _check_iv(iv: object) -> bytes:
    data = _check_bytes("AES-CBC IV", iv)
    if len(data) != BLOCK_SIZE:
        raise ValidationError(f"AES-CBC IV: length {len(data)} is not 16 bytes")
    return data


def encrypt_block(key: bytes, block: bytes) -> bytes:
    """Encrypt one 16-byte block under a 16/24/32-byte key (FIPS-197 5.1)."""
    return AES(key).encrypt_block(block)


def decrypt_block(key: bytes, block: bytes) -> bytes:
    """Decrypt one 16-byte block under a 16/24/32-byte key (FIPS-197 5.3)."""
    return AES(key).decrypt_block(block)


def cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes, *, padding: bool = True) -> bytes:
    """AES-CBC encryption (SP 800-38A 6.2) of PKCS#7-padded plaintext (RFC 5652 6.3).

    With ``padding=False`` the plaintext must already be whole blocks (for test vectors).
    """
    cipher = AES(key)
    iv = _check_iv(iv)
    data = _check_bytes("AES-CBC plaintext", plaintext)
    if padding:
        pad = BLOCK_SIZE - len(data) % BLOCK_SIZE
        data += bytes((pad,)) * pad
    elif len(data) % BLOCK_SIZE:
        raise ValidationError(
            f"AES-CBC plaintext: length {len(data)} is not a multiple of 16 and padding is off"
        )
    words = struct.unpack(f">{len(data) // 4}I", data)
    out: list[int] = []
    c0, c1, c2, c3 = struct.unpack(">4I", iv)
    encrypt = cipher._encrypt_words
    for i in range(0, len(words), 4):
        c0, c1, c2, c3 = encrypt(
            words[i] ^ c0, words[i + 1] ^ c1, words[i + 2] ^ c2, words[i + 3] ^ c3
        )
        out += (c0, c1, c2, c3)
    return struct.pack(f">{len(out)}I", *out)


def cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes, *, padding: bool = True) -> bytes:
    """AES-CBC decryption (SP 800-38A 6.2), removing PKCS#7 padding (RFC 5652 6.3).

    With ``padding=False`` the decrypted blocks are returned as they are.

    Raises:
        DecodeError: the ciphertext is not whole blocks or the padding is bad, which for
            password-based encryption almost always means a wrong passphrase.
    """
    cipher = AES(key)
    iv = _check_iv(iv)
    data = _check_bytes("AES-CBC ciphertext", ciphertext)
    if (padding and not data) or len(data) % BLOCK_SIZE:
        raise DecodeError(
            f"AES-CBC: ciphertext length {len(data)} is not a positive multiple of 16"
        )
    words = struct.unpack(f">{len(data) // 4}I", data)
    out: list[int] = []
    p0, p1, p2, p3 = struct.unpack(">4I", iv)
    decrypt = cipher._decrypt_words
    for i in range(0, len(words), 4):
        c0, c1, c2, c3 = words[i : i + 4]
        d0, d1, d2, d3 = decrypt(c0, c1, c2, c3)
        out += (d0 ^ p0, d1 ^ p1, d2 ^ p2, d3 ^ p3)
        p0, p1, p2, p3 = c0, c1, c2, c3
    plain = struct.pack(f">{len(out)}I", *out)
    if not padding:
        return plain
    pad = plain[-1]
    if not 1 <= pad <= BLOCK_SIZE or plain[-pad:] != bytes((pad,)) * pad:
        raise DecodeError("AES-CBC: bad padding")
    return plain[:-pad]
